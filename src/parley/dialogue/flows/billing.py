"""Invoices and payments: what is due and by when, one invoice by its number, the pay link, why a payment failed,
and where to change the payment method. The links are configuration (dialogue.ports.BillingLinks)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from babel.numbers import format_decimal

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice, Link
from parley.dialogue.answers import mentions
from parley.dialogue.flow import Ask, Flow, FlowStep, customer_of, present, register
from parley.dialogue.ports import BillingLinks, DialoguePorts
from parley.domain.records import Customer, Invoice, InvoiceStatus
from parley.domain.rules import OPEN_INVOICE
from parley.i18n import Catalog
from parley.nlu.entities import find_invoice_id
from parley.nlu.intents import Intent

FLOW = "billing"
WHICH_INVOICE = "which_invoice"
# The payload of an invoice choice: a tap names the invoice to pay.
INVOICE_PAYLOAD = "invoice:"
# Payment providers' codes for a failed payment that have their own sentence in every catalog
# ("payment.reason.<code>"); any other code gets the general one, and no code is ever shown as it is.
FAILURE_REASONS = frozenset(
    {
        "card_declined",
        "insufficient_funds",
        "expired_card",
        "incorrect_cvc",
        "processing_error",
        "authentication_required",
    }
)
_BULLET = "• "
_NUMBER = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


class Wish(StrEnum):
    """What a payment request is about, read from the catalog's words (the intent model only says "payment")."""

    FAILED = "payment_failed"
    METHOD = "payment_method"


@register
class Billing(Flow):
    name = FLOW
    intents = (Intent.INVOICE, Intent.PAYMENT)
    needs_customer = True
    uses = ("invoices",)  # and the deployment's billing links, when configured

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._invoices = present(ports.invoices, "invoices")
        self._links = ports.billing_links or BillingLinks()

    def start(self, ask: Ask) -> FlowStep:
        customer = customer_of(ask)
        # Invoice numbers are never translated: the customer's own words have it as they typed it.
        named = find_invoice_id(ask.message.text) or find_invoice_id(ask.text)
        if named:
            invoice = self._invoices.get(named, customer.customer_id)
            if invoice is None:
                # Someone else's invoice and a missing one get the same answer.
                return FlowStep(ask.catalog.render("invoice.not_found", invoice_id=named))
            if ask.intent is Intent.PAYMENT and invoice.status in OPEN_INVOICE:
                return self._pay(ask, invoice)
            return self._shown(ask, invoice)
        if ask.intent is Intent.PAYMENT:
            return self._payment(ask, customer)
        return self._statement(ask, customer)

    def resume(self, ask: Ask) -> FlowStep | None:
        """The invoice the customer picked to pay: a tapped choice, its number in the list, or its id typed."""
        if ask.step != WHICH_INVOICE:
            return None
        offered = ask.slots.get("invoices", "").split()
        payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
        number = _NUMBER.match(ask.message.text)
        if payload.startswith(INVOICE_PAYLOAD):
            wanted: str | None = payload.removeprefix(INVOICE_PAYLOAD)
        elif number and 1 <= int(number.group(1)) <= len(offered):
            wanted = offered[int(number.group(1)) - 1]
        else:
            wanted = find_invoice_id(ask.message.text)
        if not wanted:
            return None
        invoice = self._invoices.get(wanted, customer_of(ask).customer_id)
        if invoice is None:
            return FlowStep(ask.catalog.render("invoice.not_found", invoice_id=wanted))
        return self._pay(ask, invoice) if invoice.status in OPEN_INVOICE else self._shown(ask, invoice)

    # ---------------------------------------------------------------------------------------------- invoices

    def _statement(self, ask: Ask, customer: Customer) -> FlowStep:
        """What is due and by when; with nothing due, the latest invoice."""
        catalog = ask.catalog
        due = _by_due_date(self._invoices.open_for_customer(customer.customer_id))
        if len(due) == 1:
            return self._shown(ask, due[0])
        if due:
            lines = [self._line(catalog, invoice, ask.now, with_url=True) for invoice in due]
            total = catalog.render("invoice.total", amount=_total(catalog, due))
            return FlowStep("\n".join([catalog.render("invoice.several"), *lines, total]), completed=True)
        latest = self._invoices.for_customer(customer.customer_id, limit=1)
        if not latest:
            return FlowStep(catalog.render("invoice.none"), completed=True)
        text = catalog.sentences([catalog.render("invoice.nothing_due"), _latest(catalog, latest[0], ask.now)])
        return FlowStep(text, link=_link(latest[0].url, catalog.render("invoice.view")), completed=True)

    def _shown(self, ask: Ask, invoice: Invoice) -> FlowStep:
        catalog = ask.catalog
        link = _link(invoice.url, catalog.render("invoice.view"))
        return FlowStep(describe(catalog, invoice, ask.now), link=link, completed=True)

    @staticmethod
    def _line(catalog: Catalog, invoice: Invoice, now: datetime, *, with_url: bool) -> str:
        """One invoice of a list; its page's URL under it (a reply has room for one link button only)."""
        link = _link(invoice.url, catalog.render("invoice.view")) if with_url else None
        return _BULLET + describe(catalog, invoice, now) + (f"\n{link.url}" if link else "")

    # ---------------------------------------------------------------------------------------------- payments

    def _payment(self, ask: Ask, customer: Customer) -> FlowStep:
        """Why a payment failed, the payment-method link, or (by default) the pay link for what is due."""
        catalog = ask.catalog
        wish = _wish(ask)
        if wish is Wish.METHOD:
            return self._method(ask, customer)
        due = _by_due_date(self._invoices.open_for_customer(customer.customer_id))
        before: list[str] = []
        if wish is Wish.FAILED:
            failed = next((i for i in due if i.payment_failure_reason), None)
            if failed is not None:
                return self._failure(ask, failed)
            before.append(catalog.render("payment.no_failure"))
        if not due:
            method = self._method(ask, customer)
            text = catalog.sentences([*before, catalog.render("invoice.nothing_due"), method.text])
            return FlowStep(text, link=method.link, completed=True)
        if len(due) == 1:
            return self._pay(ask, due[0], before)
        lines = [self._line(catalog, invoice, ask.now, with_url=False) for invoice in due]
        return FlowStep(
            "\n".join([catalog.sentences([*before, catalog.render("payment.which")]), *lines]),
            choices=tuple(
                Choice(f"{INVOICE_PAYLOAD}{i.invoice_id}", i.invoice_id, description=_amount(catalog, i), verbatim=True)
                for i in due
            ),
            flow=FLOW,
            step=WHICH_INVOICE,
            slots={"invoices": " ".join(i.invoice_id for i in due)},
        )

    def _pay(self, ask: Ask, invoice: Invoice, before: Iterable[str] = ()) -> FlowStep:
        catalog = ask.catalog
        link = _link(self._links.pay(invoice, _language(catalog)), catalog.render("payment.pay"))
        how = catalog.render("payment.pay_link" if link else "payment.pay_elsewhere")
        text = catalog.sentences([*before, describe(catalog, invoice, ask.now), how])
        return FlowStep(text, link=link, completed=True)

    def _failure(self, ask: Ask, invoice: Invoice) -> FlowStep:
        catalog = ask.catalog
        code = (invoice.payment_failure_reason or "").strip().lower()
        reason = f"payment.reason.{code}" if code in FAILURE_REASONS else "payment.reason.other"
        link = _link(self._links.pay(invoice, _language(catalog)), catalog.render("payment.pay"))
        text = catalog.sentences(
            [
                catalog.render("payment.failed", invoice_id=invoice.invoice_id, amount=_amount(catalog, invoice)),
                catalog.render(reason),
                catalog.render("payment.retry" if link else "payment.pay_elsewhere"),
            ]
        )
        return FlowStep(text, link=link, completed=True)

    def _method(self, ask: Ask, customer: Customer) -> FlowStep:
        catalog = ask.catalog
        link = _link(self._links.method(customer, _language(catalog)), catalog.render("payment.method_label"))
        text = catalog.render("payment.method" if link else "payment.method_account")
        return FlowStep(text, link=link, completed=True)


def describe(catalog: Catalog, invoice: Invoice, now: datetime) -> str:
    """One sentence on an invoice: what it is for, whether and by when it is to be paid."""
    values = {"invoice_id": invoice.invoice_id, "amount": _amount(catalog, invoice)}
    if invoice.status in {InvoiceStatus.PAID, InvoiceStatus.VOID}:
        return catalog.render(f"invoice.{invoice.status.value}", date=catalog.date(invoice.issued_at.date()), **values)
    # The data may still say "open" the day after the due date: the customer hears that it is overdue.
    overdue = invoice.status is InvoiceStatus.OVERDUE or (invoice.due_at is not None and _aware(invoice.due_at) < now)
    key = "invoice.overdue" if overdue else "invoice.due"
    if invoice.due_at is None:
        return catalog.render(f"{key}_undated", **values)
    return catalog.render(key, date=catalog.date(invoice.due_at.date()), **values)


def _latest(catalog: Catalog, invoice: Invoice, now: datetime) -> str:
    if invoice.status is InvoiceStatus.PAID:
        return catalog.render(
            "invoice.latest",
            invoice_id=invoice.invoice_id,
            date=catalog.date(invoice.issued_at.date()),
            amount=_amount(catalog, invoice),
        )
    return describe(catalog, invoice, now)


def _by_due_date(invoices: list[Invoice]) -> list[Invoice]:
    """The one due soonest (or overdue longest) first; those without a due date last."""
    return sorted(invoices, key=lambda i: (i.due_at is None, _aware(i.due_at) if i.due_at else datetime.min))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _amount(catalog: Catalog, invoice: Invoice) -> str:
    return _money(catalog, invoice.amount, invoice.currency)


def _money(catalog: Catalog, amount: Decimal, currency: str | None) -> str:
    if currency:
        return catalog.money(amount, currency)
    return str(format_decimal(amount, format="#,##0.00", locale=catalog.format_locale or catalog.language))


def _total(catalog: Catalog, invoices: list[Invoice]) -> str:
    """The sum of each currency's invoices ("$38.00 + €9.99"): amounts in different currencies are never added."""
    sums: dict[str | None, Decimal] = {}
    for invoice in invoices:
        sums[invoice.currency] = sums.get(invoice.currency, Decimal(0)) + invoice.amount
    return " + ".join(_money(catalog, amount, currency) for currency, amount in sums.items())


def _language(catalog: Catalog) -> str:
    """The customer's language for a link: the catalog's, or the one an English reply is bound for."""
    return (catalog.format_locale or catalog.language).split("_")[0]


def _link(url: str | None, label: str) -> Link | None:
    """A link to the page, if the data gives a usable one (a malformed url in a CSV must not break the answer)."""
    try:
        return Link(url, label) if url else None
    except ValueError:
        return None


def _wish(ask: Ask) -> Wish | None:
    """A failed payment or a change of payment method, when the customer's words say so (in their language or,
    for a translated message, in English)."""
    for wish in (Wish.FAILED, Wish.METHOD):
        if mentions(ask.message.text, ask.catalog, wish.value) or mentions(ask.text, ask.catalog, wish.value):
            return wish
    return None
