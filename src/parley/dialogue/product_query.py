"""A customer's words about products: the SKU or name they use, and the sizes and colours they ask for, read
through their catalog's attribute_words ("azul" → "blue"), since a shop's product data is in the shop's language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from parley.domain.product_search import CATEGORY, PAIRS_WITH
from parley.domain.records import Product
from parley.folding import fold
from parley.i18n import Catalog

ATTRIBUTE_WORDS = "attribute_words"
# Subscription plans share the products table; they are never offered as products.
PLAN_CATEGORY = "plan"
# Attributes that link products (pairs_with, category) are never matched or shown; nor are a shop's internal ones.
_LINKS = frozenset({PAIRS_WITH, CATEGORY})
# Languages written without spaces: their words are found inside the message, not between spaces.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# An inflected form of a word of four letters or more adds at most this many ("blaue", "azules", "maviyi").
_ENDING = 3
# Arabic writes the article and prepositions onto the word ("باللون الأزرق"): a colour is found inside one.
_AFFIXED_LANGUAGES = frozenset({"ar"})

Asked = dict[str, frozenset[str]]  # attribute key → the values asked for ("size" → {"L"})


def is_plan(product: Product) -> bool:
    return fold(dict(product.attributes).get(CATEGORY, "")).strip() == PLAN_CATEGORY


def shown_attributes(product: Product) -> list[tuple[str, str]]:
    """The attributes a customer may see: neither the links between products nor internal ("_…") keys."""
    return [(k, v) for k, v in product.attributes if fold(k) not in _LINKS and not k.startswith("_") and v.strip()]


def _is_break(char: str) -> bool:
    """Punctuation, symbols and spaces; not letters, digits or the vowel signs of Hindi ("नीले")."""
    return unicodedata.category(char)[0] in "PSZC"


def _tokens(folded: str) -> list[str]:
    """The words as typed, punctuation around them stripped: "sku-jkt-blu-m?" → "sku-jkt-blu-m"."""
    tokens = []
    for token in _CJK.sub(" ", folded).split():
        start, end = 0, len(token)
        while start < end and _is_break(token[start]):
            start += 1
        while end > start and _is_break(token[end - 1]):
            end -= 1
        if start < end:
            tokens.append(token[start:end])
    return tokens


def _words(folded: str) -> list[str]:
    """Words split at every punctuation mark too: "trailhead-jacke" → "trailhead", "jacke"."""
    return "".join(" " if _is_break(c) else c for c in _CJK.sub(" ", folded)).split()


def _same_word(word: str, token: str, affixed: bool = False) -> bool:
    if token == word:
        return True
    if len(word) >= 4 and token.startswith(word) and len(token) - len(word) <= _ENDING:
        return True
    return affixed and len(word) >= 3 and word in token


@dataclass(frozen=True)
class Query:
    """One message as a product question."""

    search_text: str  # the message, and the shop's words for the customer's ("chaqueta azul blue")
    tokens: frozenset[str]  # the message's words as typed (SKUs keep their hyphens), and the shop's words
    words: tuple[str, ...]  # alphanumeric words, for product names
    affixed: bool = False

    @classmethod
    def read(cls, text: str, catalog: Catalog) -> Query:
        folded = fold(text)
        tokens = _tokens(folded)
        spaced = f" {' '.join(tokens)} "
        affixed = catalog.language in _AFFIXED_LANGUAGES
        shop: list[str] = []
        for key, value in catalog.word_maps.get(ATTRIBUTE_WORDS, {}).items():
            word = " ".join(fold(key).split())
            if not word:
                continue
            if _CJK.search(word):
                found = word in folded
            elif " " in word:
                found = f" {word} " in spaced
            else:
                found = any(_same_word(word, token, affixed) for token in tokens)
            if found:
                shop.append(value)
        shop_words = [t for value in shop for t in _tokens(fold(value))]
        words = [w for w in _words(folded) if not w.isdigit() or len(w) > 1]
        return cls(
            search_text=" ".join([text, *shop]),
            tokens=frozenset([*tokens, *shop_words]),
            words=tuple(dict.fromkeys([*words, *shop_words])),
            affixed=affixed,
        )

    def names_sku(self, sku: str) -> bool:
        return fold(sku) in self.tokens

    def mentions(self, word: str) -> bool:
        """The word (or an inflected form) is in the message, or is the shop's word for one of the message's."""
        folded = fold(word)
        return any(_same_word(folded, token, self.affixed) for token in self.tokens)

    def has_value(self, value: str) -> bool:
        words = _tokens(fold(value))
        return bool(words) and all(self.mentions(w) for w in words)

    def name_score(self, name: str) -> int:
        """How many of the message's words are words of the product name ("rain jackets" → 2 for
        "Trailhead Rain Jacket")."""
        name_words = set(_words(fold(name)))
        return sum(1 for word in self.words if len(word) >= 3 and any(_name_word(word, n) for n in name_words))

    def asked(self, variants: Iterable[Product]) -> Asked:
        """The values of these products' attributes the message asks for ("in blue, size L")."""
        found: dict[str, set[str]] = {}
        for product in variants:
            for key, value in shown_attributes(product):
                if self.has_value(value):
                    found.setdefault(key, set()).add(value)
        return {key: frozenset(values) for key, values in found.items()}


def _name_word(word: str, name_word: str) -> bool:
    """ "jack" and "jackets" are "jacket"; "trailhead" is not "trail"."""
    if word == name_word:
        return True
    if len(word) < 4 or len(name_word) < 4:
        return False
    return name_word.startswith(word) or (word.startswith(name_word) and len(word) - len(name_word) <= _ENDING)


def fits(product: Product, asked: Asked) -> bool:
    attributes = dict(shown_attributes(product))
    return all(attributes.get(key) in values for key, values in asked.items())


def encode(asked: Asked) -> str:
    """Kept in the conversation's slots while the customer picks a product: "color=grey;size=L"."""
    return ";".join(f"{key}={value}" for key, values in sorted(asked.items()) for value in sorted(values))


def decode(text: str) -> Asked:
    found: dict[str, set[str]] = {}
    for pair in text.split(";"):
        key, _, value = pair.partition("=")
        if key and value:
            found.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in found.items()}


def merged(first: Asked, second: Mapping[str, frozenset[str]]) -> Asked:
    return {key: first.get(key, frozenset()) | second.get(key, frozenset()) for key in {*first, *second}}
