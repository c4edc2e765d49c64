"""The fulfillment handler as deployed with TRANSLATION_PROVIDER=google: deep-translator's Google client is the one
thing replaced (no test reaches the internet); the cache is the DynamoDB table in moto."""

from __future__ import annotations

from datetime import date
from typing import Any

import boto3
import deep_translator
import pytest

from parley.data.dynamo import DynamoRecordWriter
from parley.i18n import load_catalogs
from support.factories import customer, inbound, order
from support.fulfillment import invoke

DAAN = customer(name="Daan de Vries", phone="31612345678", language="nl")
DAAN_ORDER = order(DAAN, order_id="ORD-310045", carrier="PostNL", estimated_delivery=date(2026, 11, 27))
QUESTION = "Hallo, waar is mijn bestelling? Ik wacht er al een week op."
ENGLISH = {QUESTION: "Hello, where is my order? I have been waiting for it for a week."}
CATALOGS = load_catalogs()
NATIVE = sorted(CATALOGS.languages)


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Google as the provider, answering from a script; returns the (source, target, text) of every call."""
    monkeypatch.setenv("TRANSLATION_PROVIDER", "google")
    calls: list[tuple[str, str, str]] = []

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        calls.append((self._source, self._target, text))
        return ENGLISH.get(text, f"[{self._target}] {text}")

    monkeypatch.setattr(deep_translator.GoogleTranslator, "translate", translate)
    return calls


def test_a_dutch_customer_is_answered_in_dutch_and_the_translations_are_cached(google, fulfillment, graph, aws):
    DynamoRecordWriter().replace_all([DAAN])
    DynamoRecordWriter().replace_all([DAAN_ORDER])

    assert invoke(fulfillment, inbound(QUESTION, sender=DAAN.phone)) == []

    [sent] = graph.replies
    body = sent.body["text"]["body"]
    assert body.startswith("[nl] ")
    assert "ORD-310045" in body and "PostNL" in body and "27 november 2026" in body
    assert {(source, target) for source, target, _ in google} == {("auto", "en"), ("auto", "nl")}
    cached = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=aws.tables.translation_cache)["Items"]
    assert len(cached) == len(google)
    # The cache holds no customer identifier and no source text.
    assert not any(DAAN.phone in str(item) or QUESTION in str(item) for item in cached)

    # Asked again: understood from the cache; the answer (now without the welcome) is translated once ...
    assert invoke(fulfillment, inbound(QUESTION, sender=DAAN.phone)) == []
    assert [target for _, target, _ in google].count("en") == 1
    calls_before = len(google)
    # ... and a third time, the same answer comes from the cache too: no provider call at all.
    assert invoke(fulfillment, inbound(QUESTION, sender=DAAN.phone)) == []

    assert len(graph.replies) == 3
    assert graph.replies[2].body == graph.replies[1].body
    assert len(google) == calls_before


@pytest.mark.parametrize("code", NATIVE)
def test_a_native_language_conversation_never_calls_the_provider(google, fulfillment, graph, code):
    person = customer(name="Ana Lima", phone=f"55119{NATIVE.index(code):02d}4455", language=code)
    DynamoRecordWriter().replace_all([person])
    DynamoRecordWriter().replace_all([order(person, order_id=f"ORD-77{NATIVE.index(code):04d}", carrier="DHL")])
    examples = CATALOGS[code].examples
    messages = [examples["greeting"][1], examples["order_status"][1], examples["thanks"][1]]

    for text in messages:
        assert invoke(fulfillment, inbound(text, sender=person.phone)) == []

    assert len(graph.replies) == len(messages)
    assert google == []
