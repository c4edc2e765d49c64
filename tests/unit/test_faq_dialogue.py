"""Questions about the business's policies are recognised as such and answered honestly until the knowledge base
answers them: not here yet, and a person one tap away. "Can I pay with PayPal?" is one of them, in every language: it
used to be answered "you have nothing to pay", and then asked for a rating."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryInvoices, InMemoryOrders
from parley.channels.model import MessageKind
from parley.domain.records import Customer, Invoice, InvoiceStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, languages_taught
from support.factories import customer, inbound

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN = CATALOGS["en"]
STRANGER = "447700900123"
POLICY = {
    "en": "what is your returns policy?",
    "es": "¿cuál es su política de devoluciones?",
    "pt": "qual é a política de devolução de vocês?",
    "fr": "quelle est votre politique de retour ?",
    "de": "wie sind Ihre Rückgaberegeln?",
    "it": "qual è la vostra politica di reso?",
    "hi": "आपकी रिटर्न पॉलिसी क्या है?",
    "id": "bagaimana kebijakan pengembalian barang di toko ini?",
    "ar": "ما هي سياسة الإرجاع لديكم؟",
    "tr": "iade politikanız nedir?",
    "ru": "какие у вас условия возврата?",
    "zh": "你们的退货政策是什么？",
}
PAYPAL = {
    "en": "can I pay with PayPal?",
    "es": "¿puedo pagar con PayPal?",
    "pt": "posso pagar com PayPal?",
    "fr": "est-ce que je peux payer avec PayPal ?",
    "de": "kann ich mit PayPal bezahlen?",
    "it": "posso pagare con PayPal?",
    "hi": "क्या मैं PayPal से भुगतान कर सकता हूँ?",
    "id": "apakah saya bisa bayar pakai PayPal?",
    "ar": "هل يمكنني الدفع عن طريق PayPal؟",
    "tr": "PayPal ile ödeme yapabilir miyim?",
    "ru": "можно оплатить через PayPal?",
    "zh": "可以用PayPal付款吗？",
}


def paid(owner: Customer) -> Invoice:
    return Invoice("INV-2026-0811", owner.customer_id, datetime(2026, 11, 1, tzinfo=UTC), Decimal("19.00"),
                   InvoiceStatus.PAID, currency="USD")  # fmt: skip


def shop(who: Customer):
    return conversation_service(
        customers=InMemoryCustomers([who]), orders=InMemoryOrders([]), conversations=InMemoryConversations(),
        invoices=InMemoryInvoices([paid(who)]), clock=lambda: NOW,
    )  # fmt: skip


@pytest.mark.parametrize("language", languages_taught(Intent.FAQ))
def test_a_policy_question_is_answered_honestly_with_a_person_one_tap_away(language: str) -> None:
    who = customer(name="Kim Lee", language=language)
    service = shop(who)
    catalog = CATALOGS[language]

    turn = service.respond(inbound(POLICY[language], sender=who.phone))

    assert turn.intent is Intent.FAQ
    assert turn.reply.text.endswith(catalog.render("faq.unavailable"))
    [person] = turn.reply.choices
    assert person.title == catalog.render("choice.talk_to_person")
    assert not turn.rating_requested and turn.handoff is None
    tapped = service.respond(inbound("", sender=who.phone, kind=MessageKind.BUTTON_REPLY, payload=person.id))
    assert tapped.handoff == "faq"


@pytest.mark.parametrize("language", sorted(CATALOGS.languages))
def test_can_i_pay_with_paypal_is_a_question_about_the_shop_not_about_what_is_owed(language: str) -> None:
    who = customer(name="Kim Lee", language=language)
    service = shop(who)
    catalog = CATALOGS[language]

    turn = service.respond(inbound(PAYPAL[language], sender=who.phone))

    assert turn.intent is Intent.FAQ
    assert turn.reply.text.endswith(catalog.render("faq.unavailable"))
    assert catalog.render("invoice.nothing_due") not in turn.reply.text
    assert catalog.render("csat.ask") not in turn.reply.text and not turn.rating_requested


def test_the_quoted_paypal_question_gets_no_nothing_to_pay_and_no_rating() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily)
    service.respond(inbound("hello", sender=emily.phone))

    turn = service.respond(inbound("can I pay with PayPal?", sender=emily.phone))

    assert turn.reply.text == EN.render("faq.unavailable")
    assert not turn.rating_requested


def test_a_failed_paypal_payment_is_still_a_payment_question() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily)
    service.respond(inbound("hello", sender=emily.phone))

    turn = service.respond(inbound("my PayPal payment was declined", sender=emily.phone))

    assert turn.intent is Intent.PAYMENT
    assert EN.render("payment.no_failure") in turn.reply.text


def test_a_sender_not_on_file_asking_which_payments_are_accepted_is_not_asked_to_prove_who_they_are() -> None:
    service = shop(customer(name="Emily Carter", phone="14155550123", language="en"))

    turn = service.respond(inbound("can I pay with PayPal?", sender=STRANGER))

    assert EN.render("verify.ask") not in turn.reply.text
    assert turn.reply.text.endswith(EN.render("faq.unavailable"))
