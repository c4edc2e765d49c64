"""Changing a delivery address and returning an item for a problem with it, checked against both the in-memory fakes
and DynamoDB (moto): the address is written only while the order is in the warehouse, whatever happens in between,
and a return for a damaged or wrong item keeps which item it is and whether a replacement was asked for."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fakes import InMemoryOrders, InMemoryReturns
from parley.data.dynamo import DynamoOrders, DynamoRecordWriter, DynamoReturns
from parley.data.models import OrderModel
from parley.domain.ports import OrderRepository, ReturnRepository
from parley.domain.records import ItemProblem, Order, OrderItem, OrderStatus
from parley.domain.rules import AddressOutcome, ReturnClaim, ReturnOutcome
from support.factories import customer, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EMILY = customer(customer_id="CUST-EMILY")
LUCIA = customer(customer_id="CUST-LUCIA")
OLD_ADDRESS = "221B Baker Street, London NW1 6XE"
NEW_ADDRESS = "Calle Mayor 5, 28013 Madrid"


@dataclass
class Store:
    orders: OrderRepository
    returns: ReturnRepository


StoreFactory = Callable[[Sequence[Order]], Store]


@pytest.fixture(params=["in-memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> StoreFactory:
    """The repositories over the given orders, in memory or in DynamoDB: the same tests hold for both."""
    counter = itertools.count(1)

    def new_id() -> str:
        return f"RET-C{next(counter):05d}"

    def in_memory(orders: Sequence[Order]) -> Store:
        kept = InMemoryOrders(orders)
        return Store(kept, InMemoryReturns(kept, new_id=new_id))

    def dynamodb(orders: Sequence[Order]) -> Store:
        DynamoRecordWriter().replace_all(list(orders))
        return Store(DynamoOrders(clock=lambda: NOW), DynamoReturns(new_id=new_id))

    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return dynamodb
    return in_memory


def at(status: OrderStatus, order_id: str, owner=EMILY, **overrides) -> Order:
    return order(owner, order_id=order_id, status=status, shipping_address=OLD_ADDRESS, **overrides)


# --- the delivery address ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.PROCESSING])
def test_an_order_in_the_warehouse_gets_its_new_address(store: StoreFactory, status: OrderStatus) -> None:
    orders = store([at(status, "ORD-330001")]).orders

    result = orders.change_address("ORD-330001", EMILY.customer_id, NEW_ADDRESS)

    assert result.outcome is AddressOutcome.CHANGED
    assert result.order is not None and result.order.shipping_address == NEW_ADDRESS
    assert orders.get("ORD-330001").shipping_address == NEW_ADDRESS  # type: ignore[union-attr]
    assert orders.get("ORD-330001").status is status  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED])
def test_an_order_a_carrier_has_keeps_its_address(store: StoreFactory, status: OrderStatus) -> None:
    orders = store([at(status, "ORD-330002")]).orders

    result = orders.change_address("ORD-330002", EMILY.customer_id, NEW_ADDRESS)

    assert (result.outcome, result.order.status if result.order else None) == (AddressOutcome.TOO_LATE, status)
    assert orders.get("ORD-330002").shipping_address == OLD_ADDRESS  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.RETURNED])
def test_a_cancelled_or_returned_order_has_no_address_to_change(store: StoreFactory, status: OrderStatus) -> None:
    orders = store([at(status, "ORD-330003")]).orders

    result = orders.change_address("ORD-330003", EMILY.customer_id, NEW_ADDRESS)

    assert result.outcome is AddressOutcome.CLOSED
    assert orders.get("ORD-330003").shipping_address == OLD_ADDRESS  # type: ignore[union-attr]


def test_someone_elses_order_reads_as_missing_and_keeps_its_address(store: StoreFactory) -> None:
    orders = store([at(OrderStatus.PLACED, "ORD-330004", owner=LUCIA)]).orders

    result = orders.change_address("ORD-330004", EMILY.customer_id, NEW_ADDRESS)
    missing = orders.change_address("ORD-399999", EMILY.customer_id, NEW_ADDRESS)

    assert (result.outcome, result.order) == (AddressOutcome.NOT_FOUND, None)
    assert (missing.outcome, missing.order) == (AddressOutcome.NOT_FOUND, None)
    assert orders.get("ORD-330004").shipping_address == OLD_ADDRESS  # type: ignore[union-attr]


def test_an_address_change_that_loses_the_race_with_shipping_is_refused(aws) -> None:
    """The customer read the new address back while the order was still in the warehouse; it shipped before their
    yes. The conditional write refuses, so the parcel's label and our record never disagree."""
    DynamoRecordWriter().replace_all([at(OrderStatus.PROCESSING, "ORD-330005")])
    orders = DynamoOrders(clock=lambda: NOW)
    seen_by_the_dialogue = orders.get("ORD-330005")
    OrderModel(order_id="ORD-330005").update(actions=[OrderModel.status.set("shipped")])

    result = orders.change_address("ORD-330005", EMILY.customer_id, NEW_ADDRESS)

    assert seen_by_the_dialogue is not None and seen_by_the_dialogue.status is OrderStatus.PROCESSING
    assert result.outcome is AddressOutcome.TOO_LATE
    assert result.order is not None and result.order.status is OrderStatus.SHIPPED
    stored = OrderModel.get("ORD-330005")
    assert (stored.shipping_address, stored.address_changed_at) == (OLD_ADDRESS, None)


def test_dynamodb_notes_when_the_customer_changed_the_address(aws) -> None:
    DynamoRecordWriter().replace_all([at(OrderStatus.PLACED, "ORD-330006")])

    DynamoOrders(clock=lambda: NOW).change_address("ORD-330006", EMILY.customer_id, NEW_ADDRESS)

    assert OrderModel.get("ORD-330006").address_changed_at == NOW.isoformat()


# --- a return for a problem with an item ------------------------------------------------------------------------------


def delivered(order_id: str, items: tuple[OrderItem, ...], days_ago: int = 3) -> Order:
    return order(EMILY, order_id=order_id, status=OrderStatus.DELIVERED, items=items,
                 delivered_at=NOW - timedelta(days=days_ago))  # fmt: skip


def test_a_damaged_item_of_several_comes_back_for_a_replacement(store: StoreFactory) -> None:
    items = (OrderItem("SKU-HEADPHONES", 1), OrderItem("SKU-SOCKS", 2))
    returns = store([delivered("ORD-340001", items)]).returns
    claim = ReturnClaim(ItemProblem.DAMAGED, sku="SKU-HEADPHONES", replacement=True)

    result = returns.start_return("ORD-340001", EMILY.customer_id, NOW, claim=claim)

    assert result.outcome is ReturnOutcome.STARTED and result.request is not None
    [kept] = returns.returns_for_customer(EMILY.customer_id)
    assert kept == result.request
    assert (kept.reason, kept.sku, kept.replacement) == (ItemProblem.DAMAGED, "SKU-HEADPHONES", True)
    assert kept.refund_amount is None  # nothing is refunded: a new one is sent


def test_the_only_item_sent_wrong_is_refunded_in_full(store: StoreFactory) -> None:
    returns = store([delivered("ORD-340002", (OrderItem("SKU-JKT-BLU-M", 1),))]).returns
    claim = ReturnClaim(ItemProblem.WRONG, sku="SKU-JKT-BLU-M")

    result = returns.start_return("ORD-340002", EMILY.customer_id, NOW, claim=claim)

    assert result.request is not None
    assert (result.request.reason, result.request.replacement) == (ItemProblem.WRONG, False)
    assert result.request.refund_amount == Decimal("129.90")


def test_one_item_of_several_refunded_leaves_the_amount_to_staff(store: StoreFactory) -> None:
    items = (OrderItem("SKU-HEADPHONES", 1), OrderItem("SKU-SOCKS", 2))
    returns = store([delivered("ORD-340003", items)]).returns

    result = returns.start_return(
        "ORD-340003", EMILY.customer_id, NOW, claim=ReturnClaim(ItemProblem.DAMAGED, "SKU-SOCKS")
    )

    assert result.request is not None and result.request.refund_amount is None


def test_a_problem_outside_the_window_is_refused_like_any_return(store: StoreFactory) -> None:
    returns = store([delivered("ORD-340004", (OrderItem("SKU-HEADPHONES", 1),), days_ago=45)]).returns

    result = returns.start_return("ORD-340004", EMILY.customer_id, NOW, claim=ReturnClaim(ItemProblem.DAMAGED))

    assert result.outcome is ReturnOutcome.WINDOW_PASSED
    assert returns.returns_for_customer(EMILY.customer_id) == []
