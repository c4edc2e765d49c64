"""The conversation service with in-memory repositories: what a customer reads in reply."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import Channel, MessageKind
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.language_policy import ConversationLanguage
from parley.domain.records import OrderStatus
from parley.i18n import load_catalogs
from parley.language.detector import LangdetectDetector
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent
from support.dialogue import conversation_service
from support.dialogue import intents as trained_intents
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = load_catalogs()
DETECTOR = LangdetectDetector(CATALOGS.languages)
INTENTS = trained_intents()  # one model per test process: training on every example takes minutes

EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", messenger_psid="6723410987654321", language="es")
EMILY_SHIPPED = order(EMILY, order_id="ORD-104233", carrier="UPS", tracking_number="1Z999AA10123456784",
                      estimated_delivery=date(2026, 11, 27))  # fmt: skip
EMILY_OLD = order(
    EMILY, order_id="ORD-104198", status=OrderStatus.DELIVERED, placed_at=datetime(2026, 10, 30, tzinfo=UTC)
)
LUCIA_ORDER = order(LUCIA, order_id="ORD-200311", status=OrderStatus.OUT_FOR_DELIVERY, carrier="SEUR",
                    tracking_number="SEU4489127736", estimated_delivery=date(2026, 11, 24))  # fmt: skip


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def service(conversations: InMemoryConversations) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA]),
        orders=InMemoryOrders([EMILY_SHIPPED, EMILY_OLD, LUCIA_ORDER]),
        conversations=conversations,
        catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS,
        order_ids=OrderIdFinder(DEFAULT_ORDER_ID_PATTERN),
        clock=lambda: TODAY,
    )


def test_order_status_by_number_gives_status_carrier_tracking_and_date(service):
    turn = service.respond(inbound("When will ORD-104233 arrive?", sender=EMILY.phone))

    text = turn.reply.text
    assert turn.intent is Intent.ORDER_STATUS
    for expected in ("ORD-104233", "shipped", "UPS", "1Z999AA10123456784", "November 27, 2026"):
        assert expected in text


def test_without_a_number_the_customers_open_order_is_described(service):
    text = service.respond(inbound("where is my order?", sender=EMILY.phone)).reply.text

    assert "ORD-104233" in text
    assert "ORD-104198" not in text  # delivered long ago; the open one is what they mean


def test_spanish_customer_gets_spanish_wording_and_dates(service):
    text = service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone)).reply.text

    assert "Su pedido ORD-200311 está en reparto hoy" in text
    assert "SEUR" in text and "SEU4489127736" in text
    assert "24 de noviembre de 2026" in text


def test_the_first_message_greets_by_name_and_later_ones_do_not(service):
    first = service.respond(inbound("where is my order?", sender=EMILY.phone)).reply.text
    second = service.respond(inbound("where is my order?", sender=EMILY.phone)).reply.text

    assert first.startswith("Hi Emily!")
    assert "Emily" not in second


def test_another_customers_order_is_answered_exactly_like_a_missing_one(service):
    service.respond(inbound("hello", sender=LUCIA.phone))
    other = service.respond(inbound("status of ORD-104233 please", sender=LUCIA.phone)).reply.text
    missing = service.respond(inbound("status of ORD-999999 please", sender=LUCIA.phone)).reply.text

    assert "UPS" not in other and "1Z999AA10123456784" not in other and "Emily" not in other
    assert other.replace("ORD-104233", "X") == missing.replace("ORD-999999", "X")


def test_unknown_sender_sees_no_order_details(service):
    text = service.respond(inbound("Where is order ORD-104233?", sender="12025550199")).reply.text

    # They are asked for the email on that order first (tests/unit/test_verification_dialogue.py).
    assert text.endswith(CATALOGS["en"].render("verify.ask_email"))
    assert "UPS" not in text and "1Z999AA10123456784" not in text


def test_messenger_sender_is_found_by_psid(service):
    message = inbound("¿dónde está mi pedido?", sender=LUCIA.messenger_psid, channel=Channel.MESSENGER)

    assert "ORD-200311" in service.respond(message).reply.text


def test_a_follow_up_question_refers_to_the_order_just_discussed(service):
    service.respond(inbound("When will ORD-104198 arrive?", sender=EMILY.phone))

    text = service.respond(inbound("and when will it arrive?", sender=EMILY.phone)).reply.text

    assert "ORD-104198" in text
    assert "ORD-104233" not in text


def test_a_bare_order_number_is_an_order_question(service):
    turn = service.respond(inbound("ord 104233", sender=EMILY.phone))

    assert turn.intent is Intent.ORDER_STATUS
    assert "1Z999AA10123456784" in turn.reply.text


def test_a_short_message_does_not_switch_the_conversations_language(service, conversations):
    service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone))

    turn = service.respond(inbound("ok", sender=LUCIA.phone))

    assert turn.language == "es"
    assert conversations.get(f"whatsapp#{LUCIA.phone}").language == "es"


def test_a_clear_message_in_another_native_language_switches_it(service):
    service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone))

    turn = service.respond(inbound("Actually, can you tell me where my order is?", sender=LUCIA.phone))

    assert turn.language == "en"
    assert "Your order ORD-200311" in turn.reply.text


def test_a_late_delivery_is_acknowledged_rather_than_promised(service):
    late = order(EMILY, order_id="ORD-104300", estimated_delivery=date(2026, 11, 20),
                 placed_at=datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    service.ports.orders.items[late.order_id] = late

    text = service.respond(inbound("where is ORD-104300", sender=EMILY.phone)).reply.text

    assert "was expected on November 20, 2026" in text


def test_a_customer_without_orders_is_told_so(service):
    service.ports.customers.items["NEW"] = customer(customer_id="NEW", phone="14155550999", name="Ann")

    assert "don't see any orders" in service.respond(inbound("where is my order", sender="14155550999")).reply.text


def test_small_talk_as_a_first_message_is_answered_with_the_welcome_alone(service):
    text = service.respond(inbound("ok bye", sender=EMILY.phone)).reply.text

    assert text.startswith("Hi Emily!")
    assert "Goodbye" not in text


def test_a_tapped_order_button_is_answered_from_its_payload_in_the_conversations_language(service):
    service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone))
    emily_order_button = inbound("ORD-104233", sender=LUCIA.phone, kind=MessageKind.BUTTON_REPLY,
                                 payload="order:ORD-104233")  # fmt: skip
    own_order_button = inbound("Order", sender=LUCIA.phone, kind=MessageKind.BUTTON_REPLY, payload="order:ORD-200311")

    other = service.respond(emily_order_button)
    own = service.respond(own_order_button)

    assert other.intent is Intent.ORDER_STATUS and other.confidence == 1.0
    assert "No encuentro" in other.reply.text and "UPS" not in other.reply.text
    assert "Su pedido ORD-200311" in own.reply.text


def test_other_open_orders_are_offered_as_choices_that_lead_straight_to_them(service):
    third = order(
        EMILY, order_id="ORD-104260", status=OrderStatus.PROCESSING, placed_at=datetime(2026, 11, 23, tzinfo=UTC)
    )
    service.ports.orders.items[third.order_id] = third

    reply = service.respond(inbound("where is my order?", sender=EMILY.phone)).reply

    assert "ORD-104260" in reply.text
    assert [(c.id, c.title) for c in reply.choices] == [("order:ORD-104233", "ORD-104233")]


def test_a_photo_without_a_caption_gets_a_helpful_answer_in_the_customers_language(service):
    service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone))

    turn = service.respond(inbound("", sender=LUCIA.phone, kind=MessageKind.IMAGE))

    assert "fotos" in turn.reply.text


def test_a_caption_counts_as_the_customers_words(service):
    turn = service.respond(inbound("where is ORD-104233?", sender=EMILY.phone, kind=MessageKind.IMAGE))

    assert "1Z999AA10123456784" in turn.reply.text


@pytest.mark.parametrize("kind", [MessageKind.REACTION, MessageKind.SYSTEM])
def test_reactions_and_number_changes_get_no_reply(service, kind):
    service.respond(inbound("hello", sender=EMILY.phone))

    assert service.respond(inbound("", sender=EMILY.phone, kind=kind)).reply is None


def test_a_referral_opening_a_conversation_gets_the_welcome_alone(service):
    first = service.respond(inbound("", sender=EMILY.phone, kind=MessageKind.REFERRAL))
    again = service.respond(inbound("", sender=EMILY.phone, kind=MessageKind.REFERRAL))

    assert first.reply.text.startswith("Hi Emily!")
    assert again.reply is None


def test_asking_for_a_named_language_switches_the_conversation_to_it(service, conversations):
    service.respond(inbound("Hola, ¿dónde está mi pedido?", sender=LUCIA.phone))

    switched = service.respond(inbound("¿podemos hablar en inglés?", sender=LUCIA.phone))
    after = service.respond(inbound("ok", sender=LUCIA.phone))

    assert switched.language == "en" and "English" in switched.reply.text
    assert conversations.get(f"whatsapp#{LUCIA.phone}").language == "en"
    assert after.language == "en"


def test_asking_for_another_language_without_naming_one_offers_a_menu_that_switches(service):
    service.respond(inbound("hello", sender=EMILY.phone))

    menu = service.respond(inbound("change language", sender=EMILY.phone)).reply
    tapped = service.respond(inbound("Deutsch", sender=EMILY.phone, kind=MessageKind.LIST_REPLY, payload="lang:de"))

    assert len(menu.choices) == 12 and "lang:de" in {c.id for c in menu.choices}
    assert "Español" in {c.title for c in menu.choices}
    assert tapped.language == "de" and "Deutsch" in tapped.reply.text


def test_an_unknown_spanish_number_writing_ok_is_answered_in_spanish():
    conversations = InMemoryConversations()
    service = conversation_service(
        customers=InMemoryCustomers([]),
        orders=InMemoryOrders([]),
        conversations=conversations,
        catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS,
        order_ids=OrderIdFinder(DEFAULT_ORDER_ID_PATTERN),
        clock=lambda: TODAY,
    )

    turn = service.respond(inbound("ok", sender="34699111222"))

    assert turn.language == "es"
