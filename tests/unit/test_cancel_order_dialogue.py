"""Cancelling an order in conversation: which order, a confirmation before anything changes, the conditional write,
and every way out that leaves the order as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN, ES = CATALOGS["en"], CATALOGS["es"]

EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", language="es")
BOB = customer(name="Bob Stone", phone="14155550456", language="en")


def orders_of(*statuses: OrderStatus, owner=EMILY, first: int = 700100):
    return [
        order(owner, order_id=f"ORD-{first + i}", status=status, placed_at=datetime(2026, 11, 20 - i, tzinfo=UTC))
        for i, status in enumerate(statuses)
    ]


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders(
        [
            *orders_of(OrderStatus.PROCESSING),
            *orders_of(OrderStatus.PLACED, OrderStatus.PROCESSING, owner=LUCIA, first=800100),
            *orders_of(OrderStatus.SHIPPED, owner=BOB, first=900100),
        ]
    )


@pytest.fixture
def service(orders: InMemoryOrders) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA, BOB]),
        orders=orders,
        conversations=InMemoryConversations(),
        clock=lambda: TODAY,
    )


def say(service: DialogueEngine, text: str, who=EMILY, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def test_the_only_open_order_is_cancelled_after_a_yes(service, orders) -> None:
    say(service, "hi")
    asked = say(service, "I want to cancel my order")

    assert asked.intent is Intent.CANCEL_ORDER
    assert asked.reply.text == EN.render("order.cancel_confirm", order_id="ORD-700100")
    assert [c.id for c in asked.reply.choices] == ["confirm:yes", "confirm:no"]
    assert orders.get("ORD-700100").status is OrderStatus.PROCESSING  # nothing changes before the yes

    done = say(service, "yes please")

    assert first_paragraph(done) == EN.render("order.cancel_done", order_id="ORD-700100")
    assert orders.get("ORD-700100").status is OrderStatus.CANCELLED


def test_a_no_keeps_the_order(service, orders) -> None:
    say(service, "hi")
    say(service, "cancel ORD-700100")

    kept = say(service, "no")

    assert kept.reply.text == EN.render("order.cancel_kept", order_id="ORD-700100")  # nothing done, nothing to rate
    assert orders.get("ORD-700100").status is OrderStatus.PROCESSING


def test_a_tapped_no_keeps_the_order_too(service, orders) -> None:
    say(service, "hi")
    say(service, "cancel ORD-700100")

    say(service, "No", kind=MessageKind.BUTTON_REPLY, payload="confirm:no")

    assert orders.get("ORD-700100").status is OrderStatus.PROCESSING


def test_with_two_open_orders_the_customer_picks_one_in_spanish(service, orders) -> None:
    say(service, "Hola", LUCIA)
    which = say(service, "quiero cancelar mi pedido", LUCIA)

    assert which.reply.text == ES.render("order.cancel_which")
    assert [c.title for c in which.reply.choices] == ["ORD-800100", "ORD-800101"]

    confirm = say(service, "ORD-800101", LUCIA, kind=MessageKind.LIST_REPLY, payload="order:ORD-800101")
    assert confirm.reply.text == ES.render("order.cancel_confirm", order_id="ORD-800101")
    done = say(service, "sí, cancélalo", LUCIA)

    assert first_paragraph(done) == ES.render("order.cancel_done", order_id="ORD-800101")
    assert orders.get("ORD-800101").status is OrderStatus.CANCELLED
    assert orders.get("ORD-800100").status is OrderStatus.PLACED


def test_a_shipped_order_cannot_be_cancelled_and_says_where_it_is(service, orders) -> None:
    say(service, "hi", BOB)

    turn = say(service, "please cancel order ORD-900100", BOB)

    assert EN.render("order.cancel_too_late") in turn.reply.text
    assert EN.render("order.shipped", order_id="ORD-900100") in turn.reply.text
    assert orders.get("ORD-900100").status is OrderStatus.SHIPPED


def test_too_late_to_cancel_says_which_carrier_has_it_and_its_tracking_number(service, orders) -> None:
    orders.items["ORD-900100"] = replace(orders.items["ORD-900100"], carrier="ARAS", tracking_number="ARAS900100")
    say(service, "hi", BOB)

    turn = say(service, "please cancel order ORD-900100", BOB)

    assert EN.render("order.carrier", carrier="ARAS") in turn.reply.text
    assert EN.render("order.tracking", tracking_number="ARAS900100") in turn.reply.text
    assert EN.render("order.cancel_too_late") in turn.reply.text


def test_a_delivered_order_is_offered_a_return(service, orders) -> None:
    orders.items["ORD-900100"] = replace(orders.items["ORD-900100"], status=OrderStatus.DELIVERED)
    say(service, "hi", BOB)

    turn = say(service, "cancel ORD-900100", BOB)

    assert [c.id for c in turn.reply.choices] == ["intent:return_refund"]


def test_someone_elses_order_is_not_found_and_untouched(service, orders) -> None:
    say(service, "hi")

    turn = say(service, "cancel ORD-900100")

    assert turn.reply.text == EN.render("order.not_found", order_id="ORD-900100")
    assert orders.get("ORD-900100").status is OrderStatus.SHIPPED


def test_shipped_between_the_question_and_the_yes_is_refused(service, orders) -> None:
    say(service, "hi")
    say(service, "cancel ORD-700100")
    orders.items["ORD-700100"] = replace(orders.items["ORD-700100"], status=OrderStatus.SHIPPED)

    turn = say(service, "yes")

    assert EN.render("order.cancel_too_late") in turn.reply.text
    assert orders.get("ORD-700100").status is OrderStatus.SHIPPED


def test_a_second_cancel_says_it_is_already_cancelled(service, orders) -> None:
    say(service, "hi")
    say(service, "cancel ORD-700100")
    say(service, "yes")

    again = say(service, "cancel ORD-700100")

    assert again.reply.text == EN.render("order.already_cancelled", order_id="ORD-700100")


@pytest.mark.parametrize("way_out", ["never mind", "where is my order?"])
def test_leaving_the_confirmation_changes_nothing(service, orders, way_out: str) -> None:
    say(service, "hi")
    say(service, "cancel ORD-700100")

    turn = say(service, way_out)
    after = say(service, "yes")

    assert orders.get("ORD-700100").status is OrderStatus.PROCESSING
    assert turn.intent is not Intent.CANCEL_ORDER
    assert after.reply is None or EN.render("order.cancel_done", order_id="ORD-700100") not in after.reply.text


def test_an_unknown_sender_cannot_cancel_anything(service, orders) -> None:
    turn = service.respond(inbound("cancel ORD-700100", sender="447700900999"))

    # Asked to prove who they are first (the email on that order), and nothing changes meanwhile.
    assert turn.reply.text.endswith(EN.render("verify.ask_email"))
    assert orders.get("ORD-700100").status is OrderStatus.PROCESSING
