"""Delivery statuses in the webhook: analytics events under the conversation's pseudonym, as fulfillment made it, with
the platform's error code for a failure, and never a phone number, PSID or message id."""

from __future__ import annotations

import json

from fakes import InMemoryEventSink, InMemoryInboundQueue, InMemoryKeyStore
from parley.channels.meta import sign
from parley.channels.model import Channel
from parley.config import MetaCredentials
from parley.ingress import WebhookIngress
from parley.privacy.pseudonyms import Pseudonyms
from support.events import APP_SECRET, VERIFY_TOKEN, raw

CREDENTIALS = MetaCredentials(app_secret=APP_SECRET, verify_token=VERIFY_TOKEN)


def webhook(keys: InMemoryKeyStore) -> tuple[WebhookIngress, InMemoryEventSink]:
    analytics = InMemoryEventSink()
    ingress = WebhookIngress(
        lambda: CREDENTIALS,
        InMemoryInboundQueue(),
        analytics=analytics,
        pseudonyms=Pseudonyms(keys, create=False),
        clock=lambda: 1_795_600_000.5,
    )
    return ingress, analytics


def receive(ingress: WebhookIngress, channel: Channel, name: str) -> None:
    body = raw(name)
    assert ingress.receive(channel, body, sign(body, APP_SECRET)).response.status == 200


def test_whatsapp_statuses_are_counted_under_the_pseudonyms_fulfillment_gave_the_conversations():
    keys = InMemoryKeyStore()
    fulfillment = Pseudonyms(keys).names("whatsapp#14155550123")  # a turn of Emily's made her conversation's key
    ingress, analytics = webhook(keys)

    receive(ingress, Channel.WHATSAPP, "whatsapp_statuses_sent_delivered_read.json")

    events = analytics.events
    assert [(e.type.value, e.status) for e in events] == [
        ("delivery_status", "sent"), ("delivery_status", "delivered"), ("delivery_status", "read"),
    ]  # fmt: skip
    assert events[0].conversation == fulfillment.conversation
    assert events[0].message == fulfillment.message("wamid.HBgLMTQxNTU1NTAxMjMVAgARGBJDOTNDNjA0M0JDQkM4QzVGRjAA")
    assert events[0].at_ms == 1_795_500_300_000
    # A conversation the webhook has no key for (none made, or erased) still counts, without a pseudonym.
    assert events[1].conversation == ""
    assert len(keys.keys) == 1  # the webhook made no key


def test_a_failed_delivery_carries_the_platforms_error_code_and_nothing_personal():
    ingress, analytics = webhook(InMemoryKeyStore())

    receive(ingress, Channel.WHATSAPP, "whatsapp_status_failed.json")

    [event] = analytics.events
    assert (event.status, event.reason) == ("failed", "131047")
    written = json.dumps(event.to_dict())
    assert "wamid" not in written and "14155550123" not in written


def test_messenger_deliveries_and_reads_are_counted_per_message():
    keys = InMemoryKeyStore()
    mine = Pseudonyms(keys).names("messenger#8845678901234567")
    ingress, analytics = webhook(keys)

    receive(ingress, Channel.MESSENGER, "messenger_delivery.json")
    receive(ingress, Channel.MESSENGER, "messenger_read.json")

    assert [(e.status, e.conversation, e.channel) for e in analytics.events] == [
        ("delivered", mine.conversation, "messenger"),
        ("delivered", mine.conversation, "messenger"),
        ("read", mine.conversation, "messenger"),
    ]
    assert analytics.events[2].message == ""  # a read names no message, only a moment
    assert "8845678901234567" not in json.dumps([e.to_dict() for e in analytics.events])


def test_an_unreachable_key_table_still_counts_the_statuses_and_answers_200():
    keys = InMemoryKeyStore()
    keys.failing = True
    ingress, analytics = webhook(keys)

    receive(ingress, Channel.WHATSAPP, "whatsapp_statuses_sent_delivered_read.json")

    assert [e.conversation for e in analytics.events] == ["", "", ""]


def test_a_message_is_queued_with_the_millisecond_the_webhook_received_it():
    queue = InMemoryInboundQueue()
    ingress = WebhookIngress(lambda: CREDENTIALS, queue, clock=lambda: 1_795_600_000.5)
    body = raw("whatsapp_text.json")

    ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))

    [message] = queue.messages
    assert (message.received_at, message.received_at_ms) == (1_795_600_000, 1_795_600_000_500)
