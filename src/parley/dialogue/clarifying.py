"""Asking rather than guessing: "Which of these do you mean?" with the two likeliest requests as buttons, when the
intent model is too unsure to pick one (nlu.ambiguity decides when). A tap is an "intent:<intent>" payload, which
dialogue.reading reads as that request with full confidence; the order number the message named stays the
conversation's order, so the request tapped is about it."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.flow import FlowStep
from parley.dialogue.reading import INTENT_PAYLOAD
from parley.i18n import Catalog
from parley.nlu.intents import Intent

# Catalog keys: the question, and each request's button title ("request.order_status": "Where my order is").
QUESTION = "request.which"
TITLE = "request.{intent}"


def request_title(catalog: Catalog, intent: Intent) -> str:
    """A request as a button names it, in the customer's language."""
    return catalog.render(TITLE.format(intent=intent.value))


def which_request(catalog: Catalog, likeliest: tuple[Intent, ...], order_id: str | None) -> FlowStep:
    """The question, each request a button; nothing is under way until one is tapped (or something else written)."""
    choices = tuple(Choice(f"{INTENT_PAYLOAD}{intent.value}", request_title(catalog, intent)) for intent in likeliest)
    return FlowStep(catalog.render(QUESTION), choices=choices, order_id=order_id)
