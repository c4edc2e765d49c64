"""Handing over to people through `parley serve`: a customer asks for a person, the bot steps aside, an agent answers
with `parley agent reply`, hands back with `parley agent release`, and the bot answers again. Agents hear of it
on the handoff topic (an SQS queue subscribed to it, on the stack's moto)."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
import pytest

from parley.channels.model import Channel
from parley.cli import main
from parley.i18n import load_catalogs
from parley.local.payloads import PAGE_ID, post_signed
from parley.local.stack import free_port

EMILY, DANIEL_PSID = "14155550123", "5512345678901234"
EN = load_catalogs()["en"]


@pytest.fixture(scope="module")
def helpdesk(session) -> Any:
    """An SQS queue subscribed to the stack's handoff topic; returns the documents published since last asked."""
    endpoint, region = os.environ["AWS_ENDPOINT_URL"], "us-east-1"
    sns = boto3.client("sns", endpoint_url=endpoint, region_name=region)
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
    queue = sqs.create_queue(QueueName="helpdesk")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=os.environ["HANDOFF_TOPIC_ARN"], Protocol="sqs", Endpoint=arn)

    def published() -> list[dict[str, Any]]:
        found = []
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                found.append(json.loads(json.loads(message["Body"])["Message"]))
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return found

    return published


def agent(session, *args: str) -> int:
    """`parley agent …` against the served stack (its token is in the environment, as for a person at a shell)."""
    return main(["agent", *args, "--url", session.stack.url])


def replies_to(session, recipient: str, after: int, count: int = 1, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = [r.text for r in session.graph.replies[after:] if r.recipient == recipient]
        if len(texts) >= count:
            return texts
        time.sleep(0.05)
    return [r.text for r in session.graph.replies[after:] if r.recipient == recipient]


def test_a_person_answers_through_parley_agent_and_hands_back_to_the_bot(session, helpdesk, capsys):
    [told] = session.say(Channel.WHATSAPP, EMILY, "I want to talk to a real person please").replies
    assert EN.render("handoff.started") in told.text
    [announced] = helpdesk()
    assert announced["type"] == "handoff" and announced["conversation_id"] == f"whatsapp:{EMILY}"

    before = len(session.graph.replies)
    assert session.post(Channel.WHATSAPP, EMILY, "hello? anyone there?").status == 200
    assert replies_to(session, EMILY, before, timeout=2.0) == []  # the bot keeps out of it

    words = "Hi Emily, this is Sam. Your parcel left our warehouse today."
    assert agent(session, "reply", f"whatsapp:{EMILY}", words) == 0
    assert "queued" in capsys.readouterr().out
    assert replies_to(session, EMILY, before) == [words]
    assert [d["type"] for d in helpdesk()] == ["customer_message"]

    assert agent(session, "release", f"whatsapp:{EMILY}") == 0
    assert replies_to(session, EMILY, before, count=2)[1] == EN.render("handoff.ended")

    [answered] = session.say(Channel.WHATSAPP, EMILY, "where is ORD-104233?").replies
    assert "UPS" in answered.text


def test_on_messenger_the_page_inbox_gets_the_thread_and_passing_it_back_ends_the_handoff(session):
    before = len(session.graph.requests)
    session.say(Channel.MESSENGER, DANIEL_PSID, "I need to speak to a human agent")
    assert any(r.path.endswith("/pass_thread_control") for r in session.graph.requests[before:])

    replies_before = len(session.graph.replies)
    passed_back = {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": [{
            "sender": {"id": DANIEL_PSID}, "recipient": {"id": PAGE_ID}, "timestamp": int(time.time() * 1000),
            "pass_thread_control": {"previous_owner_app_id": "263902037430900", "new_owner_app_id": "1517776481860111",
                                    "metadata": "conversation resolved by agent"},
        }]}],
    }  # fmt: skip
    assert post_signed(session.webhook_url(Channel.MESSENGER), passed_back, session.app_secret).status == 200

    assert replies_to(session, DANIEL_PSID, replies_before) == [EN.render("handoff.ended")]
    [answered] = session.say(Channel.MESSENGER, DANIEL_PSID, "where's my parcel?").replies
    assert "Royal Mail" in answered.text


def test_parley_agent_says_clearly_what_went_wrong(session, capsys):
    assert main(["agent", "reply", f"whatsapp:{EMILY}", "hi", "--url", session.stack.url, "--token", "wrong" * 4]) == 1
    assert "token was refused (401)" in capsys.readouterr().err

    assert agent(session, "reply", "telegram:123", "hi") == 2
    assert "not a conversation id" in capsys.readouterr().err

    closed = f"http://127.0.0.1:{free_port()}"
    assert main(["agent", "release", f"whatsapp:{EMILY}", "--url", closed]) == 2
    assert "cannot reach" in capsys.readouterr().err


def test_a_request_id_reused_for_another_reply_is_refused_and_the_customer_gets_only_the_first(session, capsys):
    [told] = session.say(Channel.WHATSAPP, EMILY, "I want to talk to a real person please").replies
    assert EN.render("handoff.started") in told.text
    before = len(session.graph.replies)
    approved, declined = "Your refund was approved today.", "Sorry, your refund was declined."

    assert agent(session, "reply", f"whatsapp:{EMILY}", approved, "--request-id", "refund-7") == 0
    assert agent(session, "reply", f"whatsapp:{EMILY}", declined, "--request-id", "refund-7") == 1
    assert "already used for another request (409)" in capsys.readouterr().err
    # The same request again (a retry after a timeout, say) is accepted, and is still one reply.
    assert agent(session, "reply", f"whatsapp:{EMILY}", approved, "--request-id", "refund-7") == 0

    assert replies_to(session, EMILY, before, count=2, timeout=3.0) == [approved]
    assert agent(session, "release", f"whatsapp:{EMILY}") == 0
    assert replies_to(session, EMILY, before, count=2)[1] == EN.render("handoff.ended")
