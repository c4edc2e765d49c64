"""`parley serve` prints the handoff topic's notifications, standing in for the agents' inbox on this machine."""

from __future__ import annotations

import boto3

from parley.agents.notify import SnsPublisher
from parley.local.agent_feed import AgentFeed
from parley.local.lambda_runtime import invoke
from parley.local.sqs_poller import SqsPoller


def test_a_handoff_and_a_later_message_are_shown_with_how_to_answer(aws):
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="parley-handoff")["TopicArn"]
    shown: list[str] = []
    feed = AgentFeed(sns, sqs, topic, shown.append)
    publisher = SnsPublisher(sns, topic)

    publisher.publish("s", "t", {"type": "handoff", "conversation_id": "whatsapp:14155550123", "reason": "asked",
                                 "transcript": [{"speaker": "customer", "text": "I want a person"}]})  # fmt: skip
    publisher.publish("s", "t", {"type": "customer_message", "conversation_id": "whatsapp:14155550123",
                                 "message": {"text": "", "attachment": "image"}})  # fmt: skip
    while feed.poll_once(wait_seconds=0):
        pass

    handoff, message = shown
    assert "whatsapp:14155550123 needs a person (asked)" in handoff
    assert "customer: I want a person" in handoff
    assert "parley agent reply whatsapp:14155550123" in handoff
    assert message == "[message] whatsapp:14155550123: [image]"


def test_an_unreadable_notification_is_logged_and_does_not_stop_the_feed(aws, caplog):
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="parley-handoff")["TopicArn"]
    shown: list[str] = []
    feed = AgentFeed(sns, sqs, topic, shown.append)
    sns.publish(TopicArn=topic, Message="not json at all")
    SnsPublisher(sns, topic).publish("s", "t", {"type": "handoff", "conversation_id": "whatsapp:1", "reason": "asked"})

    while feed.poll_once(wait_seconds=0):
        pass

    assert len(shown) == 1 and "whatsapp:1 needs a person" in shown[0]
    assert "handoff notification not readable" in [r.getMessage() for r in caplog.records]


def test_a_failed_fulfillment_invocation_is_logged_and_the_batch_comes_back(aws, caplog):
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "0"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="{}", MessageGroupId="g", MessageDeduplicationId="d")

    class Crashing:
        @staticmethod
        def handler(event, context):
            raise RuntimeError("the handler crashed")

    poller = SqsPoller(sqs, url, lambda event: invoke(Crashing, event, "parley-fulfillment"), "us-east-1")

    assert poller.poll_once(wait_seconds=0) == 1
    assert poller.errors == 1
    assert "fulfillment invocation failed" in [r.getMessage() for r in caplog.records]
    assert poller.poll_once(wait_seconds=0) == 1  # not deleted: SQS hands it out again
