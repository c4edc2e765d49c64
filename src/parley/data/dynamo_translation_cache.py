"""The translation cache in DynamoDB (TranslationCacheTable): items expire by TTL, and are never served stale."""

from __future__ import annotations

import time
from collections.abc import Callable

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from parley.data.models import TranslationCacheModel
from parley.language.translation import TranslationCacheError


class DynamoTranslationCache:
    """TranslationCache in the TranslationCacheTable (TranslationCacheModel); items expire by TTL."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock

    def get(self, key: str) -> str | None:
        try:
            item = TranslationCacheModel.get(key)
        except DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise TranslationCacheError("translation cache read failed") from exc
        # DynamoDB deletes expired items within days, not at once.
        if item.expires_at is not None and item.expires_at <= self._clock():
            return None
        return str(item.translated)

    def put(self, key: str, translated: str, provider: str, expires_at: int) -> None:
        item = TranslationCacheModel(
            key,
            translated=translated,
            provider=provider,
            created_at=int(self._clock()),
            expires_at=expires_at,
        )
        try:
            item.save()
        except PynamoDBException as exc:
            raise TranslationCacheError("translation cache write failed") from exc
