"""The webhook when AWS accepts a connection and never answers: every call it makes gives up in time for the handler
to answer inside its function's timeout, 500 where Meta (or the agent's tool) should try again, 200 where only
analytics is lost. botocore's defaults (60 s per read, retried) would have held it past the 10 s Lambda gives it,
and Lambda's own timeout error is no answer Meta can act on. The budget's arithmetic is held to the template by
tests/contract/test_template.py; this holds the behaviour (bounds here are generous: CI is a busy machine)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from parley.local.payloads import whatsapp_text
from support.events import APP_SECRET, http_api_event, raw, signed_post

AGENT_TOKEN = "agent-token-0123456789abcdef"
# Far above the webhook's own worst case (about 5 s, or 7 s for a delivery status), far below botocore's defaults.
GENEROUS_SECONDS = 30


class SilentServer:
    """A TCP server that accepts every connection and never says a word: AWS hanging."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.connections = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._held.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self._held:
            connection.close()
        self._socket.close()


@pytest.fixture
def silent_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentServer]:
    with SilentServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv("INBOUND_QUEUE_URL", f"{server.url}/123456789012/inbound.fifo")
        monkeypatch.setenv("EVENTS_STREAM_NAME", "parley-events")
        yield server


def webhook_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_handler_module("webhook")


def timed(module: ModuleType, event: dict[str, Any]) -> tuple[int, float]:
    started = time.monotonic()
    response = module.handler(event, LocalLambdaContext("parley-webhook"))
    return response["statusCode"], time.monotonic() - started


def text_from_emily() -> dict[str, Any]:
    return signed_post("whatsapp", json.dumps(whatsapp_text("14155550123", "where is my order?")).encode())


def test_a_message_is_500_in_time_when_the_queue_hangs(silent_aws, monkeypatch):
    webhook = webhook_with(monkeypatch, META_APP_SECRET=APP_SECRET, LOG_HASH_KEY="k" * 32)

    status, seconds = timed(webhook, text_from_emily())

    assert status == 500  # Meta redelivers
    assert seconds < GENEROUS_SECONDS
    assert silent_aws.connections == 2  # the queue hung, and was tried twice in all


def test_a_message_is_500_in_time_when_the_secrets_hang(silent_aws, monkeypatch):
    webhook = webhook_with(monkeypatch, META_SECRET_NAME="parley/meta", LOG_HASH_KEY_SECRET_NAME="parley/log-hash-key")

    status, seconds = timed(webhook, text_from_emily())

    assert status == 500
    assert seconds < GENEROUS_SECONDS


def test_the_log_hash_key_secret_hanging_alone_is_500_in_time(silent_aws, monkeypatch):
    webhook = webhook_with(monkeypatch, META_APP_SECRET=APP_SECRET, LOG_HASH_KEY_SECRET_NAME="parley/log-hash-key")

    status, seconds = timed(webhook, text_from_emily())

    assert status == 500
    assert seconds < GENEROUS_SECONDS


def test_a_delivery_status_is_200_in_time_when_analytics_hangs(silent_aws, monkeypatch):
    """Pseudonym keys, then Firehose, both hanging: analytics is lost and logged, the status acknowledged."""
    webhook = webhook_with(monkeypatch, META_APP_SECRET=APP_SECRET, LOG_HASH_KEY="k" * 32)

    status, seconds = timed(webhook, signed_post("whatsapp", raw("whatsapp_status_failed.json")))

    assert status == 200
    assert seconds < GENEROUS_SECONDS
    assert silent_aws.connections == 3  # two tries at the keys, one at Firehose: the budget's arithmetic


def test_an_agent_request_is_500_in_time_when_its_records_hang(silent_aws, monkeypatch):
    webhook = webhook_with(monkeypatch, META_APP_SECRET=APP_SECRET, AGENT_API_TOKEN=AGENT_TOKEN, LOG_HASH_KEY="k" * 32)
    request = http_api_event(
        "POST",
        "/agent/conversations/whatsapp:14155550123/messages",
        body=json.dumps({"text": "Your refund is on its way"}).encode(),
        headers={"Authorization": f"Bearer {AGENT_TOKEN}", "Idempotency-Key": "refund-1"},
    )

    status, seconds = timed(webhook, request)

    assert status == 500  # the agent's tool tries again, with the same key
    assert seconds < GENEROUS_SECONDS
