"""Ports the dialogue reads and writes through, the results they return, and the pure rules both the DynamoDB
adapters and the in-memory fakes (data.in_memory) apply."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from parley.channels.model import Channel
from parley.data.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    LoggedMessage,
    Order,
    OrderStatus,
    Product,
    Record,
    Return,
    ReturnStatus,
    Subscription,
    SubscriptionStatus,
)

DEFAULT_RETURN_WINDOW_DAYS = 30
DEFAULT_MESSAGE_LOG_DAYS = 30


class StorageError(RuntimeError):
    """The data store failed; a message stays on the queue to be retried, an import is undone."""


@dataclass(frozen=True)
class ConversationState:
    """Small per-conversation memory: never a transcript."""

    conversation_id: str
    customer_id: str | None = None
    language: str | None = None
    last_order_id: str | None = None
    updated_at: int = 0
    # The flow under way ("cancel_order", "verify"…), its step ("which_order", "confirm"…) and what it has
    # gathered so far (a few short strings: ids, a plan, a step number).
    flow: str | None = None
    step: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    # Messages in a row Parley did not understand (two hand the conversation to a person).
    misunderstood: int = 0
    # While set (when a person took over), the bot does not answer this conversation.
    handoff_at: int | None = None
    # An unknown sender who proved who they are (order number + the email on it), and failed attempts.
    verified_customer_id: str | None = None
    verify_failures: int = 0
    verify_locked_until: int | None = None
    # When a satisfaction rating was last asked for (not asked again for a while).
    rating_asked_at: int | None = None
    # The customer as last read from the customers table, and when (epoch seconds): reused for a few minutes, so
    # most messages cost no customer lookup (dialogue.recognition).
    customer: Customer | None = None
    customer_read_at: int | None = None


# ------------------------------------------------------------------------------------------------ results


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    TOO_LATE = "too_late"  # a carrier has it (or it arrived): offer a return instead
    NOT_FOUND = "not_found"  # no such order, or not this customer's: the two are indistinguishable


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    # The order as it stands after the attempt; None when not found.
    order: Order | None = None

    @property
    def status(self) -> OrderStatus | None:
        return self.order.status if self.order else None


class ReturnOutcome(StrEnum):
    STARTED = "started"
    NOT_DELIVERED = "not_delivered"
    WINDOW_PASSED = "window_passed"
    ALREADY_OPEN = "already_open"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class ReturnResult:
    outcome: ReturnOutcome
    # The new return (started) or the one already under way (already_open).
    request: Return | None = None
    order: Order | None = None
    # Last moment a return can be started, when the delivery date is known.
    deadline: datetime | None = None


class ChangeOutcome(StrEnum):
    CHANGED = "changed"
    ALREADY = "already"  # it already was so (paused, active, cancelled, on that plan): nothing was written
    NOT_ALLOWED = "not_allowed"  # not from its current status (a cancelled subscription cannot be paused)
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class SubscriptionChange:
    outcome: ChangeOutcome
    # The subscription as it stands after the attempt; None when not found.
    subscription: Subscription | None = None


# ------------------------------------------------------------------------------------------------ rules
# Pure rules shared by the in-memory fakes and the DynamoDB adapters, so both behave the same.

CANCELLABLE = frozenset({OrderStatus.PLACED, OrderStatus.PROCESSING})
OPEN_INVOICE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.OVERDUE})
OPEN_RETURN = frozenset(s for s in ReturnStatus if s.is_open)
# Capital letters and digits that cannot be misread for one another when read out or typed (no 0/O, 1/I/L).
_RETURN_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_return_id() -> str:
    return "RET-" + "".join(secrets.choice(_RETURN_ID_ALPHABET) for _ in range(6))


def cancel_outcome(order: Order | None, customer_id: str) -> CancelOutcome | None:
    """Why an order cannot be cancelled by this customer, or None when it can."""
    if order is None or order.customer_id != customer_id:
        return CancelOutcome.NOT_FOUND
    if order.status is OrderStatus.CANCELLED:
        return CancelOutcome.ALREADY_CANCELLED
    if order.status not in CANCELLABLE:
        return CancelOutcome.TOO_LATE
    return None


def return_deadline(order: Order, window_days: int) -> datetime | None:
    """The end of the return window: window_days after delivery.

    Without a delivered_at the expected delivery date stands in (end of that day, UTC); with neither the
    window is unknown and a return may be started, for staff to review like any other."""
    if order.delivered_at is not None:
        delivered = order.delivered_at if order.delivered_at.tzinfo else order.delivered_at.replace(tzinfo=UTC)
    elif order.estimated_delivery is not None:
        delivered = datetime.combine(order.estimated_delivery, time.max, tzinfo=UTC)
    else:
        return None
    return delivered + timedelta(days=window_days)


def return_refusal(
    order: Order | None, customer_id: str, now: datetime, window_days: int
) -> tuple[ReturnOutcome | None, datetime | None]:
    """Why this customer cannot start a return of the order (or None), and the window's end when known.

    An open return is checked by the caller: it needs the returns store."""
    if order is None or order.customer_id != customer_id:
        return ReturnOutcome.NOT_FOUND, None
    if order.status is not OrderStatus.DELIVERED:
        return ReturnOutcome.NOT_DELIVERED, None
    deadline = return_deadline(order, window_days)
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    if deadline is not None and moment > deadline:
        return ReturnOutcome.WINDOW_PASSED, deadline
    return None, deadline


@dataclass(frozen=True)
class SubscriptionTransition:
    """A change of status: from which statuses it applies, and the status it leads to."""

    allowed_from: frozenset[SubscriptionStatus]
    to: SubscriptionStatus


PAUSE = SubscriptionTransition(frozenset({SubscriptionStatus.ACTIVE}), SubscriptionStatus.PAUSED)
RESUME = SubscriptionTransition(frozenset({SubscriptionStatus.PAUSED}), SubscriptionStatus.ACTIVE)
CANCEL = SubscriptionTransition(
    frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}), SubscriptionStatus.CANCELLED
)
# A plan changes on a live subscription (a paused one stays paused); a cancelled one is a new sign-up.
PLAN_CHANGE_FROM = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED})


class SubscriptionTransitions:
    """Pause, resume and cancel as the status transitions they are; a store implements `_transition` (a conditional
    write in DynamoDB, a lock in memory) once for all three."""

    def _transition(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        raise NotImplementedError

    def pause(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, PAUSE)

    def resume(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, RESUME)

    def cancel(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, CANCEL)


def transition_outcome(
    subscription: Subscription | None, customer_id: str, transition: SubscriptionTransition
) -> ChangeOutcome | None:
    """Why the transition does not apply (or None when it does)."""
    if subscription is None or subscription.customer_id != customer_id:
        return ChangeOutcome.NOT_FOUND
    if subscription.status is transition.to:
        return ChangeOutcome.ALREADY
    if subscription.status not in transition.allowed_from:
        return ChangeOutcome.NOT_ALLOWED
    return None


def plan_change_outcome(
    subscription: Subscription | None, customer_id: str, new_plan: str, new_price: Decimal | None
) -> ChangeOutcome | None:
    if subscription is None or subscription.customer_id != customer_id:
        return ChangeOutcome.NOT_FOUND
    if subscription.status not in PLAN_CHANGE_FROM:
        return ChangeOutcome.NOT_ALLOWED
    if subscription.plan == new_plan and (new_price is None or subscription.price == new_price):
        return ChangeOutcome.ALREADY
    return None


# ------------------------------------------------------------------------------------------------ ports


class CustomerRepository(Protocol):
    def by_channel_id(self, channel: Channel, sender_id: str) -> Customer | None: ...

    def get(self, customer_id: str) -> Customer | None: ...


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None: ...

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        """The customer's orders, newest first."""
        ...

    def cancel(self, order_id: str, customer_id: str) -> CancelResult:
        """Cancel the customer's order if it is still placed or processing; safe against a concurrent cancel or
        shipment (a conditional write). Someone else's order is not_found."""
        ...


class ReturnRepository(Protocol):
    def start_return(
        self, order_id: str, customer_id: str, now: datetime, window_days: int = DEFAULT_RETURN_WINDOW_DAYS
    ) -> ReturnResult:
        """Start a return of a delivered order of this customer, within window_days of delivery; at most one
        open return per order, even when two requests race."""
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

    def pause(self, subscription_id: str, customer_id: str) -> SubscriptionChange: ...

    def resume(self, subscription_id: str, customer_id: str) -> SubscriptionChange: ...

    def cancel(self, subscription_id: str, customer_id: str) -> SubscriptionChange: ...

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

    def save_turn(self, state: ConversationState, messages: Sequence[LoggedMessage] = ()) -> None:
        """The conversation's state and one turn's messages, all or nothing (in DynamoDB, one call). A message
        saved again (a redelivery, a retry after a failed send) replaces the one saved before."""
        ...


class RecordWriter(Protocol):
    def replace_all(self, records: Sequence[Record]) -> Callable[[], None]:
        """Write every record or, when any write fails, leave the table as it was. Returns an undo."""
        ...


def message_as_dict(message: LoggedMessage) -> dict[str, Any]:
    return {
        "conversation_id": message.conversation_id,
        "message_id": message.message_id,
        "direction": message.direction.value,
        "text": message.text,
        "language": message.language,
        "at": message.at.astimezone(UTC).isoformat() if message.at.tzinfo else message.at.isoformat(),
    }
