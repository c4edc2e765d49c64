"""Returns in conversation: a return for a delivered order after a yes, the reasons one cannot be started, and where
a return and its refund stand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryReturns
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import OrderStatus, ReturnStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN, DE = CATALOGS["en"], CATALOGS["de"]
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
JONAS = customer(name="Jonas Weber", phone="4915112345678", language="de")
DELIVERED = order(EMILY, order_id="ORD-104198", status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=5))
OLD = order(EMILY, order_id="ORD-100001", status=OrderStatus.DELIVERED, placed_at=NOW - timedelta(days=90),
            delivered_at=NOW - timedelta(days=80))  # fmt: skip
SHIPPED = order(EMILY, order_id="ORD-104233", status=OrderStatus.SHIPPED)
JONAS_DELIVERED = order(
    JONAS, order_id="ORD-500612", status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=2)
)


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders([DELIVERED, OLD, SHIPPED, JONAS_DELIVERED])


@pytest.fixture
def returns(orders: InMemoryOrders) -> InMemoryReturns:
    return InMemoryReturns(orders)


@pytest.fixture
def service(orders: InMemoryOrders, returns: InMemoryReturns) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, JONAS]),
        orders=orders,
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
        returns=returns,
        return_window_days=30,
    )


def say(service: DialogueEngine, text: str, who=EMILY, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def test_a_return_is_started_for_the_named_order_after_a_yes(service, returns) -> None:
    say(service, "hi")
    asked = say(service, "I want to return order ORD-104198")

    assert asked.intent is Intent.RETURN_REFUND
    assert asked.reply.text == EN.render("return.confirm", order_id="ORD-104198")
    assert returns.returns_for_customer(EMILY.customer_id) == []

    done = say(service, "yes")

    [started] = returns.returns_for_customer(EMILY.customer_id)
    assert first_paragraph(done) == EN.render("return.started", return_id=started.return_id, order_id="ORD-104198")


def test_with_several_delivered_orders_the_customer_picks_one(service) -> None:
    say(service, "hi")
    which = say(service, "I'd like to send something back")

    assert which.reply.text == EN.render("return.which")
    assert {c.title for c in which.reply.choices} == {"ORD-104198", "ORD-100001"}
    confirm = say(service, "ORD-104198", kind=MessageKind.LIST_REPLY, payload="order:ORD-104198")
    assert confirm.reply.text == EN.render("return.confirm", order_id="ORD-104198")


def test_an_order_past_the_window_is_refused_with_the_date(service, returns) -> None:
    say(service, "hi")
    say(service, "return ORD-100001 please")

    turn = say(service, "yes")

    deadline = (OLD.delivered_at + timedelta(days=30)).date()
    assert turn.reply.text == EN.render("return.window_passed", order_id="ORD-100001", date=EN.date(deadline))
    assert returns.returns_for_customer(EMILY.customer_id) == []


def test_an_order_not_yet_delivered_cannot_be_returned(service) -> None:
    say(service, "hi")

    turn = say(service, "I want to return ORD-104233")

    assert turn.reply.text == EN.render("return.not_delivered", order_id="ORD-104233")


def test_someone_elses_order_is_not_found(service, returns) -> None:
    say(service, "hi")

    turn = say(service, "I want to return ORD-500612")

    assert turn.reply.text == EN.render("order.not_found", order_id="ORD-500612")
    assert returns.returns_for_customer(JONAS.customer_id) == []


def test_where_is_my_refund_tells_the_open_return_in_german_and_then_the_refund(service, returns) -> None:
    say(service, "Hallo", JONAS)
    say(service, "Ich möchte die Bestellung ORD-500612 zurücksenden", JONAS)
    say(service, "ja", JONAS)
    [opened] = returns.returns_for_customer(JONAS.customer_id)

    waiting = say(service, "Wo bleibt meine Rückerstattung?", JONAS)
    assert waiting.reply.text == DE.render("return.requested", return_id=opened.return_id, order_id="ORD-500612")

    returns.items[opened.return_id] = replace(
        opened, status=ReturnStatus.REFUNDED, refund_amount=Decimal("59.90"), currency="EUR", refunded_at=NOW
    )
    refunded = say(service, "Wo bleibt meine Rückerstattung?", JONAS)
    assert refunded.reply.text == DE.render(
        "return.refunded",
        return_id=opened.return_id,
        order_id="ORD-500612",
        amount=DE.money(Decimal("59.90"), "EUR"),
        date=DE.date(NOW.date()),
    )
