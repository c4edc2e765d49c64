"""Several requests in one message: "where is my order ORD-310006 and can I also get my last invoice?" is two.

A message is cut at its sentence ends, commas and the joining words of its language (nlu.joiners), and the pieces are
put back together unless both sides of a cut are requests of their own: each an actionable intent (ACTIONABLE) with
a calibrated confidence of at least SPLIT_FLOOR (or one of them of at least SURE_SIDE and the other of at least
LEANING_SIDE in at least LEANING_WORDS words: "COD available hai kya?" at 0.78 beside "boAt ke earbuds stock mein
hain?" at 0.99), the two different, and not two intents customers ask as one ("cancel and refund" is one wish: the
refund follows the cancel). Conservative on purpose: "black and white shoes" stays one request, and so does a story
told over three sentences; a missed split still answers the first request as before, a wrong one answers something
nobody asked.

SPLIT_FLOOR was chosen on bench/data/realistic/<lang>-dev.jsonl (README, "Several requests in one message"). Measured
there with the examples of December 2026: 0.85 reads 94.3% of dev messages right (12 single-request messages split),
0.8 94.8% (17), 0.7 95.1% (22): lower floors cut one request in two ("Есть ли чёрные белые кроссовки 42 размера?"
reads "Есть ли чёрные" as a question of its own at 0.81), so it stays at 0.85. One side sure (0.95) lets the other
lean (0.7) in four words or more: 95.4% with 101 of 120 two-request messages read whole (91 without it) for 15
single-request messages split (12), mostly a side clause ("it hasn't shipped yet") answered too; leaning in three
words splits "Есть ли чёрные" from "белые кроссовки 42 размера?", a lean of 0.6 splits 28. With the examples of
8 December 2026 and a cancel for a wrong order one wish: 96.8%, 103 of 120 read whole, 11 single messages split. A
lower bar for a complaint's side (0.55 beside a sure request) read 2 more and split 3 more, one of them praise
("Großes Lob an Herrn Yilmaz von der Hotline"): not taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from parley.nlu.intents import ACTIONABLE, Intent, LinearIntents
from parley.nlu.joiners import joiners_of, prefix_joiners_of

SPLIT_FLOOR = 0.85
SURE_SIDE, LEANING_SIDE, LEANING_WORDS = 0.95, 0.7, 4
# Fewer words than this make no request of their own: "address, phone" in a list, "no hp", "sono 3 giorni".
MIN_WORDS = 3
# Intents customers name together for one wish: not split. A late order told about in a complaint ("ORD-133799
# came two weeks late, nobody answers my emails, a disgrace") is the complaint, which acknowledges the order; what
# is wrong with an item that arrived damaged ("the left side doesn't work") is the return's, not troubleshooting; an
# opt-out said angrily ("fed up with your spam, unsubscribe me") is the opt-out, owed whatever the mood; what the app
# says when a customer asks how to reset their password ("the app keeps saying it's wrong") is the account's; an
# order cancelled because the wrong one was ordered ("cancel 447120, I ordered the wrong model") is a cancel.
ONE_WISH = frozenset({
    frozenset({Intent.CANCEL_ORDER, Intent.RETURN_REFUND}),
    frozenset({Intent.ORDER_STATUS, Intent.COMPLAINT}),
    frozenset({Intent.RETURN_REFUND, Intent.TECH_SUPPORT}),
    frozenset({Intent.MARKETING_PREFERENCES, Intent.COMPLAINT}),
    frozenset({Intent.ACCOUNT, Intent.TECH_SUPPORT}),
    frozenset({Intent.CANCEL_ORDER, Intent.CHANGE_ORDER}),
})  # fmt: skip
# Cuts looked at in one message: a long message past them is read as one last piece (bounded work per message).
MAX_CUTS = 24

# Word characters, with the vowel signs of Devanagari and the vowel marks of Arabic that \w leaves out (not the
# danda or Arabic punctuation): a joining word must not start or end inside a word.
_LETTER = r"\w\u0900-\u0963\u0966-\u097f\u064b-\u065f\u0670"
_SENTENCE_END = re.compile(
    r"[.!?…]+[)\"'»”’\]]*(?=\s)"  # a full stop, question or exclamation mark before a space
    r"|[.!?](?=[\u3000-\u9fff])"  # …or before Chinese, which puts no space after it
    r"|[。！？；，、।॥؟]"  # marks that end a sentence or clause wherever they stand
    r"|[,;،](?=\s)"  # commas and semicolons before a space (not inside "1,299.00")
    r"|\s[-–—]+(?=\s)"  # a dash between spaces ("hey quick one - where's ORD-910101"), not in "ORD-910101"
    r"|\n+"
)
_UNSPACED = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_UNSPACED_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(rf"[{_LETTER}]+")
_EDGES = " \t\r\n,;:.!?…-–—،؛؟。！？；，、।॥"


@dataclass(frozen=True)
class Part:
    """One request of a message: its words, and what they ask for."""

    text: str
    intent: Intent
    confidence: float


# An email or a link is no request of its own ("where is my order ORD-104233? emily@example.com"): not counted.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")


def _words(text: str) -> int:
    """Words in the text, emails and links aside; Chinese, written without spaces, counted at 1.5 characters a
    word."""
    text = _ADDRESS.sub(" ", text)
    unspaced = sum(-(-len(run) * 2 // 3) for run in _UNSPACED_RUN.findall(text))
    return len(_WORD.findall(_UNSPACED_RUN.sub(" ", text))) + unspaced


@cache
def _joiner_pattern(language: str | None) -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in joiners_of(language))
    spaced = rf"(?<![{_LETTER}])(?:{words})(?![{_LETTER}])"
    unspaced = "|".join(re.escape(word) for word in joiners_of(language) if _UNSPACED.search(word))
    prefixes = "|".join(re.escape(p) for p in prefix_joiners_of(language))
    alternatives = [spaced]
    if unspaced:
        alternatives.append(f"(?:{unspaced})")  # Chinese writes no spaces: its words stand anywhere
    if prefixes:
        alternatives.append(rf"(?<![{_LETTER}])(?:{prefixes})(?=[{_LETTER}]{{2}})")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _joined(text: str, language: str | None) -> set[int]:
    """Where a piece starts right after a joining word ("чёрные и белые"); whether a sentence end or a comma stands
    before the word too is for the caller to see."""
    return {match.end() for match in _joiner_pattern(language).finditer(text) if match.start() > 0}


def _cuts(text: str, language: str | None) -> list[tuple[int, int]]:
    """Where the message may be cut: (end of the piece before, start of the piece after), in order. A sentence end
    is kept with the piece before it; a joining word belongs to neither."""
    found: dict[int, int] = {}
    for match in _SENTENCE_END.finditer(text):
        found[match.end()] = max(found.get(match.end(), 0), match.end())
    for match in _joiner_pattern(language).finditer(text):
        if match.start() > 0:
            found[match.start()] = max(found.get(match.start(), 0), match.end())
    return sorted(found.items())[:MAX_CUTS]


def _pieces(text: str, language: str | None) -> list[tuple[int, int]]:
    """Spans of the message between cuts, without the joining words; pieces with no words are left out."""
    spans, start = [], 0
    for end, after in [*_cuts(text, language), (len(text), len(text))]:
        if end > start and text[start:end].strip(_EDGES):
            spans.append((start, end))
        start = max(start, after)
    return spans


class Segmenter:
    def __init__(self, intents: LinearIntents, floor: float = SPLIT_FLOOR) -> None:
        self._intents = intents
        self._floor = floor

    def split(self, text: str, language: str | None = None) -> tuple[Part, ...]:
        """The message's requests in the order written (one Part for the whole text when it makes one request).
        `language`: the message's, whose joining words are looked for (None: every language's)."""
        read: dict[str, tuple[Intent, float]] = {}

        def intent(span: tuple[int, int]) -> tuple[Intent, float]:
            words = text[span[0] : span[1]].strip(_EDGES)
            if words not in read:
                classified = self._intents.classify(words)
                read[words] = (classified.intent, classified.confidence)
            return read[words]

        def apart(left: tuple[int, int], right: tuple[int, int]) -> bool:
            (first, sure_first), (second, sure_second) = intent(left), intent(right)
            words = (_words(text[left[0] : left[1]]), _words(text[right[0] : right[1]]))
            (least, leaning_words), (most, _) = sorted(zip((sure_first, sure_second), words, strict=True))
            sure = least >= self._floor or (
                least >= LEANING_SIDE and most >= SURE_SIDE and leaning_words >= LEANING_WORDS
            )
            # Joined to what follows by a word alone, a short first side the model is not sure of is more likely the
            # first of a list than a request ("Есть ли чёрные и белые кроссовки?"; not "отмените заказ 992201 и
            # отпишите меня от рассылки", both sure).
            listed = (
                right[0] in after_joiner
                and not _SENTENCE_END.search(text[max(0, left[1] - 1) : right[0]])
                and least < SURE_SIDE
            )
            shortest = MIN_WORDS + 1 if listed else MIN_WORDS
            return words[0] >= shortest and words[1] >= MIN_WORDS and (
                first in ACTIONABLE and second in ACTIONABLE and first is not second
                and sure and frozenset({first, second}) not in ONE_WISH
            )  # fmt: skip

        pieces = _pieces(text, language)
        after_joiner = _joined(text, language)
        # A greeting opening the message is no part of any request ("hey quick one - where's ORD-910101 and…").
        while len(pieces) > 1 and intent(pieces[0])[0] is Intent.GREETING:
            pieces = pieces[1:]
        segments = pieces[:1]
        for piece in pieces[1:]:
            if apart(segments[-1], piece):
                segments.append(piece)
            else:
                segments[-1] = (segments[-1][0], piece[1])
        # A segment that grew is read again: neighbours that are no longer apart become one.
        joined = True
        while joined and len(segments) > 1:
            joined = False
            for i in range(len(segments) - 1):
                if not apart(segments[i], segments[i + 1]):
                    segments[i : i + 2] = [(segments[i][0], segments[i + 1][1])]
                    joined = True
                    break
        if len(segments) < 2:
            whole = self._intents.classify(text)
            return (Part(text, whole.intent, whole.confidence),)
        return tuple(Part(text[s:e].strip(_EDGES), *intent((s, e))) for s, e in segments)
