"""In-memory fakes of Parley's ports, with the same rules as the real adapters: for tests and benchmarks only
(they never ship in the Lambda layer)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from parley.agents.commands import AgentCommand
from parley.channels.events import Record
from parley.channels.model import InboundMessage
from parley.domain.conversation import ConversationState, OutboxEntry
from parley.domain.product_search import ProductIndex
from parley.domain.proof_limits import Subject, Tally, counted, taken_back
from parley.domain.records import (
    Customer,
    Invoice,
    LoggedMessage,
    Order,
    OrderStatus,
    Product,
    Return,
    Subscription,
    message_as_dict,
)
from parley.domain.rules import (
    DEFAULT_RETURN_WINDOW_DAYS,
    OPEN_INVOICE,
    AddressChange,
    AddressOutcome,
    CancelOutcome,
    CancelResult,
    ChangeOutcome,
    ReturnClaim,
    ReturnOutcome,
    ReturnResult,
    SubscriptionChange,
    SubscriptionTransition,
    address_outcome,
    cancel_outcome,
    new_return_id,
    plan_change_outcome,
    plan_return,
    transition_outcome,
)
from parley.domain.senders import Sender, find_linked, may_remember
from parley.privacy.pseudonyms import KeyStoreError


class InMemoryCustomers:
    def __init__(self, customers: Sequence[Customer] = ()) -> None:
        self.items = {c.customer_id: c for c in customers}

    def by_sender(self, sender: Sender) -> Customer | None:
        return find_linked(self.items.values(), sender)

    def get(self, customer_id: str) -> Customer | None:
        return self.items.get(customer_id)

    def remember_whatsapp_user_id(self, customer_id: str, user_id: str) -> Customer | None:
        customer = self.items.get(customer_id)
        if customer is not None and may_remember(customer, user_id):
            customer = self.items[customer_id] = replace(customer, whatsapp_user_id=user_id)
        return customer

    def set_marketing_opt_in(self, customer_id: str, opted_in: bool) -> Customer | None:
        customer = self.items.get(customer_id)
        if customer is not None:
            customer = self.items[customer_id] = replace(customer, marketing_opt_in=opted_in)
        return customer


class InMemoryProofAttempts:
    """Attempts at proving who you are, per subject, under the same rules (and as atomic) as the DynamoDB table."""

    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = {}
        self._lock = threading.Lock()

    def count(self, subjects: Sequence[Subject], now: int, window_seconds: int) -> Subject | None:
        with self._lock:
            for done, subject in enumerate(subjects):
                after = counted(self.tallies.get(subject.key), subject.allowed, now, window_seconds)
                if after is None:
                    self._take_back(subjects[:done], now)
                    return subject
                self.tallies[subject.key] = after
            return None

    def take_back(self, subjects: Sequence[Subject], now: int) -> None:
        with self._lock:
            self._take_back(subjects, now)

    def _take_back(self, subjects: Sequence[Subject], now: int) -> None:
        for subject in subjects:
            after = taken_back(self.tallies.get(subject.key), now)
            if after is not None:
                self.tallies[subject.key] = after


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

    def change_address(self, order_id: str, customer_id: str, address: str) -> AddressChange:
        with self.lock:
            order = self.items.get(order_id)
            refusal = address_outcome(order, customer_id)
            if refusal is not None:
                return AddressChange(refusal, order if refusal is not AddressOutcome.NOT_FOUND else None)
            assert order is not None
            changed = self.items[order_id] = replace(order, shipping_address=address)
            return AddressChange(AddressOutcome.CHANGED, changed)


class InMemoryReturns:
    def __init__(
        self, orders: InMemoryOrders, returns: Sequence[Return] = (), new_id: Callable[[], str] = new_return_id
    ) -> None:
        self.orders = orders
        self.items = {r.return_id: r for r in returns}
        self._new_id = new_id

    def start_return(
        self,
        order_id: str,
        customer_id: str,
        now: datetime,
        window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
        claim: ReturnClaim | None = None,
    ) -> ReturnResult:
        with self.orders.lock:
            order = self.orders.items.get(order_id)
            under_way = next((r for r in self.items.values() if r.order_id == order_id and r.status.is_open), None)
            return_id = self._new_id()
            while return_id in self.items:
                return_id = self._new_id()
            result = plan_return(order, customer_id, under_way, now, window_days, return_id, claim)
            if result.outcome is ReturnOutcome.STARTED and result.request is not None:
                self.items[return_id] = result.request
            return result

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

    def change_status(
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
    """The message log and, on its replies' entries, the outbox (as DynamoMessageLog keeps them)."""

    def __init__(self, conversations: InMemoryConversations | None = None) -> None:
        self.conversations = conversations if conversations is not None else InMemoryConversations()
        self.items: dict[str, list[LoggedMessage]] = {}
        self.outbox: dict[tuple[str, datetime, str], OutboxEntry] = {}

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
        for key in [k for k in self.outbox if k[0] == conversation_id]:
            del self.outbox[key]
        if self.conversations.items.pop(conversation_id, None) is not None:
            erased += 1
        return erased

    def conversations_of_customer(self, customer_id: str) -> list[str]:
        return sorted(
            s.conversation_id
            for s in self.conversations.items.values()
            if (s.customer_id or s.verified_customer_id) == customer_id
        )

    def save_turn(
        self, state: ConversationState, messages: Sequence[LoggedMessage] = (), outbox: OutboxEntry | None = None
    ) -> None:
        self.conversations.save(state)
        for message in messages:
            self.append(message)
        if outbox is not None:
            self.outbox[_outbox_key(outbox.reply)] = outbox

    def pending_reply(self, conversation_id: str, reply_id: str, at: datetime) -> OutboxEntry | None:
        return self.outbox.get((conversation_id, at, reply_id))

    def keep_reply(self, entry: OutboxEntry) -> None:
        # Kept for its sending only: the transcript of the erased conversation stays empty.
        self.outbox[_outbox_key(entry.reply)] = entry

    def record_progress(self, entry: OutboxEntry) -> None:
        key = _outbox_key(entry.reply)
        if key in self.outbox:  # as DynamoDB's condition: nothing written back to an erased conversation
            self.outbox[key] = replace(self.outbox[key], sent=entry.sent, unconfirmed=entry.unconfirmed,
                                       late=entry.late)  # fmt: skip

    def discard(self, entry: OutboxEntry) -> None:
        self.outbox.pop(_outbox_key(entry.reply), None)


def _outbox_key(message: LoggedMessage) -> tuple[str, datetime, str]:
    return message.conversation_id, message.at, message.message_id


def _key(message: LoggedMessage) -> tuple[datetime, str]:
    return message.at, message.message_id


class InMemoryAgentCommandQueue:
    def __init__(self) -> None:
        self.commands: list[AgentCommand] = []

    def put_commands(self, commands: Sequence[AgentCommand]) -> None:
        self.commands.extend(commands)


class InMemoryRequestLedger:
    """The agents' endpoint's memory of Idempotency-Keys, as DynamoRequestLedger keeps it (expiry included)."""

    def __init__(self) -> None:
        self.records: dict[str, tuple[str, int]] = {}

    def claim(self, key: str, fingerprint: str, now: int, expires_at: int) -> str:
        held = self.records.get(key)
        if held is None or held[1] < now:
            self.records[key] = (fingerprint, expires_at)
            return fingerprint
        return held[0]


class InMemoryPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, subject: str, text: str, document: dict[str, Any]) -> None:
        self.published.append((subject, text, document))

    @property
    def documents(self) -> list[dict[str, Any]]:
        return [document for _, _, document in self.published]


class InMemoryKeyStore:
    """The fake behind unit tests; `calls` counts what a real table would be asked."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.calls = 0
        self.failing = False

    def get_many(self, ids: Sequence[str]) -> dict[str, bytes]:
        self._call()
        return {i: self.keys[i] for i in ids if i in self.keys}

    def create(self, id_: str, key: bytes) -> bytes:
        self._call()
        return self.keys.setdefault(id_, key)

    def delete(self, ids: Sequence[str]) -> None:
        self._call()
        for i in ids:
            self.keys.pop(i, None)

    def _call(self) -> None:
        self.calls += 1
        if self.failing:
            raise KeyStoreError("the key table is unavailable")


class InMemoryEventSink:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def emit(self, events: Sequence[Record]) -> None:
        self.events.extend(events)


class InMemoryTranslationCache:
    """TranslationCache in a dict."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.items: dict[str, tuple[str, str, int]] = {}

    def get(self, key: str) -> str | None:
        item = self.items.get(key)
        if item is None or item[2] <= self._clock():
            return None
        return item[0]

    def put(self, key: str, translated: str, provider: str, expires_at: int) -> None:
        self.items[key] = (translated, provider, expires_at)


class InMemoryInboundQueue:
    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []

    def put(self, messages: Sequence[InboundMessage]) -> None:
        self.messages.extend(messages)


class RecordingForgets:
    """Analytics pseudonyms as erasure sees them: which keys were forgotten."""

    def __init__(self) -> None:
        self.forgotten: list[tuple[str | None, list[str]]] = []

    def forget(self, customer_id: str | None, conversation_keys: Iterable[str]) -> None:
        self.forgotten.append((customer_id, list(conversation_keys)))


class Clock:
    """The engine's clock, standing still until a test moves it (never today's date)."""

    START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class WrittenLines(logging.Handler):
    """Each log line as CloudWatch receives it: formatted by Parley's JSON formatter when it is written, with the
    keys appended at that moment."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict[str, Any]] = []
        self._json = formatter

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self._json.format(record)))
