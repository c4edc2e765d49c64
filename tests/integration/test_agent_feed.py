"""`parley serve` prints the handoff topic's notifications, standing in for the agents' inbox on this machine."""

from __future__ import annotations

import boto3

from parley.agents.notify import SnsPublisher
from parley.local.agent_feed import AgentFeed


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
