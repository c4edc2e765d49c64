import json

from parley.channels.model import Channel
from parley.channels.signature import sign
from parley.config import MetaCredentials
from parley.ingress import WebhookIngress
from parley.queue import InMemoryInboundQueue
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
