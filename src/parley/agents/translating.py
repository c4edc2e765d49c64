"""Translation between an agent and a customer, in either direction and between any two languages.

Never raises and never blocks a reply: when translation is off or fails, the words go as written and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parley.language.translation import TranslationPivot


@dataclass(frozen=True)
class Translated:
    text: str  # in the target language, or as written when `untranslated`
    needed: bool  # the languages differ (or the source is unknown)
    untranslated: bool  # needed, but the text is as written: translation is off or failed


class AgentTranslator:
    def __init__(self, pivot: TranslationPivot | None) -> None:
        """pivot: the machine translation the customers' messages use; None when TRANSLATION_PROVIDER is none."""
        self._pivot = pivot

    def translate(self, text: str, source: str | None, target: str) -> Translated:
        if source == target or not text.strip():
            return Translated(text, needed=False, untranslated=False)
        if self._pivot is None:
            return Translated(text, needed=True, untranslated=True)
        result = self._pivot.translate(text, source or "auto", target)
        return Translated(result.text, needed=True, untranslated=not result.translated)
