"""An unknown sender proves who they are (an order number and the email on it) before seeing any order; a wrong
pair reveals nothing, and repeated failures lock verification for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.verification import LOCK_SECONDS, MAX_FAILURES
from parley.domain.records import OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

CATALOGS = catalogs()
EN, ES = CATALOGS["en"], CATALOGS["es"]
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", email="lucia@example.es", language="es")
EMILY_ORDER = order(EMILY, order_id="ORD-104233", carrier="UPS", status=OrderStatus.SHIPPED)
LUCIA_ORDER = order(LUCIA, order_id="ORD-200311", carrier="SEUR", status=OrderStatus.PROCESSING)
# Emily writing from a new phone, not on file.
NEW_PHONE = "14155559999"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders([EMILY_ORDER, LUCIA_ORDER])


@pytest.fixture
def service(orders: InMemoryOrders, clock: Clock) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA]),
        orders=orders,
        conversations=InMemoryConversations(),
        clock=clock,
    )


def say(service: DialogueEngine, text: str, sender: str = NEW_PHONE):
    return service.respond(inbound(text, sender=sender))


def test_order_number_then_email_proves_it_and_the_first_question_is_answered(service) -> None:
    say(service, "hi")
    asked = say(service, "where is my order?")
    assert asked.reply.text == EN.render("verify.ask")

    say(service, "it's ORD-104233")
    proven = say(service, "Emily@Example.com")

    assert proven.intent is Intent.ORDER_STATUS
    assert proven.reply.text.startswith(EN.render("verify.done"))
    assert "ORD-104233" in proven.reply.text and "UPS" in proven.reply.text
    # Proven for the rest of the conversation.
    assert "UPS" in say(service, "and where is it now?").reply.text


def test_both_in_one_message_is_enough(service) -> None:
    say(service, "hi")
    say(service, "where is my order?")

    proven = say(service, "ORD-104233 emily@example.com")

    assert "UPS" in proven.reply.text


def test_a_wrong_email_and_someone_elses_order_get_the_same_answer_and_show_nothing(service) -> None:
    say(service, "hi")
    say(service, "where is my order?")

    wrong_email = say(service, "ORD-104233 someone@example.com")
    other_order = say(service, "ORD-200311 emily@example.com")

    assert wrong_email.reply.text == other_order.reply.text == EN.render("verify.failed")
    assert "SEUR" not in other_order.reply.text and "UPS" not in wrong_email.reply.text


def test_repeated_failures_lock_verification_even_for_the_right_answer(service, clock) -> None:
    say(service, "hi")
    say(service, "where is my order?")
    for _ in range(MAX_FAILURES):
        last = say(service, "ORD-104233 wrong@example.com")
    assert last.reply.text == EN.render("verify.locked")

    locked = say(service, "where is my order? ORD-104233 emily@example.com")
    assert locked.reply.text == EN.render("verify.locked")

    clock.now += timedelta(seconds=LOCK_SECONDS + 1)
    assert "UPS" in say(service, "where is my order? ORD-104233 emily@example.com").reply.text


def test_a_spanish_sender_is_asked_in_spanish_and_can_then_cancel(service, orders) -> None:
    say(service, "Hola, buenas tardes")
    asked = say(service, "quiero cancelar mi pedido ORD-200311")
    assert asked.reply.text == ES.render("verify.ask_email")

    confirm = say(service, "lucia@example.es")
    assert confirm.reply.text.endswith(ES.render("order.cancel_confirm", order_id="ORD-200311"))
    say(service, "sí")

    assert orders.get("ORD-200311").status is OrderStatus.CANCELLED


def test_small_talk_needs_no_proof(service) -> None:
    say(service, "hi")

    turn = say(service, "thank you!")

    assert turn.reply.text == EN.render("thanks")


def test_a_question_about_something_not_personal_leaves_the_check_and_is_answered(service) -> None:
    say(service, "where is my order?")

    turn = say(service, "my app keeps crashing")
    after = say(service, "where is my order?")

    assert turn.intent is Intent.TECH_SUPPORT
    assert EN.render("verify.ask") not in turn.reply.text and EN.render("verify.ask_order") not in turn.reply.text
    assert "UPS" not in after.reply.text  # the order itself still needs the proof
