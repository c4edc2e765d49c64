"""What the dialogue engine is given, in one bundle: the stores of the business's data and the deployment's
settings. A store left None is data this deployment lacks: the flows that use it are left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from urllib.parse import quote

from parley.domain.office_hours import OfficeHours
from parley.domain.ports import (
    ConversationRepository,
    CustomerRepository,
    InvoiceRepository,
    MessageLog,
    OrderRepository,
    ProductCatalog,
    ProofAttempts,
    ReturnRepository,
    SubscriptionRepository,
)
from parley.domain.proof_limits import ProofLimits
from parley.domain.records import Customer, Invoice
from parley.domain.rules import DEFAULT_RETURN_WINDOW_DAYS
from parley.privacy.rights import Forgets
from parley.support.account_help import AccountHelp, load_account_help
from parley.support.guides import Guides, load_guides


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BillingLinks:
    """Where a customer pays an invoice and changes their payment method: URL templates from configuration, whose
    placeholders config.py has checked. No pay template: the invoice's own url. No method template: no link."""

    pay_template: str = ""
    method_template: str = ""

    def pay(self, invoice: Invoice, language: str) -> str | None:
        if not self.pay_template:
            return invoice.url
        return self.pay_template.format(
            invoice_id=quote(invoice.invoice_id, safe=""),
            customer_id=quote(invoice.customer_id, safe=""),
            language=quote(language, safe=""),
        )

    def method(self, customer: Customer, language: str) -> str | None:
        if not self.method_template:
            return None
        return self.method_template.format(
            customer_id=quote(customer.customer_id, safe=""), language=quote(language, safe="")
        )


@dataclass(frozen=True)
class DialoguePorts:
    customers: CustomerRepository
    orders: OrderRepository
    conversations: ConversationRepository
    clock: Callable[[], datetime] = utc_now
    # With a message log, a turn's state and messages are saved in one write; a customer's erasure needs it.
    message_log: MessageLog | None = None
    returns: ReturnRepository | None = None
    invoices: InvoiceRepository | None = None
    subscriptions: SubscriptionRepository | None = None
    products: ProductCatalog | None = None
    pseudonyms: Forgets | None = None  # analytics keys, forgotten with an erased customer
    guides: Guides = field(default_factory=load_guides)
    account_help: AccountHelp = field(default_factory=load_account_help)
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS
    billing_links: BillingLinks | None = None  # None: the invoices' own pages, and no payment-method link
    office_hours: OfficeHours | None = None  # None: always open
    # Failed attempts at proving who you are, counted across conversations per order number and email (None: per
    # conversation only), and the limits and window.
    proof_attempts: ProofAttempts | None = None
    proof_limits: ProofLimits = field(default_factory=ProofLimits)

    def has(self, name: str) -> bool:
        """Whether this deployment has the store or setting (a flow's `uses` names them)."""
        return getattr(self, name, None) is not None


PORT_NAMES = frozenset(f.name for f in fields(DialoguePorts))
