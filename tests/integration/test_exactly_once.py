"""Meta delivers at least once and SQS may hand the same message to two invocations: one reply, ever."""

from __future__ import annotations

import threading

import pytest

from parley.local.lambda_runtime import load_handler_module
from support.factories import inbound
from support.fulfillment import EMILY, invoke


@pytest.fixture
def patient_graph_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first delivery's send is held at the Graph API while the second is tried: its client must not give up."""
    monkeypatch.setenv("GRAPH_API_TIMEOUT_SECONDS", "60")
    monkeypatch.setenv("GRAPH_API_DEADLINE_SECONDS", "120")


def test_two_concurrent_deliveries_of_one_message_produce_one_reply(patient_graph_client, fulfillment, graph):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    # Concurrent invocations run in separate execution environments, each with its own cold-started module.
    second = load_handler_module("fulfillment")
    retried: dict[str, list[str]] = {}
    # The first delivery claims the message and is caught sending its reply; only then does the second arrive.
    # Held at the door rather than slowed by a delay, so however busy the machine the two overlap.
    graph.hold_replies()
    first = threading.Thread(target=lambda: retried.setdefault("first", invoke(fulfillment, message)))
    first.start()
    try:
        assert graph.wait_for_waiting_reply(), "the first delivery never reached its send"
        retried["second"] = invoke(second, message, attempt=1)
    finally:
        graph.release_replies()
        first.join(timeout=60)

    assert len(graph.replies) == 1
    # The delivery that found the message in progress is handed back to SQS, not answered or dropped...
    assert retried == {"first": [], "second": [f"sqs-0-{message.message_id}-retry1"]}
    # ...and when SQS redelivers it, the message is already answered: success, and still one reply.
    assert invoke(fulfillment, message, attempt=2) == []
    assert len(graph.replies) == 1


def test_a_redelivery_after_a_crash_mid_processing_is_answered(fulfillment, graph):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    graph.failures.extend([(500, {"error": {"message": "down", "code": 1}})] * 3)

    assert invoke(fulfillment, message) != []  # failed before any reply was sent
    assert invoke(fulfillment, message, attempt=1) == []

    assert len(graph.replies) == 1


def test_messages_of_one_customer_in_one_batch_are_answered_in_order(fulfillment, graph):
    texts = ["hello", "where is ORD-104233?", "thanks"]
    messages = [inbound(text, sender=EMILY.phone) for text in texts]

    assert invoke(fulfillment, *messages) == []

    assert len(graph.replies) == 3
    assert "Emily" in graph.replies[0].text
    assert "1Z999AA10123456784" in graph.replies[1].text
    assert "welcome" in graph.replies[2].text.lower()


@pytest.fixture
def impatient_graph_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_API_TIMEOUT_SECONDS", "0.3")


def test_a_graph_api_slower_than_the_timeout_shows_the_customer_one_reply_not_three(
    impatient_graph_client, fulfillment, graph
):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    graph.slow(1.5)  # each send is delivered, and answered after the client stopped waiting

    assert invoke(fulfillment, message) == []  # counted as sent: nothing to retry
    assert invoke(fulfillment, message, attempt=1) == []  # a redelivery, should one come, sends nothing either

    [reply] = graph.replies
    assert "1Z999AA10123456784" in reply.text


def test_marie_s_oui_whose_reply_failed_is_confirmed_on_the_redelivery_not_misunderstood(fulfillment, graph):
    """Issue 12: the order was cancelled, and the retry of her "oui" found no question open."""
    from parley.data.dynamo import DynamoOrders, DynamoRecordWriter
    from parley.domain.records import OrderStatus
    from support.dialogue import catalogs
    from support.factories import customer, order

    fr = catalogs()["fr"]
    marie = customer(name="Marie Dubois", phone="33612345678", language="fr", email="marie.dubois@example.fr")
    DynamoRecordWriter().replace_all([marie])
    DynamoRecordWriter().replace_all([order(marie, order_id="ORD-310006", status=OrderStatus.PROCESSING)])
    assert invoke(fulfillment, inbound("je veux annuler la commande ORD-310006", sender=marie.phone)) == []
    graph.failures.extend([(500, {"error": {"message": "Please retry later.", "code": 2}})] * 3)  # 8 s of trouble
    oui = inbound("oui", sender=marie.phone)

    assert invoke(fulfillment, oui) != []
    assert invoke(fulfillment, oui, attempt=1) == []

    asked, confirmed = graph.replies
    assert fr.render("order.cancel_confirm", order_id="ORD-310006") in asked.text
    assert fr.render("order.cancel_done", order_id="ORD-310006") in confirmed.text
    assert fr.render("handoff.started") not in confirmed.text
    cancelled = DynamoOrders().get("ORD-310006")
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
