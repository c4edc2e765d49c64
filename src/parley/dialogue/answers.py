"""Answers to a flow's question ("yes", "no", "never mind"), and the words of a customer who has had enough.

Yes and no are read literally from each catalog's "words" (and the 👍 and 👎 emojis), never guessed by the intent
model: "ok" or "nein" carry too little for a classifier, and a change must never happen on a guess. What a customer
writes around their answer is allowed for, within limits: "ja bitte stornieren", "sí, cancélalo por favor", "yes
ORD-310002" (the order asked about) are a yes; "no, but where is my invoice?" or "yes, and ORD-310003?" are a request
of their own, answered as one. The intent model only says whether the words after a yes or no ask for something else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from parley.channels.model import PAYLOAD_KINDS, InboundMessage
from parley.channels.replies import Choice
from parley.dialogue.answer_words import NO_EMOJIS, YES_EMOJIS, Word, mentions, opening, phrases_of, size, words_of
from parley.folding import fold
from parley.i18n import Catalog
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Classification, Intent

CONFIRM_PAYLOAD = "confirm:"
# Words after a yes or a no that may still belong to it ("sí, cancélalo por favor"); a paragraph is not an answer.
MAX_ASIDE_WORDS = 8
# Words besides the order's number that may restate it as a yes ("ja, genau die ORD-310002", "that one, 310002").
MAX_RESTATING_WORDS = 4
# The words after a yes or a no ask for something else ("no, but where is my invoice") when they are at least this
# many and the intent model is this sure of another request. Fewer words are too little for it: it reads "please"
# as a change of language and "das" as a product, each with over 90% confidence.
MIN_REQUEST_WORDS = 3
SURE_REQUEST = 0.9
# Said after a yes or a no to a question, these add nothing of their own ("yes thanks", "no, I'll keep it", "yes,
# that's the one": pointing and politeness read to the model as a product and a change of language; a question
# about either comes with a question mark, and a question is never part of an answer).
_ASIDES = frozenset({
    Intent.OUT_OF_SCOPE, Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.PRODUCT_INFO, Intent.CHANGE_LANGUAGE,
})  # fmt: skip
# With nothing asked, a yes or a no stands alone with at most a word more ("yes please", "ok cool"): "no, the blue
# one" is about a product, and with thanks or goodbye it is small talk ("ok thanks" is thanked).
MAX_UNASKED_ASIDE_WORDS = 1
_SMALL_TALK = frozenset({Intent.THANKS, Intent.GOODBYE})
# Sounds and fillers a customer may start an answer with in any language ("ah non attendez, je la garde", "hmm ok",
# "bueno sí", "ну да"): skipped before the yes or the no is looked for (compared with elongations collapsed).
_FILLERS = frozenset({
    "ah", "oh", "eh", "euh", "hm", "um", "uh", "well", "bueno", "pues", "beh", "ach", "naja", "ну", "ой", "ах", "arey",
    "aduh",
})  # fmt: skip
_QUESTION_MARKS = ("?", "？", "؟")
_NOT_WORD = re.compile(r"[^\w\s']+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    ABORT = "abort"  # "never mind": leave whatever flow is under way


@dataclass(frozen=True)
class Question:
    """What the flow under way asked, as far as reading an answer to it goes (Flow.question)."""

    yes_no: bool = False  # a yes or a no answers it ("shall I cancel ORD-310002?", "did that help?")
    order_id: str | None = None  # the order it is about: restating it is a yes, naming another is a new request
    topics: frozenset[Intent] = frozenset()  # requests a yes may repeat in words ("yes, cancel it")
    stoppable: bool = True  # "never mind" leaves it


class AnswerReader:
    def __init__(self, classify: Callable[[str], Classification], order_ids: OrderIdFinder) -> None:
        """`classify`: the intent model, asked only about the words after a yes or a no."""
        self._classify = classify
        self._order_ids = order_ids

    def read(self, message: InboundMessage, catalog: Catalog, question: Question | None) -> Answer | None:
        """Yes, no or never mind: from a tapped confirmation button, or typed in the catalog's words. `question`: what
        the flow under way asked (None: no flow is under way, and only a yes or a no alone is one: "ok", "👍")."""
        if message.kind in PAYLOAD_KINDS:
            value = message.payload.removeprefix(CONFIRM_PAYLOAD) if message.payload.startswith(CONFIRM_PAYLOAD) else ""
            answer = Answer(value) if value in Answer.__members__.values() else None
            return None if answer is Answer.ABORT and not (question and question.stoppable) else answer
        text = message.text
        asked = question if question is not None and question.yes_no else None
        pending = asked.order_id if asked else None
        named = set(self._order_ids.find_all(text))
        if named - {pending}:
            return None  # another order named: a request about it, whatever else is said
        restated = pending is not None and (pending in named or _digits(pending, text))
        words = words_of(_without(self._order_ids.without(text), pending))
        while len(words) > 1 and words[0].key in _FILLERS:
            words = words[1:]
        lists = _lists(catalog)
        found = opening(words, lists)
        if found is None:
            return Answer.YES if asked and restated and self._restates(text, words, lists, asked) else None
        answer, rest = Answer(found[0]), found[1]
        if answer is Answer.ABORT and not (question and question.stoppable):
            return None  # nothing to leave: "cancel" is a request (or, after a rating question, "cancel ORD-1")
        if rest and asked is None and self._small_talk(text):
            return None  # "perfetto, ciao": a goodbye ("ciao" alone could be a greeting too)
        return answer if not rest or self._aside(rest, asked, asking=_asks(text)) else None

    def _small_talk(self, text: str) -> bool:
        said = self._classify(text)
        return said.confidence >= SURE_REQUEST and said.intent in _SMALL_TALK

    def _aside(self, rest: list[Word], asked: Question | None, *, asking: bool = False) -> bool:
        """True when the words after a yes or a no add nothing of their own to it: a few words, no question ("yes,
        can you also…?"), nothing the intent model is sure is another request."""
        if size(rest) > (MAX_ASIDE_WORDS if asked else MAX_UNASKED_ASIDE_WORDS) or (asking and size(rest) > 1):
            return False
        said = self._classify(" ".join(w.text for w in rest))
        sure = said.confidence >= SURE_REQUEST
        if asked is None:
            return not (sure and said.intent in _SMALL_TALK)  # "ok thanks" is thanked
        if size(rest) < MIN_REQUEST_WORDS or not sure:
            return True
        return said.intent in _ASIDES | asked.topics

    def _restates(
        self, text: str, words: list[Word], lists: Mapping[str, list[tuple[str, ...]]], asked: Question
    ) -> bool:
        """True when the message names the order asked about, with a few words that neither ask nor say no."""
        if _asks(text) or size(words) > MAX_RESTATING_WORDS:
            return False
        if mentions(words, [*lists[Answer.NO.value], *lists[Answer.ABORT.value]]):
            return False  # "not that one, 310002"
        return not words or self._aside(words, asked)


def _lists(catalog: Catalog) -> dict[str, list[tuple[str, ...]]]:
    """The catalog's answer phrases and the emojis, never mind first (it wins a tie: "no importa" is not a no)."""
    words = catalog.words
    return phrases_of({
        Answer.ABORT.value: words.get(Answer.ABORT.value, []),
        Answer.NO.value: [*words.get(Answer.NO.value, []), *NO_EMOJIS],
        Answer.YES.value: [*words.get(Answer.YES.value, []), *YES_EMOJIS],
    })  # fmt: skip


def _asks(text: str) -> bool:
    return any(mark in text for mark in _QUESTION_MARKS)


def _digits(order_id: str, text: str) -> bool:
    """The order's number written alone ("310002" for ORD-310002)."""
    number = "".join(c for c in order_id if c.isdigit())
    return bool(number) and re.search(rf"(?<!\d){number}(?!\d)", text) is not None


def _without(text: str, order_id: str | None) -> str:
    number = "".join(c for c in order_id or "" if c.isdigit())
    return re.sub(rf"(?<!\d){number}(?!\d)", " ", text) if number else text


def _normal(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def frustrated(text: str, catalog: Catalog) -> bool:
    """True when the message says, in so many words, that the customer has had enough of the bot or is very unhappy
    with the service ("useless", "nobody answers", "I want to complain"): a complaint, whatever else it asks."""
    normal = f" {_normal(text)} "
    return any(f" {_normal(p)} " in normal or (_UNSPACED.search(p) and _normal(p) in normal)
               for p in catalog.words.get("frustrated", []))  # fmt: skip


def confirm_choices(catalog: Catalog) -> tuple[Choice, ...]:
    return (
        Choice(f"{CONFIRM_PAYLOAD}{Answer.YES.value}", catalog.render("choice.yes")),
        Choice(f"{CONFIRM_PAYLOAD}{Answer.NO.value}", catalog.render("choice.no")),
    )
