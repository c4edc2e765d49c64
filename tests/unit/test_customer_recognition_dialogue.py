"""Who is writing, without a customer lookup on every message: the conversation keeps the customer's record for
CUSTOMER_RECHECK_SECONDS, an unknown sender is looked up on every message, and a changed record shows after that."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.recognition import CUSTOMER_RECHECK_SECONDS
from parley.domain.records import Customer
from parley.domain.senders import Sender
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

EN = catalogs()["en"]
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
EMILY_ORDER = order(EMILY, order_id="ORD-104233", carrier="UPS")
STRANGER = "447700900123"


class CountingCustomers(InMemoryCustomers):
    def __init__(self, customers: list[Customer]) -> None:
        super().__init__(customers)
        self.lookups = 0

    def by_sender(self, sender: Sender) -> Customer | None:
        self.lookups += 1
        return super().by_sender(sender)

    def get(self, customer_id: str) -> Customer | None:
        self.lookups += 1
        return super().get(customer_id)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def customers() -> CountingCustomers:
    return CountingCustomers([EMILY])


@pytest.fixture
def service(customers: CountingCustomers, clock: Clock) -> DialogueEngine:
    return conversation_service(
        customers=customers, orders=InMemoryOrders([EMILY_ORDER]), conversations=InMemoryConversations(), clock=clock
    )


def test_a_customer_is_looked_up_once_in_a_conversation_under_way(service, customers, clock) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))
    for _ in range(3):
        clock.advance(60)
        turn = service.respond(inbound("where is ORD-104233?", sender=EMILY.phone))
        assert "UPS" in turn.reply.text

    assert customers.lookups == 1


def test_a_changed_record_is_seen_once_the_recheck_interval_has_passed(service, customers, clock) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))
    customers.items[EMILY.customer_id] = replace(EMILY, name="Emilia Carter")

    clock.advance(CUSTOMER_RECHECK_SECONDS - 1)
    soon = service.respond(inbound("hello", sender=EMILY.phone))
    clock.advance(1)
    later = service.respond(inbound("hello", sender=EMILY.phone))

    assert soon.reply.text == EN.render("greeting", name="Emily")
    assert later.reply.text == EN.render("greeting", name="Emilia")


def test_a_number_unlinked_from_the_customer_stops_seeing_their_orders_after_the_interval(
    service, customers, clock
) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))
    customers.items[EMILY.customer_id] = replace(EMILY, phone="14155550999")

    clock.advance(CUSTOMER_RECHECK_SECONDS)
    turn = service.respond(inbound("where is ORD-104233?", sender=EMILY.phone))

    assert not turn.known_customer
    assert "UPS" not in turn.reply.text


def test_a_sender_linked_to_a_customer_since_the_last_message_is_recognised_at_once(service, customers, clock) -> None:
    unknown = service.respond(inbound("where is my order?", sender=STRANGER))
    assert not unknown.known_customer

    customers.items["CUST-NEW"] = Customer("CUST-NEW", name="Noah Price", phone=STRANGER, language="en")
    clock.advance(1)
    turn = service.respond(inbound("hello", sender=STRANGER))

    assert turn.known_customer
    assert turn.reply.text == EN.render("greeting", name="Noah")


def test_a_sender_who_proved_who_they_are_is_not_read_again_on_each_message(service, customers, clock) -> None:
    stranger = customer(name="Emily Carter", phone="14155550777")
    service.respond(inbound("where is my order?", sender=stranger.phone))
    service.respond(inbound("ORD-104233", sender=stranger.phone))
    proven = service.respond(inbound("emily@example.com", sender=stranger.phone))
    assert "UPS" in proven.reply.text
    lookups = customers.lookups

    clock.advance(60)
    again = service.respond(inbound("where is ORD-104233?", sender=stranger.phone))

    assert "UPS" in again.reply.text
    # Still looked up by number (it may have been linked since), but the proven customer's record is not re-read.
    assert customers.lookups == lookups + 1
