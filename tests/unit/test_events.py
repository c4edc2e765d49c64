import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fakes import InMemoryEventSink
from parley.channels.events import ChannelEvent, EventType, LoggingEventSink
from parley.channels.messenger.parsing import read_messenger
from parley.channels.model import Channel, PlatformError, message_ref
from parley.channels.whatsapp.parsing import read_whatsapp
from parley.observability import logger
from support.events import EVENTS, load

ALL_FIXTURES = sorted(p.name for p in Path(EVENTS).glob("*.json"))
EVENT_FIXTURES = [
    "whatsapp_batched.json",
    "whatsapp_batched_mixed_kinds.json",
    "whatsapp_status_failed.json",
    "whatsapp_statuses_sent_delivered_read.json",
    "messenger_batched.json",
    "messenger_delivery.json",
    "messenger_read.json",
    "messenger_standby.json",
    "messenger_pass_thread_control.json",
    "messenger_take_thread_control.json",
    "messenger_request_thread_control.json",
    "messenger_echo_and_text.json",
]


def read(name: str):
    reader = read_whatsapp if name.startswith("whatsapp") else read_messenger
    return reader(load(name), 1_795_600_000)


def personal_values(node: Any) -> Iterator[str]:
    """Every phone number, PSID, platform message id and piece of text in a payload: none may reach an event."""
    private_keys = {"from", "wa_id", "recipient_id", "id", "mid", "mids", "body", "text", "title", "name", "caption"}
    if isinstance(node, dict):
        for key, value in node.items():
            if key in private_keys and isinstance(value, str) and len(value) > 3:
                yield value
            if key == "mids":
                yield from value
            yield from personal_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from personal_values(item)


@pytest.mark.parametrize("name", EVENT_FIXTURES)
def test_events_carry_no_phone_number_psid_message_id_or_text(name):
    payload = load(name)
    events = read(name).events
    assert events
    serialised = json.dumps([e.to_dict() for e in events], ensure_ascii=False)

    meta_vocabulary = {"Message undeliverable", "Re-engagement message", "messages"}  # Meta's error titles
    for value in set(personal_values(payload)) - meta_vocabulary:
        assert value not in serialised, value


def test_a_wamid_is_hashed_because_it_wraps_the_customers_phone_number():
    [event] = read("whatsapp_status_failed.json").events
    wamid = load("whatsapp_status_failed.json")["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]

    assert event.message_ref == message_ref(Channel.WHATSAPP, wamid)
    assert "wamid" not in json.dumps(event.to_dict())


def test_an_events_user_is_the_same_hash_as_the_messages_sender_so_analytics_can_join_them():
    messages = read("messenger_batched.json").messages
    events = read("messenger_batched.json").events

    assert events[0].user_hash == messages[0].sender_hash


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_event_is_json_ready_and_comes_back_whole(name):
    for event in read(name).events:
        data = json.loads(json.dumps(event.to_dict()))

        assert ChannelEvent.from_dict(data) == event


def test_to_dict_writes_enums_as_words_and_errors_as_objects():
    event = ChannelEvent(
        Channel.WHATSAPP, EventType.DELIVERY_STATUS, 1795500010, status="failed", errors=(PlatformError(131047, "x"),)
    )

    data = event.to_dict()

    assert (data["channel"], data["type"], data["errors"]) == (
        "whatsapp",
        "delivery_status",
        [{"code": 131047, "title": "x"}],
    )


def test_the_in_memory_sink_keeps_what_was_emitted():
    sink = InMemoryEventSink()
    events = read("whatsapp_statuses_sent_delivered_read.json").events

    sink.emit(events)
    sink.emit(())

    assert sink.events == list(events)


def test_the_logging_sink_writes_one_content_free_line_per_event():
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        events = read("whatsapp_batched_mixed_kinds.json").events
        LoggingEventSink().emit(events)
    finally:
        logger.removeHandler(handler)

    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    assert [line["event"] for line in lines] == [e.to_dict() for e in events]
    for private in ("14155550123", "61491570156", "wamid.", "Emily", "Track my order"):
        assert private not in output.getvalue()
