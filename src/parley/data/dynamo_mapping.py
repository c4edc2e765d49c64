"""Domain records to pynamodb items and back: one place that knows how each record is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model

from parley.data.models import (
    CustomerModel,
    InvoiceModel,
    OrderItemMap,
    OrderModel,
    ProductModel,
    ReturnModel,
    SubscriptionModel,
)
from parley.domain.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    ItemProblem,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    Record,
    Return,
    ReturnStatus,
    Subscription,
    SubscriptionStatus,
)

# A conditional write can lose a race with another writer; the loser reads again and decides afresh, a few times.
ATTEMPTS = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


def condition_failed(exc: PynamoDBException) -> bool:
    if isinstance(exc, TransactWriteError):
        return exc.cause_response_code == "TransactionCanceledException" and any(
            reason is not None and reason.code == "ConditionalCheckFailed" for reason in exc.cancellation_reasons
        )
    return exc.cause_response_code == "ConditionalCheckFailedException"


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return value.isoformat()


def dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def from_dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def from_dt(value: str | None) -> datetime | None:
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
                total=dec(record.total),
                currency=record.currency,
                items=[OrderItemMap(sku=i.sku, quantity=i.quantity) for i in record.items] or None,
                delivered_at=iso(record.delivered_at),
                shipping_address=record.shipping_address,
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
                payment_failure_reason=record.payment_failure_reason,
            )
        case Subscription():
            return SubscriptionModel(
                subscription_id=record.subscription_id,
                customer_id=record.customer_id,
                plan=record.plan,
                status=record.status.value,
                renews_at=iso(record.renews_at),
                price=dec(record.price),
                currency=record.currency,
            )
        case Product():
            return ProductModel(
                sku=record.sku,
                name=record.name,
                description=record.description,
                price=dec(record.price),
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
        total=from_dec(item.total),
        currency=item.currency,
        items=tuple(OrderItem(i.sku, int(i.quantity)) for i in item.items or ()),
        delivered_at=from_dt(item.delivered_at),
        shipping_address=item.shipping_address,
    )


def invoice_from(item: InvoiceModel) -> Invoice:
    return Invoice(
        invoice_id=item.invoice_id,
        customer_id=item.customer_id,
        issued_at=datetime.fromisoformat(item.issued_at),
        due_at=from_dt(item.due_at),
        amount=Decimal(item.amount),
        currency=item.currency,
        status=InvoiceStatus(item.status),
        url=item.url,
        payment_failure_reason=item.payment_failure_reason,
    )


def subscription_from(item: SubscriptionModel) -> Subscription:
    return Subscription(
        subscription_id=item.subscription_id,
        customer_id=item.customer_id,
        plan=item.plan,
        status=SubscriptionStatus(item.status),
        renews_at=from_dt(item.renews_at),
        price=from_dec(item.price),
        currency=item.currency,
    )


def return_from(item: ReturnModel) -> Return:
    return Return(
        return_id=item.return_id,
        order_id=item.order_id,
        customer_id=item.customer_id,
        created_at=datetime.fromisoformat(item.created_at),
        status=ReturnStatus(item.status),
        refund_amount=from_dec(item.refund_amount),
        currency=item.currency,
        refunded_at=from_dt(item.refunded_at),
        reason=ItemProblem(item.reason) if item.reason else None,
        sku=item.sku,
        replacement=bool(item.replacement),
    )


def return_item(record: Return) -> ReturnModel:
    return ReturnModel(
        return_id=record.return_id,
        order_id=record.order_id,
        customer_id=record.customer_id,
        created_at=iso(record.created_at),
        status=record.status.value,
        refund_amount=dec(record.refund_amount),
        currency=record.currency,
        refunded_at=iso(record.refunded_at),
        reason=record.reason.value if record.reason else None,
        sku=record.sku,
        replacement=record.replacement or None,
    )


def product_from(item: ProductModel) -> Product:
    attributes = item.attributes.as_dict() if item.attributes is not None else {}
    return Product(
        sku=item.sku,
        name=item.name,
        description=item.description,
        price=from_dec(item.price),
        currency=item.currency,
        stock=int(item.stock) if item.stock is not None else None,
        attributes=tuple(sorted((str(k), str(v)) for k, v in attributes.items())),
    )
