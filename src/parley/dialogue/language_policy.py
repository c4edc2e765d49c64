"""Which language to answer in: good evidence switches the conversation's language, a short message never does."""

from __future__ import annotations

from parley.language.detector import LanguageDetector


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, native: frozenset[str], default: str) -> None:
        self._detector = detector
        self._native = native
        self._default = default

    def choose(self, text: str, remembered: str | None, customer_language: str | None) -> str:
        """The detected language when the text says so clearly; else what the conversation already uses;
        else the language on the customer's record; else the business's default."""
        detection = self._detector.detect(text)
        if detection is not None and detection.language in self._native:
            return detection.language
        for candidate in (remembered, customer_language):
            if candidate in self._native:
                return candidate
        return self._default
