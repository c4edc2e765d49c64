"""Finding products the way customers name them (any case, with or without accents, by SKU, name or attribute)
and suggesting one thing that goes with what they looked at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fakes import InMemoryProducts
from parley.domain.records import Product


def product(sku: str, name: str, stock: int | None = 5, **attributes: str) -> Product:
    return Product(
        sku=sku,
        name=name,
        price=Decimal("10.00"),
        currency="EUR",
        stock=stock,
        attributes=tuple(sorted(attributes.items())),
    )


CATALOG = [
    product(
        "SKU-JKT-BLU-M", "Trailhead Rain Jacket", color="blue", size="M", category="outerwear", pairs_with="SKU-BEANIE"
    ),
    product("SKU-JKT-RED-S", "Trailhead Rain Jacket", stock=0, color="red", size="S", category="outerwear"),
    product("SKU-JKT-GRN-L", "Trailhead Rain Jacket", color="green", size="L", category="outerwear"),
    product(
        "SKU-SOCKS",
        "Merino Hiking Socks",
        material="merino wool",
        category="accessories",
        pairs_with="SKU-GONE,SKU-BOOT-42",
    ),
    product("SKU-BEANIE", "Ribbed Beanie", color="grey", category="accessories"),
    product("SKU-SCARF", "Lambswool Scarf", stock=0, color="grey", category="accessories"),
    product("SKU-BOOT-42", "Ridge Leather Boot", color="brown", size="42", category="footwear"),
    product("SKU-GONE", "Discontinued Gaiter", stock=0, category="accessories"),
    product("SKU-CAFE", "Café Crème Mug", color="crème"),
    product("SKU-LONE", "Gift Card"),
]


@pytest.fixture
def products() -> InMemoryProducts:
    return InMemoryProducts(CATALOG)


def skus(found: list[Product]) -> list[str]:
    return [p.sku for p in found]


def test_a_sku_in_a_sentence_finds_that_product_first(products: InMemoryProducts) -> None:
    assert skus(products.search("do you still have sku-socks?"))[0] == "SKU-SOCKS"
    assert products.get("sku-jkt-blu-m") == CATALOG[0]


def test_a_name_finds_every_variant_in_stock_first(products: InMemoryProducts) -> None:
    found = skus(products.search("rain jacket"))

    assert set(found) == {"SKU-JKT-BLU-M", "SKU-JKT-RED-S", "SKU-JKT-GRN-L"}
    assert found[-1] == "SKU-JKT-RED-S"  # out of stock


def test_an_attribute_narrows_the_variants(products: InMemoryProducts) -> None:
    assert skus(products.search("RAIN JACKET in Blue"))[0] == "SKU-JKT-BLU-M"
    assert skus(products.search("merino")) == ["SKU-SOCKS"]


@pytest.mark.parametrize("query", ["cafe creme mug", "CAFÉ CRÈME", "Cafe Creme"])
def test_search_ignores_case_and_accents(products: InMemoryProducts, query: str) -> None:
    assert skus(products.search(query))[0] == "SKU-CAFE"


def test_plurals_and_word_starts_match(products: InMemoryProducts) -> None:
    assert "SKU-JKT-BLU-M" in skus(products.search("jackets"))
    assert skus(products.search("beani"))[:1] == ["SKU-BEANIE"]


@pytest.mark.parametrize(("query", "limit"), [("", 5), ("   ", 5), ("zzz qqq", 5), ("jacket", 0)])
def test_nothing_matching_finds_nothing(products: InMemoryProducts, query: str, limit: int) -> None:
    assert products.search(query, limit) == []


def test_search_returns_at_most_the_limit(products: InMemoryProducts) -> None:
    assert len(products.search("jacket", limit=2)) == 2


def test_linked_sku_is_not_a_search_term(products: InMemoryProducts) -> None:
    # SKU-BEANIE appears in the jacket's pairs_with; asking for the beanie must not bring up jackets.
    assert skus(products.search("SKU-BEANIE")) == ["SKU-BEANIE"]


@pytest.mark.parametrize(
    ("sku", "suggested"),
    [
        pytest.param("SKU-JKT-BLU-M", "SKU-BEANIE", id="pairs-with"),
        pytest.param("SKU-SOCKS", "SKU-BOOT-42", id="first-pairs-with-in-stock"),
        pytest.param("SKU-JKT-GRN-L", None, id="same-category-only-variants"),
        pytest.param("SKU-BEANIE", "SKU-SOCKS", id="same-category-in-stock"),
        pytest.param("SKU-LONE", None, id="nothing-to-suggest"),
    ],
)
def test_one_complementary_suggestion(products: InMemoryProducts, sku: str, suggested: Any) -> None:
    base = products.get(sku)
    assert base is not None

    suggestion = products.complementary(base)

    assert (suggestion.sku if suggestion else None) == suggested
