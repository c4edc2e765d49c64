"""DynamoDB adapters (pynamodb) of the business's data: repositories with conditional writes, and all-or-nothing
imports."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from parley.channels.model import Channel
from parley.data.dynamo_mapping import (
    ATTEMPTS,
    condition_failed,
    customer_from,
    invoice_from,
    order_from,
    product_from,
    return_from,
    return_item,
    subscription_from,
    to_item,
    utc_now,
)
from parley.data.models import (
    CustomerModel,
    InvoiceModel,
    OrderModel,
    ProductModel,
    ReturnModel,
    SubscriptionModel,
)
from parley.data.product_search import ProductIndex
from parley.domain.ports import StorageError
from parley.domain.records import (
    Customer,
    Invoice,
    Order,
    OrderStatus,
    Product,
    Record,
    Return,
    ReturnStatus,
    Subscription,
)
from parley.domain.rules import (
    CANCELLABLE,
    DEFAULT_RETURN_WINDOW_DAYS,
    OPEN_INVOICE,
    OPEN_RETURN,
    PLAN_CHANGE_FROM,
    CancelOutcome,
    CancelResult,
    ChangeOutcome,
    ReturnOutcome,
    ReturnResult,
    SubscriptionChange,
    SubscriptionTransition,
    cancel_outcome,
    new_return_id,
    plan_change_outcome,
    plan_return,
    transition_outcome,
)


class DynamoCustomers:
    def by_channel_id(self, channel: str, sender_id: str) -> Customer | None:
        index = CustomerModel.by_phone if channel == Channel.WHATSAPP else CustomerModel.by_psid
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
    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
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
        for _ in range(ATTEMPTS):
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
                if not condition_failed(exc):
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
        for _ in range(ATTEMPTS):
            order_item = self._order_item(order_id)
            order = order_from(order_item) if order_item is not None else None
            # The order names its open return: read it only for this customer's order.
            mine = order is not None and order.customer_id == customer_id
            previous = order_item.open_return_id if order_item is not None and mine else None
            under_way = self._return(previous) if previous is not None else None
            result = plan_return(order, customer_id, under_way, now, window_days, self._new_id())
            if result.outcome is not ReturnOutcome.STARTED or result.request is None:
                return result
            if self._write(result.request, previous):
                return result
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
            if condition_failed(exc):
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

    def change_plan(
        self, subscription_id: str, customer_id: str, new_plan: str, new_price: Decimal | None = None
    ) -> SubscriptionChange:
        for _ in range(ATTEMPTS):
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

    def change_status(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        condition = (SubscriptionModel.customer_id == customer_id) & SubscriptionModel.status.is_in(
            *(s.value for s in transition.allowed_from)
        )
        for _ in range(ATTEMPTS):
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
            if condition_failed(exc):
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
