"""The rating question the engine asks after a flow that got the customer what they came for: 1-5 stars as buttons,
at most once a day per conversation. Its answers are read by the satisfaction flow (flows/satisfaction.py)."""

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
