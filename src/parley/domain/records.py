"""Domain records of the business's data: what the dialogue reads, independent of storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class OrderStatus(StrEnum):
    PLACED = "placed"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"

    @property
    def is_open(self) -> bool:
        return self not in {OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED}

    @property
    def can_cancel(self) -> bool:
        """Still in the warehouse: once a carrier has it, a cancel is a return."""
        return self in {OrderStatus.PLACED, OrderStatus.PROCESSING}


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    REFUNDED = "refunded"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        """Still being handled: an order has at most one open return."""
        return self in {ReturnStatus.REQUESTED, ReturnStatus.RECEIVED}


class ItemProblem(StrEnum):
    """What a customer reports of an item they received."""

    DAMAGED = "damaged_item"
    WRONG = "wrong_item"
    MISSING = "missing_item"


class MessageDirection(StrEnum):
    IN = "in"  # from the customer
    OUT = "out"  # from Parley
    AGENT = "agent"  # from a person who took the conversation over


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    messenger_psid: str | None = None
    language: str | None = None
    # WhatsApp's business-scoped user id (BSUID): from the business's data, or remembered once the sender proved who
    # they are (domain.senders), so a customer whose number WhatsApp withholds (a username) is still recognised.
    whatsapp_user_id: str | None = None
    # Promotional messages: True opted in, False opted out, None never asked (nothing promotional is sent then).
    marketing_opt_in: bool | None = None


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    status: OrderStatus
    placed_at: datetime
    carrier: str | None = None
    tracking_number: str | None = None
    estimated_delivery: date | None = None
    total: Decimal | None = None
    currency: str | None = None
    items: tuple[OrderItem, ...] = field(default_factory=tuple)
    # When the carrier delivered it: the return window counts from here. None = not delivered or not known.
    delivered_at: datetime | None = None
    shipping_address: str | None = None  # as the shop wrote it, one line


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    customer_id: str
    issued_at: datetime
    amount: Decimal
    status: InvoiceStatus
    due_at: datetime | None = None
    currency: str | None = None
    url: str | None = None
    # Why the last payment attempt failed, as the payment provider's code (card_declined, insufficient_funds,
    # expired_card…); None when no payment failed.
    payment_failure_reason: str | None = None


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    customer_id: str
    plan: str
    status: SubscriptionStatus
    renews_at: datetime | None = None
    price: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    description: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    stock: int | None = None
    attributes: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Return:
    """A customer's request to send an order back, and what became of the refund."""

    return_id: str
    order_id: str
    customer_id: str
    created_at: datetime
    status: ReturnStatus = ReturnStatus.REQUESTED
    refund_amount: Decimal | None = None
    currency: str | None = None
    refunded_at: datetime | None = None
    # A return for a problem the customer reported (damaged, wrong item), the item (its SKU) when one item of the
    # order comes back, and whether they asked for a replacement instead of their money back.
    reason: ItemProblem | None = None
    sku: str | None = None
    replacement: bool = False


@dataclass(frozen=True)
class LoggedMessage:
    """One message of a conversation, kept for a while for handoff transcripts and privacy exports."""

    conversation_id: str
    message_id: str
    direction: MessageDirection
    text: str
    at: datetime
    language: str | None = None


Record = Customer | Order | Invoice | Subscription | Product


def message_as_dict(message: LoggedMessage) -> dict[str, Any]:
    return {
        "conversation_id": message.conversation_id,
        "message_id": message.message_id,
        "direction": message.direction.value,
        "text": message.text,
        "language": message.language,
        "at": message.at.astimezone(UTC).isoformat() if message.at.tzinfo else message.at.isoformat(),
    }
