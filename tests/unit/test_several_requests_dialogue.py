"""Several requests in one message, each answered, in every native language: an order's status and the last invoice
in one reply; an order's status and then "shall I cancel it?", the question last whatever its place in the message;
a second question waiting until the first is settled; a person taking over after the answers; a sender not on file
proving who they are last; and analytics seeing each request."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from fakes import (
    InMemoryConversations,
    InMemoryCustomers,
    InMemoryInvoices,
    InMemoryMessageLog,
    InMemoryOrders,
    InMemoryProducts,
)
from parley.analytics.recording import turn_events
from parley.dialogue.outbox import decode_turn, encode_turn
from parley.domain.records import Customer, Invoice, InvoiceStatus, OrderStatus
from parley.nlu.intents import Intent
from parley.privacy.pseudonyms import Names
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order, product

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)

WHERE_AND_INVOICE = {
    "en": "where is my order ORD-310006 and can I also get my last invoice?",
    "es": "¿Dónde está mi pedido ORD-310006? Y además, ¿me pueden enviar mi última factura?",
    "pt": "Onde está meu pedido ORD-310006? E também preciso da minha última fatura",
    "fr": "Où en est ma commande ORD-310006 ? Et aussi, pouvez-vous m'envoyer ma dernière facture ?",
    "de": "Wo ist meine Bestellung ORD-310006? Und außerdem hätte ich gern meine letzte Rechnung",
    "it": "Dov'è il mio ordine ORD-310006? E mi mandate anche l'ultima fattura?",
    "hi": "मेरा ऑर्डर ORD-310006 कहाँ है? और मुझे मेरा पिछला इनवॉइस भेज दीजिए",
    "id": "Pesanan saya ORD-310006 sudah sampai mana? Dan juga minta tagihan terakhir saya",
    "ar": "أين طلبي ORD-310006؟ وكمان أرسلوا لي آخر فاتورة",
    "tr": "ORD-310006 numaralı siparişim nerede? Ayrıca son faturamı da gönderir misiniz?",
    "ru": "Где мой заказ ORD-310006? И также пришлите, пожалуйста, мой последний счёт",
    "zh": "我的订单ORD-310006到哪里了？另外请把我最近的发票发给我",
}
WHERE_AND_CANCEL = {
    "en": "Where is my order ORD-310006, and can you cancel it?",
    "es": "¿Dónde está mi pedido ORD-310006? Y también quiero cancelar el pedido",
    "pt": "Onde está meu pedido ORD-310006? E também quero cancelar esse pedido",
    "fr": "Où en est ma commande ORD-310006 ? Et aussi, je veux l'annuler",
    "de": "Wo ist meine Bestellung ORD-310006? Und außerdem möchte ich sie stornieren",
    "it": "Dov'è il mio ordine ORD-310006? E vorrei anche annullare l'ordine",
    "hi": "मेरा ऑर्डर ORD-310006 कहाँ है? और मुझे यह ऑर्डर रद्द करना है",
    "id": "Pesanan saya ORD-310006 sudah sampai mana? Dan juga tolong batalkan pesanan itu",
    "ar": "أين طلبي ORD-310006؟ وكمان أريد إلغاء الطلب",
    "tr": "ORD-310006 siparişim nerede? Ayrıca siparişi iptal etmek istiyorum",
    "ru": "Где мой заказ ORD-310006? И ещё я хочу отменить этот заказ",
    "zh": "我的订单ORD-310006到哪里了？另外我想取消这个订单",
}
YES = {
    "en": "yes", "es": "sí", "pt": "sim", "fr": "oui", "de": "ja", "it": "sì", "hi": "हाँ", "id": "ya",
    "ar": "نعم", "tr": "evet", "ru": "да", "zh": "是的",
}  # fmt: skip


def invoice(owner: Customer) -> Invoice:
    return Invoice(
        invoice_id="INV-2026-0912", customer_id=owner.customer_id, issued_at=datetime(2026, 11, 1, tzinfo=UTC),
        due_at=datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), amount=Decimal("19.00"), currency="USD",
        status=InvoiceStatus.OPEN, url="https://billing.example.com/i/INV-2026-0912",
    )  # fmt: skip


class Shop:
    def __init__(self, language: str = "en", *, known: bool = True) -> None:
        self.kim = customer(name="Kim Lee", language=language, email=f"kim.{language}@example.com")
        earlier = datetime(2026, 11, 2, tzinfo=UTC)
        self.orders = InMemoryOrders([
            order(self.kim, order_id="ORD-310006", status=OrderStatus.PROCESSING),
            order(self.kim, order_id="ORD-310007", status=OrderStatus.PROCESSING, placed_at=earlier),
        ])  # fmt: skip
        conversations = InMemoryConversations()
        self.log = InMemoryMessageLog(conversations)
        self.service = conversation_service(
            customers=InMemoryCustomers([self.kim]), orders=self.orders, conversations=conversations,
            message_log=self.log, invoices=InMemoryInvoices([invoice(self.kim)]), clock=lambda: NOW,
            products=InMemoryProducts([product("SKU-LMP-OAK", "Fjord Desk Lamp", price="49.00", color="oak")]),
        )  # fmt: skip
        self.sender = self.kim.phone if known else "34699000111"

    def say(self, text: str, **overrides: Any):
        return self.service.respond(inbound(text, sender=self.sender, **overrides))


def requests_of(turn) -> list[Intent]:
    return [request.intent for request in turn.flows.requests]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_order_question_and_an_invoice_request_are_both_answered_in_order(language):
    shop = Shop(language)

    turn = shop.say(WHERE_AND_INVOICE[language])

    text = turn.reply.text
    assert "ORD-310006" in text and "INV-2026-0912" in text
    assert text.index("ORD-310006") < text.index("INV-2026-0912")
    assert requests_of(turn) == [Intent.ORDER_STATUS, Intent.INVOICE]
    assert turn.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_order_question_and_a_cancellation_answer_first_and_ask_last_then_cancel_on_yes(language):
    shop = Shop(language)
    catalog = CATALOGS[language]

    turn = shop.say(WHERE_AND_CANCEL[language])

    status, question = turn.reply.text.split("\n\n")[-2:]
    assert "ORD-310006" in status
    assert question == catalog.render("order.cancel_confirm", order_id="ORD-310006")
    assert [c.id for c in turn.reply.choices] == ["confirm:yes", "confirm:no"]
    assert requests_of(turn) == [Intent.ORDER_STATUS, Intent.CANCEL_ORDER]

    done = shop.say(YES[language])

    assert done.reply.text.startswith(catalog.render("order.cancel_done", order_id="ORD-310006"))
    assert shop.orders.items["ORD-310006"].status is OrderStatus.CANCELLED
    assert shop.orders.items["ORD-310007"].status is OrderStatus.PROCESSING


def test_the_question_comes_last_whatever_its_place_in_the_message_and_each_order_number_stays_with_its_request():
    shop = Shop()
    en = CATALOGS["en"]

    turn = shop.say("Please cancel my order ORD-310007. Also, where is my order ORD-310006?")

    *answers, question = turn.reply.text.split("\n\n")
    assert "ORD-310006" in answers[-1] and "ORD-310007" not in answers[-1]
    assert question == en.render("order.cancel_confirm", order_id="ORD-310007")
    assert requests_of(turn) == [Intent.ORDER_STATUS, Intent.CANCEL_ORDER]  # in the order answered
    shop.say("yes")
    assert shop.orders.items["ORD-310007"].status is OrderStatus.CANCELLED
    assert shop.orders.items["ORD-310006"].status is OrderStatus.PROCESSING


def test_a_second_question_waits_until_the_first_is_settled_and_is_then_asked():
    shop = Shop()
    en = CATALOGS["en"]

    turn = shop.say("I want to cancel order ORD-310006 and also delete all my personal data")

    *_, later, question = turn.reply.text.split("\n\n")
    assert later == en.render("request.later", request=en.render("request.delete_data"))
    assert question == en.render("order.cancel_confirm", order_id="ORD-310006")
    assert requests_of(turn) == [Intent.CANCEL_ORDER]  # the waiting one is counted when Parley comes to it

    after = shop.say("yes")

    cancelled, erase = after.reply.text.split("\n\n")
    assert cancelled == en.render("order.cancel_done", order_id="ORD-310006")
    assert erase == en.render("privacy.confirm")
    assert [c.id for c in after.reply.choices] == ["confirm:yes", "confirm:no"]
    assert requests_of(after) == [Intent.DELETE_DATA]


def test_a_no_to_the_first_question_still_brings_the_waiting_request():
    shop = Shop()
    en = CATALOGS["en"]
    shop.say("I want to cancel order ORD-310006 and also delete all my personal data")

    after = shop.say("no")

    assert after.reply.text.split("\n\n") == [
        en.render("order.cancel_kept", order_id="ORD-310006"), en.render("privacy.confirm"),
    ]  # fmt: skip


@pytest.mark.parametrize("instead", ["never mind", "how much is the desk lamp?"])
def test_never_mind_or_a_new_request_instead_of_the_answer_drops_what_was_waiting(instead):
    shop = Shop()
    en = CATALOGS["en"]
    shop.say("I want to cancel order ORD-310006 and also delete all my personal data")

    shop.say(instead)
    after = shop.say("yes")

    assert en.render("privacy.confirm") not in (after.reply.text if after.reply else "")
    assert shop.orders.items["ORD-310006"].status is OrderStatus.PROCESSING


def test_a_person_taking_over_comes_after_the_answers():
    shop = Shop()
    en = CATALOGS["en"]

    turn = shop.say("Where is my order ORD-310006? And I want to talk to a real person please")

    assert turn.handoff == "asked"
    *_, status, handing_over = turn.reply.text.split("\n\n")
    assert "ORD-310006" in status
    assert handing_over == en.render("handoff.started")
    assert requests_of(turn) == [Intent.ORDER_STATUS, Intent.HUMAN_AGENT]


def test_a_sender_not_on_file_gets_the_product_answer_first_and_proves_who_they_are_last_then_gets_the_order():
    shop = Shop(known=False)
    en = CATALOGS["en"]

    turn = shop.say("Is the Fjord Desk Lamp in stock? And where is my order ORD-310006?")

    *answers, proof = turn.reply.text.split("\n\n")
    assert "Fjord Desk Lamp" in answers[-1]
    assert "ORD-310006" not in turn.reply.text.replace(proof, "")
    assert proof == en.render("verify.ask_email")

    proven = shop.say(f"ORD-310006 {shop.kim.email}")

    assert "ORD-310006" in proven.reply.text
    assert en.render("verify.done") in proven.reply.text


def test_analytics_sees_each_request_in_the_order_answered_with_the_flow_it_opened():
    shop = Shop()

    turn = shop.say(WHERE_AND_CANCEL["en"])
    names = Names("c" * 16, "d" * 16)
    events = turn_events(inbound("x"), turn, names, answered_ms=1)

    recognised = [(e.intent, e.flow) for e in events if e.type.value == "intent_recognised"]
    assert recognised == [("order_status", ""), ("cancel_order", "cancel_order")]
    assert all(0.85 <= e.confidence <= 1.0 for e in events if e.type.value == "intent_recognised")


def test_a_reply_to_several_requests_survives_the_outbox_whole():
    turn = Shop().say(WHERE_AND_INVOICE["en"])

    assert decode_turn(encode_turn(turn)) == turn
