"""Invoices and payments in conversation: what is due and by when, one invoice by its number (only the customer's own),
the pay link, why a payment failed, and where to change the payment method."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryInvoices, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.ports import BillingLinks
from parley.dialogue.wording import mentions
from parley.domain.records import Customer, Invoice, InvoiceStatus, OrderStatus
from parley.language.protect import Protector
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN = CATALOGS["en"]
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
JONAS = customer(name="Jonas Weber", phone="4915112345678", language="de")
PAY = "https://pay.example.com/{invoice_id}?customer={customer_id}&lang={language}"
METHOD = "https://pay.example.com/wallet/{customer_id}?lang={language}"


def invoice(owner: Customer, invoice_id: str, **overrides: Any) -> Invoice:
    values: dict[str, Any] = {
        "invoice_id": invoice_id,
        "customer_id": owner.customer_id,
        "issued_at": datetime(2026, 11, 1, tzinfo=UTC),
        "due_at": datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC),
        "amount": Decimal("19.00"),
        "currency": "USD",
        "status": InvoiceStatus.OPEN,
        "url": f"https://billing.example.com/i/{invoice_id}",
    }
    values.update(overrides)
    return Invoice(**values)


def service_with(*invoices: Invoice, links: BillingLinks | None = None) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, JONAS]),
        orders=InMemoryOrders([order(EMILY, order_id="ORD-104233", status=OrderStatus.SHIPPED)]),
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
        invoices=InMemoryInvoices(invoices),
        billing_links=links,
    )


def say(service: DialogueEngine, text: str, who: Customer = EMILY, **overrides: Any):
    return service.respond(inbound(text, sender=who.phone or "", **overrides))


def started(*invoices: Invoice, links: BillingLinks | None = None) -> DialogueEngine:
    service = service_with(*invoices, links=links)
    say(service, "hi")
    return service


# ---------------------------------------------------------------------------------------------- invoices


def test_the_open_invoice_says_the_amount_the_due_date_and_links_to_it() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"))

    turn = say(service, "what do I owe at the moment?")

    assert turn.intent is Intent.INVOICE
    assert "INV-2026-0912" in turn.reply.text
    assert "$19.00" in turn.reply.text and "November 30, 2026" in turn.reply.text
    assert "overdue" not in turn.reply.text
    assert turn.reply.link is not None
    assert turn.reply.link.url == "https://billing.example.com/i/INV-2026-0912"
    assert turn.reply.link.label == EN.render("invoice.view")


@pytest.mark.parametrize(
    "status", [InvoiceStatus.OVERDUE, InvoiceStatus.OPEN], ids=["marked overdue", "open past its due date"]
)
def test_an_overdue_invoice_is_said_to_be_overdue(status: InvoiceStatus) -> None:
    late = invoice(EMILY, "INV-2026-0915", status=status, due_at=datetime(2026, 11, 15, tzinfo=UTC))
    service = started(late)

    turn = say(service, "how much is my bill")

    assert "overdue" in turn.reply.text
    assert "November 15, 2026" in turn.reply.text
    assert turn.reply.text == EN.render(
        "invoice.overdue", invoice_id="INV-2026-0915", amount="$19.00", date="November 15, 2026"
    )


def test_several_open_invoices_are_listed_with_their_links_and_the_total() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0912"),
        invoice(EMILY, "INV-2026-0933", amount=Decimal("25.50"), due_at=datetime(2026, 12, 10, tzinfo=UTC)),
        invoice(JONAS, "INV-2026-0940", amount=Decimal("99.00")),
    )

    turn = say(service, "which of my invoices are still unpaid?")

    text = turn.reply.text
    assert "https://billing.example.com/i/INV-2026-0912" in text
    assert "https://billing.example.com/i/INV-2026-0933" in text
    assert text.index("INV-2026-0912") < text.index("INV-2026-0933")  # the one due first, first
    assert EN.render("invoice.total", amount="$44.50") in text
    assert "INV-2026-0940" not in text and "$99.00" not in text


def test_totals_in_different_currencies_are_not_added_up() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0912"),
        invoice(EMILY, "INV-2026-0950", amount=Decimal("9.99"), currency="EUR"),
    )

    turn = say(service, "what do I owe at the moment?")

    assert EN.render("invoice.total", amount="$19.00 + €9.99") in turn.reply.text


def test_with_nothing_due_the_latest_invoice_is_shown_and_nothing_is_owed() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0811", status=InvoiceStatus.PAID, issued_at=datetime(2026, 10, 1, tzinfo=UTC)),
        invoice(EMILY, "INV-2026-0711", status=InvoiceStatus.PAID, issued_at=datetime(2026, 9, 1, tzinfo=UTC)),
    )

    turn = say(service, "what do I owe at the moment?")

    assert turn.reply.text.startswith(EN.render("invoice.nothing_due"))
    assert "INV-2026-0811" in turn.reply.text and "October 1, 2026" in turn.reply.text
    assert "INV-2026-0711" not in turn.reply.text
    assert turn.reply.link is not None and turn.reply.link.url.endswith("/INV-2026-0811")


def test_a_customer_without_invoices_is_told_so() -> None:
    service = started(invoice(JONAS, "INV-2026-0940"))

    turn = say(service, "what do I owe at the moment?")

    assert first_paragraph(turn) == EN.render("invoice.none")


def test_a_named_invoice_is_shown_even_when_paid() -> None:
    service = started(invoice(EMILY, "INV-2026-0811", status=InvoiceStatus.PAID), invoice(EMILY, "INV-2026-0912"))

    turn = say(service, "could you show me invoice inv-2026-0811?")

    assert turn.reply.text == EN.render(
        "invoice.paid", invoice_id="INV-2026-0811", date="November 1, 2026", amount="$19.00"
    )
    assert "INV-2026-0912" not in turn.reply.text


def test_someone_elses_invoice_reads_exactly_like_a_missing_one() -> None:
    service = started(invoice(JONAS, "INV-2026-0940", amount=Decimal("99.00")))

    theirs = say(service, "could you show me invoice INV-2026-0940?")
    missing = say(service, "could you show me invoice INV-2026-0941?")

    assert theirs.reply.text == EN.render("invoice.not_found", invoice_id="INV-2026-0940")
    assert missing.reply.text == EN.render("invoice.not_found", invoice_id="INV-2026-0941")
    assert "$99.00" not in theirs.reply.text and theirs.reply.link is None


def test_an_unknown_sender_proves_who_they_are_before_seeing_an_invoice() -> None:
    service = service_with(invoice(EMILY, "INV-2026-0912"))
    stranger = customer(phone="14155559999")

    asked = say(service, "what do I owe at the moment?", stranger)

    assert asked.reply.text.endswith(EN.render("verify.ask"))
    assert "INV-2026-0912" not in asked.reply.text and "$19.00" not in asked.reply.text
    say(service, "ORD-104233", stranger)
    proven = say(service, "emily@example.com", stranger)

    assert proven.reply.text.startswith(EN.render("verify.done"))
    assert "INV-2026-0912" in proven.reply.text and "$19.00" in proven.reply.text


# ---------------------------------------------------------------------------------------------- payments


def test_the_pay_link_comes_from_the_configured_template() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"), links=BillingLinks(pay_template=PAY))

    turn = say(service, "where can I pay online?")

    assert turn.intent is Intent.PAYMENT
    assert "$19.00" in turn.reply.text
    assert turn.reply.link is not None
    assert turn.reply.link.url == f"https://pay.example.com/INV-2026-0912?customer={EMILY.customer_id}&lang=en"
    assert turn.reply.link.label == EN.render("payment.pay")


def test_without_a_template_the_pay_link_is_the_invoices_own_page() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"))

    turn = say(service, "where can I pay online?")

    assert turn.reply.link is not None and turn.reply.link.url == "https://billing.example.com/i/INV-2026-0912"


def test_an_invoice_without_any_link_is_paid_in_the_account_or_with_a_person() -> None:
    service = started(invoice(EMILY, "INV-2026-0912", url=None))

    turn = say(service, "where can I pay online?")

    assert turn.reply.link is None
    assert EN.render("payment.pay_elsewhere") in turn.reply.text


def test_with_several_invoices_to_pay_the_customer_picks_one_and_gets_its_link() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0912"),
        invoice(EMILY, "INV-2026-0933", amount=Decimal("25.50"), due_at=datetime(2026, 12, 10, tzinfo=UTC)),
        links=BillingLinks(pay_template=PAY),
    )

    which = say(service, "where can I pay online?")

    assert which.reply.text.startswith(EN.render("payment.which"))
    assert [(c.id, c.title, c.verbatim) for c in which.reply.choices] == [
        ("invoice:INV-2026-0912", "INV-2026-0912", True),
        ("invoice:INV-2026-0933", "INV-2026-0933", True),
    ]
    assert which.reply.link is None
    picked = say(service, "INV-2026-0933", kind=MessageKind.BUTTON_REPLY, payload="invoice:INV-2026-0933")

    assert "$25.50" in picked.reply.text
    assert picked.reply.link is not None and "/INV-2026-0933?" in picked.reply.link.url


def test_the_invoice_to_pay_may_be_picked_by_its_number_in_the_list() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0912"),
        invoice(EMILY, "INV-2026-0933", amount=Decimal("25.50"), due_at=datetime(2026, 12, 10, tzinfo=UTC)),
    )
    say(service, "where can I pay online?")

    picked = say(service, "2")

    assert picked.reply.link is not None and picked.reply.link.url.endswith("/INV-2026-0933")


def test_a_tapped_invoice_of_someone_else_is_not_paid_or_shown() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"), invoice(EMILY, "INV-2026-0933"), invoice(JONAS, "INV-2026-0940"))
    say(service, "where can I pay online?")

    forged = say(service, "INV-2026-0940", kind=MessageKind.BUTTON_REPLY, payload="invoice:INV-2026-0940")

    assert forged.reply.text == EN.render("invoice.not_found", invoice_id="INV-2026-0940")
    assert forged.reply.link is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("card_declined", "payment.reason.card_declined"),
        ("insufficient_funds", "payment.reason.insufficient_funds"),
        ("expired_card", "payment.reason.expired_card"),
        ("incorrect_cvc", "payment.reason.incorrect_cvc"),
        ("processing_error", "payment.reason.processing_error"),
        ("authentication_required", "payment.reason.authentication_required"),
        ("do_not_honor", "payment.reason.other"),
    ],
)
def test_why_a_payment_failed_is_explained_in_words_never_as_the_code(code: str, reason: str) -> None:
    service = started(
        invoice(EMILY, "INV-2026-0915", status=InvoiceStatus.OVERDUE, payment_failure_reason=code),
        links=BillingLinks(pay_template=PAY),
    )

    turn = say(service, "my card payment got declined yesterday, why?")

    assert EN.render(reason) in turn.reply.text
    assert code not in turn.reply.text
    assert "INV-2026-0915" in turn.reply.text
    assert turn.reply.link is not None and "/INV-2026-0915?" in turn.reply.link.url  # to try again


def test_a_failed_payment_question_without_a_failure_gets_the_pay_link() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"))

    turn = say(service, "my card payment got declined yesterday, why?")

    assert turn.reply.text.startswith(EN.render("payment.no_failure"))
    assert turn.reply.link is not None and turn.reply.link.url.endswith("/INV-2026-0912")


def test_the_change_payment_method_link_comes_from_the_configured_template() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"), links=BillingLinks(method_template=METHOD))

    turn = say(service, "I'd like to put a different card on my account")

    assert turn.intent is Intent.PAYMENT
    assert turn.reply.text == EN.render("payment.method")
    assert turn.reply.link is not None
    assert turn.reply.link.url == f"https://pay.example.com/wallet/{EMILY.customer_id}?lang=en"


def test_without_a_method_link_the_customer_is_told_where_to_change_it() -> None:
    service = started(invoice(EMILY, "INV-2026-0912"))

    turn = say(service, "I'd like to put a different card on my account")

    assert first_paragraph(turn) == EN.render("payment.method_account")
    assert turn.reply.link is None


def test_with_nothing_to_pay_a_payment_request_offers_the_method_link() -> None:
    service = started(
        invoice(EMILY, "INV-2026-0811", status=InvoiceStatus.PAID), links=BillingLinks(method_template=METHOD)
    )

    turn = say(service, "where can I pay online?")

    assert turn.reply.text == EN.sentences([EN.render("invoice.nothing_due"), EN.render("payment.method")])
    assert turn.reply.link is not None and "/wallet/" in turn.reply.link.url


def test_a_paid_invoice_named_for_payment_is_said_to_be_paid() -> None:
    service = started(invoice(EMILY, "INV-2026-0811", status=InvoiceStatus.PAID), links=BillingLinks(PAY))

    turn = say(service, "I want to pay INV-2026-0811")

    assert turn.reply.text == EN.render(
        "invoice.paid", invoice_id="INV-2026-0811", date="November 1, 2026", amount="$19.00"
    )


def test_invoice_numbers_are_kept_out_of_machine_translation() -> None:
    protected = Protector().protect("Invoice INV-2026-0912 is due. https://billing.example.com/i/INV-2026-0912")

    assert protected.originals == ("INV-2026-0912", "https://billing.example.com/i/INV-2026-0912")


# ---------------------------------------------------------------------------------------------- in every language

# How a customer asks what they owe, and why their payment failed, in each native language's own words.
OWED = {
    "en": "Hi, how much do I still have to pay and by when?",
    "es": "¿Cuánto me falta por pagar y cuándo vence la factura?",
    "pt": "Quanto eu ainda tenho que pagar e qual é o vencimento da fatura?",
    "fr": "Combien est-ce que je dois encore payer, et avant quelle date ?",
    "de": "Wie viel muss ich noch zahlen und bis wann ist die Rechnung fällig?",
    "it": "Quanto devo ancora pagare e quando scade la fattura?",
    "hi": "मुझे कितना बिल भरना है और आखिरी तारीख कब है?",
    "id": "Berapa tagihan saya dan kapan jatuh temponya?",
    "ar": "كم المبلغ المستحق علي في الفاتورة ومتى موعد السداد؟",
    "tr": "Faturamda ne kadar borcum var ve son ödeme tarihi ne zaman?",
    "ru": "Сколько мне нужно заплатить по счёту и до какого числа?",
    "zh": "我的账单还要付多少钱，什么时候到期？",
}
FAILED = {
    "en": "why did my payment fail?",
    "es": "¿Por qué me rechazaron el pago?",
    "pt": "Por que meu pagamento foi recusado?",
    "fr": "Pourquoi mon paiement a-t-il été refusé ?",
    "de": "Warum ist meine Zahlung fehlgeschlagen?",
    "it": "Perché il pagamento non è andato a buon fine?",
    "hi": "मेरा भुगतान फेल क्यों हो गया?",
    "id": "Kenapa pembayaran saya gagal?",
    "ar": "لماذا فشلت عملية الدفع؟",
    "tr": "Ödemem neden reddedildi?",
    "ru": "Почему не прошла оплата?",
    "zh": "为什么我的付款失败了？",
}


def test_every_native_language_is_covered() -> None:
    assert set(OWED) == set(FAILED) == set(CATALOGS.languages)


@pytest.mark.parametrize("language", sorted(OWED))
def test_a_customer_asking_in_their_language_gets_amount_and_due_date_in_their_locale(language: str) -> None:
    catalog = CATALOGS[language]
    who = customer(language=language)
    due = invoice(who, "INV-2026-0915", amount=Decimal("1249.90"), currency="EUR")
    service = conversation_service(
        customers=InMemoryCustomers([who]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
        invoices=InMemoryInvoices([due]),
        billing_links=BillingLinks(pay_template=PAY),
    )
    owed = say(service, OWED[language], who)

    assert (owed.intent, owed.language) == (Intent.INVOICE, language)
    assert catalog.money(Decimal("1249.90"), "EUR") in owed.reply.text
    assert catalog.date(datetime(2026, 11, 30).date()) in owed.reply.text
    assert "INV-2026-0915" in owed.reply.text
    assert owed.reply.link is not None and owed.reply.link.url == due.url
    assert owed.reply.link.label == catalog.render("invoice.view")


@pytest.mark.parametrize("language", sorted(FAILED))
def test_a_customer_asking_why_a_payment_failed_hears_the_reason_in_their_language(language: str) -> None:
    catalog = CATALOGS[language]
    who = customer(language=language)
    failed = invoice(who, "INV-2026-0915", currency="EUR", payment_failure_reason="insufficient_funds")
    service = conversation_service(
        customers=InMemoryCustomers([who]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
        invoices=InMemoryInvoices([failed]),
        billing_links=BillingLinks(pay_template=PAY),
    )
    turn = say(service, FAILED[language], who)

    assert (turn.intent, turn.language) == (Intent.PAYMENT, language)
    assert catalog.render("payment.reason.insufficient_funds") in turn.reply.text
    assert "insufficient_funds" not in turn.reply.text
    assert turn.reply.link is not None
    assert turn.reply.link.url == f"https://pay.example.com/INV-2026-0915?customer={who.customer_id}&lang={language}"


@pytest.mark.parametrize("said", ["我想换一张银行卡付款", "能换信用卡付吗", "我想用另一张卡付款"])
def test_another_card_said_in_chinese_asks_to_change_the_payment_method(said: str) -> None:
    assert mentions(said, CATALOGS["zh"], "payment_method")
