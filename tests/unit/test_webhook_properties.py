"""No payload, however odd, crashes the webhook or earns a 5xx: Meta would retry it for days."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes import InMemoryEventSink, InMemoryInboundQueue
from parley.channels.events import ChannelEvent
from parley.channels.meta import sign
from parley.channels.model import Channel, InboundMessage
from parley.config import MetaCredentials
from parley.ingress import WebhookIngress
from support.events import EVENTS, load, raw
from support.sqs import sqs_accepts

SECRET = "property-secret"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
KEYS = [
    # envelopes
    "object",
    "entry",
    "changes",
    "value",
    "field",
    "metadata",
    "contacts",
    "profile",
    "name",
    "wa_id",
    "messages",
    "statuses",
    "errors",
    "messaging",
    "standby",
    "message",
    "sender",
    "recipient",
    "timestamp",
    "id",
    "mid",
    "from",
    "type",
    "is_echo",
    # WhatsApp message kinds and their fields
    "text",
    "body",
    "context",
    "referred_product",
    "catalog_id",
    "product_retailer_id",
    "interactive",
    "button_reply",
    "list_reply",
    "button",
    "payload",
    "title",
    "location",
    "latitude",
    "longitude",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "caption",
    "mime_type",
    "sha256",
    "filename",
    "voice",
    "animated",
    "reaction",
    "emoji",
    "message_id",
    "order",
    "product_items",
    "quantity",
    "item_price",
    "currency",
    "system",
    "unsupported",
    "code",
    "referral",
    "source_type",
    "source_id",
    # statuses
    "status",
    "recipient_id",
    "pricing",
    "category",
    # Messenger
    "quick_reply",
    "reply_to",
    "attachments",
    "url",
    "coordinates",
    "lat",
    "long",
    "sticker_id",
    "postback",
    "action",
    "ref",
    "source",
    "delivery",
    "read",
    "mids",
    "watermark",
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
    "app_roles",
    "new_owner_app_id",
]
WORDS = [
    "whatsapp_business_account",
    "page",
    "messages",
    "text",
    "interactive",
    "button_reply",
    "list_reply",
    "button",
    "location",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "reaction",
    "contacts",
    "order",
    "system",
    "unsupported",
    "fallback",
    "file",
    "react",
    "unreact",
    "failed",
]
# Values that are valid JSON yet break naive code: lone surrogates (not UTF-8), noncharacters and control characters
# (UTF-8, but SQS refuses them), numbers too big for a float, infinities (Python's json reads "Infinity"), digit
# strings, and a string where a number belongs.
AWKWARD = [
    "\ud800",
    "ok \udfff",
    "\uffff\ufffe",
    "nul \x00\x1f",
    10**400,
    -(10**400),
    float("inf"),
    float("-inf"),
    "1e999",
    "12.5",
    "",
    "0",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
    | st.sampled_from(AWKWARD)
)
meta_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=60,
)
FIXTURES = sorted(p.name for p in EVENTS.glob("*.json"))
# The fields each kind really has, so generated bodies hit the parser's paths, not only its guards.
MEDIA_FIELDS = ["id", "mime_type", "sha256", "caption", "filename", "voice", "animated", "url"]
WHATSAPP_FIELDS = {
    "text": ["body"],
    "interactive": ["type", "button_reply", "list_reply"],
    "button": ["payload", "text"],
    "location": ["latitude", "longitude", "name", "address", "url"],
    "image": MEDIA_FIELDS,
    "audio": MEDIA_FIELDS,
    "video": MEDIA_FIELDS,
    "document": MEDIA_FIELDS,
    "sticker": MEDIA_FIELDS,
    "reaction": ["message_id", "emoji"],
    "order": ["catalog_id", "text", "product_items"],
    "system": ["body", "wa_id", "type"],
    "unsupported": ["type"],
}
MESSENGER_FIELDS = {
    "message": ["mid", "text", "quick_reply", "attachments", "reply_to", "sticker_id", "is_echo"],
    "postback": ["title", "payload", "mid", "referral"],
    "reaction": ["reaction", "emoji", "action", "mid"],
    "referral": ["ref", "source", "type", "ad_id"],
    "delivery": ["mids", "watermark"],
    "read": ["watermark"],
    "optin": ["ref"],
    "pass_thread_control": ["new_owner_app_id", "previous_owner_app_id", "metadata"],
    "take_thread_control": ["new_owner_app_id", "previous_owner_app_id", "metadata"],
    "request_thread_control": ["requested_owner_app_id", "metadata"],
    "app_roles": ["1517776481860111"],
}
leaf = st.sampled_from(AWKWARD) | scalars | meta_like


def fields_of(names: list[str]) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(names), leaf, max_size=len(names))


def lists_of(names: list[str]) -> st.SearchStrategy[list]:
    return st.lists(fields_of(names) | leaf, max_size=3)


NESTED = {
    "button_reply": fields_of(["id", "title"]),
    "list_reply": fields_of(["id", "title", "description"]),
    "product_items": lists_of(["product_retailer_id", "quantity", "item_price", "currency"]),
    "quick_reply": fields_of(["payload"]),
    "reply_to": fields_of(["mid"]),
    "referral": fields_of(["ref", "source", "type"]),
    "attachments": st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["image", "video", "audio", "file", "fallback", "location", "sticker", "reel"])},
            optional={
                "payload": fields_of(["url", "sticker_id", "title"])
                | st.fixed_dictionaries({"coordinates": fields_of(["lat", "long"])}),
                "title": leaf,
                "url": leaf,
            },
        ),
        max_size=3,
    ),
    "mids": st.lists(leaf, max_size=3),
}


@st.composite
def body_of(draw: st.DrawFn, names: list[str]) -> dict:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    return {name: draw(NESTED.get(name, leaf)) for name in chosen}


@st.composite
def whatsapp_messages(draw: st.DrawFn) -> dict:
    """A message with a valid sender and id, of any type, whose body is anything at all."""
    type_ = draw(st.sampled_from([*WHATSAPP_FIELDS, "contacts", "request_welcome"]))
    message = {"from": "14155550123", "id": "wamid.PROPERTY", "timestamp": draw(leaf), "type": type_}
    message[type_] = draw(body_of(WHATSAPP_FIELDS[type_]) if type_ in WHATSAPP_FIELDS else lists_of(["name"]))
    message["context"] = draw(fields_of(["from", "id", "referred_product"]))
    message["errors"] = draw(lists_of(["code", "title"]))
    return message


@st.composite
def messenger_items(draw: st.DrawFn) -> dict:
    what = draw(st.sampled_from(list(MESSENGER_FIELDS)))
    item = {"sender": {"id": "5512345678901234"}, "recipient": {"id": "110938475629384"}, "timestamp": draw(leaf)}
    item[what] = draw(body_of(MESSENGER_FIELDS[what]))
    return item


def make_ingress() -> tuple[WebhookIngress, InMemoryInboundQueue, InMemoryEventSink]:
    queue, sink = InMemoryInboundQueue(), InMemoryEventSink()
    return WebhookIngress(lambda: MetaCredentials(app_secret=SECRET), queue, events=sink), queue, sink


def receive(body: bytes, channel: Channel = Channel.WHATSAPP) -> int:
    ingress, queue, sink = make_ingress()
    status = ingress.receive(channel, body, sign(body, SECRET)).response.status
    everything_travels(queue, sink)
    return status


def everything_travels(queue: InMemoryInboundQueue, sink: InMemoryEventSink) -> None:
    """What was accepted must survive its journey: messages the SQS round trip, events a JSON log line."""
    for message in queue.messages:
        assert InboundMessage.from_json(message.to_json()) == message
        message.to_json().encode()  # SQS takes UTF-8: a lone surrogate must not get this far
        assert sqs_accepts(message.to_json())  # nor anything else SQS refuses (InvalidMessageContents)
        assert message.sender_hash
    for event in sink.events:
        assert ChannelEvent.from_dict(json.loads(json.dumps(event.to_dict()))) == event


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_signed_json_is_acknowledged_or_refused_never_a_crash(value):
    assert receive(json.dumps(value).encode()) in {200, 400}


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(meta_like, st.sampled_from([Channel.WHATSAPP, Channel.MESSENGER]))
def test_payloads_shaped_like_metas_never_crash_either_channel(value, channel):
    assert receive(json.dumps(value).encode(), channel) == 200


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(whatsapp_messages(), min_size=1, max_size=4), lists_of(["id", "status", "recipient_id", "errors"]))
def test_whatsapp_messages_of_every_type_with_any_body_are_taken_never_a_crash(messages, statuses):
    value = {"metadata": {"phone_number_id": "106540352242922"}, "messages": messages, "statuses": statuses}
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": value}]}]}
    ingress, queue, sink = make_ingress()
    body = json.dumps(payload).encode()

    assert ingress.receive(Channel.WHATSAPP, body, sign(body, SECRET)).response.status == 200
    assert len(queue.messages) == len(messages)  # every message is taken, whatever its body holds
    everything_travels(queue, sink)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messenger_items(), min_size=1, max_size=4), st.lists(messenger_items(), max_size=3))
def test_messenger_events_of_every_kind_with_any_body_never_crash_and_standby_is_never_answered(messaging, standby):
    payload = {"object": "page", "entry": [{"id": "110938475629384", "messaging": messaging, "standby": standby}]}
    ingress, queue, sink = make_ingress()
    body = json.dumps(payload).encode()

    assert ingress.receive(Channel.MESSENGER, body, sign(body, SECRET)).response.status == 200
    assert len(queue.messages) <= len(messaging)
    assert len([e for e in sink.events if e.type == "standby"]) == len(standby)
    everything_travels(queue, sink)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(KEYS), meta_like, max_size=6),
    st.sampled_from([Channel.WHATSAPP, Channel.MESSENGER]),
)
def test_a_well_formed_envelope_with_anything_inside_never_crashes(inside, channel):
    obj = "whatsapp_business_account" if channel is Channel.WHATSAPP else "page"
    change = {"field": "messages", "value": {"messages": [inside], "statuses": [inside], "contacts": [inside]}}
    entry = {"id": "1", "changes": [change], "messaging": [inside], "standby": [inside]}
    payload = {"object": obj, "entry": [entry]}

    assert receive(json.dumps(payload).encode(), channel) == 200


@given(st.binary(max_size=300))
def test_any_signed_bytes_are_acknowledged_or_refused(body):
    assert receive(body) in {200, 400}


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.data())
def test_a_real_payload_with_any_field_replaced_still_never_crashes(name, data):
    payload = load(name)
    node = payload
    path = data.draw(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8))
    for step in path:
        children = (
            list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        )
        if not children:
            break
        key, child = children[step % len(children)]
        if not isinstance(child, dict | list) or step == path[-1]:
            node[key] = data.draw(meta_like)
            break
        node = child
    channel = Channel.WHATSAPP if name.startswith("whatsapp") else Channel.MESSENGER

    assert receive(json.dumps(payload).encode(), channel) == 200


@given(st.sampled_from(FIXTURES), st.binary(min_size=1, max_size=8), st.integers(min_value=0))
def test_a_real_payload_tampered_after_signing_is_401_and_nothing_is_taken(name, junk, where):
    ingress, queue, sink = make_ingress()
    body = raw(name)
    cut = where % len(body)
    tampered = body[:cut] + junk + body[cut:]

    assert ingress.receive(Channel.WHATSAPP, tampered, sign(body, SECRET)).response.status == 401
    assert (queue.messages, sink.events) == ([], [])


@given(st.binary(min_size=101, max_size=400))
def test_any_body_over_the_limit_is_413_whatever_it_holds(body):
    ingress = WebhookIngress(lambda: MetaCredentials(app_secret=SECRET), InMemoryInboundQueue(), max_body_bytes=100)

    assert ingress.receive(Channel.MESSENGER, body, sign(body, SECRET)).response.status == 413
    assert ingress.receive(Channel.MESSENGER, body, None).response.status == 413


@given(json_values | meta_like)
def test_unsigned_bodies_are_401_whatever_they_hold(value):
    ingress, queue, _ = make_ingress()
    body = json.dumps(value).encode()

    assert ingress.receive(Channel.WHATSAPP, body, None).response.status == 401
    assert ingress.receive(Channel.WHATSAPP, body, sign(body, "guessed-secret")).response.status == 401
    assert queue.messages == []


def leaf_paths(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for key, child in node.items() for p in leaf_paths(child, (*path, key))] or [path]
    if isinstance(node, list):
        return [p for i, child in enumerate(node) for p in leaf_paths(child, (*path, i))] or [path]
    return [path]


def test_every_awkward_value_in_every_field_of_every_real_payload_is_acknowledged():
    """Exhaustive where the properties above sample: each leaf of each payload, each awkward value."""
    checked = 0
    for name in FIXTURES:
        channel = Channel.WHATSAPP if name.startswith("whatsapp") else Channel.MESSENGER
        for path in leaf_paths(load(name)):
            for value in AWKWARD:
                payload = load(name)
                node = payload
                for step in path[:-1]:
                    node = node[step]
                node[path[-1]] = value
                assert receive(json.dumps(payload).encode(), channel) == 200, (name, path, value)
                checked += 1
    assert checked > 8_000
