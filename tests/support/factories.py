"""Small factories for domain records and inbound messages; override only what a test is about."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from parley.channels.model import Channel, InboundMessage
from parley.domain.records import Customer, Order, OrderItem, OrderStatus, Product

_ids = itertools.count(1)


def customer(**overrides: Any) -> Customer:
    n = next(_ids)
    values: dict[str, Any] = {
        "customer_id": f"CUST-{n:04d}",
        "name": "Emily Carter",
        "email": f"customer{n}@example.com",
        "phone": f"1415555{n:04d}",
        "messenger_psid": f"99{n:014d}",
        "language": "en",
    }
    values.update(overrides)
    return Customer(**values)


def order(owner: Customer, **overrides: Any) -> Order:
    n = next(_ids)
    values: dict[str, Any] = {
        "order_id": f"ORD-{200000 + n}",
        "customer_id": owner.customer_id,
        "status": OrderStatus.SHIPPED,
        "placed_at": datetime(2026, 11, 18, 9, 12, tzinfo=UTC),
        "carrier": "UPS",
        "tracking_number": f"1Z999AA1{n:010d}",
        "estimated_delivery": date(2026, 11, 27),
        "total": Decimal("129.90"),
        "currency": "USD",
        "items": (OrderItem("SKU-JKT-BLU-M", 1),),
    }
    values.update(overrides)
    return Order(**values)


def inbound(
    text: str, sender: str = "14155550001", channel: Channel = Channel.WHATSAPP, **overrides: Any
) -> InboundMessage:
    values: dict[str, Any] = {
        "channel": channel,
        "sender_id": sender,
        "message_id": f"wamid.TEST{next(_ids):08d}",
        # Just sent: the WhatsApp 24-hour window is open, as for any message being answered now.
        "timestamp": int(time.time()),
        "text": text,
        "recipient_id": "106540352242922",
    }
    values.update(overrides)
    return InboundMessage(**values)


def product(sku: str, name: str, price: str = "10.00", stock: int | None = 5, **attributes: str) -> Product:
    """A product; attributes as keywords, in the order given (color="blue", size="L", pairs_with="SKU-X")."""
    return Product(
        sku=sku,
        name=name,
        description=attributes.pop("description", None),
        price=Decimal(price),
        currency=attributes.pop("currency", "USD"),
        stock=stock,
        attributes=tuple(attributes.items()),
    )
