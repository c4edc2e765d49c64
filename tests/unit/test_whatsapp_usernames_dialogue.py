"""WhatsApp customers with a username: Meta withholds their number and sends a business-scoped user id (BSUID)
instead. They are answered, linked by that id when the business's data has it, asked once to prove who they are when
it does not, and known from then on, in later conversations too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import Channel
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

EN, PT = catalogs()["en"], catalogs()["pt"]
ANA_BSUID = "BR.1502576394655843"
EMILY_BSUID = "US.13491208655302741918"
ANA = customer(name="Ana Lima", phone=None, messenger_psid=None, email="ana@example.com.br", language="pt")
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
ANA_ORDER = order(ANA, order_id="ORD-310020", carrier="Correios", status=OrderStatus.SHIPPED)
EMILY_ORDER = order(EMILY, order_id="ORD-104233", carrier="UPS", status=OrderStatus.SHIPPED)


@pytest.fixture
def customers() -> InMemoryCustomers:
    return InMemoryCustomers([ANA, EMILY])


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def service(customers: InMemoryCustomers, conversations: InMemoryConversations) -> DialogueEngine:
    return conversation_service(
        customers=customers,
        orders=InMemoryOrders([ANA_ORDER, EMILY_ORDER]),
        conversations=conversations,
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
    )


def username(text: str, bsuid: str = ANA_BSUID):
    """A message from a customer with a username: no number, the BSUID where the number was."""
    return inbound(text, sender=bsuid, user_id=bsuid)


def test_a_username_only_customer_proves_who_they_are_once_and_is_known_in_a_new_conversation(
    service: DialogueEngine, customers: InMemoryCustomers, conversations: InMemoryConversations
) -> None:
    asked = service.respond(username("onde está o meu pedido?"))
    assert asked.reply is not None and asked.reply.text.endswith(PT.render("verify.ask"))
    assert not asked.known_customer

    proven = service.respond(username("ORD-310020 ana@example.com.br"))
    assert proven.reply is not None and "Correios" in proven.reply.text
    assert customers.items[ANA.customer_id].whatsapp_user_id == ANA_BSUID

    conversations.items.clear()  # weeks later: the conversation has expired
    later = service.respond(username("onde está o meu pedido?"))

    assert later.known_customer and later.intent is Intent.ORDER_STATUS
    assert later.reply is not None and "Correios" in later.reply.text
    assert later.reply.text.startswith(PT.render("welcome", name="Ana"))
    assert PT.render("verify.ask") not in later.reply.text


def test_a_customer_known_by_number_is_still_known_once_they_hide_it(
    service: DialogueEngine, customers: InMemoryCustomers, conversations: InMemoryConversations
) -> None:
    # Today WhatsApp shows both; the record names no BSUID yet.
    service.respond(inbound("hi", sender=EMILY.phone or "", user_id=EMILY_BSUID))
    assert customers.items[EMILY.customer_id].whatsapp_user_id == EMILY_BSUID

    conversations.items.clear()
    hidden = service.respond(username("where is ORD-104233?", EMILY_BSUID))

    assert hidden.known_customer and hidden.reply is not None and "UPS" in hidden.reply.text


def test_a_user_id_the_business_linked_is_recognised_without_any_proof(customers: InMemoryCustomers) -> None:
    customers.items[ANA.customer_id] = replace(ANA, whatsapp_user_id=ANA_BSUID)
    service = conversation_service(
        customers=customers, orders=InMemoryOrders([ANA_ORDER]), conversations=InMemoryConversations()
    )

    turn = service.respond(username("onde está o meu pedido ORD-310020?"))

    assert turn.known_customer and turn.reply is not None and "Correios" in turn.reply.text


def test_a_user_id_on_file_is_not_replaced_by_someone_proving_from_another_account(
    service: DialogueEngine, customers: InMemoryCustomers
) -> None:
    customers.items[ANA.customer_id] = replace(ANA, whatsapp_user_id=ANA_BSUID)
    other = "BR.9999999999999999"

    service.respond(username("onde está o meu pedido?", other))
    proven = service.respond(username("ORD-310020 ana@example.com.br", other))

    assert proven.reply is not None and "Correios" in proven.reply.text  # proven for this conversation
    assert customers.items[ANA.customer_id].whatsapp_user_id == ANA_BSUID


def test_a_username_only_stranger_is_answered_in_their_countrys_language(service: DialogueEngine) -> None:
    turn = service.respond(username("ok", "BR.7766554433221100"))

    assert turn.language == "pt"
    assert turn.reply is not None and turn.reply.text == PT.render("welcome_anonymous")


def test_a_user_id_where_the_number_would_be_is_read_as_one_even_without_user_id(customers: InMemoryCustomers) -> None:
    customers.items[ANA.customer_id] = replace(ANA, whatsapp_user_id=ANA_BSUID)
    service = conversation_service(customers=customers, orders=InMemoryOrders(), conversations=InMemoryConversations())

    turn = service.respond(inbound("olá", sender=ANA_BSUID))  # an older parser left user_id empty

    assert turn.known_customer and turn.customer_id == ANA.customer_id


def test_messenger_senders_are_recognised_by_their_psid_as_before(customers: InMemoryCustomers) -> None:
    lucia = customer(name="Lucía", phone=None, messenger_psid="6723410987654321", language="es")
    customers.items[lucia.customer_id] = lucia
    service = conversation_service(customers=customers, orders=InMemoryOrders(), conversations=InMemoryConversations())

    turn = service.respond(inbound("hola", sender="6723410987654321", channel=Channel.MESSENGER))

    assert turn.known_customer and turn.customer_id == lucia.customer_id
