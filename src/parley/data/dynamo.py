"""DynamoDB adapters (pynamodb): records to items and back, repositories, and all-or-nothing writes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from parley.channels.model import Channel
from parley.data.models import (
    ConversationModel,
    CustomerModel,
    InvoiceModel,
    OrderItemMap,
    OrderModel,
    ProductModel,
    SubscriptionModel,
)
from parley.data.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    Record,
    Subscription,
    SubscriptionStatus,
)
from parley.data.repositories import ConversationState, StorageError


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return value.isoformat()


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _from_dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _from_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def to_item(record: Record) -> Model:
    match record:
        case Customer():
            return CustomerModel(**{k: getattr(record, k) for k in Customer.__dataclass_fields__})
        case Order():
            return OrderModel(
                order_id=record.order_id,
                customer_id=record.customer_id,
                status=record.status.value,
                placed_at=iso(record.placed_at),
                carrier=record.carrier,
                tracking_number=record.tracking_number,
                estimated_delivery=iso(record.estimated_delivery),
                total=_dec(record.total),
                currency=record.currency,
                items=[OrderItemMap(sku=i.sku, quantity=i.quantity) for i in record.items] or None,
            )
        case Invoice():
            return InvoiceModel(
                invoice_id=record.invoice_id,
                customer_id=record.customer_id,
                issued_at=iso(record.issued_at),
                due_at=iso(record.due_at),
                amount=str(record.amount),
                currency=record.currency,
                status=record.status.value,
                url=record.url,
            )
        case Subscription():
            return SubscriptionModel(
                subscription_id=record.subscription_id,
                customer_id=record.customer_id,
                plan=record.plan,
                status=record.status.value,
                renews_at=iso(record.renews_at),
                price=_dec(record.price),
                currency=record.currency,
            )
        case Product():
            return ProductModel(
                sku=record.sku,
                name=record.name,
                description=record.description,
                price=_dec(record.price),
                currency=record.currency,
                stock=record.stock,
                attributes=dict(record.attributes) or None,
            )
    raise TypeError(f"not a record: {type(record).__name__}")


def customer_from(item: CustomerModel) -> Customer:
    return Customer(**{k: getattr(item, k) for k in Customer.__dataclass_fields__})


def order_from(item: OrderModel) -> Order:
    return Order(
        order_id=item.order_id,
        customer_id=item.customer_id,
        status=OrderStatus(item.status),
        placed_at=datetime.fromisoformat(item.placed_at),
        carrier=item.carrier,
        tracking_number=item.tracking_number,
        estimated_delivery=date.fromisoformat(item.estimated_delivery) if item.estimated_delivery else None,
        total=_from_dec(item.total),
        currency=item.currency,
        items=tuple(OrderItem(i.sku, int(i.quantity)) for i in item.items or ()),
    )


def invoice_from(item: InvoiceModel) -> Invoice:
    return Invoice(
        invoice_id=item.invoice_id,
        customer_id=item.customer_id,
        issued_at=datetime.fromisoformat(item.issued_at),
        due_at=_from_dt(item.due_at),
        amount=Decimal(item.amount),
        currency=item.currency,
        status=InvoiceStatus(item.status),
        url=item.url,
    )


def subscription_from(item: SubscriptionModel) -> Subscription:
    return Subscription(
        subscription_id=item.subscription_id,
        customer_id=item.customer_id,
        plan=item.plan,
        status=SubscriptionStatus(item.status),
        renews_at=_from_dt(item.renews_at),
        price=_from_dec(item.price),
        currency=item.currency,
    )


def product_from(item: ProductModel) -> Product:
    attributes = item.attributes.as_dict() if item.attributes is not None else {}
    return Product(
        sku=item.sku,
        name=item.name,
        description=item.description,
        price=_from_dec(item.price),
        currency=item.currency,
        stock=int(item.stock) if item.stock is not None else None,
        attributes=tuple(sorted((str(k), str(v)) for k, v in attributes.items())),
    )


class DynamoCustomers:
    def by_channel_id(self, channel: Channel, sender_id: str) -> Customer | None:
        index = CustomerModel.by_phone if channel is Channel.WHATSAPP else CustomerModel.by_psid
        try:
            for item in index.query(sender_id, limit=1):
                return customer_from(item)
        except PynamoDBException as exc:
            raise StorageError("customer lookup failed") from exc
        return None


class DynamoOrders:
    def get(self, order_id: str) -> Order | None:
        try:
            return order_from(OrderModel.get(order_id))
        except OrderModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("order lookup failed") from exc

    def for_customer(self, customer_id: str, limit: int = 10) -> list[Order]:
        try:
            items = OrderModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
            return [order_from(i) for i in items]
        except PynamoDBException as exc:
            raise StorageError("order listing failed") from exc


class DynamoConversations:
    def __init__(self, ttl_days: int = 30) -> None:
        self._ttl_seconds = ttl_days * 86_400

    def get(self, conversation_id: str) -> ConversationState | None:
        try:
            item = ConversationModel.get(conversation_id)
        except ConversationModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("conversation lookup failed") from exc
        if item.expires_at is not None and item.expires_at <= time.time():
            return None  # DynamoDB deletes expired items within days, not at once: expired is gone
        return ConversationState(
            conversation_id=item.conversation_id,
            customer_id=item.customer_id,
            language=item.language,
            last_order_id=item.last_order_id,
            updated_at=int(item.updated_at or 0),
            flow=item.flow,
            step=item.step,
            slots={str(k): str(v) for k, v in (item.slots.as_dict() if item.slots else {}).items()},
            misunderstood=int(item.misunderstood or 0),
            handoff_at=int(item.handoff_at) if item.handoff_at is not None else None,
            verified_customer_id=item.verified_customer_id,
            verify_failures=int(item.verify_failures or 0),
            verify_locked_until=int(item.verify_locked_until) if item.verify_locked_until is not None else None,
        )

    def save(self, state: ConversationState) -> None:
        now = int(time.time())
        try:
            ConversationModel(
                conversation_id=state.conversation_id,
                customer_id=state.customer_id,
                language=state.language,
                last_order_id=state.last_order_id,
                updated_at=state.updated_at or now,
                expires_at=now + self._ttl_seconds,
                flow=state.flow,
                step=state.step,
                slots=dict(state.slots) or None,
                misunderstood=state.misunderstood or None,
                handoff_at=state.handoff_at,
                verified_customer_id=state.verified_customer_id,
                verify_failures=state.verify_failures or None,
                verify_locked_until=state.verify_locked_until,
            ).save()
        except PynamoDBException as exc:
            raise StorageError("conversation save failed") from exc


def _hash_key(model: type[Model]) -> str:
    name = model._hash_keyname
    if name is None:  # pragma: no cover - every model here has a hash key
        raise TypeError(f"{model.__name__} has no hash key")
    return name


class DynamoRecordWriter:
    """Imports: write every record, and on any failure restore what the table held before."""

    def replace_all(self, records: Sequence[Record]) -> Callable[[], None]:
        """Write the records; returns how to undo it, so a multi-file import can be rolled back whole."""
        items = [to_item(r) for r in records]
        if not items:
            return lambda: None
        model = type(items[0])
        key_name = _hash_key(model)
        keys = [getattr(item, key_name) for item in items]
        table = model.Meta.table_name
        try:
            # Strongly consistent: the snapshot must be what a rollback puts back, even right after another import.
            previous = {getattr(i, key_name): i for i in model.batch_get(keys, consistent_read=True)}
        except PynamoDBException as exc:
            raise StorageError(f"import into {table} failed before writing; nothing was changed") from exc
        written: list[Model] = []
        try:
            with model.batch_write() as batch:
                for item in items:
                    batch.save(item)
                    written.append(item)
        except PynamoDBException as exc:
            try:
                self._restore(model, written, previous)
            except PynamoDBException as restore_exc:
                raise StorageError(
                    f"import into {table} failed and the previous items could not be restored; "
                    "the table may be partly written, so import the file again"
                ) from restore_exc
            raise StorageError(f"import into {table} failed; nothing was changed") from exc

        def undo() -> None:
            try:
                self._restore(model, written, previous)
            except PynamoDBException as exc:
                raise StorageError(f"could not undo the import into {table}; import the files again") from exc

        return undo

    @staticmethod
    def _restore(model: type[Model], written: list[Model], previous: dict[Any, Model]) -> None:
        key_name = _hash_key(model)
        with model.batch_write() as batch:
            for item in written:
                key = getattr(item, key_name)
                if key in previous:
                    batch.save(previous[key])
                else:
                    batch.delete(item)
