"""Which language to answer in: good evidence switches the conversation's language, a short message never does."""

from __future__ import annotations

from parley.language.detector import LanguageDetector
from parley.language.lexicon import Lexicon

# How much more vocabulary evidence langdetect's runner-up needs before it overrules langdetect.
LEXICAL_MARGIN = 1.0
# When langdetect cannot tell and nothing is known of the customer: words found only in one language's
# catalog, counting each as 1 (a word shared by two languages counts 1/2 for each).
LEXICAL_ALONE = 2.0


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, lexicon: Lexicon, native: frozenset[str], default: str) -> None:
        self._detector = detector
        self._lexicon = lexicon
        self._native = native
        self._default = default

    def identify(self, text: str) -> str | None:
        """The native language the text is clearly in, judged by langdetect and the catalogs' words; None
        when it is too short or unclear to say."""
        detection = self._detector.detect(text)
        scores = self._lexicon.scores(text)
        best = max(scores, key=lambda language: scores[language], default=None)
        if best is None:
            return detection.language if detection and detection.language in self._native else None
        runner_up = max((v for k, v in scores.items() if k != best), default=0.0)
        if detection is None or detection.language not in self._native:
            clear = scores[best] >= LEXICAL_ALONE and scores[best] >= runner_up + LEXICAL_MARGIN
            return best if clear else None
        if scores[best] >= scores.get(detection.language, 0.0) + LEXICAL_MARGIN:
            return best
        return detection.language

    def choose(self, text: str, remembered: str | None, customer_language: str | None, hint: str | None = None) -> str:
        """The language the text is clearly in; else what the conversation already uses; else the language
        on the customer's record; else the channel's hint (the WhatsApp number's country, Messenger's locale);
        else the business's default."""
        known = next((c for c in (remembered, customer_language) if c in self._native), None)
        identified = self.identify(text)
        if identified is None:
            return known or (hint if hint in self._native else None) or self._default
        if known and identified != known:
            scores = self._lexicon.scores(text)
            if scores.get(identified, 0.0) <= scores.get(known, 0.0):
                # Switching needs the message's own words to favour the new language, not langdetect alone.
                return known
        return identified
