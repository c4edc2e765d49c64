"""Which language to answer in: good evidence switches the conversation's language, a short or ambiguous message
never does.

The answer may be a language Parley has no catalog for (`is_native` tells): the dialogue then pivots through
machine translation. Such a language is named only by its script (Hangul, kana, Greek...) or by a long text
that is clearly in it, never by a short message ("ok", "hoi", "dank"); once the conversation is in it, it is
held exactly like a native one: a message the detector would call Indonesian or German ("En wanneer komt
ORD-880001 aan?") does not move a Dutch conversation unless it is long and clearly better explained so.
"""

from __future__ import annotations

import re

from parley.domain.language import language_code
from parley.language.detector import (
    FOREIGN_MARGIN,
    FOREIGN_MIN_LETTERS,
    FOREIGN_MIN_WORDS,
    STATISTICAL_SCRIPTS,
    LanguageDetector,
    ScoringDetector,
    dominant_script,
    letters_and_words,
    sample,
)
from parley.language.lexicon import Lexicon

# How much more vocabulary evidence langdetect's runner-up needs before it overrules langdetect.
LEXICAL_MARGIN = 1.0
# When langdetect cannot tell and nothing is known of the customer: words found only in one language's
# catalog, counting each as 1 (a word shared by two languages counts 1/2 for each).
LEXICAL_ALONE = 2.0
# A text too short to identify is still likely in the one language whose catalog has its words ("obg", "grz", "slt",
# "hello bhaiya"): taken when nothing else is known of the customer, with LEXICAL_MARGIN over any other language.
LEXICAL_GUESS = 1.0
# How much better (per character n-gram) another language must explain a message before a conversation leaves its
# language for it, when a language without a catalog is either side: the margin the detector asks of a language
# without a catalog over the native ones.
SWITCH_MARGIN = FOREIGN_MARGIN
# Emails, links and Latin tokens with a digit in them (order numbers, amounts, codes) are in no language: "بريدي هو
# someone@example.org" is Arabic, not English. Only ASCII is taken out: "2023年に注文した" keeps its Japanese.
_NO_LANGUAGE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)[!-~]+|[A-Za-z0-9_./:#-]*[0-9][A-Za-z0-9_./:#-]*", re.ASCII
)


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, lexicon: Lexicon, native: frozenset[str], default: str) -> None:
        self._detector = detector
        self._lexicon = lexicon
        self._native = native
        self._default = default

    def is_native(self, code: str | None) -> bool:
        """Whether Parley has a catalog for the language, so it can answer without machine translation."""
        return code in self._native

    def identify(self, text: str) -> str | None:
        """The language the text is clearly in, judged by the detector and the catalogs' words; None when it is
        too short or unclear to say. A language without a catalog comes only from the detector, which names one
        only by its script or on a long text."""
        text = _without_codes(text)
        detection = self._detector.detect(text)
        scores = self._lexicon.scores(text)
        best, runner_up = _best_of(scores)
        lexically_clear = (
            best is not None and scores[best] >= LEXICAL_ALONE and scores[best] >= runner_up + LEXICAL_MARGIN
        )
        if detection is not None and detection.language not in self._native:
            # A script settles it, and so do letters the catalog's language never writes; statistics alone do not
            # overrule a native catalog's words.
            if best is not None and lexically_clear and not detection.by_script:
                return detection.language if self._lexicon.foreign_letters(text, best) else best
            return detection.language
        if best is None:
            return detection.language if detection else None
        if detection is None:
            return best if lexically_clear else None
        if scores[best] >= scores.get(detection.language, 0.0) + LEXICAL_MARGIN:
            return best
        return detection.language

    def choose(self, text: str, remembered: str | None, customer_language: str | None, hint: str | None = None) -> str:
        """The language the conversation goes on in. What it already uses (else the customer's record, else the
        channel's hint: the WhatsApp number's country, Messenger's locale) holds unless the text is clearly in
        another language; with none of them, the language the text is in, else the business's default. Any of them
        may be a language without a catalog, and such a language is held exactly like a native one."""
        known = language_code(remembered) or language_code(customer_language)
        anchor = known or language_code(hint)
        identified = self.identify(text)
        if identified is None:
            return anchor or self.guess(text) or self._default
        if anchor is None or identified == anchor or self._moves(text, anchor, identified):
            return identified
        return anchor

    def guess(self, text: str) -> str | None:
        """The native language whose catalog alone has the words of a text too short to identify ("obg" is
        Portuguese chat, "grz" Italian), else None."""
        scores = self._lexicon.scores(_without_codes(text))
        best, runner_up = _best_of(scores)
        if best is None:
            return None
        return best if scores[best] >= LEXICAL_GUESS and scores[best] >= runner_up + LEXICAL_MARGIN else None

    def _moves(self, text: str, anchor: str, identified: str) -> bool:
        """Whether the text is evidence enough to leave `anchor` for `identified`: another writing system, or,
        between two native languages, the message's own words favouring the new one (the detector alone is not
        enough), or, where a language without a catalog is involved, a text long enough to judge that the model
        explains clearly better in the new language."""
        text = _without_codes(text)
        script = dominant_script(text)
        if script is not None and script not in STATISTICAL_SCRIPTS:
            return True  # Hangul, kana, Han...: the writing system names the language
        if anchor in self._native and identified in self._native:
            scores = self._lexicon.scores(text)
            return scores.get(identified, 0.0) > scores.get(anchor, 0.0)
        letters, words = letters_and_words(text)
        if letters < FOREIGN_MIN_LETTERS or words < FOREIGN_MIN_WORDS:
            return False  # "En wanneer komt aan?", "Okej, tack så mycket": too little to leave the conversation's
        detector = self._detector
        if isinstance(detector, ScoringDetector):
            margin = detector.margin(text, identified, anchor)
            if margin is not None:
                return margin >= SWITCH_MARGIN
        return True


# Arabic written in Latin letters (Arabizi) writes sounds Latin has no letter for as digits: "3ayez", "sama7t",
# "5alas", "ye2fel". Such a word is kept: lower-case letters with one or two of those digits, never a code.
_ARABIZI_WORD = re.compile(r"(?=(?:[a-z']*[2356789]){1,2}[a-z']*$)(?=(?:[^a-z]*[a-z]){2})[a-z2356789']+")


def _best_of(scores: dict[str, float]) -> tuple[str | None, float]:
    """The language the catalogs' words favour most, and the best score of any other."""
    best = max(scores, key=lambda language: scores[language], default=None)
    return best, max((v for k, v in scores.items() if k != best), default=0.0)


def _without_codes(text: str) -> str:
    """The bounded sample of the text identification looks at, without emails, links and codes."""

    def code(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if _ARABIZI_WORD.fullmatch(token) else " "

    return " ".join(_NO_LANGUAGE.sub(code, sample(text)).split())
