"""The webhook Lambda handler as API Gateway invokes it, with SQS and Secrets Manager in moto."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.events import APP_SECRET, VERIFY_TOKEN, http_api_event, raw, signed_post


@pytest.fixture
def queue_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        monkeypatch.setenv("INBOUND_QUEUE_URL", url)
        yield url


@pytest.fixture
def webhook(queue_url: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("META_VERIFY_TOKEN", VERIFY_TOKEN)
    return load_handler_module("webhook")


def call(module: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = module.handler(event, LocalLambdaContext("parley-webhook"))
    return result


def queued(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    ).get("Messages", []):
        messages += batch
        for m in batch:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    return messages


def test_signed_whatsapp_post_is_queued_per_user_without_phone_numbers_in_metadata(webhook, queue_url):
    response = call(webhook, signed_post("whatsapp", raw("whatsapp_batched.json")))

    assert response["statusCode"] == 200
    messages = queued(queue_url)
    assert [json.loads(m["Body"])["sender_id"] for m in messages] == ["14155550123", "34612345678", "447700900123"]
    groups = [m["Attributes"]["MessageGroupId"] for m in messages]
    assert len(set(groups)) == 3
    assert not any("14155550123" in g or "14155550123" in m["Attributes"]["MessageDeduplicationId"]
                   for g, m in zip(groups, messages, strict=True))  # fmt: skip


def test_metas_redelivery_of_the_same_message_is_queued_once(webhook, queue_url):
    event = signed_post("whatsapp", raw("whatsapp_text.json"))

    assert call(webhook, event)["statusCode"] == 200
    assert call(webhook, event)["statusCode"] == 200

    assert len(queued(queue_url)) == 1


def test_base64_encoded_body_is_checked_and_accepted(webhook, queue_url):
    response = call(webhook, signed_post("messenger", raw("messenger_text.json"), base64_body=True))

    assert response["statusCode"] == 200
    assert json.loads(queued(queue_url)[0]["Body"])["channel"] == "messenger"


def test_wrong_signature_is_401_and_nothing_is_queued(webhook, queue_url):
    response = call(webhook, signed_post("whatsapp", raw("whatsapp_text.json"), secret="not-the-secret"))

    assert response["statusCode"] == 401
    assert queued(queue_url) == []


def test_handshake_through_the_handler(webhook):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}

    response = call(webhook, http_api_event("GET", "/webhook/messenger", query=query))

    assert (response["statusCode"], response["body"]) == (200, "42")


def test_an_unknown_channel_is_404(webhook):
    assert call(webhook, signed_post("telegram", b"{}"))["statusCode"] == 404


def test_queue_failure_is_500_so_meta_redelivers(webhook, monkeypatch):
    monkeypatch.setattr(webhook.ingress._queue, "_queue_url", "https://sqs.us-east-1.amazonaws.com/1/missing.fifo")

    assert call(webhook, signed_post("whatsapp", raw("whatsapp_text.json")))["statusCode"] == 500


def test_logs_carry_no_message_text_or_phone_number(webhook, capsys):
    call(webhook, signed_post("whatsapp", raw("whatsapp_text.json")))
    call(webhook, signed_post("whatsapp", raw("whatsapp_text.json"), secret="wrong"))

    logged = capsys.readouterr()
    output = logged.out + logged.err
    assert "accepted" in output or "webhook" in output or output == ""
    for secret in ("14155550123", "Where is my order", "Emily", APP_SECRET):
        assert secret not in output


def test_credentials_come_from_secrets_manager_when_configured(queue_url, monkeypatch):
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    arn = secrets.create_secret(
        Name="parley/meta", SecretString=json.dumps({"META_APP_SECRET": "from-secret", "META_VERIFY_TOKEN": "vt"})
    )["ARN"]
    monkeypatch.setenv("META_SECRET_NAME", arn)
    module = load_handler_module("webhook")

    assert call(module, signed_post("whatsapp", raw("whatsapp_text.json"), secret="from-secret"))["statusCode"] == 200
    assert call(module, signed_post("whatsapp", raw("whatsapp_text.json")))["statusCode"] == 401


def test_a_username_only_customer_is_queued_in_a_group_of_their_own_and_the_logs_never_name_them(
    webhook, queue_url, monkeypatch
):
    from parley.observability import logger

    stream = io.StringIO()  # the log handler's own stream: it was bound when the logger was first made
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    level = logger.log_level  # an earlier test may have quietened it
    logger.setLevel("INFO")
    try:
        response = call(webhook, signed_post("whatsapp", raw("whatsapp_username_only_text.json")))
    finally:
        logger.setLevel(level)

    assert response["statusCode"] == 200
    [message] = queued(queue_url)
    body = json.loads(message["Body"])
    assert (body["sender_id"], body["user_id"]) == ("DE.27381947561029384756", "DE.27381947561029384756")
    assert "DE.2738" not in message["Attributes"]["MessageGroupId"]
    output = stream.getvalue()
    for personal in ("DE.27381947561029384756", "mika", "Mika", "Bestellung"):
        assert personal not in output
    # The request's channel is on its log line, set once for the request.
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [summary] = [line for line in lines if line.get("message") == "webhook"]
    assert (summary["channel"], summary["result"], summary["enqueued"]) == ("whatsapp", "accepted", 1)


def test_deleted_and_edited_messages_and_calls_are_acknowledged_and_nothing_is_queued(webhook, queue_url):
    for name in ("whatsapp_revoke.json", "whatsapp_edit.json", "whatsapp_calls_connect_terminate.json"):
        assert call(webhook, signed_post("whatsapp", raw(name)))["statusCode"] == 200, name
    assert call(webhook, signed_post("messenger", raw("messenger_message_edit.json")))["statusCode"] == 200

    assert queued(queue_url) == []


# What SQS refuses, in every field the webhook queues: the text, the profile name, the message id, a button's
# payload and title. Meta signs whatever its users send, so these do arrive.
REFUSED = "\uffff\ufffe\x00\x08\x0b\x1f"


def test_characters_sqs_refuses_are_replaced_so_the_message_is_queued_and_answered(webhook, queue_url):
    from support.sqs import enforce_sqs_body_rule

    enforce_sqs_body_rule(webhook.ingress._queue._client)
    payload = json.loads(raw("whatsapp_interactive_button_reply.json"))
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["profile"]["name"] = f"Emily{REFUSED} 🙂"
    message = value["messages"][0]
    message["id"] += "\uffff"
    message["interactive"]["button_reply"] = {"id": f"track_order:ORD-104233{REFUSED}", "title": f"Track {REFUSED}"}
    text = json.loads(raw("whatsapp_text.json"))
    text["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = f"Where is ORD-104233?{REFUSED}\t\n✓"

    for body in (json.dumps(payload).encode(), json.dumps(text, ensure_ascii=False).encode()):
        assert call(webhook, signed_post("whatsapp", body))["statusCode"] == 200

    tapped, written = (json.loads(m["Body"]) for m in queued(queue_url))
    assert (tapped["profile_name"], tapped["payload"]) == (
        "Emily" + "\ufffd" * 6 + " 🙂",
        "track_order:ORD-104233" + "\ufffd" * 6,
    )
    assert tapped["text"] == "Track " + "\ufffd" * 6 and tapped["message_id"].endswith("=\ufffd")
    assert written["text"] == "Where is ORD-104233?" + "\ufffd" * 6 + "\t\n✓"  # tab and newline are SQS's own


def test_without_the_replacement_sqs_would_refuse_such_a_message_on_every_redelivery(webhook, queue_url):
    """The rule the test above relies on is SQS's, faithfully: the same body sent as it was is refused."""
    from support.sqs import enforce_sqs_body_rule

    sqs = enforce_sqs_body_rule(boto3.client("sqs", region_name="us-east-1"))
    with pytest.raises(ClientError, match="InvalidMessageContents"):
        sqs.send_message(QueueUrl=queue_url, MessageBody='{"text": "\uffff"}', MessageGroupId="g")
    sqs.send_message(
        QueueUrl=queue_url, MessageBody='{"text": "\ufffd"}', MessageGroupId="g", MessageDeduplicationId="1"
    )


def test_an_agents_reply_with_characters_sqs_refuses_is_queued_with_them_replaced(webhook, queue_url, monkeypatch):
    from support.sqs import enforce_sqs_body_rule

    enforce_sqs_body_rule(webhook.ingress._queue._client)
    monkeypatch.setattr(webhook.agents, "_token", lambda: "agent-token-0123456789")
    event = http_api_event(
        "POST",
        "/agent/conversations/whatsapp:14155550123/messages",
        json.dumps({"text": f"Your refund{REFUSED} is on its way"}).encode(),
        {"Authorization": "Bearer agent-token-0123456789"},
    )

    assert call(webhook, event)["statusCode"] == 202
    [command] = queued(queue_url)
    assert json.loads(command["Body"])["agent_command"]["text"] == "Your refund" + "\ufffd" * 6 + " is on its way"


def test_the_queue_itself_never_hands_sqs_a_body_it_refuses(queue_url):
    """Whoever queues a message (a replay, a future caller that skips the webhook's cleaning), SQS accepts it."""
    from parley.agents.commands import AgentAction, AgentCommand, SqsAgentCommandQueue
    from parley.queue import SqsInboundQueue
    from support.factories import inbound
    from support.sqs import enforce_sqs_body_rule

    sqs = enforce_sqs_body_rule(boto3.client("sqs", region_name="us-east-1"))
    SqsInboundQueue(sqs, queue_url).put([inbound("hi\uffff", sender="14155550123")])
    command = AgentCommand(AgentAction.REPLY, "whatsapp#14155550123", "r-1", 0, "bye\ufffe")
    SqsAgentCommandQueue(sqs, queue_url).put_commands([command])

    bodies = [json.loads(m["Body"]) for m in queued(queue_url)]
    assert [bodies[0]["text"], bodies[1]["agent_command"]["text"]] == ["hi\ufffd", "bye\ufffd"]
