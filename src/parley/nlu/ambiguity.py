"""When the intent model is unsure between two requests, Parley asks which one is meant instead of guessing (a wrong
guess answers what nobody asked, and after a yes may change the wrong thing) or saying it did not understand.

It asks when the likeliest intent's calibrated probability is below CLARIFY_FLOOR and the two likeliest are both
requests Parley acts on (ACTIONABLE): "hello or out of scope?" is no question to ask a customer. CLARIFY_FLOOR was
chosen on bench/data/realistic/<lang>-dev.jsonl, never the test sets (README, "Asking rather than guessing"): the
floor at which the question replaces the most wrong first guesses less the right ones it delays (ties to the lower
floor, which asks less often). On the 840 dev messages it fires on 26, where the first guess was wrong 18 times.
"""

from __future__ import annotations

from collections.abc import Mapping

from parley.nlu.intents import ACTIONABLE, Intent

CLARIFY_FLOOR = 0.55


def two_likeliest(
    probabilities: Mapping[str, float], *, names_order: bool = False, floor: float = CLARIFY_FLOOR
) -> tuple[Intent, Intent] | None:
    """The two likeliest requests, likeliest first, when the model is too unsure to pick one and both are requests
    Parley acts on; None when it is sure enough (or one of them is small talk or out of scope). `names_order`: the
    message names an order number, and one that may be about that order's status is (no question asked)."""
    ranked = sorted(probabilities.items(), key=lambda item: item[1], reverse=True)[:2]
    if len(ranked) < 2 or ranked[0][1] >= floor:
        return None
    known = {intent.value for intent in Intent}
    if not all(label in known and Intent(label) in ACTIONABLE for label, _ in ranked):
        return None
    pair = Intent(ranked[0][0]), Intent(ranked[1][0])
    return None if names_order and Intent.ORDER_STATUS in pair else pair
