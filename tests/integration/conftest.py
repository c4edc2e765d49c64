"""Fixtures for tests that run the functions' handlers with moto and the Graph API stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from parley.data.dynamo import DynamoRecordWriter
from parley.local.graph_standin import RecordingGraphApi
from parley.local.lambda_runtime import load_handler_module
from support.fulfillment import BOB, BOB_ORDER, EMILY, EMILY_ORDER


@pytest.fixture
def graph() -> Iterator[RecordingGraphApi]:
    standin = RecordingGraphApi().start()
    yield standin
    standin.stop()


@pytest.fixture
def fulfillment(aws, graph, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The fulfillment handler module, cold-started against moto, with Emily and Bob and one order each."""
    monkeypatch.setenv("GRAPH_API_URL", graph.url)
    monkeypatch.setenv("GRAPH_API_VERSION", "v21.0")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "wa-token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "106540352242922")
    monkeypatch.setenv("MESSENGER_PAGE_ACCESS_TOKEN", "page-token")
    writer = DynamoRecordWriter()
    writer.replace_all([EMILY, BOB])
    writer.replace_all([EMILY_ORDER, BOB_ORDER])
    return load_handler_module("fulfillment")
