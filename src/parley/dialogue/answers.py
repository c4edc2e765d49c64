"""Short answers inside a flow ("yes", "no", "never mind"), the words of a customer who has had enough, and the
words that tell one request from another where the intent model only names its kind (a failed payment, an opt-out).

These are read literally from each catalog's "words", not by the intent model: "ok" or "nein" carry too little for a
classifier, and a change must never happen on a guess.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from parley.channels.model import PAYLOAD_KINDS, InboundMessage
from parley.channels.replies import Choice
from parley.folding import fold
from parley.i18n import UNSPACED_LANGUAGES, Catalog

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


def read_answer(message: InboundMessage, catalog: Catalog) -> Answer | None:
    """Yes, no or never mind: from a tapped confirmation button, or typed in the catalog's words (or English's)."""
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
    return None


def frustrated(text: str, catalog: Catalog) -> bool:
    """True when the message says, in so many words, that the customer has had enough of the bot or is very unhappy
    with the service ("useless", "nobody answers", "I want to complain"): a complaint, whatever else it asks."""
    normal = f" {_normal(text)} "
    return any(f" {_normal(p)} " in normal or (_UNSPACED.search(p) and _normal(p) in normal)
               for p in catalog.words.get("frustrated", []))  # fmt: skip


def mentions(text: str, catalog: Catalog, key: str) -> bool:
    """True when one of the catalog's `key` words starts a word of the text: an entry may be a stem ("declin",
    "отклон") that catches every form of the word. In Chinese, anywhere."""
    normal = _words(text)
    for phrase in catalog.words.get(key, []):
        wanted = _words(phrase)
        if not wanted:
            continue
        if catalog.language in UNSPACED_LANGUAGES and wanted in normal:
            return True
        if re.search(rf"(?<!\S){re.escape(wanted)}", normal):
            return True
    return False


def says_only(text: str, catalog: Catalog, key: str) -> bool:
    """True when the whole message is one of the catalog's `key` words ("STOP!", "Unsubscribe")."""
    normal = _words(text)
    return bool(normal) and any(normal == _words(phrase) for phrase in catalog.words.get(key, []))


def _words(text: str) -> str:
    """Lower case without accents or punctuation; vowel signs (Hindi) are kept, as they are part of the word."""
    kept = (c if c.isalnum() or c.isspace() or unicodedata.category(c).startswith("M") else " " for c in fold(text))
    return " ".join("".join(kept).split())


def confirm_choices(catalog: Catalog) -> tuple[Choice, ...]:
    return (
        Choice(f"{CONFIRM_PAYLOAD}{Answer.YES.value}", catalog.render("choice.yes")),
        Choice(f"{CONFIRM_PAYLOAD}{Answer.NO.value}", catalog.render("choice.no")),
    )
