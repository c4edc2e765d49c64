"""Listing the products of one category (the subscription plans on offer are `category=plan`), in memory and in
DynamoDB alike: only that category, whatever the case or accents of the attribute, ordered by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest

from fakes import InMemoryProducts
from parley.data.dynamo import DynamoProducts, DynamoRecordWriter
from parley.domain.ports import ProductCatalog
from parley.domain.records import Product

CATALOG = (
    Product("SKU-SOCKS", "Merino Hiking Socks", price=Decimal("5.45"), currency="USD",
            attributes=(("category", "accessories"),)),
    Product("PLAN-SOCK-YEAR", "Sock Club Yearly", price=Decimal("190.00"), currency="USD",
            attributes=(("category", "plan"),)),
    Product("PLAN-SOCK-MONTH", "Sock Club Monthly", price=Decimal("19.00"), currency="USD",
            attributes=(("category", "Plan"),)),
    Product("PLAN-CLUB-PREMIUM", "Club Premium", price=Decimal("19.99"), currency="EUR",
            attributes=(("size", "one"), ("category", " plan "))),
    Product("SKU-PLANNER", "Weekly Planner", price=Decimal("12.00"), currency="USD",
            attributes=(("category", "planners"), ("use", "plan"))),
    Product("SKU-NOTE", "Notebook"),
)  # fmt: skip

CatalogFactory = Callable[[Sequence[Product]], ProductCatalog]


@pytest.fixture(params=["in-memory", "dynamodb"])
def catalog(request: pytest.FixtureRequest) -> CatalogFactory:
    def dynamodb(products: Sequence[Product]) -> ProductCatalog:
        DynamoRecordWriter().replace_all(list(products))
        return DynamoProducts()

    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return dynamodb
    return InMemoryProducts


def test_only_the_products_of_that_category_are_listed_by_name(catalog: CatalogFactory) -> None:
    products = catalog(CATALOG)

    plans = products.in_category("plan")

    assert [p.name for p in plans] == ["Club Premium", "Sock Club Monthly", "Sock Club Yearly"]
    yearly = plans[2]
    assert (yearly.sku, yearly.price, yearly.currency) == ("PLAN-SOCK-YEAR", Decimal("190.00"), "USD")


def test_a_category_nobody_has_lists_nothing(catalog: CatalogFactory) -> None:
    assert catalog(CATALOG).in_category("gift card") == []


def test_an_empty_catalog_has_no_plans(catalog: CatalogFactory) -> None:
    assert catalog([]).in_category("plan") == []
