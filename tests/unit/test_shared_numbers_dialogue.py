"""A phone number two customers share (a family's, allowed by SHARED_PHONE_NUMBERS, or data imported before imports
refused it) links neither of them: the sender proves which customer they are before anything is shown, instead of
seeing whichever record a lookup happens to find first."""

from __future__ import annotations

from dataclasses import replace

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.dialogue.engine import DialogueEngine
from parley.domain.senders import Sender, shared_links
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

EN = catalogs()["en"]
FAMILY_PHONE = "34612345678"
LUCIA = customer(name="Lucía Fernández", phone=FAMILY_PHONE, email="lucia@example.es", language="en")
PABLO = customer(name="Pablo Fernández", phone=FAMILY_PHONE, email="pablo@example.es", language="en")
LUCIA_ORDER = order(LUCIA, order_id="ORD-200311", carrier="SEUR")
PABLO_ORDER = order(PABLO, order_id="ORD-200999", carrier="Correos")


def engine(customers: InMemoryCustomers) -> DialogueEngine:
    return conversation_service(
        customers=customers, orders=InMemoryOrders([LUCIA_ORDER, PABLO_ORDER]), conversations=InMemoryConversations()
    )


def test_a_shared_number_asks_the_sender_which_customer_they_are_before_showing_anything() -> None:
    service = engine(InMemoryCustomers([LUCIA, PABLO]))

    asked = service.respond(inbound("where is my order?", sender=FAMILY_PHONE))
    proven = service.respond(inbound("ORD-200999 pablo@example.es", sender=FAMILY_PHONE))

    assert asked.reply.text.endswith(EN.render("verify.ask"))
    assert "SEUR" not in asked.reply.text and "Correos" not in asked.reply.text
    assert proven.customer_id == PABLO.customer_id
    assert "Correos" in proven.reply.text and "SEUR" not in proven.reply.text


def test_a_number_one_customer_has_still_links_them_at_once() -> None:
    service = engine(InMemoryCustomers([LUCIA]))

    turn = service.respond(inbound("where is my order?", sender=FAMILY_PHONE))

    assert turn.customer_id == LUCIA.customer_id and "SEUR" in turn.reply.text


def test_the_whatsapp_user_id_of_one_of_them_still_outranks_the_shared_number() -> None:
    bsuid = "ES.13491208655302741918"
    customers = InMemoryCustomers([LUCIA, replace(PABLO, whatsapp_user_id=bsuid)])

    assert customers.by_sender(Sender("whatsapp", FAMILY_PHONE, bsuid)).customer_id == PABLO.customer_id
    assert customers.by_sender(Sender("whatsapp", FAMILY_PHONE)) is None


def test_an_import_moving_a_number_between_two_customers_of_the_file_shares_nothing() -> None:
    moved = [replace(LUCIA, phone="34600000001"), PABLO]

    assert shared_links(moved, [LUCIA]) == []
    assert [(s.customer_id, s.field, s.holder_id) for s in shared_links([PABLO], [LUCIA])] == [
        (PABLO.customer_id, "phone", LUCIA.customer_id)
    ]
    assert shared_links([PABLO], [LUCIA], shared_phone_numbers=True) == []
