"""Language identification with langdetect, seeded and restricted to the languages Parley speaks natively."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# langdetect names Chinese by script; Parley has one Chinese catalog.
_PROFILE_NAMES = {"zh": ("zh-cn", "zh-tw")}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Below this much text, langdetect is a coin toss ("ok" comes back Slovak), so short messages keep the
# conversation's language instead of switching it.
MIN_LETTERS = 12
MIN_WORDS = 2
MIN_PROBABILITY = 0.80


@dataclass(frozen=True)
class Detection:
    language: str
    probability: float


class LanguageDetector(Protocol):
    def detect(self, text: str) -> Detection | None:
        """The language of the text, or None when the text is too short or unclear to say."""
        ...


def letters_and_words(text: str) -> tuple[int, int]:
    words = _WORD.findall(text)
    return sum(len(w) for w in words), len(words)


def _script_language(text: str) -> str | None:
    """Scripts that name a language outright among ours: Han → zh, Devanagari → hi."""
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith("CJK UNIFIED"):
            return "zh"
        if name.startswith("DEVANAGARI"):
            return "hi"
    return None


class LangdetectDetector:
    def __init__(self, languages: Iterable[str], seed: int = 0) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory  # slow import: here only

        self._languages = frozenset(languages)
        factory = DetectorFactory()
        # langdetect samples randomly; without a fixed seed the same message can change language between runs.
        factory.seed = seed
        profiles = []
        for language in sorted(self._languages):
            for name in _PROFILE_NAMES.get(language, (language,)):
                path = Path(PROFILES_DIRECTORY) / name
                if path.exists():
                    profiles.append(path.read_text(encoding="utf-8"))
        factory.load_json_profile(profiles)
        self._factory = factory

    def guess(self, text: str) -> Detection | None:
        """The likeliest language even for a short text (for reporting; conversations use detect)."""
        return self.detect(text) or self._ranked(text)

    def detect(self, text: str) -> Detection | None:
        by_script = _script_language(text)
        if by_script in self._languages:
            return Detection(by_script, 1.0)
        letters, words = letters_and_words(text)
        if letters < MIN_LETTERS or words < MIN_WORDS:
            return None
        best = self._ranked(text)
        if best is None or best.probability < MIN_PROBABILITY:
            return None
        return best

    def _ranked(self, text: str) -> Detection | None:
        from langdetect.lang_detect_exception import LangDetectException

        try:
            detector = self._factory.create()
            detector.append(text)
            candidates = detector.get_probabilities()
        except LangDetectException:
            return None
        if not candidates:
            return None
        best = candidates[0]
        language = best.lang.split("-")[0]
        return Detection(language, best.prob) if language in self._languages else None
