"""Through the real HTTP path of the local stack: signed webhook POSTs in, Graph API send requests out."""

from __future__ import annotations

import pytest

from parley.channels.model import Channel
from parley.local.payloads import post_signed, whatsapp_text

EMILY, LUCIA, STRANGER = "14155550123", "34612345678", "12025550199"


def test_english_customer_gets_their_order_from_the_data(session):
    exchange = session.say(Channel.WHATSAPP, EMILY, "When will ORD-104233 arrive?")

    assert exchange.status == 200
    [reply] = exchange.replies
    for expected in ("ORD-104233", "UPS", "1Z999AA10123456784", "November 27, 2026"):
        assert expected in reply.text


def test_spanish_customer_is_answered_in_spanish(session):
    [reply] = session.say(Channel.WHATSAPP, LUCIA, "Hola, ¿dónde está mi pedido?").replies

    assert "Su pedido ORD-200311" in reply.text
    assert "24 de noviembre de 2026" in reply.text


def test_messenger_customer_is_found_by_psid(session):
    [reply] = session.say(Channel.MESSENGER, "5512345678901234", "where's my parcel?").replies

    assert "ORD-600901" in reply.text and "Royal Mail" in reply.text


def test_asking_for_someone_elses_order_reveals_nothing(session):
    [reply] = session.say(Channel.WHATSAPP, LUCIA, "¿Dónde está el pedido ORD-104233?").replies

    assert "UPS" not in reply.text and "1Z999AA10123456784" not in reply.text and "Emily" not in reply.text


def test_unknown_number_sees_no_order(session):
    [reply] = session.say(Channel.WHATSAPP, STRANGER, "Where is order ORD-104233?").replies

    assert "1Z999AA10123456784" not in reply.text


def test_emily_on_a_new_phone_proves_who_she_is_and_gets_her_order(session):
    new_phone = "14155558888"
    [asked] = session.say(Channel.WHATSAPP, new_phone, "hi, where is my order ORD-104233?").replies
    [wrong] = session.say(Channel.WHATSAPP, new_phone, "it's emily.c@example.org").replies
    [proven] = session.say(Channel.WHATSAPP, new_phone, "sorry, emily.carter@example.com").replies

    assert "email address" in asked.text and "1Z999AA10123456784" not in asked.text
    assert "don't match" in wrong.text and "1Z999AA10123456784" not in wrong.text
    assert "verified" in proven.text and "1Z999AA10123456784" in proven.text


def test_unsigned_and_wrongly_signed_posts_are_401_and_unanswered(session):
    before = len(session.graph.replies)
    url = session.webhook_url(Channel.WHATSAPP)
    payload = whatsapp_text(EMILY, "where is my order?")

    assert post_signed(url, payload, None).status == 401
    assert post_signed(url, payload, "not-the-app-secret").status == 401
    assert session.graph.wait_for(before + 1, timeout=1.5)[before:] == []


def test_metas_retry_of_a_delivered_message_gets_no_second_reply(session):
    before = len(session.graph.replies)
    payload = whatsapp_text(EMILY, "where is ORD-104233?", message_id="wamid.RETRIED-ONCE-0001")
    url = session.webhook_url(Channel.WHATSAPP)

    assert post_signed(url, payload, session.app_secret).status == 200
    session.graph.wait_for(before + 1)
    assert post_signed(url, payload, session.app_secret).status == 200

    assert len(session.graph.wait_for(before + 2, timeout=2)[before:]) == 1


def test_not_found_paths_and_methods_do_not_reach_the_function(session):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{session.stack.url}/webhook/telegram", timeout=5)

    assert missing.value.code == 404
    for method in ("PATCH", "OPTIONS", "DELETE", "HEAD", "TRACE", "FOO"):
        request = urllib.request.Request(f"{session.stack.url}/webhook/whatsapp", data=b"{}", method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 404, method  # as API Gateway answers a route it has not, never a 501


def test_the_local_stack_has_the_bucket_scheduled_reports_are_written_to(session):
    from parley.local.stack import ensure_bucket
    from parley.wiring import aws_client

    s3 = aws_client("s3", session.stack.settings)
    bucket = session.stack.env["REPORTS_BUCKET"]
    s3.put_object(Bucket=bucket, Key="reports/daily/2025-03-09/kpis.json", Body=b"{}")

    # Starting again finds the bucket and keeps what is in it.
    assert ensure_bucket(session.stack.settings, s3, bucket, "REPORTS_BUCKET") == bucket
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def _raw_post(session, path: str, body: bytes, headers: dict[str, str]) -> int:
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(session.stack.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", path)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_body_that_is_not_utf8_is_refused_over_http_never_a_5xx(session):
    from parley.channels.meta import sign

    latin1 = '{"object": "whatsapp_business_account", "entry": [], "name": "Jos\xe9"}'.encode("latin-1")
    utf16 = '{"object": "whatsapp_business_account", "entry": []}'.encode("utf-16")
    agent = {"Authorization": "Bearer local-agent-token", "Content-Type": "application/json"}

    for body in (latin1, utf16, b"\xff" * 40):
        signed = {"X-Hub-Signature-256": sign(body, session.app_secret), "Content-Type": "application/json"}
        assert _raw_post(session, "/webhook/whatsapp", body, signed) == 400
        assert _raw_post(session, "/webhook/messenger", body, {"Content-Type": "application/json"}) == 401
        assert _raw_post(session, f"/agent/conversations/whatsapp:{LUCIA}/messages", body, agent) == 400
        assert _raw_post(session, f"/agent/conversations/whatsapp:{LUCIA}/release", body, {}) == 401


@pytest.mark.parametrize("length", ["abc", "-5", "\xb3"])  # ³ is a digit to str.isdigit, not to HTTP
def test_a_content_length_that_is_no_length_is_400(session, length):
    assert _raw_post(session, "/webhook/whatsapp", b"{}", {"Content-Length": length}) == 400
