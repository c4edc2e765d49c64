"""Reply catalogs from locales/ (one JSON file per native language) and locale-aware formatting with Babel."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from babel.numbers import format_currency

from parley.nlu.examples import example_files, merged

if TYPE_CHECKING:
    from parley.language.lexicon import Lexicon

# Arabic and other right-to-left text: isolate embedded left-to-right values (order numbers, tracking codes)
# so WhatsApp does not reorder "ORD-104233" into "104233-ORD".
_LRI, _PDI = "\u2066", "\u2069"
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})
# Languages whose sentences follow each other without a space ("已发货。承运商：顺丰。").
UNSPACED_LANGUAGES = frozenset({"zh", "ja"})
# Said before an English answer that could not be translated: each catalog's key, and a file beside the
# catalogs for languages that have none.
APOLOGY_KEY = "translation.unavailable"
PIVOT_APOLOGIES = Path("pivot") / "apologies.json"


class CatalogError(RuntimeError):
    pass


def locales_dir() -> Path:
    """The repository's locales/, when no directory is configured (in Lambda PARLEY_LOCALES_DIR names the layer's)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "locales"
        if candidate.is_dir():
            return candidate
    raise CatalogError("no locales/ directory found; set PARLEY_LOCALES_DIR")


@dataclass(frozen=True)
class Catalog:
    language: str
    replies: dict[str, str]
    examples: dict[str, list[str]]
    # Short answers and markers read literally rather than by the intent model: "yes", "no", "never mind"…
    words: dict[str, list[str]] = field(default_factory=dict)
    # Words of this language for the shop's own ("azul" → "blue" in attribute_words), read literally too.
    word_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    # Dates and money in another locale than the catalog's: an English reply bound for translation into Dutch
    # already says "24 november 2026" and "€ 59,90".
    format_locale: str = ""

    def formatting_for(self, language: str) -> Catalog:
        """This catalog with dates and money formatted for `language`, when Babel knows it."""
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(language.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return self
        return replace(self, format_locale=language.replace("-", "_"))

    def render(self, key: str, **values: Any) -> str:
        template = self.replies.get(key)
        if template is None:
            raise CatalogError(f"reply {key!r} missing from the {self.language} catalog")
        if self.language in RTL_LANGUAGES:
            values = {k: f"{_LRI}{v}{_PDI}" if isinstance(v, str) and v.isascii() else v for k, v in values.items()}
        return template.format(**values)

    def placeholders(self, key: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(self.replies[key]) if name}

    def sentences(self, parts: list[str]) -> str:
        return ("" if self.language in UNSPACED_LANGUAGES else " ").join(parts)

    def date(self, value: date) -> str:
        return str(format_date(value, format="long", locale=self.format_locale or self.language))

    def money(self, amount: Decimal, currency: str) -> str:
        return str(format_currency(amount, currency, locale=self.format_locale or self.language))


class Catalogs:
    """Every native language's catalog; the language set is the file set."""

    def __init__(
        self,
        catalogs: dict[str, Catalog],
        default_language: str = "en",
        pivot_apologies: Mapping[str, str] | None = None,
    ) -> None:
        if default_language not in catalogs:
            raise CatalogError(f"no catalog for the default language {default_language!r}")
        self._catalogs = catalogs
        self.default_language = default_language
        self._pivot_apologies = dict(pivot_apologies or {})

    def apologies(self) -> dict[str, str]:
        """The apology before an untranslated English answer, by language: each catalog's own, and those of
        languages without a catalog (locales/pivot/apologies.json)."""
        own = {c.language: c.replies[APOLOGY_KEY] for c in self._catalogs.values() if APOLOGY_KEY in c.replies}
        return {**self._pivot_apologies, **own}

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._catalogs)

    def __getitem__(self, language: str) -> Catalog:
        return self._catalogs.get(language) or self._catalogs[self.default_language]

    def __iter__(self) -> Any:
        return iter(self._catalogs.values())

    def examples(self) -> dict[str, list[str]]:
        """Every language's example utterances, pooled by intent."""
        pooled: dict[str, list[str]] = {}
        for catalog in self._catalogs.values():
            for intent, utterances in catalog.examples.items():
                pooled.setdefault(intent, []).extend(utterances)
        return pooled

    def lexicon(self) -> Lexicon:
        from parley.language.lexicon import Lexicon

        return Lexicon(
            {
                c.language: [*c.replies.values(), *(u for us in c.examples.values() for u in us)]
                for c in self._catalogs.values()
            }
        )


def load_catalog(path: Path) -> Catalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"cannot read catalog {path.name}: {exc}") from exc
    return Catalog(
        language=path.stem,
        replies=dict(data.get("replies", {})),
        examples=merged(
            {k: list(v) for k, v in data.get("examples", {}).items()}, example_files(path.parent, path.stem)
        ),
        words={k: [str(w) for w in v] for k, v in data.get("words", {}).items() if not isinstance(v, dict)},
        word_maps={
            k: {str(a): str(b) for a, b in v.items()} for k, v in data.get("words", {}).items() if isinstance(v, dict)
        },
    )


@cache
def load_catalogs(directory: Path | None = None, default_language: str = "en") -> Catalogs:
    directory = directory or locales_dir()
    catalogs = {p.stem: load_catalog(p) for p in sorted(directory.glob("*.json"))}
    if not catalogs:
        raise CatalogError(f"no catalogs in {directory}")
    return Catalogs(catalogs, default_language, _pivot_apologies(directory / PIVOT_APOLOGIES))


def _pivot_apologies(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data["apologies"].items()}
    except (OSError, json.JSONDecodeError, KeyError, AttributeError) as exc:
        raise CatalogError(f"cannot read {path.name}: {exc}") from exc
