"""Senders against the Graph API stand-in over HTTP: tokens, routing, long texts, retries, backoff, deadlines,
permanent errors, windows, acknowledgements, handover, and logs without personal data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.channels.messenger.sender import TEXT_LIMIT as MESSENGER_TEXT_LIMIT
from parley.channels.messenger.sender import MessengerSender
from parley.channels.meta import ErrorReason, GraphApiError, GraphClient, MessagingWindowClosedError
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Reply
from parley.channels.whatsapp.sender import TEXT_LIMIT as WHATSAPP_TEXT_LIMIT
from parley.channels.whatsapp.sender import WhatsAppSender
from parley.config import ConfigError, MetaCredentials
from parley.local.graph_standin import RecordingGraphApi
from support.factories import inbound

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
JUST_NOW = int((NOW - timedelta(seconds=30)).timestamp())


@pytest.fixture(scope="module")
def standin() -> Iterator[RecordingGraphApi]:
    server = RecordingGraphApi().start()
    yield server
    server.stop()


@pytest.fixture
def graph(standin: RecordingGraphApi) -> RecordingGraphApi:
    """One stand-in for the module (stopping one takes half a second), emptied for every test."""
    standin.requests.clear()
    standin.failures.clear()
    return standin


def client(graph: RecordingGraphApi, sleeps: list[float] | None = None, **options: Any) -> GraphClient:
    """A client whose backoff sleeps are recorded instead of slept, with no randomness in the jitter."""
    record = sleeps if sleeps is not None else []
    options.setdefault("jitter", lambda low, high: high)
    options.setdefault("timeout_seconds", 2)
    return GraphClient(graph.url, "v21.0", sleep=record.append, **options)


def message(text: str = "hi", **overrides: Any) -> InboundMessage:
    overrides.setdefault("timestamp", JUST_NOW)
    return inbound(text, **overrides)


def whatsapp(graph_client: GraphClient, credentials: Any = None, **options: Any) -> WhatsAppSender:
    return WhatsAppSender(graph_client, credentials or (lambda: CREDENTIALS), now=lambda: NOW, **options)


def messenger(graph_client: GraphClient, credentials: Any = None, **options: Any) -> MessengerSender:
    return MessengerSender(graph_client, credentials or (lambda: CREDENTIALS), now=lambda: NOW, **options)


CREDENTIALS = MetaCredentials(whatsapp_access_token="wa-1", whatsapp_phone_number_id="111",
                              messenger_page_access_token="page-1")  # fmt: skip


def test_a_rotated_token_is_used_for_the_next_send(graph):
    current = {"credentials": CREDENTIALS}
    sender = whatsapp(client(graph), lambda: current["credentials"])

    sender.send(message(sender="14155550123"), Reply("first"))
    current["credentials"] = MetaCredentials(whatsapp_access_token="wa-2", whatsapp_phone_number_id="111")
    sender.send(message(sender="14155550123"), Reply("second"))

    assert [r.authorization for r in graph.requests] == ["Bearer wa-1", "Bearer wa-2"]


def test_a_channel_without_a_token_refuses_to_send_so_the_message_is_retried(graph):
    sender = messenger(client(graph), lambda: MetaCredentials(whatsapp_access_token="wa-1"))

    with pytest.raises(ConfigError, match="MESSENGER_PAGE_ACCESS_TOKEN"):
        sender.send(message(sender="5512345678901234", channel=Channel.MESSENGER), Reply("hello"))
    assert graph.requests == []


def test_whatsapp_replies_from_the_number_the_customer_wrote_to(graph):
    sender = whatsapp(client(graph))

    sender.send(message(sender="14155550123", recipient_id="222"), Reply("hello"))
    sender.send(message(sender="14155550123", recipient_id=""), Reply("hello"))

    assert [r.path for r in graph.requests] == ["/v21.0/222/messages", "/v21.0/111/messages"]


def test_messenger_replies_as_the_page_the_customer_wrote_to(graph):
    sender = messenger(client(graph))

    sender.send(message(channel=Channel.MESSENGER, recipient_id="110938475629384"), Reply("hello"))
    sender.send(message(channel=Channel.MESSENGER, recipient_id=""), Reply("hello"))

    assert [r.path for r in graph.requests] == ["/v21.0/110938475629384/messages", "/v21.0/me/messages"]


@pytest.mark.parametrize(
    ("channel", "limit"), [(Channel.WHATSAPP, WHATSAPP_TEXT_LIMIT), (Channel.MESSENGER, MESSENGER_TEXT_LIMIT)]
)
def test_a_long_reply_is_split_at_sentences_within_the_platform_limit(graph, channel, limit):
    make = whatsapp if channel is Channel.WHATSAPP else messenger
    sentence = "Your order ORD-104233 has shipped with UPS and should arrive on Friday. "
    text = sentence * (2 * limit // len(sentence) + 1)

    make(client(graph)).send(message(channel=channel), Reply(text))

    parts = [r.text for r in graph.requests]
    assert len(parts) == 3
    assert all(len(p) <= limit for p in parts)
    assert all(p.endswith("Friday.") for p in parts)
    assert " ".join(parts) == text.strip()


def test_throttling_is_retried_with_exponential_backoff_and_then_succeeds(graph):
    sleeps: list[float] = []
    graph.failures.extend([(429, {"error": {"message": "(#130429) Rate limit hit", "code": 130429}})] * 2)

    whatsapp(client(graph, sleeps)).send(message(), Reply("hello"))

    assert len(graph.requests) == 1
    assert sleeps == [0.5, 1.0]


def test_backoff_is_jittered_between_half_and_all_of_the_step(graph):
    sleeps: list[float] = []
    graph.failures.extend([(503, {})] * 2)

    whatsapp(client(graph, sleeps, jitter=lambda low, high: low)).send(message(), Reply("hello"))

    assert sleeps == [0.25, 0.5]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, {"message": "(#4) Application request limit reached", "code": 4}),
        (400, {"message": "(#80007) Rate limit issues", "code": 80007}),
        (400, {"message": "(#131056) (Business Account, Consumer Account) pair rate limit hit", "code": 131056}),
        (400, {"message": "(#613) Calls to this api have exceeded the rate limit.", "code": 613}),
        (500, {"message": "(#131000) Something went wrong", "code": 131000}),
        (502, {}),
    ],
)
def test_throttling_codes_and_server_errors_are_retried(graph, status, error):
    sleeps: list[float] = []
    graph.failures.append((status, {"error": error} if error else {}))

    whatsapp(client(graph, sleeps)).send(message(), Reply("hello"))

    assert len(graph.requests) == 1
    assert len(sleeps) == 1


def test_retries_stop_after_the_last_attempt_with_a_retryable_error(graph):
    sleeps: list[float] = []
    graph.failures.extend([(429, {"error": {"message": "(#130429) Rate limit hit", "code": 130429}})] * 3)

    with pytest.raises(GraphApiError) as raised:
        whatsapp(client(graph, sleeps)).send(message(), Reply("hello"))

    assert raised.value.retryable is True  # the queue will deliver the message again later
    assert raised.value.reason is ErrorReason.RATE_LIMITED
    assert len(sleeps) == 2
    assert graph.failures == []


def test_retries_stop_at_the_deadline(graph):
    sleeps: list[float] = []
    clock = iter([0.0, 11.0, 11.0])
    graph.failures.extend([(503, {})] * 3)

    with pytest.raises(GraphApiError) as raised:
        whatsapp(client(graph, sleeps, monotonic=lambda: next(clock), deadline_seconds=12)).send(
            message(), Reply("hello")
        )

    assert raised.value.reason is ErrorReason.SERVER
    assert sleeps == []  # another attempt would not finish before the deadline
    assert len(graph.failures) == 2


@pytest.mark.parametrize(
    ("channel", "status", "error", "reason"),
    [
        (Channel.WHATSAPP, 400, {"message": "(#131047) Re-engagement message", "code": 131047},
         ErrorReason.WINDOW_CLOSED),
        (Channel.WHATSAPP, 400, {"message": "(#131026) Message undeliverable", "code": 131026},
         ErrorReason.INVALID_RECIPIENT),
        (Channel.WHATSAPP, 401, {"message": "Error validating access token: Session has expired", "code": 190,
                                 "error_subcode": 463}, ErrorReason.AUTH),
        (Channel.WHATSAPP, 400, {"message": "(#132001) Template name does not exist in the translation",
                                 "code": 132001}, ErrorReason.TEMPLATE),
        (Channel.WHATSAPP, 400, {"message": "(#131030) Recipient phone number not in allowed list", "code": 131030},
         ErrorReason.INVALID_RECIPIENT),
        (Channel.MESSENGER, 400, {"message": "(#10) This message is sent outside of allowed window.", "code": 10,
                                  "error_subcode": 2018278}, ErrorReason.WINDOW_CLOSED),
        (Channel.MESSENGER, 400, {"message": "(#551) This person isn't available right now.", "code": 551,
                                  "error_subcode": 1545041}, ErrorReason.INVALID_RECIPIENT),
        (Channel.MESSENGER, 400, {"message": "(#100) No matching user found", "code": 100,
                                  "error_subcode": 2018001}, ErrorReason.INVALID_RECIPIENT),
    ],
)  # fmt: skip
def test_a_permanent_error_is_raised_at_once_with_its_reason(graph, channel, status, error, reason):
    sleeps: list[float] = []
    graph.failures.append((status, {"error": error}))
    make = whatsapp if channel is Channel.WHATSAPP else messenger

    with pytest.raises(GraphApiError) as raised:
        make(client(graph, sleeps)).send(message(channel=channel), Reply("hello"))

    assert raised.value.reason is reason
    assert raised.value.retryable is False
    assert raised.value.code == error["code"]
    assert sleeps == []
    assert graph.requests == []


def test_an_unreachable_graph_api_is_a_retryable_error():
    unreachable = GraphClient("http://127.0.0.1:9", "v21.0", timeout_seconds=1, attempts=1)

    with pytest.raises(GraphApiError) as raised:
        whatsapp(unreachable).send(message(), Reply("hello"))

    assert raised.value.retryable is True
    assert raised.value.reason is ErrorReason.UNREACHABLE


def test_a_send_error_is_logged_without_text_recipient_or_token(graph, caplog):
    graph.failures.append(
        (400, {"error": {"message": "(#131026) Message undeliverable to 14155550123", "code": 131026}})
    )
    sender = whatsapp(client(graph), lambda: MetaCredentials(whatsapp_access_token="EAAG-secret-token"))

    with caplog.at_level(logging.INFO), pytest.raises(GraphApiError) as raised:
        sender.send(message(sender="14155550123"), Reply("Your order ORD-104233 ships to 12 Baker Street"))

    records = [r for r in caplog.records if r.getMessage() == "graph api call failed"]
    assert records
    logged = " ".join(repr(r.__dict__) for r in caplog.records) + str(raised.value)
    assert getattr(records[0], "reason", None) == "invalid_recipient"
    for secret in ("14155550123", "EAAG-secret-token", "Baker Street", "ORD-104233"):
        assert secret not in logged


def test_outside_the_window_whatsapp_sends_the_template_and_no_text(graph):
    sender = whatsapp(client(graph), template_name="customer_service_followup", template_language="es")
    old = int((NOW - timedelta(hours=30)).timestamp())

    sender.send(message(sender="14155550123", timestamp=old), Reply("Your order has shipped."))

    [sent] = graph.requests
    assert sent.body["type"] == "template"
    assert sent.body["template"] == {"name": "customer_service_followup", "language": {"code": "es"}}
    assert "text" not in sent.body and "shipped" not in sent.text  # the free-form words never go out


def test_outside_the_window_without_a_template_whatsapp_sends_nothing(graph):
    old = int((NOW - timedelta(days=2)).timestamp())

    with pytest.raises(MessagingWindowClosedError):
        whatsapp(client(graph)).send(message(timestamp=old), Reply("Your order has shipped."))

    assert graph.requests == []


@pytest.mark.parametrize(("channel", "requests"), [(Channel.WHATSAPP, 1), (Channel.MESSENGER, 2)])
def test_acknowledging_shows_read_and_typing(graph, channel, requests):
    make = whatsapp if channel is Channel.WHATSAPP else messenger

    assert make(client(graph)).acknowledge(message(channel=channel)) is True
    assert len(graph.wait_for(requests, replies_only=False)) == requests


@pytest.mark.parametrize("channel", [Channel.WHATSAPP, Channel.MESSENGER])
def test_a_failed_acknowledgement_is_not_retried_and_does_not_raise(graph, channel):
    sleeps: list[float] = []
    graph.ack_failures.extend([(503, {})] * 2)
    make = whatsapp if channel is Channel.WHATSAPP else messenger

    assert make(client(graph, sleeps)).acknowledge(message(channel=channel)) is False
    assert sleeps == []


def test_handover_passes_the_conversation_to_the_page_inbox(graph):
    sender = messenger(client(graph))

    sender.hand_over(message(sender="5512345678901234", channel=Channel.MESSENGER, recipient_id="110938475629384"),
                     note="wants a person")  # fmt: skip

    [sent] = graph.requests
    assert sent.path == "/v21.0/110938475629384/pass_thread_control"
    assert sent.authorization == "Bearer page-1"
    assert sent.body == {"recipient": {"id": "5512345678901234"}, "target_app_id": 263902037430900,
                         "metadata": "wants a person"}  # fmt: skip


def test_a_send_answered_after_the_timeout_is_delivered_once_and_not_retried(graph):
    sleeps: list[float] = []
    graph.slow(1.5)  # Meta delivers the message and answers after the client stopped waiting
    try:
        with pytest.raises(GraphApiError) as raised:
            whatsapp(client(graph, sleeps, timeout_seconds=0.3)).send(message(), Reply("Your order has shipped."))
    finally:
        graph.healthy()

    assert raised.value.reason is ErrorReason.UNCONFIRMED
    assert raised.value.retryable is False
    assert sleeps == []
    assert [r.text for r in graph.replies] == ["Your order has shipped."]


def test_a_connection_refused_sent_nothing_and_is_retried():
    sleeps: list[float] = []
    refused = GraphClient("http://127.0.0.1:9", "v21.0", timeout_seconds=1, attempts=3, sleep=sleeps.append,
                          jitter=lambda low, high: high)  # fmt: skip

    with pytest.raises(GraphApiError) as raised:
        whatsapp(refused).send(message(), Reply("hello"))

    assert raised.value.reason is ErrorReason.UNREACHABLE and raised.value.retryable is True
    assert sleeps == [0.5, 1.0]


def test_a_graph_api_that_is_down_delivers_nothing_and_is_retried(graph):
    sleeps: list[float] = []
    graph.down(60)
    try:
        with pytest.raises(GraphApiError) as raised:
            whatsapp(client(graph, sleeps)).send(message(), Reply("hello"))
    finally:
        graph.healthy()

    assert raised.value.reason is ErrorReason.SERVER and raised.value.retryable is True
    assert len(sleeps) == 2 and graph.requests == []
