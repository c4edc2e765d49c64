"""How customers write a short answer: the words and emojis a message opens with, read literally against word lists,
and the words that come after them.

"sí, cancélalo por favor", "oui oui vas-y", "ok do it", "👍", "yesss", "siii", "好的取消吧": a message is cut into
words (case, accents and letter elongations aside, so "Siii" is "si" and "okk" is "ok") and emojis; the longest
phrase of a list it opens with says which list, repeats of that list's phrases are taken with it ("oui oui",
"ok 👍"), and the rest is left to the caller to judge. Imports nothing of the dialogue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from parley.folding import LOOKALIKES, fold

# Emojis that answer on their own, whatever the skin tone or gender: 👍🏽 is 👍, 🙅‍♀️ is 🙅.
YES_EMOJIS = ("👍", "👌", "✅", "✔", "☑", "🆗", "🙆")
NO_EMOJIS = ("👎", "❌", "✖", "❎", "🙅", "🚫", "⛔")
_EMOJIS = frozenset(YES_EMOJIS + NO_EMOJIS)
_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d\u2640\u2642]")
# Scripts written without spaces: a phrase may be followed by more words in the same run ("好的取消吧").
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A letter typed more than once in a row: "yesss", "siii", "okk", "jaaa", "daa" ("nee" and "ne" alike, both sides).
_ELONGATION = re.compile(r"([^\W\d_])\1+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Word:
    text: str  # folded, as written
    key: str  # as compared: elongations collapsed in spaced scripts

    @property
    def unspaced(self) -> bool:
        return bool(_UNSPACED.search(self.text))


def words_of(text: str) -> list[Word]:
    """The words of a text and its answering emojis, in order; other emojis and punctuation separate them."""
    folded = fold(_MODIFIERS.sub("", text).translate(_APOSTROPHES)).translate(LOOKALIKES)
    found: list[str] = []
    current: list[str] = []
    for char in folded:
        # Letters with their vowel signs (Devanagari's are marks, not letters), digits, an apostrophe inside a word.
        if char.isalnum() or unicodedata.category(char)[0] == "M" or (char == "'" and current):
            current.append(char)
            continue
        if current:
            found.append("".join(current).strip("'"))
            current = []
        if char in _EMOJIS:
            found.append(char)
    if current:
        found.append("".join(current).strip("'"))
    return [Word(w, w if _UNSPACED.search(w) else _ELONGATION.sub(r"\1", w)) for w in found if w]


def phrases_of(lists: Mapping[str, Iterable[str]]) -> dict[str, list[tuple[str, ...]]]:
    """Each list's phrases as the keys of their words, longest first."""
    return {
        name: sorted({tuple(w.key for w in words_of(p)) for p in phrases} - {()}, key=len, reverse=True)
        for name, phrases in lists.items()
    }


def _match(words: Sequence[Word], phrase: tuple[str, ...]) -> list[Word] | None:
    """The words left after `phrase` at the start of `words`, or None. In an unspaced script the phrase's last word
    may start a longer run ("好的" in "好的取消吧")."""
    if len(words) < len(phrase):
        return None
    *whole, last = phrase
    if any(word.key != key for word, key in zip(words, whole, strict=False)):
        return None
    word = words[len(whole)]
    if word.key == last:
        return list(words[len(phrase) :])
    if _UNSPACED.search(last) and word.key.startswith(last):
        rest = word.text[len(last) :]
        return [Word(rest, rest), *words[len(phrase) :]]
    return None


def opening(words: Sequence[Word], phrases: Mapping[str, Sequence[tuple[str, ...]]]) -> tuple[str, list[Word]] | None:
    """The list whose phrase the words open with, and the words after it and its repeats ("oui oui vas-y" is one yes).
    The longest phrase wins ("no importa" over "no", "不用了" over "不用"); between equals, the list named first."""
    best: tuple[int, str, list[Word]] | None = None
    for name, listed in phrases.items():
        for phrase in listed:
            rest = _match(words, phrase)
            if rest is not None and (best is None or len(phrase) > best[0]):
                best = (len(phrase), name, rest)
    if best is None:
        return None
    _, name, rest = best
    while rest and (more := next((r for p in phrases[name] if (r := _match(rest, p)) is not None), None)) is not None:
        rest = more
    return name, rest


def mentions(words: Sequence[Word], phrases: Iterable[tuple[str, ...]]) -> bool:
    """True when any of the phrases appears among the words ("not that one" has a "not")."""
    listed = list(phrases)
    for i, word in enumerate(words):
        for phrase in listed:
            if _match(words[i:], phrase) is not None:
                return True
            if len(phrase) == 1 and word.unspaced and _UNSPACED.search(phrase[0]) and phrase[0] in word.key:
                return True  # "不" in "这个不是"
    return False


def size(words: Sequence[Word]) -> int:
    """About how many words these are: an unspaced script's characters count two to a word."""
    return sum((len(w.text) + 1) // 2 if w.unspaced else 1 for w in words)
