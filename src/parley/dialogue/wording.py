"""What the customer's words say, read literally from a catalog's word lists ("words"): a failed payment, a damaged
item, a new delivery address. Literal where the intent model only names the request: these decide what is done."""

from __future__ import annotations

import re
import unicodedata

from parley.folding import fold
from parley.i18n import UNSPACED_LANGUAGES, Catalog


def mentions(text: str, catalog: Catalog, key: str) -> bool:
    """True when one of the catalog's `key` words starts a word of the text: an entry may be a stem ("declin",
    "отклон") that catches every form of the word. In Chinese, anywhere."""
    normal = words(text)
    for phrase in catalog.words.get(key, []):
        wanted = words(phrase)
        if not wanted:
            continue
        if catalog.language in UNSPACED_LANGUAGES and wanted in normal:
            return True
        if re.search(rf"(?<!\S){re.escape(wanted)}", normal):
            return True
    return False


def words(text: str) -> str:
    """Lower case without accents or punctuation; vowel signs (Hindi) are kept, as they are part of the word."""
    kept = (c if c.isalnum() or c.isspace() or unicodedata.category(c).startswith("M") else " " for c in fold(text))
    return " ".join("".join(kept).split())


def says_only(text: str, catalog: Catalog, key: str) -> bool:
    """True when the whole message is one of the catalog's `key` words ("STOP!", "Unsubscribe")."""
    normal = words(text)
    return bool(normal) and any(normal == words(phrase) for phrase in catalog.words.get(key, []))
