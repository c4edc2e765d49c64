"""The words of a message Parley did not understand, made safe to keep for the report's "top unrecognised
messages": URLs, emails, @handles, ids (order, invoice, tracking numbers, SKUs), numbers and the sender's own name
are replaced by placeholders, and the text is cut to MAX_TEXT characters.

What it cannot know it cannot remove here (someone else's name written in the message); the report keeps only
common words of what is kept (privacy.scrubbing's anonymise), shows a text only once several customers sent it, and
the records are kept 30 days only. Only the first MAX_INPUT characters are read, so a huge message costs no more.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from parley.privacy.scrubbing import bounded, scrub

MAX_TEXT = 200
NAME = "[name]"
ID = "[id]"
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
# A token of letters and digits together, with - _ # / . inside it: ORD-104233, INV-9001, 1Z999AA10123456784,
# SKU-LMP-OAK2, JJD000390007718. Checked with a digit and a letter in it, so "no.5" or "2x" go too, "well-known" stays.
_TOKEN = re.compile(r"(?<![\w@])\w+(?:[-_#/.]\w+)*")
_SHORTEST_NAME_PART = 2


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` with identifying parts replaced (see the module); `names`: full names to remove, each of their parts too
    (the customer's name on file, the sender's profile name)."""
    text = bounded(unicodedata.normalize("NFKC", text))
    text = _URL.sub("[link]", text)
    text = _EMAIL.sub("[email]", text)
    text = _TOKEN.sub(_id_or_word, text)
    text = _remove_names(text, names)
    # Numbers left (a phone number with spaces, an amount) and @handles: the report's own scrubbing does these.
    return scrub(text)[:MAX_TEXT]


def _id_or_word(match: re.Match[str]) -> str:
    token = match.group(0)
    has_digit = any(c.isdigit() for c in token)
    has_letter = any(c.isalpha() for c in token)
    return ID if has_digit and has_letter else token


def _remove_names(text: str, names: Iterable[str]) -> str:
    parts: set[str] = set()
    for given in names:
        name = unicodedata.normalize("NFKC", given or "").strip()
        if not name:
            continue
        parts.add(name)
        parts.update(p for p in re.split(r"[\s,.\-]+", name) if len(p) >= _SHORTEST_NAME_PART)
    # Longest first: "Emily Carter" as one name before "Emily" and "Carter" on their own.
    for part in sorted(parts, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return text
