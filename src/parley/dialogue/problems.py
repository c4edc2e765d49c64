"""Damaged, wrong and missing items, read from the customer's words (each catalog's "damaged_item", "wrong_item" and
"missing_item" lists). Such words settle what a message asks for: "my headphones arrived damaged, the left side
doesn't work" asks for a return, not for troubleshooting, whatever the intent model makes of the rest of it."""

from __future__ import annotations

from parley.dialogue.wording import mentions, without
from parley.domain.records import ItemProblem
from parley.i18n import Catalog
from parley.nlu.intents import Intent

# What the intent model may make of a description of what is wrong with an item: troubleshooting ("the left side
# doesn't work"), the product, the order's status, a complaint, nothing. Words of a problem with an item received
# take precedence over these; never over a request of another kind (cancel, change, a person, an invoice…).
YIELDS_TO_PROBLEM = frozenset(
    {Intent.TECH_SUPPORT, Intent.PRODUCT_INFO, Intent.ORDER_STATUS, Intent.COMPLAINT, Intent.OUT_OF_SCOPE}
)
# Missing first (nothing can be sent back), then a wrong item, then damage: "the box was crushed and the charger is
# missing" is about the charger.
_PRECEDENCE = (ItemProblem.MISSING, ItemProblem.WRONG, ItemProblem.DAMAGED)


def reported_problem(catalog: Catalog, *texts: str) -> ItemProblem | None:
    """The problem with an item received that the words report, if any (`texts`: the message, and its English
    translation when it has one)."""
    # "cuánto falta para que llegue", "quanto manca alla consegna": time left, not a missing item.
    texts = tuple(without(text, catalog, "time_left") for text in texts if text)
    for problem in _PRECEDENCE:
        if any(text and mentions(text, catalog, problem.value) for text in texts):
            return problem
    return None


def settled_intent(
    intent: Intent, catalog: Catalog, *texts: str, unsure: tuple[Intent, Intent] | None = None
) -> Intent | None:
    """A return when the words report a problem with an item received and the intent model named something the
    problem comes first over, or was unsure between a return and something else (`unsure`: its two likeliest); None
    when the words settle nothing."""
    yields = intent in YIELDS_TO_PROBLEM or (unsure is not None and Intent.RETURN_REFUND in unsure)
    return Intent.RETURN_REFUND if yields and reported_problem(catalog, *texts) is not None else None
