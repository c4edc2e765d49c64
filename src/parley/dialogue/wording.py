"""What the customer's words say, read literally from a catalog's word lists ("words"): a failed payment, a damaged
item, a new delivery address. Literal where the intent model only names the request: these decide what is done."""

from __future__ import annotations

import functools
import re
import unicodedata

from parley.folding import fold
from parley.i18n import UNSPACED_LANGUAGES, Catalog

# An entry's gap ("received … instead of the"): its parts in that order, a few words apart, in one sentence.
GAP = "…"
_GAP_WORDS = 5
_GAP_CHARACTERS = 12  # unspaced languages: "收到…而不是"
_SENTENCE_END = re.compile(r"[.!?;\n。！？；؛।]+")


def mentions(text: str, catalog: Catalog, key: str) -> bool:
    """True when one of the catalog's `key` words starts a word of the text: an entry may be a stem ("declin",
    "отклон") that catches every form of the word. In Chinese, anywhere. An entry with a gap ("ai reçu … au lieu
    du", "yerine … geldi") holds what is not contiguous: its parts in that order, at most five words apart (twelve
    characters in Chinese) in one sentence, so "I received it but can I get the red one instead?" is not "received …
    one instead". A part before a gap ends a word ("sole … came off" is not "solution … came off"); the last part may
    be a stem, as any entry. A part may name alternatives: "sole|seam … ripped|came off"."""
    contiguous, gapped = _patterns(tuple(catalog.words.get(key, [])), catalog.language in UNSPACED_LANGUAGES)
    if contiguous is not None and contiguous.search(words(text)):
        return True
    sentences = [words(sentence) for sentence in _SENTENCE_END.split(text)] if gapped else []
    return any(pattern.search(sentence) for sentence in sentences for pattern in gapped)


def without(text: str, catalog: Catalog, key: str) -> str:
    """The text (as `words` gives it) with every contiguous entry of the catalog's `key` list taken out."""
    contiguous, _ = _patterns(tuple(catalog.words.get(key, [])), catalog.language in UNSPACED_LANGUAGES)
    return contiguous.sub(" ", words(text)) if contiguous is not None else text


@functools.lru_cache(maxsize=256)
def _patterns(phrases: tuple[str, ...], unspaced: bool) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    """One expression for a list's contiguous entries, and one for each entry with a gap (lists are long: compiled
    once, not an expression per entry per message)."""
    start = "" if unspaced else r"(?<!\S)"
    plain = [re.escape(w) for phrase in phrases if GAP not in phrase and (w := words(phrase))]
    contiguous = re.compile(f"{start}(?:{'|'.join(plain)})") if plain else None
    between = f".{{0,{_GAP_CHARACTERS}}}?" if unspaced else rf"(?: \S+){{0,{_GAP_WORDS}}} "
    gapped = tuple(
        re.compile(start + between.join(_either(part) for part in phrase.split(GAP)))
        for phrase in phrases
        if GAP in phrase
    )
    return contiguous, gapped


def _either(part: str) -> str:
    # A part of an entry with a gap may name alternatives: "sole|seam … ripped|came off".
    return "(?:" + "|".join(re.escape(words(w)) for w in part.split("|") if words(w)) + ")"


def words(text: str) -> str:
    """Lower case without accents or punctuation; vowel signs (Hindi) are kept, as they are part of the word."""
    kept = (c if c.isalnum() or c.isspace() or unicodedata.category(c).startswith("M") else " " for c in fold(text))
    return " ".join("".join(kept).split())


def says_only(text: str, catalog: Catalog, key: str) -> bool:
    """True when the whole message is one of the catalog's `key` words ("STOP!", "Unsubscribe")."""
    normal = words(text)
    return bool(normal) and any(normal == words(phrase) for phrase in catalog.words.get(key, []))
