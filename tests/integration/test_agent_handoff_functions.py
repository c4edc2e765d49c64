"""Handing over to people through the deployed handlers, with SNS, SQS and DynamoDB in moto and the Graph API
stand-in: agents are notified (seen through an SQS subscription to the topic), the agent endpoint queues their
commands, and fulfillment carries them out; translation is deep-translator's Google client, replaced by a script."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import deep_translator
import pytest

from parley.agents.commands import AgentAction, AgentCommand
from parley.channels.model import InboundMessage
from parley.data.dynamo import DynamoRecordWriter
from parley.data.dynamo_conversations import DynamoConversations, DynamoMessageLog
from parley.domain.records import MessageDirection
from parley.i18n import load_catalogs
from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.events import http_api_event
from support.factories import customer, inbound
from support.fulfillment import invoke

LUCIA = customer(name="Lucía Gómez", phone="34612345678", language="es")
CONVERSATION = f"whatsapp#{LUCIA.phone}"
ES = load_catalogs()["es"]
TOKEN = "integration-agent-token"


@pytest.fixture
def notifications(aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The handoff topic with an SQS queue subscribed, as a business might subscribe its helpdesk; yields a
    function returning the notifications published since the last call (the JSON document each one carries)."""
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="parley-handoff")["TopicArn"]
    queue = sqs.create_queue(QueueName="helpdesk")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    monkeypatch.setenv("HANDOFF_TOPIC_ARN", topic)

    def published() -> list[dict[str, Any]]:
        found = []
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                envelope = json.loads(message["Body"])
                found.append({**json.loads(envelope["Message"]), "subject": envelope["Subject"]})
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return found

    yield published


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    monkeypatch.setenv("TRANSLATION_PROVIDER", "google")
    calls: list[tuple[str, str, str]] = []

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        calls.append((self._source, self._target, text))
        return f"[{self._target}] {text}"

    monkeypatch.setattr(deep_translator.GoogleTranslator, "translate", translate)
    return calls


@pytest.fixture
def handlers(notifications, google, fulfillment) -> ModuleType:
    """Fulfillment, cold-started after the topic and translation are configured, with Lucía on file."""
    DynamoRecordWriter().replace_all([LUCIA])
    return fulfillment


def run(module: ModuleType, *bodies: str) -> list[str]:
    """One SQS batch of raw bodies (customer messages or agent commands); the ids SQS will deliver again."""
    event = {
        "Records": [
            {
                "messageId": f"sqs-{i}",
                "receiptHandle": f"rh-{i}",
                "body": body,
                "attributes": {"MessageGroupId": "g", "ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:parley-inbound.fifo",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }
    result = module.handler(event, LocalLambdaContext("parley-fulfillment"))
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def command(action: AgentAction, text: str = "", request_id: str = "req-1") -> str:
    return AgentCommand(action, CONVERSATION, request_id, int(time.time()), text).to_json()


def handed_over(module: ModuleType, notifications: Any) -> InboundMessage:
    asking = inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone)
    assert invoke(module, asking) == []
    notifications()  # the handoff announcement, seen in its own test
    return asking


def test_a_handoff_is_announced_to_agents_with_the_transcript_in_english(handlers, notifications, graph):
    assert invoke(handlers, inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone)) == []

    [announced] = notifications()
    assert announced["type"] == "handoff" and announced["reason"] == "asked"
    assert announced["customer_id"] == LUCIA.customer_id and announced["customer_language"] == "es"
    asked, answered = announced["transcript"][-2:]
    assert asked["text"] == "[en] Quiero hablar con una persona, por favor"
    assert answered["speaker"] == "assistant" and ES.render("handoff.started") in answered["original"]
    assert LUCIA.phone not in announced["subject"]
    [told] = graph.replies
    assert ES.render("handoff.started") in told.text


def test_while_a_person_has_it_the_customers_messages_go_to_the_agents_and_not_the_bot(handlers, notifications, graph):
    handed_over(handlers, notifications)

    assert invoke(handlers, inbound("¿Hay alguien?", sender=LUCIA.phone)) == []

    [forwarded] = notifications()
    assert forwarded["type"] == "customer_message" and forwarded["message"]["text"] == "[en] ¿Hay alguien?"
    assert len(graph.replies) == 1


def test_an_agents_reply_reaches_the_customer_in_spanish_logged_and_keeping_the_handoff(handlers, notifications, graph):
    handed_over(handlers, notifications)
    before = DynamoConversations().get(CONVERSATION)

    assert run(handlers, command(AgentAction.REPLY, "Your refund was approved today.")) == []

    reply = graph.replies[-1]
    assert reply.body["to"] == LUCIA.phone and reply.text == "[es] Your refund was approved today."
    logged = [m for m in DynamoMessageLog().recent(CONVERSATION) if m.direction is MessageDirection.AGENT]
    assert [(m.text, m.language) for m in logged] == [("[es] Your refund was approved today.", "es")]
    after = DynamoConversations().get(CONVERSATION)
    assert before is not None and after is not None and after.handoff_at >= before.handoff_at
    assert notifications() == []  # nothing went wrong: nothing to report


def test_an_agent_command_delivered_twice_is_carried_out_once(handlers, notifications, graph):
    handed_over(handlers, notifications)

    run(handlers, command(AgentAction.REPLY, "Your refund was approved today."))
    run(handlers, command(AgentAction.REPLY, "Your refund was approved today."))

    assert [r.text for r in graph.replies[1:]] == ["[es] Your refund was approved today."]


def test_after_the_hand_back_the_customer_is_told_and_the_bot_answers_again(handlers, notifications, graph):
    handed_over(handlers, notifications)

    assert run(handlers, command(AgentAction.RELEASE)) == []

    assert graph.replies[-1].text == ES.render("handoff.ended")
    state = DynamoConversations().get(CONVERSATION)
    assert state is not None and state.handoff_at is None
    assert invoke(handlers, inbound("Hola", sender=LUCIA.phone)) == []
    assert len(graph.replies) == 3 and "Lucía" in graph.replies[-1].text


def test_a_reply_to_a_conversation_that_does_not_exist_is_reported_to_the_agents(handlers, notifications, graph):
    assert run(handlers, command(AgentAction.REPLY, "Hello?")) == []

    [reported] = notifications()
    assert reported["type"] == "agent_reply" and reported["problem"] == "unknown_conversation"
    assert graph.replies == []


def test_when_the_topic_is_unavailable_the_message_is_retried_before_anything_is_sent(
    aws, google, graph, fulfillment, monkeypatch
):
    DynamoRecordWriter().replace_all([LUCIA])
    monkeypatch.setenv("HANDOFF_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:no-such-topic")
    broken = load_handler_module("fulfillment")
    asking = inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone)

    assert invoke(broken, asking) == [f"sqs-0-{asking.message_id}"]
    assert graph.replies == []


# ------------------------------------------------------------------------------------------------ the endpoint


@pytest.fixture
def webhook(aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, str]]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    monkeypatch.setenv("INBOUND_QUEUE_URL", url)
    monkeypatch.setenv("META_APP_SECRET", "app-secret")
    monkeypatch.setenv("AGENT_API_TOKEN", TOKEN)
    yield load_handler_module("webhook"), url


def post(module: ModuleType, path: str, payload: dict[str, Any], token: str = TOKEN) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    event = http_api_event("POST", path, json.dumps(payload).encode(), headers)
    result: dict[str, Any] = module.handler(event, LocalLambdaContext("parley-webhook"))
    return result


def test_the_endpoint_queues_a_reply_in_the_customers_message_group(webhook, handlers, graph):
    module, url = webhook
    sqs = boto3.client("sqs", region_name="us-east-1")

    accepted = post(module, f"/agent/conversations/whatsapp:{LUCIA.phone}/messages", {"text": "Hello Lucía"})
    refused = post(module, f"/agent/conversations/whatsapp:{LUCIA.phone}/messages", {"text": "hi"}, token="guess")
    unknown = post(module, "/agent/conversations/fax:123/release", {})

    assert accepted["statusCode"] == 202 and json.loads(accepted["body"])["status"] == "queued"
    assert refused["statusCode"] == 401 and unknown["statusCode"] == 404
    [queued] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])["Messages"]
    group = queued["Attributes"]["MessageGroupId"]
    assert LUCIA.phone not in group and LUCIA.phone not in queued["Attributes"]["MessageDeduplicationId"]
    from parley.queue import message_group_id

    assert group == message_group_id(inbound("hola", sender=LUCIA.phone).conversation_key)
    # Fulfillment carries out exactly what was queued.
    handed_over(handlers, lambda: None)
    assert run(handlers, queued["Body"]) == []
    assert graph.replies[-1].text == "[es] Hello Lucía"
