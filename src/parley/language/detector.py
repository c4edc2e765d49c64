"""Language identification: the writing system first, then character n-grams and word frequencies.

Scripts that belong to one language settle it outright (Hangul is Korean, kana Japanese, Han alone Chinese,
Devanagari Hindi among ours...). Latin, Cyrillic and Arabic text is scored against every language langdetect has
a profile for, from two libraries' data (parley.language.langid_data builds data/langid.npz): langdetect's
character 1-3-gram probabilities, summed over the whole text rather than sampled at random, so the same text
always gets the same answer; plus wordfreq's word frequencies, which settle the short texts n-grams cannot
("casa", "obrigado").

Parley's own (native) languages are preferred: a language without a catalog must win clearly, on a text long
enough to judge, before it is named.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DATA = Path(__file__).with_name("data") / "langid.npz"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# Below this much text, a native language is not named from the text alone ("ok" could be anything).
MIN_LETTERS = 12
MIN_WORDS = 2
MIN_PROBABILITY = 0.80
# A language without a catalog is named only on a longer text (Latin, Cyrillic or Arabic script) ...
FOREIGN_MIN_LETTERS = 20
FOREIGN_MIN_WORDS = 4
# ... whose score beats the best native language's by this much per character n-gram of the text.
FOREIGN_MARGIN = 0.5
# How much a word's log10 frequency counts beside the n-grams' natural logs; words rarer than FLOOR (or unknown)
# count as FLOOR. Tuned on a development set sampled from wordfreq, never on benchmark data (bench/langid_dev.py).
WORD_WEIGHT = 4.0
FLOOR = -9.0
# Scores are sums over every n-gram, far more confident than independent evidence would be; probabilities are
# taken from scores divided by this.
TEMPERATURE = 3.0

# Writing systems that belong to one language (kana and Hangul win over Han: Japanese and Korean use it too).
_NAMED_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x1F00, 0x1FFF, "el"),
    (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"),
    (0x0900, 0x097F, "hi"),
    (0x0980, 0x09FF, "bn"),
    (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"),
    (0x0B00, 0x0B7F, "or"),
    (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"),
    (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"),
    (0x0F00, 0x0FFF, "bo"),
    (0x1000, 0x109F, "my"),
    (0x10A0, 0x10FF, "ka"),
    (0x1100, 0x11FF, "ko"),
    (0x1200, 0x137F, "am"),
    (0x1780, 0x17FF, "km"),
    (0x3040, 0x30FF, "ja"),
    (0x3130, 0x318F, "ko"),
    (0x31F0, 0x31FF, "ja"),
    (0x3400, 0x4DBF, "zh"),
    (0x4E00, 0x9FFF, "zh"),
    (0xAC00, 0xD7AF, "ko"),
    (0xF900, 0xFAFF, "zh"),
    (0xFF66, 0xFF9D, "ja"),
    (0x20000, 0x2FFFF, "zh"),
)
_STATISTICAL_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
)
# Identification looks at a bounded sample of a message, so its work is linear and capped whatever is sent: the
# first SAMPLE_CHARACTERS characters, each run of non-spaces cut to MAX_WORD characters (no language has longer
# words; a 60,000-character "word" once took identification 35 s, its regular expressions being quadratic in the
# length of a token). A thousand characters tell a language as well as sixty thousand do.
SAMPLE_CHARACTERS = 1000
MAX_WORD = 64
# The scripts scored statistically; any other names its language.
STATISTICAL_SCRIPTS = frozenset({"latin", "cyrillic", "arabic"})
# A Han, kana or Hangul character carries about as much as a short word.
_WIDE = {"zh": 3, "ja": 3, "ko": 3}
# Letters Persian and Urdu write and Arabic does not: without them, Arabic script is Arabic.
_PERSIAN_URDU_LETTERS = frozenset("پچژگکیٹڈڑںےھۂۃ")
# langdetect's candidates by script.
_SCRIPT_CANDIDATES = {
    "cyrillic": frozenset({"ru", "uk", "bg", "mk"}),
    "arabic": frozenset({"ar", "fa", "ur"}),
}


@dataclass(frozen=True)
class Detection:
    language: str
    probability: float
    # Named by a writing system that belongs to one language (Hangul, kana, Han...), not by statistics.
    by_script: bool = False


class LanguageDetector(Protocol):
    def detect(self, text: str) -> Detection | None:
        """The language of the text, or None when the text is too short or unclear to say."""
        ...


@runtime_checkable
class ScoringDetector(LanguageDetector, Protocol):
    """A detector that can also say how much better one language explains a text than another."""

    def margin(self, text: str, language: str, other: str) -> float | None: ...


def sample(text: str) -> str:
    """What identification looks at (see SAMPLE_CHARACTERS): linear in the text, at most SAMPLE_CHARACTERS long."""
    head = text[:SAMPLE_CHARACTERS]
    if len(head) <= MAX_WORD:
        return head
    return " ".join(word[:MAX_WORD] for word in head.split())


def letters_and_words(text: str) -> tuple[int, int]:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    return sum(len(w) for w in words), len(words)


def _script_of(char: str) -> str | None:
    point = ord(char)
    for low, high, name in _NAMED_SCRIPTS:
        if low <= point <= high:
            return name
    for low, high, name in _STATISTICAL_SCRIPTS:
        if low <= point <= high:
            return name
    return None


# A script other than Latin names a text's language when it writes at least 1/OTHER_SCRIPT_SHARE of its letters.
OTHER_SCRIPT_SHARE = 3


def dominant_script(text: str) -> str | None:
    """The writing system most of the text's letters are in: a language code for scripts that name one,
    else "latin", "cyrillic" or "arabic"; None for text without letters."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = _script_of(char)
            if script is not None:
                counts[script] = counts.get(script, 0) + _WIDE.get(script, 1)
    if not counts:
        return None
    if counts.get("ja") and counts.get("zh"):
        # Japanese writes kanji beside plenty of kana; Chinese text borrows the odd kana ("の") at most.
        if counts["ja"] * 4 >= counts["ja"] + counts["zh"]:
            counts["ja"] += counts.pop("zh")
        else:
            counts["zh"] += counts.pop("ja")
    others = [script for script in counts if script != "latin"]
    if "latin" in counts and others:
        # Text in another writing system borrows Latin words ("मुझे unlimited data वाले प्लान में shift होना है",
        # brand names, "ok"): a third of the letters in it names the language, not the borrowed majority.
        other = max(sorted(others), key=lambda script: counts[script])
        if counts[other] * OTHER_SCRIPT_SHARE >= sum(counts.values()):
            return other
    return max(sorted(counts), key=lambda script: counts[script])


def word_key(word: str) -> int:
    """The key a word is stored under in data/langid.npz (as parley.language.langid_data stores it)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "little")


def _normalize_word(token: str) -> str:
    # wordfreq's lists are case-folded (ß as ss) and, for Turkish, fold İ to i.
    return token.replace("’", "'").casefold().replace("i̇", "i")


def char_ngrams(text: str) -> list[str]:
    """The 1-, 2- and 3-grams langdetect counts, a space marking each word's edges; words in capitals are
    lower-cased (langdetect's profiles skip them)."""
    grams: list[str] = []
    for found in _WORD.findall(text.replace("ș", "ş").replace("ț", "ţ")):
        word = found.lower() if len(found) > 1 and found.isupper() else found
        padded = f" {word} "
        grams.extend(word)
        grams.extend(padded[i : i + 2] for i in range(len(padded) - 1))
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


class LanguageModel:
    """Scores a text against langdetect's languages: n-gram log-probabilities plus weighted word frequencies."""

    def __init__(self, arrays: dict[str, Any], word_weight: float = WORD_WEIGHT, floor: float = FLOOR) -> None:
        self.languages: tuple[str, ...] = tuple(str(code) for code in arrays["languages"].tolist())
        self._column = {code: i for i, code in enumerate(self.languages)}
        self._grams = {gram: i for i, gram in enumerate(arrays["grams"].tolist())}
        self._gram_scores = arrays["gram_scores"]
        self._word_keys = arrays["word_keys"]
        self._word_languages = arrays["word_languages"]
        # Stored as -100 x log10(frequency); kept as the gain over an unknown word.
        log_frequency = arrays["word_scores"].astype(np.float32) / -100.0
        self._word_gains = (word_weight * np.maximum(log_frequency - floor, 0.0)).astype(np.float32)
        self.word_weight = word_weight
        self._floor = floor

    def word_zipf(self, word: str, columns: Collection[int] | None = None) -> float:
        """How common a word is in the language that uses it most (of `columns`, when given), on wordfreq's zipf
        scale (log10 of its frequency per billion words: 3 is one per million); 0.0 for a word none holds."""
        found = [zipf for column, zipf in self.word_languages(word) if columns is None or column in columns]
        return max(found, default=0.0)

    def common_in(self, word: str, zipf: float) -> int:
        """In how many languages the word is at least that common."""
        return sum(1 for _, found in self.word_languages(word) if found >= zipf)

    @lru_cache(maxsize=65536)  # noqa: B019 - one model per process (shared_model), never freed anyway
    def word_languages(self, word: str) -> tuple[tuple[int, float], ...]:
        """The columns of the languages the model holds the word in, each with its zipf there."""
        key = np.uint32(word_key(_normalize_word(word)))
        start = int(np.searchsorted(self._word_keys, key, side="left"))
        end = int(np.searchsorted(self._word_keys, key, side="right"))
        gains = self._word_gains[start:end] / self.word_weight + self._floor + 9.0
        return tuple((int(c), float(z)) for c, z in zip(self._word_languages[start:end], gains, strict=True))

    @classmethod
    def load(cls, path: Path = DATA) -> LanguageModel:
        with np.load(path) as data:
            return cls({name: data[name] for name in data.files})

    def column(self, language: str) -> int | None:
        return self._column.get(language)

    def scores(self, text: str) -> tuple[np.ndarray[Any, np.dtype[np.float32]], int]:
        """Each language's score for the text, and how many n-grams it was judged on."""
        text = unicodedata.normalize("NFC", text)  # "é" typed as e + combining accent is still "é"
        rows = [i for i in (self._grams.get(g) for g in char_ngrams(text)) if i is not None]
        total = np.zeros(len(self.languages), dtype=np.float32)
        if rows:
            total += self._gram_scores[rows].astype(np.float32).sum(axis=0)
        for token in _TOKEN.findall(text):
            word = _normalize_word(token)
            if not self._add_word(total, word) and "'" in word:
                for part in word.split("'"):
                    self._add_word(total, part)
        return total, len(rows)

    def _add_word(self, total: np.ndarray[Any, np.dtype[np.float32]], word: str) -> bool:
        key = word_key(word)
        # One row per language the word is in; a Python int (not np.uint32) would copy the whole array.
        start = int(np.searchsorted(self._word_keys, np.uint32(key), side="left"))
        end = int(np.searchsorted(self._word_keys, np.uint32(key), side="right"))
        if start == end:
            return False
        np.add.at(total, self._word_languages[start:end], self._word_gains[start:end])
        return True


@lru_cache(maxsize=1)
def shared_model() -> LanguageModel:
    """The model, loaded once per process (about 100 ms, 30 MB)."""
    return LanguageModel.load()


def _softmax(scores: np.ndarray[Any, np.dtype[np.float32]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    shifted = (scores.astype(np.float64) - float(scores.max())) / TEMPERATURE
    weights = np.exp(shifted)
    return weights / weights.sum()  # type: ignore[no-any-return]


class LangdetectDetector:
    """Names the language of a text among Parley's native languages and, when the evidence is clear, among
    every other language langdetect knows or a script names."""

    def __init__(self, languages: Iterable[str], model: LanguageModel | None = None) -> None:
        self._native = frozenset(languages)
        self._model = model or shared_model()
        self._last: tuple[str, tuple[np.ndarray[Any, np.dtype[np.float32]], int]] | None = None
        self._native_columns = np.array(
            sorted(c for c in (self._model.column(code) for code in self._native) if c is not None), dtype=np.intp
        )

    @property
    def native(self) -> frozenset[str]:
        return self._native

    def guess(self, text: str) -> Detection | None:
        """The likeliest language even for a short text (native unless `detect` is sure it is not)."""
        text = sample(text)
        return self.detect(text) or self._best_native(text)

    def detect(self, text: str) -> Detection | None:
        text = sample(text)
        script = dominant_script(text)
        if script is None:
            return None
        if script not in STATISTICAL_SCRIPTS:
            return Detection(script, 1.0, by_script=True)
        letters, words = letters_and_words(text)
        foreign = self._foreign(text, script, letters, words)
        if foreign is not None:
            return foreign
        if letters < MIN_LETTERS or words < MIN_WORDS:
            return None
        best = self._best_native(text)
        if best is None or best.probability < MIN_PROBABILITY:
            return None
        return best

    def _best_native(self, text: str) -> Detection | None:
        script = dominant_script(text)
        if script is None:
            return None
        if script in self._native:
            return Detection(script, 1.0)
        if script == "cyrillic" and "ru" in self._native:
            return Detection("ru", 1.0)
        if script == "arabic" and "ar" in self._native:
            return Detection("ar", 1.0)
        if not len(self._native_columns):
            return None
        scores, grams = self._scores(text)
        if not grams:
            return None
        native = scores[self._native_columns]
        probabilities = _softmax(native)
        best = int(np.argmax(probabilities))
        return Detection(self._model.languages[int(self._native_columns[best])], float(probabilities[best]))

    def margin(self, text: str, language: str, other: str) -> float | None:
        """How much better `language` explains the text than `other`, per character n-gram judged (every
        language the model knows, native or not); None when either is not in the model or nothing was judged."""
        first, second = self._model.column(language), self._model.column(other)
        if first is None or second is None:
            return None
        scores, grams = self._scores(sample(text))
        if not grams:
            return None
        return (float(scores[first]) - float(scores[second])) / grams

    def _scores(self, text: str) -> tuple[np.ndarray[Any, np.dtype[np.float32]], int]:
        """The model's scores, kept for the last text: detect, guess and identify all ask about the same one."""
        last = self._last
        if last is None or last[0] != text:
            last = self._last = (text, self._model.scores(text))
        return last[1]

    def _foreign(self, text: str, script: str, letters: int, words: int) -> Detection | None:
        """A language Parley has no catalog for, when the text is long and clearly in it."""
        if letters < FOREIGN_MIN_LETTERS or words < FOREIGN_MIN_WORDS:
            return None
        if script == "arabic" and sum(c in _PERSIAN_URDU_LETTERS for c in text) < 2:
            return None
        scores, grams = self._scores(text)
        candidates = _SCRIPT_CANDIDATES.get(script)
        columns = [
            i for i, code in enumerate(self._model.languages) if candidates is None or code in candidates
        ]  # fmt: skip
        best = max(columns, key=lambda i: (float(scores[i]), -i))
        language = self._model.languages[best]
        if language in self._native or not len(self._native_columns) or not grams:
            return None
        margin = (float(scores[best]) - float(scores[self._native_columns].max())) / grams
        if margin < FOREIGN_MARGIN:
            return None
        return Detection(language, float(_softmax(scores[columns])[columns.index(best)]))
