"""Finding products in a few hundred in memory: by SKU, name and attribute values, and what goes with them."""

from __future__ import annotations

from collections.abc import Iterable

from parley.domain.records import (
    Product,
)
from parley.folding import fold


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in fold(text)).split()


# Attributes that link products rather than describe them: never matched by a search.
PAIRS_WITH = "pairs_with"
CATEGORY = "category"


class ProductIndex:
    """Search over a few hundred products in memory: by SKU, name and attribute values.

    Each query word scores where it is found (SKU > name > attribute value); a word matches a product word
    exactly or, from four letters on, as its prefix ("jack" → "jacket", "jackets" → "jacket"). Products in stock
    come first among equals, so a search answers "which one can I buy"."""

    def __init__(self, products: Iterable[Product]) -> None:
        self.by_sku = {p.sku: p for p in products}
        self._entries = [(p, self._fields(p)) for p in sorted(self.by_sku.values(), key=lambda p: (p.name, p.sku))]

    @staticmethod
    def _fields(product: Product) -> tuple[str, set[str], set[str]]:
        values = " ".join(v for k, v in product.attributes if k not in {PAIRS_WITH})
        return fold(product.sku), set(_words(product.name)), set(_words(values))

    def get(self, sku: str) -> Product | None:
        found = self.by_sku.get(sku.strip())
        if found is None:
            folded = fold(sku.strip())
            found = next((p for p in self.by_sku.values() if fold(p.sku) == folded), None)
        return found

    def search(self, text: str, limit: int = 5) -> list[Product]:
        query = fold(text).strip()
        words = _words(text)
        if not query or limit <= 0:
            return []
        # SKUs keep their hyphens: "do you have SKU-JKT-BLU-M?" names one product exactly.
        tokens = {t.strip(".,;:!?¿¡()[]\"'") for t in query.split()}
        scored: list[tuple[int, Product]] = []
        for product, (sku, name_words, attribute_words) in self._entries:
            score = 0
            if sku in tokens:
                score += 100
            elif any(len(t) >= 5 and t in sku for t in tokens):  # part of a SKU: "jkt-blu"
                score += 20
            for word in words:
                if _matches(word, name_words):
                    score += 3
                elif _matches(word, attribute_words):
                    score += 2
            if score:
                scored.append((score, product))
        in_stock = [(score, p.stock is None or p.stock > 0, p) for score, p in scored]
        in_stock.sort(key=lambda e: (-e[0], not e[1]))
        return [p for _, _, p in in_stock[:limit]]

    def in_category(self, category: str) -> list[Product]:
        """Every product whose category attribute is `category` (case- and accent-insensitive), by name."""
        wanted = fold(category.strip())
        return [p for p, _ in self._entries if fold(dict(p.attributes).get(CATEGORY, "").strip()) == wanted]

    def complementary(self, product: Product) -> Product | None:
        """One suggestion to go with the product: the first in-stock SKU of its pairs_with attribute
        (comma-separated), else another in-stock product of the same category; None when neither exists."""
        attributes = dict(product.attributes)
        for sku in (s.strip() for s in attributes.get(PAIRS_WITH, "").split(",")):
            candidate = self.by_sku.get(sku)
            if candidate and candidate.sku != product.sku and _available(candidate):
                return candidate
        category = attributes.get(CATEGORY)
        if not category:
            return None
        for candidate, _ in self._entries:
            same = fold(dict(candidate.attributes).get(CATEGORY, "")) == fold(category)
            if same and candidate.name != product.name and _available(candidate):
                return candidate
        return None


def _matches(word: str, words: set[str]) -> bool:
    if word in words:
        return True
    if len(word) < 4:
        return False
    return any(w.startswith(word) or (len(w) >= 4 and word.startswith(w)) for w in words)


def _available(product: Product) -> bool:
    return product.stock is None or product.stock > 0
