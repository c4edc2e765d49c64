"""Which language to answer in: good evidence switches the conversation's language, a short message never does."""

from __future__ import annotations

from parley.language.detector import LanguageDetector
from parley.language.lexicon import Lexicon

# How much more vocabulary evidence langdetect's runner-up needs before it overrules langdetect.
LEXICAL_MARGIN = 1.0


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, lexicon: Lexicon, native: frozenset[str], default: str) -> None:
        self._detector = detector
        self._lexicon = lexicon
        self._native = native
        self._default = default

    def choose(self, text: str, remembered: str | None, customer_language: str | None) -> str:
        """The language the text is clearly in; else what the conversation already uses; else the language
        on the customer's record; else the business's default."""
        known = next((c for c in (remembered, customer_language) if c in self._native), None)
        detection = self._detector.detect(text)
        if detection is None or detection.language not in self._native:
            return known or self._default
        scores = self._lexicon.scores(text)
        candidate = detection.language
        best = max(scores, key=lambda language: scores[language], default=candidate)
        if scores.get(best, 0.0) >= scores.get(candidate, 0.0) + LEXICAL_MARGIN:
            candidate = best
        if known and candidate != known and scores.get(candidate, 0.0) <= scores.get(known, 0.0):
            # Switching needs the message's own words to favour the new language, not langdetect alone.
            return known
        return candidate
