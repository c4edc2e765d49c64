"""The answers to a WhatsApp Flow (a form the business sent: "name: value" lines): a person reads them and takes the
conversation from there, as for any handoff. A flow under way may read a form's fields first (it is resumed before
any kind is routed)."""

from __future__ import annotations

from parley.channels.model import MessageKind
from parley.dialogue.flow import Ask, Flow, FlowStep, register


@register
class FormAnswers(Flow):
    name = "form"
    kinds = frozenset({MessageKind.FORM})
    reported = False  # a handoff, counted as one

    def start(self, ask: Ask) -> FlowStep:
        return FlowStep("", handoff="form")
