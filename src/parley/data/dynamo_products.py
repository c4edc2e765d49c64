"""The DynamoDB adapter of the product catalog: read whole and kept in memory for a minute."""

from __future__ import annotations

import time
from collections.abc import Callable

from pynamodb.exceptions import PynamoDBException

from parley.data.dynamo_mapping import product_from
from parley.data.models import ProductModel
from parley.domain.ports import StorageError
from parley.domain.product_search import ProductIndex
from parley.domain.records import Product


class DynamoProducts:
    """The catalog, read whole (a scan of a few hundred items) and kept per execution environment for ttl_seconds:
    a product search costs no DynamoDB call most of the time, and an import shows within a minute."""

    def __init__(self, ttl_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._index: ProductIndex | None = None
        self._loaded_at = 0.0

    def _catalog(self) -> ProductIndex:
        now = self._clock()
        if self._index is None or now - self._loaded_at >= self._ttl:
            try:
                self._index = ProductIndex(product_from(i) for i in ProductModel.scan())
            except PynamoDBException as exc:
                raise StorageError("product catalog read failed") from exc
            self._loaded_at = now
        return self._index

    def get(self, sku: str) -> Product | None:
        return self._catalog().get(sku)

    def search(self, text: str, limit: int = 5) -> list[Product]:
        return self._catalog().search(text, limit)

    def complementary(self, product: Product) -> Product | None:
        return self._catalog().complementary(product)

    def in_category(self, category: str) -> list[Product]:
        return self._catalog().in_category(category)
