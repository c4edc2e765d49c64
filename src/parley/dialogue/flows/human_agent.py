"""Asking for a person, in so many words or by having had enough of the bot: a person takes the conversation over
(the engine tells the customer, and when the office is closed, when someone will answer)."""

from __future__ import annotations

from parley.dialogue.answers import frustrated
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.nlu.intents import Intent


@register
class HumanAgent(Flow):
    name = "human_agent"
    intents = (Intent.HUMAN_AGENT,)
    reported = False  # a handoff, counted as one

    def claims(self, ask: Ask) -> bool:
        # Before anything else the words may ask for: a customer who has had enough wants a person.
        return ask.intent is Intent.HUMAN_AGENT or self._fed_up(ask)

    def start(self, ask: Ask) -> FlowStep:
        if ask.intent is not Intent.HUMAN_AGENT and self._fed_up(ask):
            return FlowStep(ask.catalog.render("handoff.frustrated"), handoff="frustrated")
        return FlowStep("", handoff="asked")

    @staticmethod
    def _fed_up(ask: Ask) -> bool:
        return frustrated(ask.text, ask.catalog) or frustrated(ask.message.text, ask.catalog)
