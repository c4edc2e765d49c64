"""Languages by name ("can we speak Spanish?", "en español"), by the customer's phone number, and in their own words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from parley.folding import fold

# Calling codes whose country mostly writes one language: a prior for a first, short message. Languages without a
# catalog too: "Hej" from a Swedish number is answered in Swedish (through the translation pivot), like "Hola" from
# a Spanish one in Spanish.
_CALLING_CODES = {
    "1": "en", "44": "en", "61": "en", "64": "en", "353": "en", "27": "en", "234": "en", "254": "en",
    "34": "es", "52": "es", "54": "es", "57": "es", "56": "es", "51": "es", "58": "es", "593": "es", "502": "es",
    "55": "pt", "351": "pt", "244": "pt", "258": "pt",
    "33": "fr", "32": "fr", "225": "fr", "221": "fr", "237": "fr",
    "49": "de", "43": "de", "41": "de",
    "39": "it",
    "91": "hi",
    "62": "id",
    "20": "ar", "966": "ar", "971": "ar", "212": "ar", "213": "ar", "962": "ar", "965": "ar", "974": "ar",
    "90": "tr",
    "7": "ru", "375": "ru",
    "86": "zh", "886": "zh", "852": "zh",
    "31": "nl", "48": "pl", "46": "sv", "45": "da", "47": "no", "358": "fi", "420": "cs", "421": "sk", "40": "ro",
    "373": "ro", "30": "el", "36": "hu", "380": "uk", "359": "bg", "385": "hr", "381": "sr", "386": "sl",
    "370": "lt", "371": "lv", "372": "et", "84": "vi", "82": "ko", "81": "ja", "66": "th", "60": "ms", "98": "fa",
    "972": "he", "92": "ur", "880": "bn",
}  # fmt: skip


def language_of_number(wa_id: str, native: Iterable[str] | None = None) -> str | None:
    """The language most people write with this number's calling code; with `native`, only one of those."""
    for length in (3, 2, 1):
        language = _CALLING_CODES.get(wa_id[:length])
        if language:
            return language if native is None or language in set(native) else None
    return None


@cache
def _names(native: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Every native language's name in every native language (and its own), folded, longest first."""
    from babel import Locale

    pairs: dict[str, str] = {}
    for locale_code in native:
        locale = Locale.parse(locale_code)
        for code in native:
            name = locale.languages.get(code)
            if name and len(fold(name)) >= 2:
                pairs.setdefault(fold(name), code)
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def named_language(text: str, native: frozenset[str]) -> str | None:
    """The native language a message names ("in English", "en español", "по-русски", "用中文")."""
    folded = fold(text)
    for name, code in _names(native):
        # Latin and Cyrillic names are whole words (or stems: "español"/"espanol", "русск…"); CJK has no spaces.
        boundary = "" if not name.isascii() and re.match(r"[\u4e00-\u9fff]", name) else r"(?<!\w)"
        if re.search(boundary + re.escape(name[: max(4, len(name) - 2)] if len(name) > 6 else name), folded):
            return code
    return None


def own_name(code: str) -> str:
    """The language's name in itself, as a language menu shows it: "Español", "Deutsch", "中文"."""
    from babel import Locale

    if code == "id":
        return "Bahasa Indonesia"  # Babel says "Indonesia", the country
    name = str(Locale.parse(code).get_display_name(code))
    return name[:1].upper() + name[1:]


def language_of_country(country: str, native: Iterable[str]) -> str | None:
    """The country's main official language, if Parley speaks it natively (as for a number's calling code)."""
    from babel.languages import get_official_languages

    official = get_official_languages(country, de_facto=True)
    return official[0] if official and official[0] in set(native) else None
