"""The fulfillment Lambda handler with DynamoDB in moto and the Graph API stand-in on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from fakes import WrittenLines
from parley.channels.model import Channel
from support.factories import inbound
from support.fulfillment import BOB, EMILY, invoke


def test_whatsapp_reply_is_sent_to_the_customers_number_through_the_send_endpoint(fulfillment, graph):
    assert invoke(fulfillment, inbound("where is ORD-104233?", sender=EMILY.phone)) == []

    [sent] = graph.replies
    assert sent.path == "/v21.0/106540352242922/messages"
    assert sent.authorization == "Bearer wa-token"
    assert sent.body["messaging_product"] == "whatsapp"
    assert sent.body["to"] == EMILY.phone
    assert sent.body["type"] == "text"
    assert "1Z999AA10123456784" in sent.body["text"]["body"]


def test_messenger_reply_goes_to_the_psid_as_a_response(fulfillment, graph):
    message = inbound(
        "where is ORD-104233?", sender=EMILY.messenger_psid, channel=Channel.MESSENGER, recipient_id="110938475629384"
    )

    assert invoke(fulfillment, message) == []

    [sent] = graph.replies
    assert sent.path == "/v21.0/110938475629384/messages"
    assert sent.authorization == "Bearer page-token"
    assert sent.body["recipient"] == {"id": EMILY.messenger_psid}
    assert sent.body["messaging_type"] == "RESPONSE"
    assert "UPS" in sent.body["message"]["text"]


def test_a_redelivered_message_is_answered_once(fulfillment, graph):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)

    invoke(fulfillment, message)
    invoke(fulfillment, message)
    invoke(fulfillment, message)

    assert len(graph.replies) == 1


def test_a_customer_never_receives_another_customers_order(fulfillment, graph):
    invoke(fulfillment, inbound("where is ORD-104999?", sender=EMILY.phone))

    text = graph.replies[0].text
    assert "FedEx" not in text and "7777" not in text and "Bob" not in text


def test_a_transient_send_failure_is_reported_and_the_retry_answers_once(fulfillment, graph):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    graph.failures.extend([(503, {"error": {"message": "busy", "code": 2}})] * 3)

    failed = invoke(fulfillment, message)

    assert failed == [f"sqs-0-{message.message_id}"]
    assert graph.replies == []
    assert invoke(fulfillment, message) == []
    assert len(graph.replies) == 1


def test_a_failing_customer_does_not_hold_up_others_but_keeps_their_own_order(fulfillment, graph):
    first = inbound("where is ORD-104233?", sender=EMILY.phone)
    second = inbound("thanks", sender=EMILY.phone)
    other = inbound("where is ORD-104999?", sender=BOB.phone)
    graph.failures.extend([(500, {"error": {"message": "oops", "code": 1}})] * 3)

    failed = invoke(fulfillment, first, second, other)

    assert failed == [f"sqs-0-{first.message_id}", f"sqs-1-{second.message_id}"]
    assert [r.recipient for r in graph.replies] == [BOB.phone]


def test_a_permanent_send_error_is_not_retried(fulfillment, graph):
    graph.failures.append((400, {"error": {"message": "Invalid parameter", "code": 100}}))

    assert invoke(fulfillment, inbound("where is ORD-104233?", sender=EMILY.phone)) == []
    assert graph.replies == []


def test_a_storage_failure_leaves_the_message_to_be_retried(fulfillment, graph, monkeypatch):
    from parley.data.models import OrderModel

    monkeypatch.setattr(OrderModel.Meta, "table_name", "no-such-table")
    message = inbound("where is ORD-104233?", sender=EMILY.phone)

    assert invoke(fulfillment, message) == [f"sqs-0-{message.message_id}"]
    assert graph.replies == []


def test_processed_message_records_expire_after_at_least_seven_days(fulfillment, aws):
    import boto3

    invoke(fulfillment, inbound("hi", sender=EMILY.phone))

    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=aws.tables.processed_messages)["Items"]
    [record] = items
    assert record["status"]["S"] == "COMPLETED"
    assert EMILY.phone not in json.dumps(record)
    import time

    assert int(record["expiration"]["N"]) - time.time() >= 7 * 86_400


def test_a_messenger_customer_asking_for_a_person_is_told_and_the_thread_goes_to_the_page_inbox(fulfillment, graph):
    message = inbound(
        "I need to speak to a human agent",
        sender=EMILY.messenger_psid,
        channel=Channel.MESSENGER,
        recipient_id="110938475629384",
    )

    assert invoke(fulfillment, message) == []

    assert graph.requests[-1].path == "/v21.0/110938475629384/pass_thread_control"
    [told] = graph.replies
    assert "person from our team" in told.body["message"]["text"]
    # The next message is for the person, not the bot.
    assert invoke(fulfillment, inbound("hello?", sender=EMILY.messenger_psid, channel=Channel.MESSENGER,
                                       recipient_id="110938475629384")) == []  # fmt: skip
    assert len(graph.replies) == 1
    # Not even "typing…": nothing is coming from the bot.
    assert graph.requests[-1].path.endswith("/pass_thread_control")


@pytest.fixture
def written_logs():
    """The logger at INFO for one test, as a deployment with LogLevel INFO has it, and what it writes; restored
    after."""
    from parley.observability import logger

    before = logger.log_level
    logger.setLevel("INFO")
    handler = WrittenLines(logger.registered_formatter)
    logger.addHandler(handler)
    yield logger, handler.lines
    logger.removeHandler(handler)
    logger.setLevel(before)


def test_every_log_line_of_a_message_names_its_conversation_and_message_by_hash_alone(fulfillment, graph, written_logs):
    from parley.channels.model import message_ref

    logger, lines = written_logs
    emily = inbound("where is ORD-104233?", sender=EMILY.phone)
    bob = inbound("hello there", sender=BOB.phone)

    assert invoke(fulfillment, emily, bob) == []

    answered = [line for line in lines if line.get("message") == "message answered"]
    assert [(line["conversation"], line["message_ref"]) for line in answered] == [
        (emily.sender_hash, message_ref(emily.channel, emily.message_id)),
        (bob.sender_hash, message_ref(bob.channel, bob.message_id)),
    ]
    everything = "\n".join(json.dumps(line) for line in lines)
    for private in (EMILY.phone, BOB.phone, emily.message_id, "ORD-104233", "where is"):
        assert private not in everything
    assert {line["conversation"] for line in lines if "conversation" in line} == {emily.sender_hash, bob.sender_hash}
    # The keys are the message's while it is handled, and gone after it.
    logger.info("after the batch")
    assert "conversation" not in lines[-1] and "message_ref" not in lines[-1]
