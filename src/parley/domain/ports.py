"""The ports the dialogue reads and writes through: one Protocol per store, implemented by the DynamoDB adapters
(parley.data) and by the tests' in-memory fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from parley.domain.conversation import ConversationState, OutboxEntry
from parley.domain.proof_limits import Subject
from parley.domain.records import (
    Customer,
    Invoice,
    LoggedMessage,
    Order,
    Product,
    Record,
    Return,
    Subscription,
)
from parley.domain.rules import (
    DEFAULT_RETURN_WINDOW_DAYS,
    AddressChange,
    CancelResult,
    ReturnClaim,
    ReturnResult,
    SubscriptionChange,
    SubscriptionTransition,
)
from parley.domain.senders import Sender


class StorageError(RuntimeError):
    """The data store failed; a message stays on the queue to be retried, an import is undone."""


# ------------------------------------------------------------------------------------------------ ports


class CustomerRepository(Protocol):
    def by_sender(self, sender: Sender) -> Customer | None:
        """The customer linked to the sender, by the links of domain.senders in their order (on WhatsApp the
        business-scoped user id, then the number; on Messenger the PSID)."""
        ...

    def get(self, customer_id: str) -> Customer | None: ...

    def remember_whatsapp_user_id(self, customer_id: str, user_id: str) -> Customer | None:
        """Write the WhatsApp business-scoped user id on the customer's record when it names none yet (a conditional
        write: one already there is kept, see senders.may_remember). The record as it now stands; None when there
        is no such customer."""
        ...

    def set_marketing_opt_in(self, customer_id: str, opted_in: bool) -> Customer | None:
        """Record the customer's choice about promotional messages (True in, False out), at once: a conditional write
        on an existing record, so a customer deleted meanwhile is not brought back as a stub. The record as it now
        stands; None when there is no such customer."""
        ...


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None: ...

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        """The customer's orders, newest first."""
        ...

    def cancel(self, order_id: str, customer_id: str) -> CancelResult:
        """Cancel the customer's order if it is still placed or processing; safe against a concurrent cancel or
        shipment (a conditional write). Someone else's order is not_found."""
        ...

    def change_address(self, order_id: str, customer_id: str, address: str) -> AddressChange:
        """Write the customer's new delivery address on their order if it has not left the warehouse (placed or
        processing), as a conditional write: a shipment in between wins, and the address stays as it was. Someone
        else's order is not_found."""
        ...


class ReturnRepository(Protocol):
    def start_return(
        self,
        order_id: str,
        customer_id: str,
        now: datetime,
        window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
        claim: ReturnClaim | None = None,
    ) -> ReturnResult:
        """Start a return of a delivered order of this customer, within window_days of delivery; at most one
        open return per order, even when two requests race. `claim`: the problem with an item it is for."""
        ...

    def returns_for_customer(self, customer_id: str) -> list[Return]:
        """The customer's returns, newest first."""
        ...

    def refund_status(self, return_id: str, customer_id: str) -> Return | None:
        """The return, if it is this customer's."""
        ...


class InvoiceRepository(Protocol):
    def for_customer(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        """The customer's invoices, newest (by issue date) first."""
        ...

    def open_for_customer(self, customer_id: str) -> list[Invoice]:
        """Invoices still to pay (open or overdue), newest first."""
        ...

    def get(self, invoice_id: str, customer_id: str) -> Invoice | None:
        """The invoice, if it is this customer's."""
        ...


class SubscriptionRepository(Protocol):
    def for_customer(self, customer_id: str) -> list[Subscription]: ...

    def get(self, subscription_id: str, customer_id: str) -> Subscription | None: ...

    def change_status(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        """Pause, resume or cancel (see domain.rules): applied only from the statuses it allows, safe against a
        concurrent change; someone else's subscription is not_found."""
        ...

    def change_plan(
        self, subscription_id: str, customer_id: str, new_plan: str, new_price: Decimal | None = None
    ) -> SubscriptionChange: ...


class ProductCatalog(Protocol):
    def get(self, sku: str) -> Product | None: ...

    def search(self, text: str, limit: int = 5) -> list[Product]: ...

    def complementary(self, product: Product) -> Product | None: ...

    def in_category(self, category: str) -> list[Product]:
        """The products of one category (`category=plan`: the subscription plans on offer), by name."""
        ...


class ConversationRepository(Protocol):
    def get(self, conversation_id: str) -> ConversationState | None: ...

    def save(self, state: ConversationState) -> None: ...


class MessageLog(Protocol):
    """A conversation's recent messages (handoff transcripts) and the customer's privacy rights over them."""

    def append(self, message: LoggedMessage) -> None: ...

    def recent(self, conversation_id: str, limit: int = 20) -> list[LoggedMessage]:
        """The last `limit` messages, oldest first."""
        ...

    def export_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every logged message of the conversation, oldest first, as plain JSON-ready dicts."""
        ...

    def erase_conversation(self, conversation_id: str) -> int:
        """Delete the conversation's state and every logged message; returns how many items went."""
        ...

    def conversations_of_customer(self, customer_id: str) -> list[str]:
        """The ids of conversations holding this customer's data (linked or verified sender)."""
        ...

    def save_turn(
        self, state: ConversationState, messages: Sequence[LoggedMessage] = (), outbox: OutboxEntry | None = None
    ) -> None:
        """The conversation's state and one turn's messages, all or nothing (in DynamoDB, one call). A message
        saved again (a redelivery, a retry after a failed send) replaces the one saved before. `outbox`: the turn's
        composed reply, kept on the logged reply (one of `messages`) until it is sent."""
        ...


@runtime_checkable
class ReplyOutbox(Protocol):
    """Composed replies waiting to go out, each on the message log's entry of the reply (see OutboxEntry)."""

    def pending_reply(self, conversation_id: str, reply_id: str, at: datetime) -> OutboxEntry | None:
        """The reply composed for a message (logged as `reply_id` at `at`), if a turn composed one."""
        ...

    def keep_reply(self, entry: OutboxEntry) -> None:
        """Keep a composed reply on its own, with no state (the conversation was just erased)."""
        ...

    def record_progress(self, entry: OutboxEntry) -> None:
        """How far the reply has gone out (entry.sent, unconfirmed, late), for the next delivery of its message."""
        ...

    def discard(self, entry: OutboxEntry) -> None:
        """A transient reply is out: nothing of the erased conversation stays."""
        ...


class ProofAttempts(Protocol):
    """Attempts at proving who you are, counted per order number and per email across conversations (see
    domain.proof_limits)."""

    def count(self, subjects: Sequence[Subject], now: int, window_seconds: int) -> Subject | None:
        """Count one attempt against every subject, each atomically (proof_limits.counted), unless one has reached
        its limit: then none stays counted and that subject is returned."""
        ...

    def take_back(self, subjects: Sequence[Subject], now: int) -> None:
        """Take back the attempt just counted (it proved who the sender is, so it was no failure)."""
        ...


class RecordWriter(Protocol):
    def replace_all(self, records: Sequence[Record]) -> Callable[[], None]:
        """Write every record or, when any write fails, leave the table as it was. Returns an undo."""
        ...

    def customers_holding(self, links: Sequence[tuple[str, str]]) -> list[Customer]:
        """The customers on file with any of these links ((field, value): a phone number, WhatsApp user id or
        PSID), for the import to refuse a link given to a second customer."""
        ...
