"""Staff requests about one customer's personal data: export everything Parley holds about them, or erase their
conversations (state and message log) and their analytics keys (so past events can no longer be linked to them).
Orders, invoices and returns are business records the shop keeps by law; an export includes them, an erasure leaves
them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from parley.domain.ports import (
    CustomerRepository,
    InvoiceRepository,
    MessageLog,
    OrderRepository,
    ReturnRepository,
    SubscriptionRepository,
)
from parley.domain.records import Customer


class Forgets(Protocol):
    """Analytics pseudonym keys (parley.privacy.pseudonyms.Pseudonyms)."""

    def forget(self, customer_id: str | None, conversation_keys: Iterable[str]) -> None: ...


@dataclasses.dataclass(frozen=True)
class CustomerData:
    customers: CustomerRepository
    orders: OrderRepository
    invoices: InvoiceRepository
    subscriptions: SubscriptionRepository
    returns: ReturnRepository
    log: MessageLog
    pseudonyms: Forgets | None = None

    def export(self, customer_id: str) -> dict[str, Any] | None:
        """Everything held about the customer, as plain JSON-ready values; None when there is no such customer."""
        customer = self.customers.get(customer_id)
        if customer is None:
            return None
        conversations = self.log.conversations_of_customer(customer_id)
        exported: dict[str, Any] = _plain(
            {
                "customer": customer,
                "orders": self.orders.for_customer(customer_id, limit=1000),
                "invoices": self.invoices.for_customer(customer_id, limit=1000),
                "subscriptions": self.subscriptions.for_customer(customer_id),
                "returns": self.returns.returns_for_customer(customer_id),
                "conversations": {c: self.log.export_conversation(c) for c in conversations},
            }
        )
        return exported

    def erase(self, customer_id: str) -> int:
        """Erase every conversation of the customer and their analytics keys; the number of items deleted."""
        return erase(self.log, customer_id, pseudonyms=self.pseudonyms, customer=self.customers.get(customer_id))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def erase(
    log: MessageLog,
    customer_id: str,
    *also: str,
    pseudonyms: Forgets | None = None,
    customer: Customer | None = None,
) -> int:
    """Every conversation of the customer (and `also`): state and message log, and with `pseudonyms` the keys of
    the customer and of every conversation they may have had. Returns the message-log items deleted."""
    conversations = {*log.conversations_of_customer(customer_id), *also}
    if pseudonyms is not None:
        # First: should it fail, nothing is erased yet and the whole request can be made again. A conversation whose
        # log has expired still has its key, so their own numbers' conversations are named too.
        pseudonyms.forget(customer_id, sorted(conversations | set(conversation_keys_of(customer))))
    return sum(log.erase_conversation(conversation_id) for conversation_id in sorted(conversations))


def conversation_keys_of(customer: Customer | None) -> list[str]:
    """The conversations a customer on file can have: on WhatsApp keyed by their business-scoped user id or (before
    WhatsApp sent one) their phone, on Messenger by their PSID."""
    if customer is None:
        return []
    whatsapp = [f"whatsapp#{value}" for value in (customer.whatsapp_user_id, customer.phone) if value]
    return whatsapp + ([f"messenger#{customer.messenger_psid}"] if customer.messenger_psid else [])
