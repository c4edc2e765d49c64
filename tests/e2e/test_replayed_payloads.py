"""Payloads in the shapes other projects wrote for their own tests (tests/events/replay, see its README), posted
signed over real HTTP to `parley serve`: Meta always gets 200, a person gets exactly the replies they would expect
(one per customer message; none for statuses, echoes, reads, deliveries, deleted or edited messages, calls, opt-ins),
a username-only WhatsApp customer is answered at their business-scoped user id, and nothing fails in the logs."""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from pathlib import Path

import pytest

from parley.local.payloads import post_signed
from parley.observability import logger

REPLAY = Path(__file__).resolve().parents[1] / "events" / "replay"

# Who should be answered for each payload, once per customer message (an empty tuple: nobody).
EXPECTED: dict[str, tuple[str, ...]] = {
    "whatsapp_chatwoot_bsuid_only_text.json": ("AE.60418273645512093874",),
    "whatsapp_chatwoot_phone_and_bsuid_text.json": ("917012345601",),
    "whatsapp_chatwoot_flow_response.json": ("917012345602",),
    "whatsapp_chatwoot_image_with_errors_no_id.json": ("2423423299",),
    "whatsapp_meta_revoke.json": (),
    "whatsapp_meta_edit.json": (),
    "whatsapp_statuses_with_pricing_and_conversation.json": (),
    "whatsapp_status_failed_with_error_data.json": (),
    "whatsapp_two_entries_numeric_ids_missing_profile.json": ("447700900456", "447700900457"),
    "whatsapp_smb_message_echoes.json": (),
    "whatsapp_calls_connect_and_terminate.json": (),
    "whatsapp_request_welcome.json": ("8613812345605",),
    "whatsapp_meta_group_text.json": (),
    "messenger_text_numeric_ids.json": ("6123456789012301",),
    "messenger_echo_from_page.json": (),
    "messenger_read_and_delivery.json": (),
    "messenger_standby_while_inbox_has_thread.json": (),
    "messenger_message_edit.json": (),
    "messenger_unsent_message.json": (),
    "messenger_optin.json": (),
    "messenger_get_started_and_text_two_entries.json": ("6123456789012306", "6123456789012307"),
}


def test_every_replay_payload_has_an_expectation():
    assert sorted(p.name for p in REPLAY.glob("*.json")) == sorted(EXPECTED)


@pytest.fixture
def captured_logs(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Everything the functions log while the test runs (the handler's stream was bound when the logger was made)."""
    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    return stream


def test_replayed_payloads_get_200_and_exactly_the_replies_a_person_expects(session, captured_logs, capfd):
    for name, recipients in EXPECTED.items():
        body = (REPLAY / name).read_bytes()
        channel = "whatsapp" if json.loads(body)["object"] == "whatsapp_business_account" else "messenger"
        before = len(session.graph.replies)

        status = post_signed(session.webhook_url_for(json.loads(body)), body, session.app_secret).status

        assert status == 200, name
        if recipients:
            session.graph.wait_for(before + len(recipients), timeout=20)
        time.sleep(0.5)  # anything extra would arrive now
        replies = session.graph.replies[before:]
        got = Counter(r.recipient for r in replies)
        assert got == Counter(recipients), f"{name}: replies to {dict(got)}, expected {recipients}"
        assert all((r.body.get("messaging_product") == "whatsapp") == (channel == "whatsapp") for r in replies)

    # The username-only customer was answered at their BSUID, as the Cloud API's recipient field.
    [bsuid_reply] = [r for r in session.graph.replies if r.recipient == "AE.60418273645512093874"]
    assert bsuid_reply.body["recipient"] == "AE.60418273645512093874" and "to" not in bsuid_reply.body
    [phone_reply] = [r for r in session.graph.replies if r.recipient == "917012345601"]
    assert phone_reply.body["to"] == "917012345601" and "recipient" not in phone_reply.body

    logs = captured_logs.getvalue() + "".join(capfd.readouterr())
    assert "Traceback" not in logs
    assert '"level":"ERROR"' not in logs and "ERROR" not in logs
    for personal in ("AE.60418273645512093874", "917012345601", "noor.k", "Is this jacket in stock?"):
        assert personal not in logs


def test_replayed_bad_signature_and_malformed_json_keep_their_answers(session):
    url = session.webhook_url_for({"object": "whatsapp_business_account"})
    # A message never seen before, so that only the signature or the JSON can keep it from being answered.
    body = (REPLAY / "whatsapp_chatwoot_bsuid_only_text.json").read_bytes().replace(b"only-0001", b"only-0002")
    before = len(session.graph.replies)

    assert post_signed(url, body, "not-the-app-secret").status == 401
    assert post_signed(url, body[:-20], session.app_secret).status == 400
    time.sleep(0.5)
    assert session.graph.replies[before:] == []
