"""A cart sent from the WhatsApp catalog: a person confirms stock, delivery and payment with the customer."""

from __future__ import annotations

from parley.channels.model import MessageKind
from parley.dialogue.flow import Ask, Flow, FlowStep, register


@register
class CatalogOrder(Flow):
    name = "catalog_order"
    kinds = frozenset({MessageKind.ORDER})
    reported = False  # a handoff, counted as one

    def start(self, ask: Ask) -> FlowStep:
        return FlowStep("", handoff="catalog_order")
