"""The rating question the engine asks after a flow that clearly resolved the request: 1-5 stars as buttons, at most
once a day per conversation. Its answers are read by the satisfaction flow (flows/satisfaction.py).

When it is asked (dialogue.composing, dialogue.routing): the flow's step says the request is resolved (`completed`),
the flow allows it (`rating_after`: not after a complaint, feedback, an opt-out or a question Parley cannot answer
yet), the request was understood surely, nothing is left to do (no choice, link or question open), and no person
takes over. Never after the fallback or a misunderstanding, whose steps resolve nothing."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.flow import FlowStep
from parley.i18n import Catalog

FLOW = "csat"
RATING = "rating"
RATING_PAYLOAD = "rating:"
SCALE = range(1, 6)
# Asked at most this often in one conversation: a customer who does three things is not asked three times.
ASK_EVERY_SECONDS = 24 * 3600
# A request understood with less confidence than this is answered, but not rated: the answer may not be to what the
# customer asked (calibrated probabilities; a tapped choice is sure).
SURE_TO_RATE = 0.8


def rating_choices() -> tuple[Choice, ...]:
    # Best first: on a phone the top of the list is the easiest to reach, and the stars read in every language.
    return tuple(Choice(f"{RATING_PAYLOAD}{n}", "⭐" * n, verbatim=True) for n in reversed(SCALE))


def ask_rating(catalog: Catalog) -> FlowStep:
    return FlowStep(
        catalog.render("csat.ask"),
        choices=rating_choices(),
        flow=FLOW,
        step=RATING,
        menu_label=catalog.render("menu.rating"),
    )
