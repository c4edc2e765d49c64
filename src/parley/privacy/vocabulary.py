"""What the report's scrubbing knows of a word: whether it is common in some language (so it may be shown), a name
of a person, or a number written in words.

Common words come from the language model's word frequencies (wordfreq's, for the 55 languages of
language/data/langid.npz) and, for scripts that model leaves to their script (Han, kana, Hangul, Devanagari...),
from data/personal_words.npz, which also holds the names and number words (parley.privacy.personal_words_data
builds it), with the names that are common words too ("kim", "mai", "vera": `is_ambiguous`, a name only in
context). Everything is looked up by the model's 32-bit word keys: no list of names is held in the clear.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from parley.language.detector import LanguageModel, dominant_script, shared_model, word_key

DATA = Path(__file__).with_name("data") / "personal_words.npz"
# How common (wordfreq's zipf: log10 of the frequency per billion words) a word must be in some language to be
# shown. 3.0 is one in a million words, the lists' own floor: "llámame", "neighbour", "mongolia" pass, a surname
# no list holds ("blatherwick") does not. Chosen on bench/data/scrubbing-dev.jsonl, never on the test set.
COMMON_ZIPF = 3.0
# zipf under which an ambiguous name ("thu", "khai", "sabato") is a name in a text of a language where it is no
# word: "my sister thu [name]" in English; Vietnamese keeps its "thu" (autumn, to collect).
FOREIGN_NAME = 3.5
# The language every report is read in beside the customer's: customers mix it into their own.
LINGUA_FRANCA = "en"
# Languages the word data holds in another script than Latin: a text in Latin letters in them ("fein el order",
# "gde moy zakaz") is read as in no known language.
_SCRIPTS = {"ar": "arabic", "fa": "arabic", "ur": "arabic"} | dict.fromkeys(("ru", "uk", "bg", "mk"), "cyrillic")
# zipf from which a word is common in the languages a text is read in, unless customers' messages use it (the
# training examples of locales/examples, every language's: "pls", "xxl", "gdpr", "resi", "tô"): a surname or a
# town is rarely that common in the language it is written in ("hohenstein", "chagas", "gianyar", "ketut").
READ_COMMON = 4.0
# In how many languages a word common anywhere (COMMON_ZIPF) must be to be common in every text: a size or a brand
# every language writes ("xxl": 9, "sim": 27), or a capital city; never a surname or a town of one country.
WIDESPREAD = 8


class WordKind(StrEnum):
    COMMON = "common"  # may be shown
    NAME = "name"  # a first or last name somewhere in the world
    NUMBER = "number"  # "five", "cinco", "пять", "五"
    RARE = "rare"  # no language uses it enough to show it: a surname, a street, a nickname, a typo


class Vocabulary:
    def __init__(
        self,
        arrays: dict[str, Any],
        model: LanguageModel,
        common_zipf: float = COMMON_ZIPF,
        languages: Collection[int] | None = None,
        examples: dict[str, frozenset[str]] | None = None,
        shown: frozenset[str] | None = None,
        bar: float | None = None,
    ) -> None:
        self._arrays = arrays
        self._languages = languages
        self._examples = examples or {}
        # The example words a text may show: those of the languages it is read in (every language's, unread).
        self._shown = shown if shown is not None else _forms(frozenset().union(*self._examples.values()))
        self._readings: dict[frozenset[str], frozenset[str]] = {}
        self._bar = bar if bar is not None else (common_zipf if languages is None else READ_COMMON)
        self._names = arrays["name_keys"]
        self._ambiguous = arrays.get("ambiguous_keys", np.zeros(0, dtype=np.uint32))
        self._numbers = arrays["number_keys"]
        self._places = arrays.get("place_keys", np.zeros(0, dtype=np.uint32))
        self._script_keys = arrays["script_keys"]
        self._script_zipf = arrays["script_zipf"]
        self._model = model
        self._common = common_zipf

    @classmethod
    def load(
        cls, path: Path = DATA, model: LanguageModel | None = None, examples: dict[str, frozenset[str]] | None = None
    ) -> Vocabulary:
        with np.load(path) as data:
            return cls({name: data[name] for name in data.files}, model or shared_model(), examples=examples)

    def reading(self, text: str, language: str | None) -> Vocabulary:
        """The vocabulary of a text in `language` (the language of the conversation at that message): common then
        means written in the examples or common in that language or in English. For a catalog language the word
        data does not model (Hindi, Chinese, Arabic in Latin letters), written in its examples or English's, or
        common anywhere at READ_COMMON; for an unknown one, as without a language."""
        code = language or ""
        column = self._model.column(code)
        if column is None or dominant_script(text) != _SCRIPTS.get(code, "latin"):
            if code not in self._examples:
                return self
            shown = self._shown_in(frozenset({code, LINGUA_FRANCA}))
            return Vocabulary(self._arrays, self._model, self._common, None, self._examples, shown, READ_COMMON)
        found = {column}
        english = self._model.column(LINGUA_FRANCA)
        if english is not None:
            found.add(english)
        shown = self._shown_in(frozenset(self._model.languages[c] for c in found))
        return Vocabulary(self._arrays, self._model, self._common, frozenset(found), self._examples, shown)

    def _shown_in(self, codes: frozenset[str]) -> frozenset[str]:
        """The forms of the example words of these languages (made once per set of languages)."""
        shown = self._readings.get(codes)
        if shown is None:
            words = frozenset().union(*(self._examples.get(code, frozenset()) for code in codes))
            shown = self._readings[codes] = _forms(words)
        return shown

    def kind(self, word: str) -> WordKind:
        """What `word` (one word, any case) is."""
        folded = _folded(word)
        key = np.uint32(word_key(folded))
        if _holds(self._numbers, key):
            return WordKind.NUMBER
        if _holds(self._names, key):
            return WordKind.NAME
        written = self.written(folded)
        if not written and any(self.is_name(stem) for stem in _stems(folded)):
            return WordKind.NAME  # "Игоря", "Burak'ın"; not "живу", a word customers write
        zipf = self.zipf(folded)
        if self._languages is not None and zipf < FOREIGN_NAME and self.is_ambiguous(folded):
            return WordKind.NAME
        if written or zipf >= self._bar:
            return WordKind.COMMON
        if self._languages is not None and self._model.common_in(folded, self._common) >= WIDESPREAD:
            return WordKind.COMMON
        return WordKind.RARE

    def zipf(self, word: str) -> float:
        """How common the word is in the language that uses it most, of those the text is read in (0.0: in none)."""
        folded = _folded(word)
        found = self._model.word_zipf(folded)
        if found:
            return found if self._languages is None else self._model.word_zipf(folded, self._languages)
        key = np.uint32(word_key(folded))
        start = int(np.searchsorted(self._script_keys, key, side="left"))
        if start < len(self._script_keys) and self._script_keys[start] == key:
            return float(self._script_zipf[start]) / 100
        return 0.0

    def written(self, word: str) -> bool:
        """Whether customers write the word (in one of its forms) in the training examples of the languages the text
        is read in: a word of theirs, not a name ("позвоните [name]" keeps "позвоните")."""
        return _written(_folded(word), self._shown)

    def is_place(self, word: str) -> bool:
        """A word of a town's name somewhere ("napoli", "lumpur", "москва"): a town only beside an address."""
        folded = _folded(word)
        return any(_holds(self._places, np.uint32(word_key(form))) for form in (folded, *_stems(folded)))

    def is_name(self, word: str) -> bool:
        return _holds(self._names, np.uint32(word_key(_folded(word))))

    def is_ambiguous(self, word: str) -> bool:
        """A name that is also a common word ("kim", "ben", "mai", "vera"): a name only where the text says so."""
        folded = _folded(word)
        if folded.endswith("'s"):
            folded = folded[:-2]
        return _holds(self._ambiguous, np.uint32(word_key(folded)))


# A name with an ending or a prefix on it: "Cousin's", Turkish "Burak'ın" / "Arslan'a" (the suffix after an
# apostrophe), Russian cases ("Игоря", "Дмитрию", "Петровой": the nominative is listed), Arabic proclitics and the
# article ("لفاطمة": to Fatima, "الزهراء").
_CYRILLIC_CASES = (("ию", "ий"), ("ия", "ий"), ("ием", "ий"), ("ой", "а"), ("ою", "а"), ("ую", "а"), ("ей", "я"),
                   ("ю", "ь"), ("я", "ь"), ("ем", "ь"), ("у", ""), ("а", ""), ("ом", ""), ("е", ""), ("ы", "а"),
                   ("и", "я"), ("е", "а"), ("у", "а"), ("е", "я"), ("ю", "я"), ("я", "й"), ("ю", "й"),
                   ("ем", "й"), ("е", "й"), ("ы", ""), ("ых", ""), ("ым", ""), ("ны", "н"))  # fmt: skip
# Greek names in another case: "Γιώργο", "Γιώργου" (Γιώργος), "Κώστα" (Κώστας), "Ελένης" (Ελένη); as case-folded
# text writes them, with a final σ.
_GREEK_CASES = (("ου", "οσ"), ("ο", "οσ"), ("α", "ασ"), ("η", "ησ"), ("ησ", "η"), ("ασ", "α"), ("", "σ"))
_SHORTEST_STEM = 4  # "живу" is no "жив"
_ARABIC_PREFIXES = ("وال", "بال", "لل", "فال", "كال", "ال", "و", "ل", "ب", "ف", "ك")


def _stems(folded: str) -> list[str]:
    if "'" in folded:
        return [folded.split("'", maxsplit=1)[0]]
    if "\u0400" <= folded[:1] <= "\u04ff" and len(folded) > 3:
        stems = [folded[: -len(end)] + base for end, base in _CYRILLIC_CASES if folded.endswith(end)]
        return [stem for stem in stems if len(stem) >= _SHORTEST_STEM]
    if "\u0370" <= folded[:1] <= "\u03ff" and len(folded) > 3:
        return [folded[: len(folded) - len(end)] + base for end, base in _GREEK_CASES if folded.endswith(end)]
    if "\u0600" <= folded[:1] <= "\u06ff":
        return [folded[len(p) :] for p in _ARABIC_PREFIXES if folded.startswith(p) and len(folded) - len(p) >= 3]
    return []


def _folded(word: str) -> str:
    return word.replace("’", "'").casefold()


def _holds(keys: np.ndarray[Any, np.dtype[np.uint32]], key: np.uint32) -> bool:
    index = int(np.searchsorted(keys, key, side="left"))
    return index < len(keys) and bool(keys[index] == key)


# An example's word stands for its other forms: one that differs in its last letters (at most _ENDING of them, the
# rest at least _STEM long) is the same word ("vouchers" for "voucher", "refunded" for "refund").
_STEM, _ENDING = 6, 3


def _forms(words: frozenset[str]) -> frozenset[str]:
    """The words and their stems (see _STEM): what `_written` looks a word up in."""
    return words | {w[:n] for w in words for n in range(max(_STEM, len(w) - _ENDING), len(w))}


def _written(folded: str, forms: frozenset[str]) -> bool:
    """Whether customers write this word (in one of its forms) in the training examples."""
    return folded in forms or any(folded[:n] in forms for n in range(max(_STEM, len(folded) - _ENDING), len(folded)))


def example_words(directory: Path, model: LanguageModel | None = None) -> dict[str, frozenset[str]]:
    """Each language's words (case-folded) in the training examples under `directory`
    (locales/examples/<lang>/<intent>.txt): letters with their combining marks (Devanagari and Arabic write vowels
    as marks) and inner apostrophes, as the scrubbing reads a word. A word the examples only ever capitalise is
    kept only if it is a word of that language (COMMON_ZIPF): German nouns and "Sunday" are, a town or a name an
    example mentions ("Gianyar", "Wayan") is not; one in capitals is an abbreviation ("SIM", "COD", "XXL")."""
    model = model or shared_model()
    found: dict[str, frozenset[str]] = {}
    for folder in sorted(path for path in directory.iterdir() if path.is_dir()):
        lower, capitalised = _words_in(folder)
        column = model.column(folder.name)
        columns = None if column is None else (column,)
        kept = {w for w in capitalised - lower if model.word_zipf(w, columns) >= COMMON_ZIPF}
        found[folder.name] = frozenset(lower | kept)
    return found


def _words_in(folder: Path) -> tuple[set[str], set[str]]:
    """The words of one language's examples written in lower case (or capitals, or a script without case)
    somewhere, and those written capitalised somewhere."""
    lower: set[str] = set()
    capitalised: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            word = ""
            for i, char in enumerate(line + " "):
                inner = char in "'’" and word and i + 1 < len(line) and line[i + 1].isalpha()
                if unicodedata.category(char)[0] in "LM" or inner:
                    word += char
                elif word:
                    upper = word[0].isupper() and not (word.isupper() and len(word) > 1)
                    (capitalised if upper else lower).add(_folded(word))
                    word = ""
    return lower, capitalised


@lru_cache(maxsize=1)
def shared_vocabulary() -> Vocabulary:
    """Loaded once per process, with the language model it shares and the words of the training examples."""
    from parley.i18n import CatalogError, locales_dir

    try:
        examples = example_words(locales_dir() / "examples")
    except CatalogError:
        examples = {}
    names = Vocabulary.load()
    # The examples' own names ("this is Дмитрий", "Emily here") are no customer's word.
    kept = {code: frozenset(w for w in words if not names.is_name(w)) for code, words in examples.items()}
    return Vocabulary(names._arrays, names._model, examples=kept)  # the word data read once
