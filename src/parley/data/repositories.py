"""Ports the dialogue reads and writes through, with in-memory fakes shared by every test layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from parley.channels.model import Channel
from parley.data.records import Customer, Order, Record


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


class CustomerRepository(Protocol):
    def by_channel_id(self, channel: Channel, sender_id: str) -> Customer | None: ...


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None: ...

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        """The customer's orders, newest first."""
        ...


class ConversationRepository(Protocol):
    def get(self, conversation_id: str) -> ConversationState | None: ...

    def save(self, state: ConversationState) -> None: ...


class RecordWriter(Protocol):
    def replace_all(self, records: Sequence[Record]) -> Callable[[], None]:
        """Write every record or, when any write fails, leave the table as it was. Returns an undo."""
        ...


class InMemoryCustomers:
    def __init__(self, customers: Sequence[Customer] = ()) -> None:
        self.items = {c.customer_id: c for c in customers}

    def by_channel_id(self, channel: Channel, sender_id: str) -> Customer | None:
        for customer in self.items.values():
            linked = customer.phone if channel is Channel.WHATSAPP else customer.messenger_psid
            if linked and linked == sender_id:
                return customer
        return None


class InMemoryOrders:
    def __init__(self, orders: Sequence[Order] = ()) -> None:
        self.items = {o.order_id: o for o in orders}

    def get(self, order_id: str) -> Order | None:
        return self.items.get(order_id)

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        mine = [o for o in self.items.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: o.placed_at, reverse=True)[:limit]


class InMemoryConversations:
    def __init__(self) -> None:
        self.items: dict[str, ConversationState] = {}

    def get(self, conversation_id: str) -> ConversationState | None:
        return self.items.get(conversation_id)

    def save(self, state: ConversationState) -> None:
        self.items[state.conversation_id] = replace(state)
