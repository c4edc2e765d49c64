"""Hello, thanks and goodbye: answered in kind, by name when the customer is on file. As a conversation's first
message, the engine's welcome is the whole answer."""

from __future__ import annotations

from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.nlu.intents import Intent


@register
class SmallTalk(Flow):
    name = "small_talk"
    intents = (Intent.GREETING, Intent.THANKS, Intent.GOODBYE)
    reported = False  # an answer of one message

    def start(self, ask: Ask) -> FlowStep:
        catalog, customer = ask.catalog, ask.customer
        if ask.first_message:
            return FlowStep("")  # "ok", "thanks" or "hi" as a first message: the welcome answers it
        if ask.intent is Intent.THANKS:
            return FlowStep(catalog.render("thanks"))
        if ask.intent is Intent.GOODBYE:
            return FlowStep(catalog.render("goodbye"))
        if customer and customer.name:
            return FlowStep(catalog.render("greeting", name=customer.name.split()[0]))
        return FlowStep(catalog.render("greeting_anonymous"))
