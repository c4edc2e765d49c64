"""Meta delivers at least once and SQS may hand the same message to two invocations: one reply, ever."""

from __future__ import annotations

import threading

from parley.local.lambda_runtime import load_handler_module
from support.factories import inbound
from support.fulfillment import EMILY, invoke


def test_two_concurrent_deliveries_of_one_message_produce_one_reply(fulfillment, graph):
    message = inbound("where is ORD-104233?", sender=EMILY.phone)
    # Concurrent invocations run in separate execution environments, each with its own cold-started module.
    environments = {"first": fulfillment, "second": load_handler_module("fulfillment")}
    graph.delay_seconds = 0.5  # the first delivery is still sending when the second arrives
    retried: dict[str, list[str]] = {}
    start = threading.Barrier(2)

    def deliver(name: str) -> None:
        start.wait()
        retried[name] = invoke(environments[name], message, attempt=1 if name == "second" else 0)

    threads = [threading.Thread(target=deliver, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(graph.replies) == 1
    # The delivery that found the message in progress is handed back to SQS, not answered or dropped...
    assert sorted(len(ids) for ids in retried.values()) == [0, 1]
    # ...and when SQS redelivers it, the message is already answered: success, and still one reply.
    graph.delay_seconds = 0
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
