"""Changing an order in conversation: a new delivery address, read back and written only after a yes while the order
is still in the warehouse (a shipment in between is explained, never overwritten); any other change taken down in the
customer's words for a person; an order a carrier already has said so, with what is still possible."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryReturns
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.domain.conversation import handoff_brief
from parley.domain.records import OrderStatus
from parley.domain.rules import MAX_ADDRESS_LENGTH
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN, ES = CATALOGS["en"], CATALOGS["es"]
OLD_ADDRESS = "Gran Vía 1, 28013 Madrid"
NEW_ADDRESS = "Calle Mayor 5, 28013 Madrid"

EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", language="es")
BOB = customer(name="Bob Stone", phone="14155550456", language="en")


def placed(owner, order_id: str, status: OrderStatus = OrderStatus.PROCESSING, day: int = 20):
    return order(owner, order_id=order_id, status=status, placed_at=datetime(2026, 11, day, tzinfo=UTC),
                 shipping_address=OLD_ADDRESS)  # fmt: skip


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders(
        [
            placed(EMILY, "ORD-710100"),
            placed(EMILY, "ORD-710090", OrderStatus.DELIVERED, day=2),
            placed(LUCIA, "ORD-810100", OrderStatus.PLACED, day=21),
            placed(LUCIA, "ORD-810101", OrderStatus.PROCESSING, day=20),
            placed(BOB, "ORD-910100", OrderStatus.SHIPPED),
            placed(BOB, "ORD-910101", OrderStatus.DELIVERED, day=10),
        ]
    )


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def service(orders: InMemoryOrders, conversations: InMemoryConversations) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA, BOB]),
        orders=orders,
        conversations=conversations,
        returns=InMemoryReturns(orders),
        clock=lambda: TODAY,
    )


def say(service: DialogueEngine, text: str, who=EMILY, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def brief_of(conversations: InMemoryConversations, who) -> dict[str, str]:
    state = conversations.get(inbound("", sender=who.phone).conversation_key)
    assert state is not None
    return handoff_brief(state.slots)


# --- the delivery address ------------------------------------------------------------------------------------------


def test_the_customers_address_change_is_read_back_and_made_after_a_yes(service, orders) -> None:
    """The conversation of the issue: the request, the address as written, the read-back, a yes, changed."""
    say(service, "hi")
    asked = say(service, "I want to change the delivery address of my order")

    assert asked.intent is Intent.CHANGE_ORDER
    assert asked.reply.text == EN.render("change.ask_address", order_id="ORD-710100")

    read_back = say(service, NEW_ADDRESS)

    assert read_back.reply.text == EN.render("change.confirm_address", order_id="ORD-710100", address=NEW_ADDRESS)
    assert [c.id for c in read_back.reply.choices] == ["confirm:yes", "confirm:no"]
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS  # nothing changes before the yes

    done = say(service, "sí")

    assert first_paragraph(done) == EN.render("change.address_done", order_id="ORD-710100", address=NEW_ADDRESS)
    assert orders.get("ORD-710100").shipping_address == NEW_ADDRESS
    assert orders.get("ORD-710100").status is OrderStatus.PROCESSING


def test_in_spanish_with_two_open_orders_the_customer_picks_one(service, orders) -> None:
    say(service, "Hola", LUCIA)
    which = say(service, "quiero cambiar la dirección de entrega de mi pedido", LUCIA)

    assert which.reply.text == ES.render("change.which")
    assert [c.title for c in which.reply.choices] == ["ORD-810100", "ORD-810101"]

    asked = say(service, "ORD-810101", LUCIA, kind=MessageKind.LIST_REPLY, payload="order:ORD-810101")
    assert asked.reply.text == ES.render("change.ask_address", order_id="ORD-810101")
    say(service, NEW_ADDRESS, LUCIA)
    done = say(service, "sí, cámbiela", LUCIA)

    assert first_paragraph(done) == ES.render("change.address_done", order_id="ORD-810101", address=NEW_ADDRESS)
    assert orders.get("ORD-810101").shipping_address == NEW_ADDRESS
    assert orders.get("ORD-810100").shipping_address == OLD_ADDRESS


def test_the_order_named_is_the_one_changed(service, orders) -> None:
    say(service, "Hola", LUCIA)

    asked = say(service, "quiero cambiar la dirección del pedido ORD-810100", LUCIA)

    assert asked.reply.text == ES.render("change.ask_address", order_id="ORD-810100")


def test_the_order_being_discussed_is_the_one_changed(service) -> None:
    say(service, "Hola", LUCIA)
    say(service, "¿dónde está mi pedido ORD-810101?", LUCIA)

    asked = say(service, "quiero cambiar la dirección de entrega", LUCIA)

    assert asked.reply.text == ES.render("change.ask_address", order_id="ORD-810101")


def test_an_address_on_several_lines_is_kept_as_written_on_one(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")

    read_back = say(service, "Flat 2, 14 Rose Street\nEdinburgh  EH2 2PR\n")
    say(service, "yes")

    assert "Flat 2, 14 Rose Street, Edinburgh EH2 2PR" in read_back.reply.text
    assert orders.get("ORD-710100").shipping_address == "Flat 2, 14 Rose Street, Edinburgh EH2 2PR"


def test_an_address_too_long_for_a_label_is_asked_again(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")

    again = say(service, "Calle Mayor 5, " + "Edificio Azul " * (MAX_ADDRESS_LENGTH // 14) + "Madrid")
    read_back = say(service, NEW_ADDRESS)

    assert again.reply.text == EN.render("change.address_again", order_id="ORD-710100")
    assert read_back.reply.text == EN.render("change.confirm_address", order_id="ORD-710100", address=NEW_ADDRESS)
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS


def test_a_no_keeps_the_address(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")
    say(service, NEW_ADDRESS)

    kept = say(service, "no")

    assert kept.reply.text == EN.render("change.address_kept", order_id="ORD-710100")
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS


def test_another_request_instead_of_an_address_leaves_the_change(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")

    other = say(service, "what's your returns policy?")
    after = say(service, "yes")

    assert other.intent is not Intent.CHANGE_ORDER
    assert EN.render("change.confirm_address", order_id="ORD-710100", address="what's your returns policy?") not in (
        other.reply.text
    )
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS
    assert after.reply is None or EN.render("change.address_done", order_id="ORD-710100", address="") not in (
        after.reply.text
    )


def test_a_shipment_between_the_read_back_and_the_yes_is_explained_not_overwritten(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")
    say(service, NEW_ADDRESS)
    orders.items["ORD-710100"] = replace(orders.items["ORD-710100"], status=OrderStatus.SHIPPED)

    turn = say(service, "yes")

    assert turn.reply.text == EN.sentences(
        [EN.render("order.shipped", order_id="ORD-710100"), EN.render("change.left_meanwhile")]
    )
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS
    assert orders.get("ORD-710100").status is OrderStatus.SHIPPED


def test_after_a_shipment_in_between_a_person_gets_the_new_address_on_a_yes(service, orders, conversations) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")
    say(service, NEW_ADDRESS)
    orders.items["ORD-710100"] = replace(orders.items["ORD-710100"], status=OrderStatus.SHIPPED)
    say(service, "yes")

    handed = say(service, "yes")

    assert handed.handoff == "change_order"
    assert EN.render("handoff.started") in handed.reply.text
    assert brief_of(conversations, EMILY) == {
        "order_id": "ORD-710100", "status": "shipped", "change": "delivery_address", "address": NEW_ADDRESS,
    }  # fmt: skip


# --- orders a carrier already has ----------------------------------------------------------------------------------


def test_a_shipped_order_says_where_it_is_and_offers_a_person(service, orders, conversations) -> None:
    say(service, "hi", BOB)

    turn = say(service, "I need to change the delivery address for ORD-910100", BOB)

    assert turn.reply.text == EN.sentences(
        [EN.render("order.shipped", order_id="ORD-910100"), EN.render("change.on_its_way")]
    )
    assert [c.id for c in turn.reply.choices] == ["confirm:yes", "confirm:no"]
    handed = say(service, "yes please", BOB)
    assert handed.handoff == "change_order"
    assert brief_of(conversations, BOB) == {"order_id": "ORD-910100", "status": "shipped", "change": "delivery_address"}


def test_a_shipped_order_and_no_person_wanted_ends_there(service) -> None:
    say(service, "hi", BOB)
    say(service, "I need to change the delivery address for ORD-910100", BOB)

    turn = say(service, "no", BOB)

    assert turn.handoff is None and turn.reply.text == EN.render("flow.stopped")


def test_a_delivered_order_is_offered_a_return(service) -> None:
    say(service, "hi", BOB)

    turn = say(service, "can I change the delivery address of ORD-910101?", BOB)

    assert turn.reply.text == EN.sentences(
        [EN.render("order.delivered", order_id="ORD-910101"), EN.render("change.delivered")]
    )
    assert [c.id for c in turn.reply.choices] == ["intent:return_refund"]


def test_someone_elses_order_is_not_found_and_untouched(service, orders) -> None:
    say(service, "hi")

    turn = say(service, "change the delivery address of ORD-810100")

    assert turn.reply.text == EN.render("order.not_found", order_id="ORD-810100")
    assert orders.get("ORD-810100").shipping_address == OLD_ADDRESS


def test_with_no_open_order_there_is_nothing_to_change(orders, conversations) -> None:
    nobody = customer(name="Ana Ruiz", phone="34699000111", language="es")
    service = conversation_service(customers=InMemoryCustomers([nobody]), orders=orders,
                                   conversations=conversations, clock=lambda: TODAY)  # fmt: skip
    say(service, "Hola", nobody)

    turn = say(service, "quiero cambiar la dirección de entrega de mi pedido", nobody)

    assert turn.reply.text == ES.render("change.none")


# --- items, sizes, colours, quantities, dates: a person does them ------------------------------------------------


def test_a_change_of_size_goes_to_a_person_with_the_order_and_the_customers_words(service, conversations) -> None:
    say(service, "Hola", LUCIA)
    wish = "¿puedo cambiar la talla de la chaqueta del pedido ORD-810100 a una M?"

    turn = say(service, wish, LUCIA)

    assert turn.intent is Intent.CHANGE_ORDER and turn.handoff == "change_order"
    assert turn.reply.text.startswith(ES.render("change.noted", order_id="ORD-810100"))
    assert ES.render("handoff.started") in turn.reply.text
    assert brief_of(conversations, LUCIA) == {
        "order_id": "ORD-810100", "status": "placed", "change": "other", "request": wish,
    }  # fmt: skip


def test_a_change_not_said_yet_is_asked_for_and_handed_over_in_the_customers_words(service, conversations) -> None:
    say(service, "hi")
    asked = say(service, "I'd like to make a change to my order")

    assert asked.reply.text == EN.render("change.ask_what", order_id="ORD-710100")

    turn = say(service, "please send 2 pairs of the socks instead of 1, and deliver on Friday")

    assert turn.handoff == "change_order"
    assert (
        brief_of(conversations, EMILY)["request"]
        == "please send 2 pairs of the socks instead of 1, and deliver on Friday"
    )


def test_a_change_asked_for_is_the_address_when_the_customer_says_so(service) -> None:
    say(service, "hi")
    say(service, "I'd like to make a change to my order")

    turn = say(service, "the delivery address")

    assert turn.reply.text == EN.render("change.ask_address", order_id="ORD-710100")


def test_an_unknown_sender_proves_who_they_are_before_anything_changes(service, orders) -> None:
    turn = service.respond(inbound("change the delivery address of ORD-710100", sender="447700900999"))

    assert turn.reply.text.endswith(EN.render("verify.ask_email"))
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS


def test_never_mind_while_asked_for_the_address_changes_nothing(service, orders) -> None:
    say(service, "hi")
    say(service, "change the delivery address of ORD-710100")

    turn = say(service, "never mind")
    after = say(service, NEW_ADDRESS)

    assert turn.reply.text == EN.render("flow.stopped")
    assert orders.get("ORD-710100").shipping_address == OLD_ADDRESS
    assert after.reply is None or NEW_ADDRESS not in after.reply.text
