"""What the report's scrubbing knows of a word: whether it is common in some language (so it may be shown), a name
of a person, or a number written in words.

Common words come from the language model's word frequencies (wordfreq's, for the 55 languages of
language/data/langid.npz) and, for scripts that model leaves to their script (Han, kana, Hangul, Devanagari...),
from data/personal_words.npz, which also holds the names and number words (parley.privacy.personal_words_data
builds it), with the names that are common words too ("kim", "mai", "vera": `is_ambiguous`, a name only in
context). Everything is looked up by the model's 32-bit word keys: no list of names is held in the clear.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from parley.language.detector import LanguageModel, dominant_script, shared_model, word_key

DATA = Path(__file__).with_name("data") / "personal_words.npz"
# How common (wordfreq's zipf: log10 of the frequency per billion words) a word must be in some language to be
# shown. 3.0 is one in a million words, the lists' own floor: "llámame", "neighbour", "mongolia" pass, a surname
# no list holds ("blatherwick") does not. Chosen on bench/data/scrubbing-dev.jsonl, never on the test set.
COMMON_ZIPF = 3.0
# zipf under which an ambiguous name ("thu", "khai", "sabato") is a name in a text of a language where it is no
# word: "my sister thu [name]" in English; Vietnamese keeps its "thu" (autumn, to collect).
FOREIGN_NAME = 3.5
# The language every report is read in beside the customer's: customers mix it into their own.
LINGUA_FRANCA = "en"
# Languages the word data holds in another script than Latin: a text in Latin letters in them ("fein el order",
# "gde moy zakaz") is read as in no known language.
_SCRIPTS = {"ar": "arabic", "fa": "arabic", "ur": "arabic", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic"}
_SCRIPTS |= {"mk": "cyrillic"}
# In how many languages a word must be common to be common in every text: a brand or a borrowed word ("xxl",
# "gdpr", "sim"), where a name of one place or person is common in one or two ("wayan", "valparaíso").
WIDESPREAD = 3


class WordKind(StrEnum):
    COMMON = "common"  # may be shown
    NAME = "name"  # a first or last name somewhere in the world
    NUMBER = "number"  # "five", "cinco", "пять", "五"
    RARE = "rare"  # no language uses it enough to show it: a surname, a street, a nickname, a typo


class Vocabulary:
    def __init__(
        self,
        arrays: dict[str, Any],
        model: LanguageModel,
        common_zipf: float = COMMON_ZIPF,
        languages: Collection[int] | None = None,
    ) -> None:
        self._arrays = arrays
        self._languages = languages
        self._names = arrays["name_keys"]
        self._ambiguous = arrays.get("ambiguous_keys", np.zeros(0, dtype=np.uint32))
        self._numbers = arrays["number_keys"]
        self._script_keys = arrays["script_keys"]
        self._script_zipf = arrays["script_zipf"]
        self._model = model
        self._common = common_zipf

    @classmethod
    def load(cls, path: Path = DATA, model: LanguageModel | None = None) -> Vocabulary:
        with np.load(path) as data:
            return cls({name: data[name] for name in data.files}, model or shared_model())

    def reading(self, text: str, language: str | None) -> Vocabulary:
        """The vocabulary of a text in `language` (a conversation's): common then means common in that language,
        in the language the text itself reads as, or in English; for a language the word data does not model
        (Hindi written in Latin letters, an unknown one), common anywhere, as without a language."""
        column = self._model.column(language or "")
        if column is None or dominant_script(text) != _SCRIPTS.get(language or "", "latin"):
            return self
        found = {column, *self._model.likeliest(text, 1)}
        english = self._model.column(LINGUA_FRANCA)
        if english is not None:
            found.add(english)
        return Vocabulary(self._arrays, self._model, self._common, frozenset(found))

    def kind(self, word: str) -> WordKind:
        """What `word` (one word, any case) is."""
        folded = _folded(word)
        key = np.uint32(word_key(folded))
        if _holds(self._numbers, key):
            return WordKind.NUMBER
        if _holds(self._names, key) or (folded.endswith("'s") and self.is_name(folded[:-2])):  # "Cousin's"
            return WordKind.NAME
        zipf = self.zipf(folded)
        if self._languages is not None and zipf < FOREIGN_NAME and self.is_ambiguous(folded):
            return WordKind.NAME
        if zipf >= self._common or (self._languages and self._model.common_in(folded, self._common) >= WIDESPREAD):
            return WordKind.COMMON
        return WordKind.RARE

    def zipf(self, word: str) -> float:
        """How common the word is in the language that uses it most, of those the text is read in (0.0: in none)."""
        folded = _folded(word)
        found = self._model.word_zipf(folded)
        if found:
            return found if self._languages is None else self._model.word_zipf(folded, self._languages)
        key = np.uint32(word_key(folded))
        start = int(np.searchsorted(self._script_keys, key, side="left"))
        if start < len(self._script_keys) and self._script_keys[start] == key:
            return float(self._script_zipf[start]) / 100
        return 0.0

    def is_name(self, word: str) -> bool:
        return _holds(self._names, np.uint32(word_key(_folded(word))))

    def is_ambiguous(self, word: str) -> bool:
        """A name that is also a common word ("kim", "ben", "mai", "vera"): a name only where the text says so."""
        folded = _folded(word)
        if folded.endswith("'s"):
            folded = folded[:-2]
        return _holds(self._ambiguous, np.uint32(word_key(folded)))


def _folded(word: str) -> str:
    return word.replace("’", "'").casefold()


def _holds(keys: np.ndarray[Any, np.dtype[np.uint32]], key: np.uint32) -> bool:
    index = int(np.searchsorted(keys, key, side="left"))
    return index < len(keys) and bool(keys[index] == key)


@lru_cache(maxsize=1)
def shared_vocabulary() -> Vocabulary:
    """Loaded once per process, with the language model it shares."""
    return Vocabulary.load()
