"""Short answers inside a flow ("yes", "no", "never mind"), and the words of a customer who has had enough.

These are read literally from each catalog's "words", not by the intent model: "ok" or "nein" carry too little for a
classifier, and a change must never happen on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from parley.channels.model import PAYLOAD_KINDS, InboundMessage
from parley.channels.replies import Choice
from parley.folding import fold
from parley.i18n import Catalog

CONFIRM_PAYLOAD = "confirm:"
# An answer is a short message: "sí, cancélalo" is a yes, a paragraph that starts with "no" is not an answer.
_MAX_ANSWER_WORDS = 4
_MAX_UNSPACED_EXTRA = 4
_NOT_WORD = re.compile(r"[^\w\s']+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    ABORT = "abort"  # "never mind": leave whatever flow is under way


def _normal(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def _starts_with(message: str, phrase: str) -> bool:
    if message == phrase:
        return True
    if _UNSPACED.search(phrase):
        return message.startswith(phrase) and len(message) - len(phrase) <= _MAX_UNSPACED_EXTRA
    return message.startswith(phrase + " ") and len(message.split()) <= _MAX_ANSWER_WORDS


def read_answer(message: InboundMessage, catalog: Catalog, others: Iterable[Catalog] = ()) -> Answer | None:
    """Yes, no or never mind: from a tapped confirmation button, or typed in the catalog's words; else a bare yes or
    no of another language (`others`: the native catalogs) that every catalog knowing the word reads alike: "sí" in
    an English conversation is a yes (one word never switches the conversation's language), "no" a no everywhere."""
    if message.kind in PAYLOAD_KINDS:
        value = message.payload.removeprefix(CONFIRM_PAYLOAD) if message.payload.startswith(CONFIRM_PAYLOAD) else ""
        return Answer(value) if value in Answer.__members__.values() else None
    text = _normal(message.text)
    if not text:
        return None
    # "never mind" before "no", and longer phrases first: "no importa" is not a "no", "不用了" is not "不用".
    for answer in (Answer.ABORT, Answer.NO, Answer.YES):
        phrases = sorted({_normal(p) for p in catalog.words.get(answer.value, [])}, key=len, reverse=True)
        if any(_starts_with(text, phrase) for phrase in phrases if phrase):
            return answer
    # Only the whole message, only yes or no (a change is never made on "para", which stops in Spanish and means
    # "for" in Portuguese), and only when no catalog reads the word otherwise.
    meanings = {
        answer
        for other in others
        for answer in Answer
        if text in {_normal(p) for p in other.words.get(answer.value, [])}
    }
    return meanings.pop() if len(meanings) == 1 and Answer.ABORT not in meanings else None


def frustrated(text: str, catalog: Catalog) -> bool:
    """True when the message says, in so many words, that the customer has had enough of the bot."""
    normal = f" {_normal(text)} "
    return any(f" {_normal(p)} " in normal or (_UNSPACED.search(p) and _normal(p) in normal)
               for p in catalog.words.get("frustrated", []))  # fmt: skip


def confirm_choices(catalog: Catalog) -> tuple[Choice, ...]:
    return (
        Choice(f"{CONFIRM_PAYLOAD}{Answer.YES.value}", catalog.render("choice.yes")),
        Choice(f"{CONFIRM_PAYLOAD}{Answer.NO.value}", catalog.render("choice.no")),
    )
