"""DynamoDB adapters (pynamodb): records to items and back, repositories, and all-or-nothing writes."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import DeleteError, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from parley.channels.model import Channel
from parley.data.models import (
    ConversationMessageModel,
    ConversationModel,
    CustomerModel,
    InvoiceModel,
    OrderItemMap,
    OrderModel,
    ProductModel,
    ReturnModel,
    SubscriptionModel,
)
from parley.data.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    LoggedMessage,
    MessageDirection,
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
from parley.data.repositories import (
    CANCEL,
    CANCELLABLE,
    DEFAULT_MESSAGE_LOG_DAYS,
    DEFAULT_RETURN_WINDOW_DAYS,
    OPEN_INVOICE,
    OPEN_RETURN,
    PAUSE,
    PLAN_CHANGE_FROM,
    RESUME,
    CancelOutcome,
    CancelResult,
    ChangeOutcome,
    ConversationState,
    ProductIndex,
    ReturnOutcome,
    ReturnResult,
    StorageError,
    SubscriptionChange,
    SubscriptionTransition,
    cancel_outcome,
    message_as_dict,
    new_return_id,
    plan_change_outcome,
    return_refusal,
    transition_outcome,
)

# A conditional write can lose a race with another writer; the loser reads again and decides afresh, a few times.
_ATTEMPTS = 3


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _condition_failed(exc: PynamoDBException) -> bool:
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
                delivered_at=iso(record.delivered_at),
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
        delivered_at=_from_dt(item.delivered_at),
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
        payment_failure_reason=item.payment_failure_reason,
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


def return_from(item: ReturnModel) -> Return:
    return Return(
        return_id=item.return_id,
        order_id=item.order_id,
        customer_id=item.customer_id,
        created_at=datetime.fromisoformat(item.created_at),
        status=ReturnStatus(item.status),
        refund_amount=_from_dec(item.refund_amount),
        currency=item.currency,
        refunded_at=_from_dt(item.refunded_at),
    )


def return_item(record: Return) -> ReturnModel:
    return ReturnModel(
        return_id=record.return_id,
        order_id=record.order_id,
        customer_id=record.customer_id,
        created_at=iso(record.created_at),
        status=record.status.value,
        refund_amount=_dec(record.refund_amount),
        currency=record.currency,
        refunded_at=iso(record.refunded_at),
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

    def get(self, customer_id: str) -> Customer | None:
        try:
            return customer_from(CustomerModel.get(customer_id))
        except CustomerModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("customer lookup failed") from exc


class DynamoOrders:
    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        self._clock = clock

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

    def cancel(self, order_id: str, customer_id: str) -> CancelResult:
        # The condition is what makes a double cancel, or a cancel racing the warehouse's "shipped", impossible:
        # DynamoDB applies the write only if the item still is this customer's and still cancellable.
        condition = (OrderModel.customer_id == customer_id) & OrderModel.status.is_in(*(s.value for s in CANCELLABLE))
        for _ in range(_ATTEMPTS):
            item = OrderModel(order_id=order_id)
            try:
                item.update(
                    actions=[
                        OrderModel.status.set(OrderStatus.CANCELLED.value),
                        OrderModel.cancelled_at.set(self._clock().astimezone(UTC).isoformat()),
                    ],
                    condition=condition,
                )
                return CancelResult(CancelOutcome.CANCELLED, order_from(item))
            except UpdateError as exc:
                if not _condition_failed(exc):
                    raise StorageError("order cancel failed") from exc
            current = self._read(order_id)
            refusal = cancel_outcome(current, customer_id)
            if refusal is not None:
                return CancelResult(refusal, current if refusal is not CancelOutcome.NOT_FOUND else None)
        raise StorageError("order cancel kept conflicting with other writes")

    @staticmethod
    def _read(order_id: str) -> Order | None:
        try:
            return order_from(OrderModel.get(order_id, consistent_read=True))
        except OrderModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("order lookup failed") from exc


class DynamoReturns:
    """Returns; the order item names its open return, so a transaction keeps it to one per order."""

    def __init__(self, new_id: Callable[[], str] = new_return_id) -> None:
        self._new_id = new_id

    def start_return(
        self, order_id: str, customer_id: str, now: datetime, window_days: int = DEFAULT_RETURN_WINDOW_DAYS
    ) -> ReturnResult:
        for _ in range(_ATTEMPTS):
            order_item = self._order_item(order_id)
            order = order_from(order_item) if order_item is not None else None
            previous: str | None = None
            if order_item is not None and order is not None and order.customer_id == customer_id:
                previous = order_item.open_return_id
                if previous is not None:
                    under_way = self._return(previous)
                    if under_way is not None and under_way.status.is_open:
                        return ReturnResult(ReturnOutcome.ALREADY_OPEN, under_way, order)
            refusal, deadline = return_refusal(order, customer_id, now, window_days)
            if refusal is not None:
                return ReturnResult(refusal, None, order if refusal is not ReturnOutcome.NOT_FOUND else None, deadline)
            assert order is not None
            created = Return(
                return_id=self._new_id(),
                order_id=order_id,
                customer_id=customer_id,
                created_at=now,
                status=ReturnStatus.REQUESTED,
                refund_amount=order.total,
                currency=order.currency,
            )
            if self._write(created, previous):
                return ReturnResult(ReturnOutcome.STARTED, created, order, deadline)
        raise StorageError("starting a return kept conflicting with other writes")

    @staticmethod
    def _write(created: Return, previous: str | None) -> bool:
        """Put the return and point the order at it, all or nothing; False when another writer got there first."""
        no_other_return = (
            OrderModel.open_return_id.does_not_exist() if previous is None else OrderModel.open_return_id == previous
        )
        still_eligible = (
            (OrderModel.customer_id == created.customer_id)
            & (OrderModel.status == OrderStatus.DELIVERED.value)
            & no_other_return
        )
        try:
            with TransactWrite(connection=OrderModel._get_connection().connection) as transaction:
                transaction.update(
                    OrderModel(order_id=created.order_id),
                    actions=[OrderModel.open_return_id.set(created.return_id)],
                    condition=still_eligible,
                )
                if previous is not None:
                    # The return the order still names must have closed (refunded, rejected) in the meantime.
                    closed = ReturnModel.status.is_in(*(s.value for s in ReturnStatus if s not in OPEN_RETURN))
                    transaction.condition_check(
                        ReturnModel, previous, condition=closed | ReturnModel.return_id.does_not_exist()
                    )
                transaction.save(return_item(created), condition=ReturnModel.return_id.does_not_exist())
        except TransactWriteError as exc:
            if _condition_failed(exc):
                return False
            raise StorageError("starting a return failed") from exc
        return True

    @staticmethod
    def _order_item(order_id: str) -> OrderModel | None:
        try:
            return OrderModel.get(order_id, consistent_read=True)
        except OrderModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("order lookup failed") from exc

    @staticmethod
    def _return(return_id: str) -> Return | None:
        try:
            return return_from(ReturnModel.get(return_id, consistent_read=True))
        except ReturnModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("return lookup failed") from exc

    def returns_for_customer(self, customer_id: str) -> list[Return]:
        try:
            return [return_from(i) for i in ReturnModel.by_customer.query(customer_id, scan_index_forward=False)]
        except PynamoDBException as exc:
            raise StorageError("return listing failed") from exc

    def refund_status(self, return_id: str, customer_id: str) -> Return | None:
        found = self._return(return_id)
        return found if found is not None and found.customer_id == customer_id else None


class DynamoInvoices:
    def for_customer(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        try:
            items = InvoiceModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
            return [invoice_from(i) for i in items]
        except PynamoDBException as exc:
            raise StorageError("invoice listing failed") from exc

    def open_for_customer(self, customer_id: str) -> list[Invoice]:
        still_due = InvoiceModel.status.is_in(*(s.value for s in OPEN_INVOICE))
        try:
            items = InvoiceModel.by_customer.query(customer_id, scan_index_forward=False, filter_condition=still_due)
            return [invoice_from(i) for i in items]
        except PynamoDBException as exc:
            raise StorageError("invoice listing failed") from exc

    def get(self, invoice_id: str, customer_id: str) -> Invoice | None:
        try:
            found = invoice_from(InvoiceModel.get(invoice_id))
        except InvoiceModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("invoice lookup failed") from exc
        # Someone else's invoice reads exactly like a missing one.
        return found if found.customer_id == customer_id else None


class DynamoSubscriptions:
    def for_customer(self, customer_id: str) -> list[Subscription]:
        try:
            items = SubscriptionModel.by_customer.query(customer_id)
            return sorted((subscription_from(i) for i in items), key=lambda s: s.subscription_id)
        except PynamoDBException as exc:
            raise StorageError("subscription listing failed") from exc

    def get(self, subscription_id: str, customer_id: str) -> Subscription | None:
        found = self._read(subscription_id, consistent=False)
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
        for _ in range(_ATTEMPTS):
            current = self._read(subscription_id, consistent=True)
            mine = current if current is not None and current.customer_id == customer_id else None
            refusal = plan_change_outcome(mine, customer_id, new_plan, new_price)
            if refusal is not None:
                return SubscriptionChange(refusal, mine)
            assert mine is not None
            # Optimistic: only over the plan and status just read, so a concurrent change is not overwritten.
            unchanged = (
                (SubscriptionModel.customer_id == customer_id)
                & SubscriptionModel.status.is_in(*(s.value for s in PLAN_CHANGE_FROM))
                & (SubscriptionModel.plan == mine.plan)
            )
            actions: list[Any] = [SubscriptionModel.plan.set(new_plan)]
            if new_price is not None:
                actions.append(SubscriptionModel.price.set(str(new_price)))
            changed = self._update(subscription_id, actions, unchanged)
            if changed is not None:
                return SubscriptionChange(ChangeOutcome.CHANGED, changed)
        raise StorageError("plan change kept conflicting with other writes")

    def _transition(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        condition = (SubscriptionModel.customer_id == customer_id) & SubscriptionModel.status.is_in(
            *(s.value for s in transition.allowed_from)
        )
        for _ in range(_ATTEMPTS):
            changed = self._update(subscription_id, [SubscriptionModel.status.set(transition.to.value)], condition)
            if changed is not None:
                return SubscriptionChange(ChangeOutcome.CHANGED, changed)
            current = self._read(subscription_id, consistent=True)
            mine = current if current is not None and current.customer_id == customer_id else None
            refusal = transition_outcome(mine, customer_id, transition)
            if refusal is not None:
                return SubscriptionChange(refusal, mine)
        raise StorageError("subscription change kept conflicting with other writes")

    @staticmethod
    def _update(subscription_id: str, actions: list[Any], condition: Condition) -> Subscription | None:
        """The subscription after the write, or None when the condition did not hold (nothing written)."""
        item = SubscriptionModel(subscription_id=subscription_id)
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if _condition_failed(exc):
                return None
            raise StorageError("subscription change failed") from exc
        return subscription_from(item)

    @staticmethod
    def _read(subscription_id: str, consistent: bool) -> Subscription | None:
        try:
            return subscription_from(SubscriptionModel.get(subscription_id, consistent_read=consistent))
        except SubscriptionModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("subscription lookup failed") from exc


class DynamoProducts:
    """The catalog, read whole (a scan of a few hundred items) and kept per execution environment for ttl_seconds:
    a product search costs no DynamoDB call most of the time, and an import shows within a minute."""

    def __init__(self, ttl_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._index: ProductIndex | None = None
        self._loaded_at = 0.0

    def _catalog(self) -> ProductIndex:
        now = self._clock()
        if self._index is None or now - self._loaded_at >= self._ttl:
            try:
                self._index = ProductIndex(product_from(i) for i in ProductModel.scan())
            except PynamoDBException as exc:
                raise StorageError("product catalog read failed") from exc
            self._loaded_at = now
        return self._index

    def get(self, sku: str) -> Product | None:
        return self._catalog().get(sku)

    def search(self, text: str, limit: int = 5) -> list[Product]:
        return self._catalog().search(text, limit)

    def complementary(self, product: Product) -> Product | None:
        return self._catalog().complementary(product)

    def in_category(self, category: str) -> list[Product]:
        return self._catalog().in_category(category)


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
            rating_asked_at=int(item.rating_asked_at) if item.rating_asked_at is not None else None,
            customer=_customer_snapshot(item.customer.as_dict()) if item.customer else None,
            customer_read_at=int(item.customer_read_at) if item.customer_read_at is not None else None,
        )

    def save(self, state: ConversationState) -> None:
        try:
            _conversation_item(state, int(time.time()), self._ttl_seconds).save()
        except PynamoDBException as exc:
            raise StorageError("conversation save failed") from exc


def _conversation_item(state: ConversationState, now: int, ttl_seconds: int) -> ConversationModel:
    return ConversationModel(
        conversation_id=state.conversation_id,
        customer_id=state.customer_id,
        language=state.language,
        last_order_id=state.last_order_id,
        updated_at=state.updated_at or now,
        expires_at=now + ttl_seconds,
        flow=state.flow,
        step=state.step,
        slots=dict(state.slots) or None,
        misunderstood=state.misunderstood or None,
        handoff_at=state.handoff_at,
        verified_customer_id=state.verified_customer_id,
        verify_failures=state.verify_failures or None,
        verify_locked_until=state.verify_locked_until,
        rating_asked_at=state.rating_asked_at,
        customer=_customer_fields(state.customer),
        customer_read_at=state.customer_read_at,
        data_subject_id=state.customer_id or state.verified_customer_id,
    )


def _customer_fields(customer: Customer | None) -> dict[str, str] | None:
    return {k: v for k, v in dataclasses.asdict(customer).items() if v is not None} if customer else None


def _customer_snapshot(fields: dict[str, Any]) -> Customer | None:
    known = {k: str(v) for k, v in fields.items() if k in Customer.__dataclass_fields__}
    return Customer(**known) if "customer_id" in known else None


def _message_key(message: LoggedMessage) -> str:
    at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
    # Fixed width (microseconds always written), so the strings sort as the instants do.
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{message.message_id}"


def _message_from(item: ConversationMessageModel) -> LoggedMessage:
    return LoggedMessage(
        conversation_id=item.conversation_id,
        message_id=item.message_id,
        direction=MessageDirection(item.direction),
        text=item.text,
        at=datetime.fromisoformat(item.at),
        language=item.language,
    )


class DynamoMessageLog:
    """One item per message, expiring ttl_days after it was written; erase removes the state item too."""

    def __init__(self, ttl_days: int = DEFAULT_MESSAGE_LOG_DAYS, clock: Callable[[], float] = time.time) -> None:
        self._ttl_seconds = ttl_days * 86_400
        self._clock = clock

    def append(self, message: LoggedMessage) -> None:
        try:
            self._item(message).save()
        except PynamoDBException as exc:
            raise StorageError("message log write failed") from exc

    def save_turn(self, state: ConversationState, messages: Sequence[LoggedMessage] = ()) -> None:
        """One TransactWriteItems for the state item and the messages (the state expires ttl_days from now, as
        DynamoConversations' does with the same setting): a turn costs one write call, and a transcript never
        shows a reply whose conversation state was not saved, nor the reverse."""
        state_item = _conversation_item(state, int(time.time()), self._ttl_seconds)
        try:
            if not messages:
                state_item.save()
                return
            with TransactWrite(connection=ConversationModel._get_connection().connection) as transaction:
                transaction.save(state_item)
                for message in messages:
                    transaction.save(self._item(message))
        except PynamoDBException as exc:
            raise StorageError("conversation save failed") from exc

    def _item(self, message: LoggedMessage) -> ConversationMessageModel:
        at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
        return ConversationMessageModel(
            conversation_id=message.conversation_id,
            at_message_id=_message_key(message),
            message_id=message.message_id,
            direction=message.direction.value,
            text=message.text,
            language=message.language,
            at=iso(at),
            expires_at=int(at.timestamp()) + self._ttl_seconds,
        )

    def recent(self, conversation_id: str, limit: int = 20) -> list[LoggedMessage]:
        if limit <= 0:
            return []
        now = self._clock()
        try:
            items = ConversationMessageModel.query(
                conversation_id, scan_index_forward=False, limit=limit, consistent_read=True
            )
            # DynamoDB deletes expired items within days, not at once: expired is gone.
            newest_first = [_message_from(i) for i in items if i.expires_at is None or i.expires_at > now]
        except PynamoDBException as exc:
            raise StorageError("message log read failed") from exc
        return newest_first[::-1]

    def export_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            items = ConversationMessageModel.query(conversation_id, consistent_read=True)
            return [message_as_dict(_message_from(i)) for i in items]
        except PynamoDBException as exc:
            raise StorageError("message log export failed") from exc

    def erase_conversation(self, conversation_id: str) -> int:
        erased = 0
        try:
            # Until a read finds nothing: a message logged while erasing would otherwise survive.
            while keys := list(
                ConversationMessageModel.query(
                    conversation_id, consistent_read=True, attributes_to_get=["conversation_id", "at_message_id"]
                )
            ):
                with ConversationMessageModel.batch_write() as batch:
                    for item in keys:
                        batch.delete(item)
                erased += len(keys)
        except PynamoDBException as exc:
            raise StorageError("message log erase failed") from exc
        try:
            ConversationModel(conversation_id=conversation_id).delete(
                condition=ConversationModel.conversation_id.exists()
            )
            erased += 1
        except DeleteError as exc:
            if not _condition_failed(exc):  # a failed condition: there was no state item to delete
                raise StorageError("conversation erase failed") from exc
        return erased

    def conversations_of_customer(self, customer_id: str) -> list[str]:
        try:
            return sorted(i.conversation_id for i in ConversationModel.by_data_subject.query(customer_id))
        except PynamoDBException as exc:
            raise StorageError("conversation lookup failed") from exc


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
