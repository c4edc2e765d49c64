"""The DynamoDB translation cache against moto: round trip, TTL, and a missing table that costs nothing but a call."""

from __future__ import annotations

import boto3
import pytest

from parley.config import Settings
from parley.data.dynamo_translation_cache import DynamoTranslationCache
from parley.data.models import TranslationCacheModel
from parley.language.translation import CachingTranslator, TranslationCacheError, cache_key

NOW = 1_700_000_000


class EchoTranslator:
    def __init__(self) -> None:
        self.calls = 0

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls += 1
        return f"<{target}>{text}"


def test_a_translation_is_stored_and_read_back_with_its_expiry(aws: Settings) -> None:
    cache = DynamoTranslationCache(clock=lambda: NOW)
    key = cache_key("google", "sw", "en", "Habari ya agizo [[0]]?")
    assert cache.get(key) is None

    cache.put(key, "Where is my order [[0]]?", "google", NOW + 30 * 86400)

    assert cache.get(key) == "Where is my order [[0]]?"
    client = boto3.client("dynamodb", region_name=aws.region)
    item = client.get_item(TableName=aws.tables.translation_cache, Key={"key": {"S": key}})["Item"]
    assert item["expires_at"] == {"N": str(NOW + 30 * 86400)}
    assert item["created_at"] == {"N": str(NOW)}
    assert item["provider"] == {"S": "google"}
    # Nothing but the hashed key and the translation: no customer identifier, no source text.
    assert set(item) == {"key", "translated", "provider", "created_at", "expires_at"}
    ttl = client.describe_time_to_live(TableName=aws.tables.translation_cache)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_an_expired_item_not_yet_deleted_is_a_miss(aws: Settings) -> None:
    key = cache_key("google", "sw", "en", "Habari")
    DynamoTranslationCache(clock=lambda: NOW).put(key, "Hello", "google", NOW + 10)
    assert DynamoTranslationCache(clock=lambda: NOW + 10).get(key) is None


def test_the_caching_translator_calls_the_provider_once_per_text(aws: Settings) -> None:
    inner = EchoTranslator()
    caching = CachingTranslator(inner, DynamoTranslationCache(), "google")
    assert caching.translate("Habari", "sw", "en") == "<en>Habari"
    assert caching.translate("Habari", "sw", "en") == "<en>Habari"
    assert inner.calls == 1
    assert TranslationCacheModel.count() == 1


def test_a_missing_table_still_translates(aws: Settings) -> None:
    original = TranslationCacheModel.Meta.table_name
    TranslationCacheModel.Meta.table_name = "no-such-table"
    TranslationCacheModel._connection = None
    try:
        cache = DynamoTranslationCache()
        with pytest.raises(TranslationCacheError):
            cache.get("google:sw:en:00")
        inner = EchoTranslator()
        caching = CachingTranslator(inner, cache, "google")
        assert caching.translate("Habari", "sw", "en") == "<en>Habari"
        assert caching.stats.cache_errors == 2
    finally:
        TranslationCacheModel.Meta.table_name = original
        TranslationCacheModel._connection = None
