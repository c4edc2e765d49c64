"""Customer satisfaction: after a flow that got the customer what they came for, a 1-5 rating with buttons, then an
optional comment. The rating and whether a comment was left are recorded as events (never the comment's words: they
stay in the conversation's message log, erased with it)."""

from __future__ import annotations

import re
import unicodedata

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.answers import Answer
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.rating import FLOW, RATING, RATING_PAYLOAD, SCALE, ask_rating
from parley.folding import fold
from parley.nlu.intents import Intent

COMMENT = "comment"
SKIP_PAYLOAD = "csat:skip"
# A rating typed rather than tapped: "4", "4/5", "5 stars", "⭐⭐⭐⭐", "٤", "४", "五星".
_STARS = re.compile(r"^[⭐★]{1,5}$")
_HAN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# Words that may come with a typed rating; anything longer is not a rating.
_MAX_RATING_CHARS = 12
# Said in the comment step, these are a new request rather than a comment.
_NOT_A_COMMENT = frozenset(Intent) - {Intent.OUT_OF_SCOPE, Intent.GREETING, Intent.THANKS, Intent.GOODBYE}
SURE_REQUEST = 0.8
_QUESTION_MARKS = ("?", "？", "؟")


def typed_rating(text: str) -> int | None:
    """The 1-5 score in a short typed answer, or None."""
    compact = "".join(text.split())
    if not compact or len(compact) > _MAX_RATING_CHARS:
        return None
    if _STARS.match(compact):
        return len(compact)
    numerator, slash, denominator = compact.partition("/")
    if slash and _digits(denominator) != [5]:
        return None
    digits = _digits(numerator)
    return digits[0] if len(digits) == 1 and digits[0] in SCALE else None


def _digits(text: str) -> list[int]:
    """The digits of any script in `text` ("4", "٤", "४"), and the Han numerals one to five."""
    return [_HAN_DIGITS[c] if c in _HAN_DIGITS else unicodedata.digit(c) for c in text
            if c in _HAN_DIGITS or unicodedata.digit(c, -1) >= 0]  # fmt: skip


@register
class Satisfaction(Flow):
    """Started by the engine after a completed flow (dialogue.rating; no intent starts it); resumed by the rating
    and the comment."""

    name = FLOW
    reported = False  # a question after a flow, not a flow of its own
    stoppable = False  # "cancel ORD-1" after the rating question is a new request, not "never mind"
    yes_no_steps = frozenset({COMMENT})  # "anything we could do better?": a "no" skips it

    def start(self, ask: Ask) -> FlowStep:
        return ask_rating(ask.catalog)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, message = ask.catalog, ask.message
        if ask.step == RATING:
            tapped = message.payload if message.kind in PAYLOAD_KINDS else ""
            value = tapped.removeprefix(RATING_PAYLOAD) if tapped.startswith(RATING_PAYLOAD) else ""
            if message.kind in PAYLOAD_KINDS:
                score = int(value) if value.isdigit() and int(value) in SCALE else None
            else:
                score = typed_rating(message.text)
            if score is None:
                return None  # not a rating: the customer moved on, and is not asked again
            return FlowStep(
                catalog.render("csat.comment"),
                choices=(Choice(SKIP_PAYLOAD, catalog.render("choice.skip")),),
                flow=FLOW,
                step=COMMENT,
                slots={"rating": str(score)},
                rating=score,
            )
        if ask.step == COMMENT:
            skipped = (
                (message.kind in PAYLOAD_KINDS and message.payload == SKIP_PAYLOAD)
                or ask.answer is Answer.NO
                or fold(message.text.strip()) == fold(catalog.render("choice.skip"))
            )
            if skipped:
                return FlowStep(catalog.render("csat.thanks"))
            if message.kind in PAYLOAD_KINDS or not message.text.strip():
                return None
            # Complaints read like requests ("the app is slow"): only a clear question is taken for a new one.
            asking = any(mark in message.text for mark in _QUESTION_MARKS)
            if asking and ask.intent in _NOT_A_COMMENT and ask.confidence >= SURE_REQUEST:
                return None  # "where is my invoice?": a new request, answered as one
            return FlowStep(catalog.render("csat.thanks"), commented=True, rating=int(ask.slots.get("rating", "0")))
        return None
