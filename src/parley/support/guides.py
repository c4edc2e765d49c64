"""Troubleshooting guides: business data in guides/*.json, one file per problem, steps in every language.

A guide is walked one step at a time ("did that help?"); this module only knows the guides, which one fits a
customer's message, and what each step says. The file format is described in guides/README.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from parley.folding import LOOKALIKES
from parley.folding import fold as plain_fold

DEFAULT_LANGUAGE = "en"  # every guide is written in it; a language without steps falls back to it
MAX_STEP_CHARS = 300  # one short action, readable in a WhatsApp bubble above the "did that help?" buttons
_KEYS = frozenset({"id", "categories", "title", "terms", "steps"})
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)?")


class GuideError(RuntimeError):
    """A guide file that cannot be used; the message names the file and what is wrong with it."""


def guides_dir() -> Path:
    """The repository's guides/, when no directory is configured (in Lambda PARLEY_GUIDES_DIR names the layer's)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "guides"
        if candidate.is_dir() and any(candidate.glob("*.json")):
            return candidate
    raise GuideError("no guides/ directory found; set PARLEY_GUIDES_DIR")


# --- Text folding and term matching ---------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼ`´"  # the ways customers type an apostrophe
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold(text: str) -> str:
    """Folded as everywhere (folding.fold), and lookalike letters evened out: "no enciende" and "NO ENCIENDE",
    "ça marche" and "ca marche", a Turkish dotless i and a dotted one."""
    return plain_fold(text).translate(LOOKALIKES)


def _separator(char: str) -> bool:
    # Punctuation, symbols, spaces and controls split words; letters, digits and marks (Devanagari vowel signs)
    # belong to them.
    return unicodedata.category(char)[0] in "PSZC"


def _spellings(text: str, keep: str = "") -> tuple[str, ...]:
    """The message as space-separated words, padded with spaces: once with apostrophes dropped ("won't" ->
    "wont", as customers type it) and once with them splitting words ("l'application" -> "l application")."""
    folded = _CJK.sub(lambda m: f" {m.group()} ", fold(text))
    forms = []
    for apostrophe in ("", " "):
        joined = "".join(
            apostrophe if c in _APOSTROPHES else " " if _separator(c) and c not in keep else c for c in folded
        )
        forms.append(" " + " ".join(joined.split()) + " ")
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class _Term:
    """One match term, weighted by how much of a message it explains (its letters)."""

    patterns: tuple[re.Pattern[str], ...]
    weight: int
    unspaced: bool  # Chinese: matched against the message with its spaces removed

    def found_in(self, spellings: tuple[str, ...], unspaced: str) -> bool:
        if self.unspaced:
            return any(p.search(unspaced) for p in self.patterns)
        return any(p.search(s) for p in self.patterns for s in spellings)


def _compile_term(term: str) -> _Term | None:
    """Whole words in order; a word ending in "*" matches any word it begins ("не включа*" matches
    "не включается"). A term with Chinese characters matches wherever it occurs, spaces or not."""
    spellings = [s.split() for s in _spellings(term, keep="*")]
    words = spellings[0]
    if not words:
        return None
    weight = sum(len(w.rstrip("*")) for w in words)
    if any(_CJK.search(w) for w in words):
        return _Term((re.compile(re.escape("".join(words))),), weight, unspaced=True)
    patterns = tuple(re.compile(" " + " ".join(map(_word_pattern, ws)) + " ") for ws in spellings)
    return _Term(patterns, weight, unspaced=False)


def _word_pattern(word: str) -> str:
    return re.escape(word[:-1]) + r"\S*" if word.endswith("*") and len(word) > 1 else re.escape(word)


def _languages(language: str) -> tuple[str, ...]:
    """Where to look, in order: "pt-BR", then "pt", then English."""
    return tuple(dict.fromkeys((language, language.partition("-")[0].lower(), DEFAULT_LANGUAGE)))


# --- Guides ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guide:
    """One problem and how to fix it: titles and steps by language (steps in order, the same count in each)."""

    id: str
    titles: Mapping[str, str]
    steps: Mapping[str, tuple[str, ...]]
    categories: tuple[str, ...] = ()
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the words customers use, by language

    def title(self, language: str) -> str:
        return next(self.titles[lang] for lang in _languages(language) if lang in self.titles)

    def steps_in(self, language: str) -> tuple[str, ...]:
        return next(self.steps[lang] for lang in _languages(language) if lang in self.steps)

    @property
    def step_count(self) -> int:
        return len(self.steps[DEFAULT_LANGUAGE])

    def applies_to(self, category: str | None) -> bool:
        """No category known, or a guide for every product, or one for this category."""
        return not category or not self.categories or category.casefold() in self.categories


class Guides:
    """Every guide, by id, and which one fits a customer's message."""

    def __init__(self, guides: Iterable[Guide]) -> None:
        self._guides: dict[str, Guide] = {}
        for guide in guides:
            if guide.id in self._guides:
                raise GuideError(f"two guides have the id {guide.id!r}")
            self._guides[guide.id] = guide
        # Compiled once: matching runs on every tech-support message.
        self._terms: dict[str, dict[str, list[_Term]]] = {
            guide.id: {
                language: [t for t in map(_compile_term, terms) if t is not None]
                for language, terms in guide.terms.items()
            }
            for guide in self._guides.values()
        }

    def __iter__(self) -> Iterator[Guide]:
        return iter(self._guides.values())

    def __len__(self) -> int:
        return len(self._guides)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._guides)

    def get(self, guide_id: str) -> Guide | None:
        """The guide, or None when no guide has this id (any more: a conversation may outlive an edit)."""
        return self._guides.get(guide_id)

    def count(self, guide_id: str) -> int:
        """How many steps the guide has; 0 for an unknown guide."""
        guide = self._guides.get(guide_id)
        return guide.step_count if guide else 0

    def step(self, guide_id: str, language: str, index: int) -> str | None:
        """Step `index` (from 0) in `language`, or in English when the guide has no steps in it; None past the
        last step or for an unknown guide, which is when the customer should be offered a person."""
        guide = self._guides.get(guide_id)
        if guide is None or not 0 <= index < guide.step_count:
            return None
        return guide.steps_in(language)[index]

    def match(self, text: str, language: str, category: str | None = None) -> Guide | None:
        """The guide for a customer's message: terms in the message's language first, then in English.

        The guide with the longest term found in the message wins, so the more specific phrase decides ("the app
        won't open" beats "won't open"); the letters of all its terms found break a tie. None when no term is
        found, or when two guides still tie (the message does not say clearly which problem it is).
        `category` (a product category, when the conversation knows it) leaves out guides for other products.
        """
        spellings = _spellings(text)
        unspaced = "".join(spellings[0].split())
        for lang in _languages(language):
            scores: dict[str, tuple[int, int]] = {}
            for guide in self._guides.values():
                if not guide.applies_to(category):
                    continue
                found = [t.weight for t in self._terms[guide.id].get(lang, ()) if t.found_in(spellings, unspaced)]
                if found:
                    scores[guide.id] = (max(found), sum(found))
            ranked = sorted(scores.items(), key=lambda item: (item[1], item[0]), reverse=True)
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                return self._guides[ranked[0][0]]
        return None


# --- Loading --------------------------------------------------------------------------------------------------


def _strings(path: Path, where: str, value: Any, *, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GuideError(f"{path.name}: {where} must be a list of texts")
    if not value and not allow_empty:
        raise GuideError(f"{path.name}: {where} is empty")
    if any(not v.strip() for v in value):
        raise GuideError(f"{path.name}: {where} has an empty entry")
    return tuple(v.strip() for v in value)


def by_language(path: Path, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise GuideError(f"{path.name}: {key!r} must map language codes to values")
    for language in value:
        if not _LANGUAGE.fullmatch(language):
            raise GuideError(f"{path.name}: {key!r} has {language!r}, which is not a language code like 'en'")
    if DEFAULT_LANGUAGE not in value:
        raise GuideError(f"{path.name}: {key!r} has no {DEFAULT_LANGUAGE!r} entry (English is the fallback)")
    return value


def read_object(path: Path) -> dict[str, Any]:
    """A guide file's JSON object (GuideError naming the file when it is none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GuideError(f"{path.name}: cannot read it as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise GuideError(f"{path.name}: must hold a JSON object")
    return data


def load_guide(path: Path) -> Guide:
    """One guide file, checked: English is complete, and every language with steps has a title and as many
    steps as English, none empty or over MAX_STEP_CHARS."""
    return guide_from(path, read_object(path))


def guide_from(path: Path, data: Mapping[str, Any], keys: frozenset[str] = _KEYS) -> Guide:
    """A guide of the object read from `path`, checked as load_guide checks it; `keys`: those it may have (the
    account help files have a url too)."""
    if missing := sorted({"id", "title", "terms", "steps"} - data.keys()):
        raise GuideError(f"{path.name}: missing {', '.join(missing)}")
    if unknown := sorted(data.keys() - keys):
        raise GuideError(f"{path.name}: unknown key {', '.join(map(repr, unknown))}")
    guide_id = data["id"]
    if not isinstance(guide_id, str) or not _ID.fullmatch(guide_id):
        raise GuideError(f"{path.name}: id must be lowercase letters, digits, '_' or '-'")
    if guide_id != path.stem:
        raise GuideError(f"{path.name}: id {guide_id!r} differs from the file name")

    titles = by_language(path, "title", data["title"])
    for language, title in titles.items():
        if not isinstance(title, str) or not title.strip():
            raise GuideError(f"{path.name}: title in {language!r} is empty")
    steps = {
        language: _strings(path, f"steps in {language!r}", value)
        for language, value in by_language(path, "steps", data["steps"]).items()
    }
    expected = len(steps[DEFAULT_LANGUAGE])
    for language, items in steps.items():
        if len(items) != expected:
            raise GuideError(f"{path.name}: {len(items)} steps in {language!r} but {expected} in English")
        if language not in titles:
            raise GuideError(f"{path.name}: steps in {language!r} but no title")
        for number, step in enumerate(items, start=1):
            if len(step) > MAX_STEP_CHARS:
                raise GuideError(
                    f"{path.name}: step {number} in {language!r} has {len(step)} characters (at most {MAX_STEP_CHARS})"
                )
    terms = {
        language: _strings(path, f"terms in {language!r}", value, allow_empty=language != DEFAULT_LANGUAGE)
        for language, value in by_language(path, "terms", data["terms"]).items()
    }
    categories = _strings(path, "categories", data.get("categories", []), allow_empty=True)
    return Guide(
        id=guide_id,
        titles={language: title.strip() for language, title in titles.items()},
        steps=steps,
        categories=tuple(c.casefold() for c in categories),
        terms=terms,
    )


@cache
def load_guides(directory: Path | None = None) -> Guides:
    """Every guides/*.json, read once per process (a Lambda container keeps them between messages)."""
    directory = directory or guides_dir()
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise GuideError(f"no guides (*.json) in {directory}")
    return Guides(load_guide(path) for path in paths)
