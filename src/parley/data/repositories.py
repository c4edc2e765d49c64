"""Ports the dialogue reads and writes through, with in-memory fakes shared by every test layer."""

from __future__ import annotations

import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
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


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Café Crème" and "cafe creme" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in fold(text)).split()


# Attributes that link products rather than describe them: never matched by a search.
PAIRS_WITH = "pairs_with"
CATEGORY = "category"


class ProductIndex:
    """Search over a few hundred products in memory: by SKU, name and attribute values.

    Each query word scores where it is found (SKU > name > attribute value); a word matches a product word
    exactly or, from four letters on, as its prefix ("jack" → "jacket", "jackets" → "jacket"). Products in stock
    come first among equals, so a search answers "which one can I buy"."""

    def __init__(self, products: Iterable[Product]) -> None:
        self.by_sku = {p.sku: p for p in products}
        self._entries = [(p, self._fields(p)) for p in sorted(self.by_sku.values(), key=lambda p: (p.name, p.sku))]

    @staticmethod
    def _fields(product: Product) -> tuple[str, set[str], set[str]]:
        values = " ".join(v for k, v in product.attributes if k not in {PAIRS_WITH})
        return fold(product.sku), set(_words(product.name)), set(_words(values))

    def get(self, sku: str) -> Product | None:
        found = self.by_sku.get(sku.strip())
        if found is None:
            folded = fold(sku.strip())
            found = next((p for p in self.by_sku.values() if fold(p.sku) == folded), None)
        return found

    def search(self, text: str, limit: int = 5) -> list[Product]:
        query = fold(text).strip()
        words = _words(text)
        if not query or limit <= 0:
            return []
        # SKUs keep their hyphens: "do you have SKU-JKT-BLU-M?" names one product exactly.
        tokens = {t.strip(".,;:!?¿¡()[]\"'") for t in query.split()}
        scored: list[tuple[int, Product]] = []
        for product, (sku, name_words, attribute_words) in self._entries:
            score = 0
            if sku in tokens:
                score += 100
            elif any(len(t) >= 5 and t in sku for t in tokens):  # part of a SKU: "jkt-blu"
                score += 20
            for word in words:
                if _matches(word, name_words):
                    score += 3
                elif _matches(word, attribute_words):
                    score += 2
            if score:
                scored.append((score, product))
        in_stock = [(score, p.stock is None or p.stock > 0, p) for score, p in scored]
        in_stock.sort(key=lambda e: (-e[0], not e[1]))
        return [p for _, _, p in in_stock[:limit]]

    def in_category(self, category: str) -> list[Product]:
        """Every product whose category attribute is `category` (case- and accent-insensitive), by name."""
        wanted = fold(category.strip())
        return [p for p, _ in self._entries if fold(dict(p.attributes).get(CATEGORY, "").strip()) == wanted]

    def complementary(self, product: Product) -> Product | None:
        """One suggestion to go with the product: the first in-stock SKU of its pairs_with attribute
        (comma-separated), else another in-stock product of the same category; None when neither exists."""
        attributes = dict(product.attributes)
        for sku in (s.strip() for s in attributes.get(PAIRS_WITH, "").split(",")):
            candidate = self.by_sku.get(sku)
            if candidate and candidate.sku != product.sku and _available(candidate):
                return candidate
        category = attributes.get(CATEGORY)
        if not category:
            return None
        for candidate, _ in self._entries:
            same = fold(dict(candidate.attributes).get(CATEGORY, "")) == fold(category)
            if same and candidate.name != product.name and _available(candidate):
                return candidate
        return None


def _matches(word: str, words: set[str]) -> bool:
    if word in words:
        return True
    if len(word) < 4:
        return False
    return any(w.startswith(word) or (len(w) >= 4 and word.startswith(w)) for w in words)


def _available(product: Product) -> bool:
    return product.stock is None or product.stock > 0


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


# ------------------------------------------------------------------------------------------------ fakes


class InMemoryCustomers:
    def __init__(self, customers: Sequence[Customer] = ()) -> None:
        self.items = {c.customer_id: c for c in customers}

    def by_channel_id(self, channel: Channel, sender_id: str) -> Customer | None:
        for customer in self.items.values():
            linked = customer.phone if channel is Channel.WHATSAPP else customer.messenger_psid
            if linked and linked == sender_id:
                return customer
        return None

    def get(self, customer_id: str) -> Customer | None:
        return self.items.get(customer_id)


class InMemoryOrders:
    def __init__(self, orders: Sequence[Order] = ()) -> None:
        self.items = {o.order_id: o for o in orders}
        self.lock = threading.Lock()

    def get(self, order_id: str) -> Order | None:
        return self.items.get(order_id)

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        mine = [o for o in self.items.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: o.placed_at, reverse=True)[:limit]

    def cancel(self, order_id: str, customer_id: str) -> CancelResult:
        with self.lock:
            order = self.items.get(order_id)
            refusal = cancel_outcome(order, customer_id)
            if refusal is not None:
                return CancelResult(refusal, order if refusal is not CancelOutcome.NOT_FOUND else None)
            assert order is not None
            cancelled = replace(order, status=OrderStatus.CANCELLED)
            self.items[order_id] = cancelled
            return CancelResult(CancelOutcome.CANCELLED, cancelled)


class InMemoryReturns:
    def __init__(
        self, orders: InMemoryOrders, returns: Sequence[Return] = (), new_id: Callable[[], str] = new_return_id
    ) -> None:
        self.orders = orders
        self.items = {r.return_id: r for r in returns}
        self._new_id = new_id

    def start_return(
        self, order_id: str, customer_id: str, now: datetime, window_days: int = DEFAULT_RETURN_WINDOW_DAYS
    ) -> ReturnResult:
        with self.orders.lock:
            order = self.orders.items.get(order_id)
            if order is not None and order.customer_id == customer_id:
                under_way = [r for r in self.items.values() if r.order_id == order_id and r.status.is_open]
                if under_way:
                    return ReturnResult(ReturnOutcome.ALREADY_OPEN, under_way[0], order)
            refusal, deadline = return_refusal(order, customer_id, now, window_days)
            if refusal is not None:
                shown = order if refusal is not ReturnOutcome.NOT_FOUND else None
                return ReturnResult(refusal, None, shown, deadline)
            assert order is not None
            return_id = self._new_id()
            while return_id in self.items:
                return_id = self._new_id()
            created = Return(
                return_id=return_id,
                order_id=order_id,
                customer_id=customer_id,
                created_at=now,
                status=ReturnStatus.REQUESTED,
                refund_amount=order.total,
                currency=order.currency,
            )
            self.items[return_id] = created
            return ReturnResult(ReturnOutcome.STARTED, created, order, deadline)

    def returns_for_customer(self, customer_id: str) -> list[Return]:
        mine = [r for r in self.items.values() if r.customer_id == customer_id]
        return sorted(mine, key=lambda r: r.created_at, reverse=True)

    def refund_status(self, return_id: str, customer_id: str) -> Return | None:
        found = self.items.get(return_id)
        return found if found is not None and found.customer_id == customer_id else None


class InMemoryInvoices:
    def __init__(self, invoices: Sequence[Invoice] = ()) -> None:
        self.items = {i.invoice_id: i for i in invoices}

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        mine = [i for i in self.items.values() if i.customer_id == customer_id]
        return sorted(mine, key=lambda i: i.issued_at, reverse=True)[:limit]

    def open_for_customer(self, customer_id: str) -> list[Invoice]:
        return [i for i in self.for_customer(customer_id, limit=len(self.items)) if i.status in OPEN_INVOICE]

    def get(self, invoice_id: str, customer_id: str) -> Invoice | None:
        found = self.items.get(invoice_id)
        return found if found is not None and found.customer_id == customer_id else None


class InMemorySubscriptions:
    def __init__(self, subscriptions: Sequence[Subscription] = ()) -> None:
        self.items = {s.subscription_id: s for s in subscriptions}
        self._lock = threading.Lock()

    def for_customer(self, customer_id: str) -> list[Subscription]:
        mine = [s for s in self.items.values() if s.customer_id == customer_id]
        return sorted(mine, key=lambda s: s.subscription_id)

    def get(self, subscription_id: str, customer_id: str) -> Subscription | None:
        found = self.items.get(subscription_id)
        return found if found is not None and found.customer_id == customer_id else None

    def pause(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, PAUSE)

    def resume(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, RESUME)

    def cancel(self, subscription_id: str, customer_id: str) -> SubscriptionChange:
        return self._transition(subscription_id, customer_id, CANCEL)

    def change_plan(
        self, subscription_id: str, customer_id: str, new_plan: str, new_price: Decimal | None = None
    ) -> SubscriptionChange:
        with self._lock:
            current = self.get(subscription_id, customer_id)
            refusal = plan_change_outcome(current, customer_id, new_plan, new_price)
            if refusal is not None:
                return SubscriptionChange(refusal, current)
            assert current is not None
            changed = replace(current, plan=new_plan, price=current.price if new_price is None else new_price)
            self.items[subscription_id] = changed
            return SubscriptionChange(ChangeOutcome.CHANGED, changed)

    def _transition(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        with self._lock:
            current = self.get(subscription_id, customer_id)
            refusal = transition_outcome(current, customer_id, transition)
            if refusal is not None:
                return SubscriptionChange(refusal, current)
            assert current is not None
            changed = replace(current, status=transition.to)
            self.items[subscription_id] = changed
            return SubscriptionChange(ChangeOutcome.CHANGED, changed)


class InMemoryProducts:
    def __init__(self, products: Sequence[Product] = ()) -> None:
        self.index = ProductIndex(products)

    def get(self, sku: str) -> Product | None:
        return self.index.get(sku)

    def search(self, text: str, limit: int = 5) -> list[Product]:
        return self.index.search(text, limit)

    def complementary(self, product: Product) -> Product | None:
        return self.index.complementary(product)

    def in_category(self, category: str) -> list[Product]:
        return self.index.in_category(category)


class InMemoryConversations:
    def __init__(self) -> None:
        self.items: dict[str, ConversationState] = {}

    def get(self, conversation_id: str) -> ConversationState | None:
        return self.items.get(conversation_id)

    def save(self, state: ConversationState) -> None:
        self.items[state.conversation_id] = replace(state)


class InMemoryMessageLog:
    def __init__(self, conversations: InMemoryConversations | None = None) -> None:
        self.conversations = conversations if conversations is not None else InMemoryConversations()
        self.items: dict[str, list[LoggedMessage]] = {}

    def append(self, message: LoggedMessage) -> None:
        # The same message logged again (a retry) replaces the first: one item, as in DynamoDB.
        log = [m for m in self.items.get(message.conversation_id, []) if (m.at, m.message_id) != _key(message)]
        log.append(message)
        log.sort(key=_key)
        self.items[message.conversation_id] = log

    def recent(self, conversation_id: str, limit: int = 20) -> list[LoggedMessage]:
        return self.items.get(conversation_id, [])[-limit:] if limit > 0 else []

    def export_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        return [message_as_dict(m) for m in self.items.get(conversation_id, [])]

    def erase_conversation(self, conversation_id: str) -> int:
        erased = len(self.items.pop(conversation_id, []))
        if self.conversations.items.pop(conversation_id, None) is not None:
            erased += 1
        return erased

    def conversations_of_customer(self, customer_id: str) -> list[str]:
        return sorted(
            s.conversation_id
            for s in self.conversations.items.values()
            if (s.customer_id or s.verified_customer_id) == customer_id
        )

    def save_turn(self, state: ConversationState, messages: Sequence[LoggedMessage] = ()) -> None:
        self.conversations.save(state)
        for message in messages:
            self.append(message)


def _key(message: LoggedMessage) -> tuple[datetime, str]:
    return message.at, message.message_id
