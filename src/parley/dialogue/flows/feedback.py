"""Praise, a suggestion, a review: thanks in the customer's language, and the feedback counted for analytics (the
flow's completion is its event; the words stay in the conversation's log, never in an event). No ticket, no person and
no rating question: thanks for feedback is no service to rate."""

from __future__ import annotations

from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.nlu.intents import Intent


@register
class Feedback(Flow):
    name = "feedback"
    intents = (Intent.FEEDBACK,)
    rating_after = False

    def start(self, ask: Ask) -> FlowStep:
        return FlowStep(ask.catalog.render("feedback.thanks"), completed=True)
