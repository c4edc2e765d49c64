"""Asking for a person in so many words: a person takes the conversation over (the engine tells the customer, and when
the office is closed, when). Asked for by a customer who is also very unhappy ("I want a person, this is useless"),
it comes with an apology and reaches the person as a complaint. Unhappy words alone are a complaint
(flows/complaint.py)."""

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
        # Before anything else the words may ask for: "a person, about my order ORD-1" wants the person.
        return ask.intent is Intent.HUMAN_AGENT

    def start(self, ask: Ask) -> FlowStep:
        if frustrated(ask.message.text, ask.catalog) or frustrated(ask.text, ask.catalog):
            about = ask.order_id or ask.last_order_id
            # The complaint flow's reason: the person reads it as a complaint, with the order it is about.
            return FlowStep(ask.catalog.render("handoff.frustrated"), handoff="complaint", handoff_order=about)
        return FlowStep("", handoff="asked")
