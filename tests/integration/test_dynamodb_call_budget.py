"""What one order-status message costs in DynamoDB calls through the deployed fulfillment path (Powertools
idempotency included), on moto; and the message log it leaves for the person who may take the conversation over."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from parley.data.dynamo import DynamoRecordWriter
from parley.data.dynamo_conversations import DynamoMessageLog
from parley.domain.records import MessageDirection
from parley.local.aws_calls import IDEMPOTENCY, PARLEY, DynamoCallCounter
from support.factories import customer, inbound, order
from support.fulfillment import EMILY, invoke

# An order-status turn of a known customer in a conversation under way. The first message of a conversation (or
# the first after dialogue.recognition.CUSTOMER_RECHECK_SECONDS) also looks the customer up: one call more. The first
# message of a conversation and customer analytics has never seen also makes their pseudonym keys: one batch read
# and a conditional write for each (parley.privacy.pseudonyms); later turns find them cached.
BUDGET = 5
NEW_PSEUDONYM_KEYS = 3
FIRST_MESSAGE_BUDGET = BUDGET + 1 + NEW_PSEUDONYM_KEYS


@pytest.fixture
def counter(fulfillment: ModuleType) -> Iterator[DynamoCallCounter]:
    counting = DynamoCallCounter()
    counting.watch_runtime(fulfillment.runtime)
    yield counting
    counting.stop()


def test_an_order_status_turn_stays_within_the_dynamodb_call_budget(fulfillment, graph, counter) -> None:
    assert invoke(fulfillment, inbound("where is ORD-104233?", sender=EMILY.phone)) == []
    first = counter.total()
    # Exactly-once costs two calls (the in-progress record, then the completed one) and is counted too.
    assert counter.total(IDEMPOTENCY) == 2
    counter.reset()

    assert invoke(fulfillment, inbound("and when will ORD-104233 arrive?", sender=EMILY.phone)) == []

    assert len(graph.replies) == 2 and all("UPS" in r.text for r in graph.replies)
    assert first <= FIRST_MESSAGE_BUDGET
    assert counter.total() <= BUDGET, dict(counter.calls)
    assert counter.total(IDEMPOTENCY) == 2
    # The pseudonym keys are cached: a warm turn reads none.
    assert counter.calls[(PARLEY, "BatchGetItem")] == 0
    # The state and both log entries went in one write.
    assert counter.calls[(PARLEY, "TransactWriteItems")] == 1
    assert counter.calls[(PARLEY, "PutItem")] == 0


def test_every_answered_message_and_its_reply_are_in_the_log_once_whatever_is_retried(fulfillment, graph) -> None:
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    graph.failures.extend([(503, {"error": {"message": "busy", "code": 2}})] * 3)

    assert invoke(fulfillment, message) != []  # the send failed: SQS will deliver it again
    assert invoke(fulfillment, message, attempt=1) == []
    assert invoke(fulfillment, message, attempt=2) == []  # and Meta, days later, once more

    logged = DynamoMessageLog().recent(message.conversation_key)
    assert [(m.direction, m.message_id) for m in logged] == [
        (MessageDirection.IN, message.message_id),
        (MessageDirection.OUT, message.message_id + ":out"),
    ]
    assert logged[0].text == "where is ORD-104233?"
    assert logged[1].text == graph.replies[0].text


def test_a_username_only_customers_turn_stays_within_the_same_budget(fulfillment, graph, counter) -> None:
    bsuid = "BR.1502576394655843"
    ana = customer(name="Ana Lima", phone=None, messenger_psid=None, whatsapp_user_id=bsuid, language="pt")
    DynamoRecordWriter().replace_all([ana])
    DynamoRecordWriter().replace_all([order(ana, order_id="ORD-310020", carrier="Correios")])

    assert invoke(fulfillment, inbound("onde está o ORD-310020?", sender=bsuid, user_id=bsuid)) == []
    counter.reset()
    assert invoke(fulfillment, inbound("e quando chega o ORD-310020?", sender=bsuid, user_id=bsuid)) == []

    assert len(graph.replies) == 2 and all("Correios" in r.text for r in graph.replies)
    assert counter.total() <= BUDGET, dict(counter.calls)
    # Known by the BSUID kept in the conversation: no customer lookup under way.
    assert counter.calls[(PARLEY, "Query")] == 0
