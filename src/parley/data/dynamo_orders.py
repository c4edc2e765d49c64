"""DynamoDB adapters of orders and returns: a cancel and a change of delivery address are conditional writes, and a
return is put together with its order's update in one transaction, so an order has at most one open return whatever
races it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from parley.data.dynamo_mapping import ATTEMPTS, condition_failed, order_from, return_from, return_item, utc_now
from parley.data.models import OrderModel, ReturnModel
from parley.domain.ports import StorageError
from parley.domain.records import Order, OrderStatus, Return, ReturnStatus
from parley.domain.rules import (
    ADDRESS_CHANGEABLE,
    CANCELLABLE,
    DEFAULT_RETURN_WINDOW_DAYS,
    OPEN_RETURN,
    AddressChange,
    AddressOutcome,
    CancelOutcome,
    CancelResult,
    ReturnClaim,
    ReturnOutcome,
    ReturnResult,
    address_outcome,
    cancel_outcome,
    new_return_id,
    plan_return,
)


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

    def change_address(self, order_id: str, customer_id: str, address: str) -> AddressChange:
        # As for a cancel, the condition is what keeps a shipment made meanwhile from being overwritten: the address
        # is written only if the order is still this customer's and still in the warehouse.
        condition = (OrderModel.customer_id == customer_id) & OrderModel.status.is_in(
            *(s.value for s in ADDRESS_CHANGEABLE)
        )
        for _ in range(ATTEMPTS):
            item = OrderModel(order_id=order_id)
            try:
                item.update(
                    actions=[
                        OrderModel.shipping_address.set(address),
                        OrderModel.address_changed_at.set(self._clock().astimezone(UTC).isoformat()),
                    ],
                    condition=condition,
                )
                return AddressChange(AddressOutcome.CHANGED, order_from(item))
            except UpdateError as exc:
                if not condition_failed(exc):
                    raise StorageError("order address change failed") from exc
            current = self._read(order_id)
            refusal = address_outcome(current, customer_id)
            if refusal is not None:
                return AddressChange(refusal, current if refusal is not AddressOutcome.NOT_FOUND else None)
        raise StorageError("order address change kept conflicting with other writes")

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
        self,
        order_id: str,
        customer_id: str,
        now: datetime,
        window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
        claim: ReturnClaim | None = None,
    ) -> ReturnResult:
        for _ in range(ATTEMPTS):
            order_item = self._order_item(order_id)
            order = order_from(order_item) if order_item is not None else None
            # The order names its open return: read it only for this customer's order.
            mine = order is not None and order.customer_id == customer_id
            previous = order_item.open_return_id if order_item is not None and mine else None
            under_way = self._return(previous) if previous is not None else None
            result = plan_return(order, customer_id, under_way, now, window_days, self._new_id(), claim)
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
