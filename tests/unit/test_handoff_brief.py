"""A flow that hands the conversation to a person says what it found out: the people's notification carries the order
number and the change asked for in the customer's words (translated, with the original beside), or the problem with
an item and why the rules did not settle it. Nothing of it reaches the logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes import (
    InMemoryConversations,
    InMemoryCustomers,
    InMemoryMessageLog,
    InMemoryOrders,
    InMemoryPublisher,
    InMemoryReturns,
)
from parley.agents.notify import HandoffNotifier
from parley.agents.translating import AgentTranslator
from parley.domain.records import OrderItem, OrderStatus
from parley.fulfillment import MessageProcessor
from parley.observability import logger
from support.agents import RecordingGraph, ScriptedTranslator, pivot, real_senders
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

CATALOGS = catalogs()
LUCIA = customer(name="Lucía Gómez", phone="34612345678", email="lucia@example.es", language="es")
WISH = "¿puedo cambiar la talla de la chaqueta del pedido ORD-740001 a una M?"


class Setup:
    def __init__(self) -> None:
        self.conversations = InMemoryConversations()
        log = InMemoryMessageLog(self.conversations)
        self.graph = RecordingGraph()
        self.publisher = InMemoryPublisher()
        notifier = HandoffNotifier(
            self.publisher, self.conversations, AgentTranslator(pivot(ScriptedTranslator())), "en", log
        )
        now = datetime.now(UTC)
        orders = InMemoryOrders([
            order(LUCIA, order_id="ORD-740001", status=OrderStatus.PLACED),
            order(LUCIA, order_id="ORD-740002", status=OrderStatus.DELIVERED, items=(OrderItem("SKU-JKT-BLU-M", 1),),
                  delivered_at=now - timedelta(days=2), placed_at=now - timedelta(days=6)),
        ])  # fmt: skip
        service = conversation_service(customers=InMemoryCustomers([LUCIA]), orders=orders,
                                       returns=InMemoryReturns(orders), conversations=self.conversations,
                                       message_log=log)  # fmt: skip
        self.processor = MessageProcessor(service, real_senders(self.graph), notifier=notifier)


def test_a_change_for_a_person_reaches_them_with_the_order_and_the_customers_words_translated():
    setup = Setup()

    setup.processor.process(inbound(WISH, sender=LUCIA.phone))

    [(subject, text, document)] = setup.publisher.published
    assert document["reason"] == "change_order" and "change_order" in subject
    assert document["brief"] == {"order_id": "ORD-740001", "status": "placed", "change": "other", "request": WISH}
    said = document["brief_translated"]["request"]
    assert (said["text"], said["original"]) == (f"[en] {WISH}", WISH)
    # The email a person reads: what the customer came for, above the transcript.
    assert "Order: ORD-740001" in text and "Change asked for: other" in text
    assert f"In the customer's words: [en] {WISH}" in text and f"(es) {WISH}" in text
    assert text.index("Order: ORD-740001") < text.index("Recent messages")
    [told] = setup.graph.texts
    assert CATALOGS["es"].render("change.noted", order_id="ORD-740001") in told


def test_a_missing_item_reaches_them_with_the_order_item_and_why():
    setup = Setup()

    setup.processor.process(inbound("falta un artículo en mi pedido ORD-740002", sender=LUCIA.phone))

    [document] = setup.publisher.documents
    assert document["reason"] == "missing_item"
    assert document["brief"] == {
        "order_id": "ORD-740002", "problem": "missing_item", "item": "SKU-JKT-BLU-M", "why": "missing",
    }  # fmt: skip
    assert "brief_translated" not in document


def test_a_handoff_without_a_brief_says_none():
    setup = Setup()

    setup.processor.process(inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone))

    [(_, text, document)] = setup.publisher.published
    assert document["brief"] == {} and "What the customer came for" not in text


def test_the_customers_words_and_address_stay_out_of_the_logs(caplog):
    logger.setLevel("INFO")
    try:
        setup = Setup()
        setup.processor.process(inbound("quiero cambiar la dirección de entrega del pedido ORD-740001",
                                        sender=LUCIA.phone))  # fmt: skip
        setup.processor.process(inbound("Calle Mayor 5, 28013 Madrid", sender=LUCIA.phone))
        setup.processor.process(inbound("sí", sender=LUCIA.phone))
        setup.processor.process(inbound(WISH, sender=LUCIA.phone))
    finally:
        logger.setLevel("WARNING")

    logged = " ".join(str(record.__dict__) for record in caplog.records)
    assert "message answered" in logged
    for secret in ("Calle Mayor", "28013", "talla", "chaqueta", LUCIA.phone):
        assert secret not in logged
