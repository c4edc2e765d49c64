"""Senders against the Graph API stand-in: exact request bodies, long texts, tokens, errors and retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parley.channels.model import Channel
from parley.channels.replies import Reply
from parley.channels.senders import MESSENGER_TEXT_LIMIT, WHATSAPP_TEXT_LIMIT, MessengerSender, WhatsAppSender
from parley.config import ConfigError, MetaCredentials
from parley.graph import GraphApiError, GraphClient
from parley.local.graph_standin import RecordingGraphApi
from support.factories import inbound


@pytest.fixture
def graph() -> Iterator[RecordingGraphApi]:
    standin = RecordingGraphApi().start()
    yield standin
    standin.stop()


def client(graph: RecordingGraphApi, sleeps: list[float] | None = None) -> GraphClient:
    """A client whose backoff sleeps are recorded instead of slept."""
    record = sleeps if sleeps is not None else []
    return GraphClient(graph.url, "v21.0", timeout_seconds=2, sleep=record.append)


CREDENTIALS = MetaCredentials(whatsapp_access_token="wa-1", whatsapp_phone_number_id="111",
                              messenger_page_access_token="page-1")  # fmt: skip


def test_a_rotated_token_is_used_for_the_next_send(graph):
    current = {"credentials": CREDENTIALS}
    sender = WhatsAppSender(client(graph), lambda: current["credentials"])

    sender.send(inbound("hi", sender="14155550123"), Reply("first"))
    current["credentials"] = MetaCredentials(whatsapp_access_token="wa-2", whatsapp_phone_number_id="111")
    sender.send(inbound("hi", sender="14155550123"), Reply("second"))

    assert [r.authorization for r in graph.requests] == ["Bearer wa-1", "Bearer wa-2"]


def test_a_channel_without_a_token_refuses_to_send_so_the_message_is_retried(graph):
    sender = MessengerSender(client(graph), lambda: MetaCredentials(whatsapp_access_token="wa-1"))

    with pytest.raises(ConfigError, match="MESSENGER_PAGE_ACCESS_TOKEN"):
        sender.send(inbound("hi", sender="5512345678901234", channel=Channel.MESSENGER), Reply("hello"))
    assert graph.requests == []


def test_whatsapp_replies_from_the_number_the_customer_wrote_to(graph):
    sender = WhatsAppSender(client(graph), lambda: CREDENTIALS)

    sender.send(inbound("hi", sender="14155550123", recipient_id="222"), Reply("hello"))
    sender.send(inbound("hi", sender="14155550123", recipient_id=""), Reply("hello"))

    assert [r.path for r in graph.requests] == ["/v21.0/222/messages", "/v21.0/111/messages"]


@pytest.mark.parametrize(
    ("channel", "limit"), [(Channel.WHATSAPP, WHATSAPP_TEXT_LIMIT), (Channel.MESSENGER, MESSENGER_TEXT_LIMIT)]
)
def test_a_long_reply_is_split_at_sentences_within_the_platform_limit(graph, channel, limit):
    sender_cls = WhatsAppSender if channel is Channel.WHATSAPP else MessengerSender
    sentence = "Your order ORD-104233 has shipped with UPS and should arrive on Friday. "
    text = sentence * (2 * limit // len(sentence) + 1)

    sender_cls(client(graph), lambda: CREDENTIALS).send(inbound("hi", channel=channel), Reply(text))

    parts = [r.text for r in graph.requests]
    assert len(parts) == 3
    assert all(len(p) <= limit for p in parts)
    assert all(p.endswith("Friday.") for p in parts)
    assert " ".join(parts) == text.strip()


def test_throttling_is_retried_with_backoff_and_then_succeeds(graph):
    sleeps: list[float] = []
    graph.failures.extend([(429, {"error": {"message": "rate", "code": 130429}})] * 2)

    WhatsAppSender(client(graph, sleeps), lambda: CREDENTIALS).send(inbound("hi"), Reply("hello"))

    assert len(graph.requests) == 1
    assert len(sleeps) == 2
    assert sleeps[1] >= sleeps[0] > 0  # exponential backoff with jitter


def test_a_permanent_error_is_raised_at_once_and_marked_not_retryable(graph):
    sleeps: list[float] = []
    graph.failures.append((400, {"error": {"message": "(#131030) Recipient not in allowed list", "code": 131030}}))

    with pytest.raises(GraphApiError) as raised:
        WhatsAppSender(client(graph, sleeps), lambda: CREDENTIALS).send(inbound("hi"), Reply("hello"))

    assert raised.value.retryable is False
    assert raised.value.code == 131030
    assert sleeps == []


def test_an_unreachable_graph_api_is_a_retryable_error():
    unreachable = GraphClient("http://127.0.0.1:9", "v21.0", timeout_seconds=1, attempts=1)

    with pytest.raises(GraphApiError) as raised:
        WhatsAppSender(unreachable, lambda: CREDENTIALS).send(inbound("hi"), Reply("hello"))

    assert raised.value.retryable is True
