import json
from dataclasses import replace

import pytest

from fakes import InMemoryEventSink, InMemoryInboundQueue
from parley.channels.events import EventSinkError, EventType
from parley.channels.meta import sign
from parley.channels.model import Channel
from parley.config import MetaCredentials
from parley.dialogue.turn_log import logged_at
from parley.ingress import WebhookIngress
from parley.queue import QueueError, SqsInboundQueue
from support.events import APP_SECRET, VERIFY_TOKEN, raw

CREDENTIALS = MetaCredentials(app_secret=APP_SECRET, verify_token=VERIFY_TOKEN)


def make_ingress(max_body_bytes: int = 1_000_000) -> tuple[WebhookIngress, InMemoryInboundQueue]:
    queue = InMemoryInboundQueue()
    return WebhookIngress(lambda: CREDENTIALS, queue, max_body_bytes), queue


def test_handshake_echoes_the_challenge_when_the_token_matches():
    ingress, _ = make_ingress()

    outcome = ingress.verify({"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})

    assert (outcome.response.status, outcome.response.body) == (200, "1158201444")


def test_handshake_with_a_wrong_token_or_mode_is_forbidden():
    ingress, _ = make_ingress()

    assert (
        ingress.verify({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}).response.status
        == 403
    )
    assert ingress.verify({"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN}).response.status == 403
    assert ingress.verify({}).response.status == 403


def test_a_signed_payload_is_enqueued_and_acknowledged():
    ingress, queue = make_ingress()
    body = raw("whatsapp_batched.json")

    outcome = ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))

    assert outcome.response.status == 200
    assert len(queue.messages) == 3


def test_missing_or_wrong_signature_is_401_and_nothing_is_enqueued():
    ingress, queue = make_ingress()
    body = raw("whatsapp_text.json")

    assert ingress.receive(Channel.WHATSAPP, body, None).response.status == 401
    assert ingress.receive(Channel.WHATSAPP, body, sign(body, "another-secret")).response.status == 401
    assert ingress.receive(Channel.WHATSAPP, body, "sha1=" + sign(body, APP_SECRET)[7:]).response.status == 401
    assert queue.messages == []


def test_a_body_changed_after_signing_is_rejected():
    ingress, queue = make_ingress()
    body = raw("whatsapp_text.json")
    signature = sign(body, APP_SECRET)
    tampered = body.replace(b"ORD-104233", b"ORD-104234")

    assert ingress.receive(Channel.WHATSAPP, tampered, signature).response.status == 401
    assert queue.messages == []


def test_the_signature_is_checked_over_the_raw_bytes_not_reserialised_json():
    ingress, queue = make_ingress()
    # Meta escapes non-ASCII as \\uXXXX; re-serialising would change the bytes and break the signature.
    body = json.dumps(json.loads(raw("whatsapp_batched.json")), ensure_ascii=True).encode()

    assert ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET)).response.status == 200
    assert queue.messages[1].text == "¿Y cuándo llega?"


def test_malformed_json_with_a_valid_signature_is_400():
    ingress, _ = make_ingress()
    body = b'{"object": "whatsapp_business_account", "entry": ['

    assert ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET)).response.status == 400


def test_a_signed_payload_of_an_unknown_kind_is_acknowledged_so_meta_stops_retrying():
    ingress, queue = make_ingress()
    body = b'{"object": "instagram", "entry": []}'

    outcome = ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))

    assert outcome.response.status == 200
    assert outcome.reason == "unknown_payload"
    assert queue.messages == []


def test_an_oversized_body_is_413_before_any_work():
    ingress, queue = make_ingress(max_body_bytes=100)
    body = raw("whatsapp_text.json")

    assert ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET)).response.status == 413
    assert queue.messages == []


def test_status_only_payload_is_acknowledged_without_enqueueing():
    ingress, queue = make_ingress()
    body = raw("whatsapp_status_failed.json")

    assert ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET)).response.status == 200
    assert queue.messages == []


# Events, batches and odd bodies -------------------------------------------------------------------------------


def make_ingress_with_sink(sink=None) -> tuple[WebhookIngress, InMemoryInboundQueue, InMemoryEventSink]:
    queue, sink = InMemoryInboundQueue(), sink or InMemoryEventSink()
    return WebhookIngress(lambda: CREDENTIALS, queue, events=sink, clock=lambda: 1_795_600_000.5), queue, sink


def receive(ingress: WebhookIngress, channel: Channel, body: bytes):
    return ingress.receive(channel, body, sign(body, APP_SECRET))


def test_statuses_become_events_and_nothing_is_enqueued():
    ingress, queue, sink = make_ingress_with_sink()

    outcome = receive(ingress, Channel.WHATSAPP, raw("whatsapp_statuses_sent_delivered_read.json"))

    assert (outcome.response.status, outcome.enqueued, outcome.events) == (200, 0, 3)
    assert queue.messages == []
    assert [(e.type, e.status) for e in sink.events] == [
        (EventType.DELIVERY_STATUS, "sent"),
        (EventType.DELIVERY_STATUS, "delivered"),
        (EventType.DELIVERY_STATUS, "read"),
    ]


def test_a_mixed_batch_enqueues_every_message_and_emits_every_event():
    ingress, queue, sink = make_ingress_with_sink()

    outcome = receive(ingress, Channel.WHATSAPP, raw("whatsapp_batched_mixed_kinds.json"))

    assert (outcome.enqueued, outcome.events) == (6, 4)
    assert len(queue.messages) == 6
    assert [e.status for e in sink.events] == ["delivered", "read", "failed", "sent"]


def test_messenger_batch_enqueues_customer_messages_only():
    ingress, queue, sink = make_ingress_with_sink()

    outcome = receive(ingress, Channel.MESSENGER, raw("messenger_batched.json"))

    assert outcome.response.status == 200
    assert len(queue.messages) == 7
    assert {e.type for e in sink.events} == {EventType.DELIVERY_STATUS, EventType.STANDBY}


@pytest.mark.parametrize(
    "name",
    ["messenger_standby.json", "messenger_delivery.json", "messenger_read.json", "messenger_take_thread_control.json"],
)
def test_standby_delivery_and_handover_payloads_are_acknowledged_without_a_message_to_answer(name):
    ingress, queue, sink = make_ingress_with_sink()

    assert receive(ingress, Channel.MESSENGER, raw(name)).response.status == 200
    assert queue.messages == []
    assert sink.events


def test_an_echo_is_neither_answered_nor_counted():
    ingress, queue, sink = make_ingress_with_sink()
    payload = json.loads(raw("messenger_echo_and_text.json"))
    payload["entry"][0]["messaging"] = payload["entry"][0]["messaging"][:1]  # the echo alone
    body = json.dumps(payload).encode()

    assert receive(ingress, Channel.MESSENGER, body).response.status == 200
    assert (queue.messages, sink.events) == ([], [])


def test_events_without_a_platform_time_are_stamped_with_the_time_received():
    ingress, _, sink = make_ingress_with_sink()

    receive(ingress, Channel.WHATSAPP, raw("whatsapp_errors.json"))

    assert [e.occurred_at for e in sink.events] == [1_795_600_000]


class BrokenSink:
    def emit(self, events):
        raise EventSinkError("firehose unavailable")


def test_a_failing_event_sink_does_not_cost_the_customers_messages_or_a_redelivery():
    ingress, queue, _ = make_ingress_with_sink(BrokenSink())

    outcome = receive(ingress, Channel.WHATSAPP, raw("whatsapp_batched_mixed_kinds.json"))

    assert outcome.response.status == 200
    assert len(queue.messages) == 6


class FailingQueue:
    def put(self, messages):
        raise QueueError("inbound queue unavailable")


def test_when_the_queue_fails_no_events_are_emitted_so_the_redelivery_does_not_count_them_twice():
    sink = InMemoryEventSink()
    ingress = WebhookIngress(lambda: CREDENTIALS, FailingQueue(), events=sink)

    with pytest.raises(QueueError):
        receive(ingress, Channel.WHATSAPP, raw("whatsapp_batched_mixed_kinds.json"))
    assert sink.events == []


def test_without_a_sink_events_go_to_the_log():
    queue = InMemoryInboundQueue()
    ingress = WebhookIngress(lambda: CREDENTIALS, queue)  # the constructor wiring uses today

    outcome = receive(ingress, Channel.WHATSAPP, raw("whatsapp_status_failed.json"))

    assert (outcome.response.status, outcome.events) == (200, 1)


@pytest.mark.parametrize(
    "body",
    [
        b"1" * 5000,  # an integer longer than Python converts
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser goes
        b'{"object": "page", "entry": [] \xff}',  # not UTF-8
        json.dumps({"object": "page", "entry": []}).encode("utf-16"),  # JSON, in an encoding Meta never sends
        json.dumps({"object": "whatsapp_business_account", "entry": []}).encode("utf-32-be"),
        b"",
    ],
)
def test_bodies_json_cannot_read_are_400_never_500(body):
    ingress, queue, _ = make_ingress_with_sink()

    assert receive(ingress, Channel.WHATSAPP, body).response.status == 400
    assert queue.messages == []


def test_a_signed_payload_for_the_other_channel_is_acknowledged_and_ignored():
    ingress, queue, sink = make_ingress_with_sink()

    outcome = receive(ingress, Channel.MESSENGER, raw("whatsapp_text.json"))

    assert (outcome.response.status, outcome.reason) == (200, "unknown_payload")
    assert (queue.messages, sink.events) == ([], [])


def _whatsapp(messages: int, name: str, timestamp: object = "1795500001") -> bytes:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": name}, "wa_id": "14155550123"}],
            "messages": [
                {"from": "14155550123", "id": f"wamid.LONGNAME{i}", "timestamp": timestamp, "type": "text",
                 "text": {"body": f"where is my order {i}"}}
                for i in range(messages)
            ],
        }}]}],
    }  # fmt: skip
    return json.dumps(payload).encode()


def test_a_huge_display_name_copied_into_ten_messages_is_cut_and_every_message_queued():
    # Found by the blind attack check: 10 messages from one contact whose profile name is 120,000 characters (a
    # signed 121 kB body) made a 1.2 MB queue batch, refused on every redelivery: a 500 and ten customers lost.
    ingress, queue = make_ingress()
    body = _whatsapp(10, "Ω" * 120_000)

    outcome = ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))

    assert outcome.response.status == 200
    assert [m.text for m in queue.messages] == [f"where is my order {i}" for i in range(10)]
    assert all(0 < len(m.profile_name) <= 256 for m in queue.messages)


class _RecordingSqs:
    def __init__(self) -> None:
        self.batches: list[list[dict]] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict]) -> dict:
        self.batches.append(Entries)
        return {"Successful": [{"Id": e["Id"]} for e in Entries]}


def test_queue_batches_stay_within_what_sqs_takes_in_count_and_in_bytes():
    ingress, memory = make_ingress()
    body = _whatsapp(10, "Emily Carter")
    ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))
    long = [replace(m, text="😀" * 8000) for m in memory.messages]  # 32 kB each in UTF-8, past 256 kB in ten
    client = _RecordingSqs()

    SqsInboundQueue(client, "https://sqs.local/queue").put([*long, *long, *long])

    sent = [entry for batch in client.batches for entry in batch]
    assert len(sent) == 30
    assert all(len(batch) <= 10 for batch in client.batches)
    assert all(sum(len(e["MessageBody"].encode()) for e in batch) <= 256 * 1024 for batch in client.batches)


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("99999999999999999999", 0),
        ("-1000000000000", 0),
        (1e308, 0),
        ("1796686709408", 1796686709),
        ("1795500001", 1795500001),
    ],
)
def test_a_timestamp_that_names_no_moment_is_read_as_unknown_and_the_message_still_dated(stamp, seconds):
    # Found by the blind attack check: such a stamp failed every delivery of the message (year out of range) until
    # the dead-letter queue, and the customer's next messages waited behind it.
    ingress, queue = make_ingress()
    body = _whatsapp(1, "Emily Carter", stamp)

    ingress.receive(Channel.WHATSAPP, body, sign(body, APP_SECRET))

    [message] = queue.messages
    assert message.timestamp == seconds
    assert logged_at(message).year >= 2026


def test_a_messenger_timestamp_that_names_no_moment_is_read_as_unknown():
    ingress, queue = make_ingress()
    payload = json.loads(raw("messenger_batched.json"))
    payload["entry"][0]["messaging"][0]["timestamp"] = 10**300
    body = json.dumps(payload).encode()

    ingress.receive(Channel.MESSENGER, body, sign(body, APP_SECRET))

    assert [m.timestamp for m in queue.messages][:1] == [0]
    assert logged_at(queue.messages[0]).year >= 2026
