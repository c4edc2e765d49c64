"""Text folding: the one way Parley compares what customers type with what it knows (case and accents aside, so
"Dónde está" and "donde esta", "Café Crème" and "cafe creme" are the same words). Imports nothing of Parley."""

from __future__ import annotations

import unicodedata

# Letters customers type interchangeably: Turkish dotless i, Arabic alef maqsura / ta marbuta / tatweel, Hindi
# chandrabindu for anusvara. fold() leaves them; guides' matching, which compares short phrases, evens them too.
LOOKALIKES = str.maketrans({"ı": "i", "ى": "ي", "ة": "ه", "ـ": None, "ँ": "ं"})


def fold(text: str) -> str:
    """Lower case without accents or vowel marks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
