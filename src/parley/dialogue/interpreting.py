"""Conversations in languages without a catalog: understood through English, answered in the customer's language.

A native language never reaches the translator. For any other, the customer's words are translated to English for
understanding and the English reply is translated back. When translation fails, the customer still gets the answer,
in English, after a short apology in their own language where Parley has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from parley.channels.replies import Reply
from parley.language.translation import PIVOT_LANGUAGE, TranslationPivot


class TranslationUse(StrEnum):
    """What translation did for one message (for analytics; never the text)."""

    NOT_NEEDED = "not_needed"  # a native language: catalogs only
    USED = "used"
    FAILED = "failed"  # answered in English with an apology


@dataclass(frozen=True)
class Understood:
    """The text to understand (English when it was translated) and what translation did for it."""

    text: str
    translation: TranslationUse


class Interpreter:
    def __init__(
        self,
        native: Iterable[str],
        apologies: Mapping[str, str],
        pivot: TranslationPivot | None = None,
    ) -> None:
        """`apologies` maps a language to the short apology sent before an untranslated English answer; it holds
        the catalogs' own and those of common languages without a catalog. `pivot` None: translation is off."""
        self._native = frozenset(native)
        if PIVOT_LANGUAGE not in apologies:
            raise ValueError(f"an apology in {PIVOT_LANGUAGE} is needed for languages without one")
        self._apologies = dict(apologies)
        self._pivot = pivot

    def needs_translation(self, language: str) -> bool:
        return language not in self._native

    def understand(self, text: str, language: str, product_names: Iterable[str] = ()) -> Understood:
        if not self.needs_translation(language) or not text.strip():
            return Understood(text, TranslationUse.NOT_NEEDED)
        if self._pivot is None:
            return Understood(text, TranslationUse.FAILED)
        result = self._pivot.to_english(text, language, product_names=product_names)
        return Understood(result.text, TranslationUse.USED if result.translated else TranslationUse.FAILED)

    def localise(
        self, reply: Reply, language: str, so_far: TranslationUse, product_names: Iterable[str] = ()
    ) -> tuple[Reply, TranslationUse]:
        """The English reply in the customer's language; or, when translation failed (now or on the way in),
        the English reply after the apology. Every part is translated or none is: no reply mixes languages."""
        if not self.needs_translation(language):
            return reply, so_far
        # A tapped button needed no translation on the way in (NOT_NEEDED); its answer still does.
        if so_far is not TranslationUse.FAILED and self._pivot is not None:
            translated = self._translate(reply, language, tuple(product_names))
            if translated is not None:
                return translated, TranslationUse.USED
        apology = self._apologies.get(language) or self._apologies[PIVOT_LANGUAGE]
        return replace(reply, text=f"{apology}\n\n{reply.text}"), TranslationUse.FAILED

    def _translate(self, reply: Reply, language: str, product_names: tuple[str, ...]) -> Reply | None:
        assert self._pivot is not None
        pivot = self._pivot
        done: dict[str, str] = {}  # a section name shared by several choices is translated once
        failed = False

        def into(text: str) -> str:
            nonlocal failed
            if failed or not text.strip():
                return text
            if text not in done:
                result = pivot.from_english(text, language, product_names=product_names)
                failed = not result.translated
                done[text] = result.text
            return done[text]

        choices = tuple(
            c
            if c.verbatim
            else replace(c, title=into(c.title), description=into(c.description), section=into(c.section))
            for c in reply.choices
        )
        translated = replace(
            reply,
            text=into(reply.text),
            choices=choices,
            header=into(reply.header),
            footer=into(reply.footer),
            menu_label=into(reply.menu_label),
            link=replace(reply.link, label=into(reply.link.label)) if reply.link else None,
        )
        return None if failed else translated
