"""No payload, however odd, crashes the webhook or earns a 5xx: Meta would retry it for days."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.channels.model import Channel
from parley.channels.signature import sign
from parley.config import MetaCredentials
from parley.ingress import WebhookIngress
from parley.queue import InMemoryInboundQueue
from support.events import load

SECRET = "property-secret"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
KEYS = [
    "object",
    "entry",
    "changes",
    "value",
    "messages",
    "messaging",
    "message",
    "text",
    "from",
    "id",
    "type",
    "sender",
    "recipient",
    "mid",
    "is_echo",
    "body",
    "field",
    "metadata",
    "contacts",
    "statuses",
    "timestamp",
]
meta_like = st.recursive(
    st.none() | st.integers() | st.text(max_size=12) | st.sampled_from(["whatsapp_business_account", "page", "text"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=40,
)


def receive(body: bytes) -> int:
    ingress = WebhookIngress(lambda: MetaCredentials(app_secret=SECRET), InMemoryInboundQueue())
    return ingress.receive(Channel.WHATSAPP, body, sign(body, SECRET)).response.status


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_signed_json_is_acknowledged_or_refused_never_a_crash(value):
    assert receive(json.dumps(value).encode()) in {200, 400}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(meta_like, st.sampled_from([Channel.WHATSAPP, Channel.MESSENGER]))
def test_payloads_shaped_like_metas_never_crash_either_channel(value, channel):
    body = json.dumps(value).encode()
    ingress = WebhookIngress(lambda: MetaCredentials(app_secret=SECRET), InMemoryInboundQueue())

    assert ingress.receive(channel, body, sign(body, SECRET)).response.status == 200


@given(st.binary(max_size=300))
def test_any_signed_bytes_are_acknowledged_or_refused(body):
    assert receive(body) in {200, 400}


@given(st.data())
def test_a_real_payload_with_any_field_replaced_still_never_crashes(data):
    payload = load("whatsapp_batched.json")
    node = payload
    path = data.draw(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6))
    for step in path:
        children = (
            list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        )
        if not children:
            break
        key, child = children[step % len(children)]
        if not isinstance(child, dict | list) or step == path[-1]:
            node[key] = data.draw(json_values)
            break
        node = child

    assert receive(json.dumps(payload).encode()) == 200
