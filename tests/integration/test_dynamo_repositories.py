"""The data layer's promises, checked against both the in-memory fakes and DynamoDB (moto): a customer only ever
sees their own orders, invoices, subscriptions and returns, and every change happens once, from the right state."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fakes import InMemoryCustomers, InMemoryInvoices, InMemoryOrders, InMemoryReturns, InMemorySubscriptions
from parley.data.dynamo import (
    DynamoCustomers,
    DynamoInvoices,
    DynamoOrders,
    DynamoRecordWriter,
    DynamoReturns,
    DynamoSubscriptions,
)
from parley.data.models import OrderModel
from parley.domain.ports import (
    CustomerRepository,
    InvoiceRepository,
    OrderRepository,
    ReturnRepository,
    SubscriptionRepository,
)
from parley.domain.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    Order,
    OrderStatus,
    Record,
    Subscription,
    SubscriptionStatus,
)
from parley.domain.rules import CANCEL, PAUSE, RESUME, CancelOutcome, ChangeOutcome, ReturnOutcome
from support.factories import customer, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EMILY = customer(customer_id="CUST-EMILY")
LUCIA = customer(customer_id="CUST-LUCIA")


def invoice(owner: str, invoice_id: str, issued: datetime, status: InvoiceStatus, **overrides: Any) -> Invoice:
    values: dict[str, Any] = {
        "invoice_id": invoice_id,
        "customer_id": owner,
        "issued_at": issued,
        "amount": Decimal("19.00"),
        "status": status,
        "due_at": issued + timedelta(days=30),
        "currency": "USD",
        "url": f"https://billing.example.com/i/{invoice_id}",
    }
    return Invoice(**(values | overrides))


def subscription(owner: str, subscription_id: str, status: SubscriptionStatus, **overrides: Any) -> Subscription:
    values: dict[str, Any] = {
        "subscription_id": subscription_id,
        "customer_id": owner,
        "plan": "Sock Club Monthly",
        "status": status,
        "renews_at": datetime(2026, 12, 1, tzinfo=UTC),
        "price": Decimal("19.00"),
        "currency": "USD",
    }
    return Subscription(**(values | overrides))


def delivered(owner: Any, order_id: str, days_ago: int, **overrides: Any) -> Order:
    return order(
        owner, order_id=order_id, status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=days_ago), **overrides
    )


def return_ids(prefix: str) -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"RET-{prefix}{next(counter):05d}"


@dataclass
class Store:
    orders: OrderRepository
    returns: ReturnRepository
    invoices: InvoiceRepository
    subscriptions: SubscriptionRepository


StoreFactory = Callable[[Sequence[Record]], Store]


@pytest.fixture(params=["in-memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> StoreFactory:
    """Builds the repositories over the given records, in memory or in DynamoDB: the same tests hold for both."""

    def in_memory(records: Sequence[Record]) -> Store:
        orders = InMemoryOrders([r for r in records if isinstance(r, Order)])
        return Store(
            orders=orders,
            returns=InMemoryReturns(orders, new_id=return_ids("M")),
            invoices=InMemoryInvoices([r for r in records if isinstance(r, Invoice)]),
            subscriptions=InMemorySubscriptions([r for r in records if isinstance(r, Subscription)]),
        )

    def dynamodb(records: Sequence[Record]) -> Store:
        writer = DynamoRecordWriter()
        for kind in (Order, Invoice, Subscription):
            mine = [r for r in records if isinstance(r, kind)]
            if mine:
                writer.replace_all(mine)
        return Store(DynamoOrders(), DynamoReturns(new_id=return_ids("D")), DynamoInvoices(), DynamoSubscriptions())

    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return dynamodb
    return in_memory


# --- cancelling an order ------------------------------------------------------------------------------------------


def test_a_double_cancel_cancels_once(store: StoreFactory) -> None:
    placed = order(EMILY, order_id="ORD-300001", status=OrderStatus.PLACED)
    orders = store([placed]).orders

    first = orders.cancel("ORD-300001", EMILY.customer_id)
    second = orders.cancel("ORD-300001", EMILY.customer_id)

    assert first.outcome is CancelOutcome.CANCELLED
    assert first.status is OrderStatus.CANCELLED
    assert second.outcome is CancelOutcome.ALREADY_CANCELLED
    assert orders.get("ORD-300001") == replace(placed, status=OrderStatus.CANCELLED)


def test_an_order_being_processed_can_still_be_cancelled(store: StoreFactory) -> None:
    orders = store([order(EMILY, order_id="ORD-300002", status=OrderStatus.PROCESSING)]).orders

    assert orders.cancel("ORD-300002", EMILY.customer_id).outcome is CancelOutcome.CANCELLED


@pytest.mark.parametrize(
    "status", [OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED, OrderStatus.RETURNED]
)
def test_a_cancel_after_shipping_is_refused_with_the_status(store: StoreFactory, status: OrderStatus) -> None:
    orders = store([order(EMILY, order_id="ORD-300003", status=status)]).orders

    result = orders.cancel("ORD-300003", EMILY.customer_id)

    assert result.outcome is CancelOutcome.TOO_LATE
    assert result.status is status
    assert orders.get("ORD-300003") is not None and orders.get("ORD-300003").status is status  # type: ignore[union-attr]


def test_someone_elses_order_cannot_be_cancelled_and_reads_as_missing(store: StoreFactory) -> None:
    orders = store([order(LUCIA, order_id="ORD-300004", status=OrderStatus.PLACED)]).orders

    theirs = orders.cancel("ORD-300004", EMILY.customer_id)
    missing = orders.cancel("ORD-399999", EMILY.customer_id)

    assert theirs == missing
    assert theirs.outcome is CancelOutcome.NOT_FOUND and theirs.order is None
    assert orders.get("ORD-300004").status is OrderStatus.PLACED  # type: ignore[union-attr]


def test_a_cancel_that_loses_the_race_with_shipping_is_refused(aws) -> None:
    """The dialogue read the order while it was still placed; the warehouse shipped it before the customer
    confirmed. The conditional write refuses, so a shipped order is never marked cancelled."""
    DynamoRecordWriter().replace_all([order(EMILY, order_id="ORD-300005", status=OrderStatus.PLACED)])
    orders = DynamoOrders()
    seen_by_the_dialogue = orders.get("ORD-300005")
    OrderModel(order_id="ORD-300005").update(actions=[OrderModel.status.set("shipped")])

    result = orders.cancel("ORD-300005", EMILY.customer_id)

    assert seen_by_the_dialogue is not None and seen_by_the_dialogue.status is OrderStatus.PLACED
    assert (result.outcome, result.status) == (CancelOutcome.TOO_LATE, OrderStatus.SHIPPED)
    assert orders.get("ORD-300005").status is OrderStatus.SHIPPED  # type: ignore[union-attr]


# --- returns and refunds ------------------------------------------------------------------------------------------


def test_a_delivered_order_within_the_window_gets_a_return_number(store: StoreFactory) -> None:
    returns = store([delivered(EMILY, "ORD-310001", days_ago=10)]).returns

    result = returns.start_return("ORD-310001", EMILY.customer_id, NOW)

    assert result.outcome is ReturnOutcome.STARTED
    assert result.request is not None
    assert result.request.return_id.startswith("RET-")
    assert (result.request.order_id, result.request.status.value) == ("ORD-310001", "requested")
    assert result.request.refund_amount == Decimal("129.90")
    assert result.deadline == NOW - timedelta(days=10) + timedelta(days=30)
    assert returns.returns_for_customer(EMILY.customer_id) == [result.request]
    assert returns.refund_status(result.request.return_id, EMILY.customer_id) == result.request


def test_a_return_outside_the_window_is_refused(store: StoreFactory) -> None:
    returns = store([delivered(EMILY, "ORD-310002", days_ago=31)]).returns

    result = returns.start_return("ORD-310002", EMILY.customer_id, NOW)

    assert result.outcome is ReturnOutcome.WINDOW_PASSED
    assert result.deadline == NOW - timedelta(days=1)
    assert returns.returns_for_customer(EMILY.customer_id) == []


def test_the_return_window_is_configurable(store: StoreFactory) -> None:
    returns = store([delivered(EMILY, "ORD-310003", days_ago=31)]).returns

    assert returns.start_return("ORD-310003", EMILY.customer_id, NOW, window_days=60).outcome is ReturnOutcome.STARTED


def test_without_a_delivery_time_the_expected_delivery_date_starts_the_window(store: StoreFactory) -> None:
    late = order(EMILY, order_id="ORD-310004", status=OrderStatus.DELIVERED, estimated_delivery=date(2026, 10, 1))
    recent = order(EMILY, order_id="ORD-310005", status=OrderStatus.DELIVERED, estimated_delivery=date(2026, 11, 20))
    returns = store([late, recent]).returns

    assert returns.start_return("ORD-310004", EMILY.customer_id, NOW).outcome is ReturnOutcome.WINDOW_PASSED
    assert returns.start_return("ORD-310005", EMILY.customer_id, NOW).outcome is ReturnOutcome.STARTED


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.CANCELLED])
def test_an_order_not_delivered_yet_cannot_be_returned(store: StoreFactory, status: OrderStatus) -> None:
    returns = store([order(EMILY, order_id="ORD-310006", status=status)]).returns

    result = returns.start_return("ORD-310006", EMILY.customer_id, NOW)

    assert result.outcome is ReturnOutcome.NOT_DELIVERED
    assert result.order is not None and result.order.status is status


def test_a_second_return_of_the_same_order_points_to_the_open_one(store: StoreFactory) -> None:
    returns = store([delivered(EMILY, "ORD-310007", days_ago=3)]).returns

    first = returns.start_return("ORD-310007", EMILY.customer_id, NOW)
    second = returns.start_return("ORD-310007", EMILY.customer_id, NOW + timedelta(minutes=5))

    assert second.outcome is ReturnOutcome.ALREADY_OPEN
    assert second.request == first.request
    assert len(returns.returns_for_customer(EMILY.customer_id)) == 1


def test_someone_elses_order_and_return_read_as_missing(store: StoreFactory) -> None:
    returns = store([delivered(LUCIA, "ORD-310008", days_ago=3)]).returns
    hers = returns.start_return("ORD-310008", LUCIA.customer_id, NOW).request
    assert hers is not None

    attempt = returns.start_return("ORD-310008", EMILY.customer_id, NOW)
    missing = returns.start_return("ORD-399999", EMILY.customer_id, NOW)

    assert attempt == missing
    assert attempt.outcome is ReturnOutcome.NOT_FOUND and attempt.request is None and attempt.order is None
    assert returns.refund_status(hers.return_id, EMILY.customer_id) is None
    assert returns.refund_status("RET-NOSUCH", EMILY.customer_id) is None
    assert returns.returns_for_customer(EMILY.customer_id) == []


def test_a_customers_returns_are_listed_newest_first(store: StoreFactory) -> None:
    returns = store([delivered(EMILY, "ORD-310009", days_ago=5), delivered(EMILY, "ORD-310010", days_ago=5)]).returns
    older = returns.start_return("ORD-310009", EMILY.customer_id, NOW).request
    newer = returns.start_return("ORD-310010", EMILY.customer_id, NOW + timedelta(hours=1)).request

    assert returns.returns_for_customer(EMILY.customer_id) == [newer, older]


def test_two_concurrent_returns_of_one_order_create_one_return(aws, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Lambda containers handle the same request (say, a customer tapping twice on two devices). Both read
    the order before either writes; the transaction lets one through and the other finds it."""
    DynamoRecordWriter().replace_all([delivered(EMILY, "ORD-310011", days_ago=2)])
    first_container, second_container = DynamoReturns(new_id=return_ids("A")), DynamoReturns(new_id=return_ids("B"))
    original_get = OrderModel.get
    rival: list[Any] = []

    def get_then_let_the_rival_write(*args: Any, **kwargs: Any) -> OrderModel:
        item = original_get(*args, **kwargs)
        if not rival:
            rival.append(None)  # the rival's own reads go straight through
            rival[0] = second_container.start_return("ORD-310011", EMILY.customer_id, NOW)
        return item

    monkeypatch.setattr(OrderModel, "get", get_then_let_the_rival_write)
    first = first_container.start_return("ORD-310011", EMILY.customer_id, NOW)

    (second,) = rival
    assert second.outcome is ReturnOutcome.STARTED
    assert first.outcome is ReturnOutcome.ALREADY_OPEN
    assert first.request == second.request
    assert len(DynamoReturns().returns_for_customer(EMILY.customer_id)) == 1


def test_a_new_return_can_start_once_the_previous_one_closed(aws) -> None:
    from parley.data.models import ReturnModel

    DynamoRecordWriter().replace_all([delivered(EMILY, "ORD-310012", days_ago=2)])
    returns = DynamoReturns(new_id=return_ids("C"))
    first = returns.start_return("ORD-310012", EMILY.customer_id, NOW).request
    assert first is not None
    ReturnModel(return_id=first.return_id).update(actions=[ReturnModel.status.set("rejected")])

    again = returns.start_return("ORD-310012", EMILY.customer_id, NOW + timedelta(days=1))

    assert again.outcome is ReturnOutcome.STARTED
    assert again.request is not None and again.request.return_id != first.return_id


# --- invoices -----------------------------------------------------------------------------------------------------

OCT, NOV, DEC = (datetime(2026, m, 1, tzinfo=UTC) for m in (10, 11, 12))


def billing() -> list[Record]:
    return [
        invoice(EMILY.customer_id, "INV-0811", OCT, InvoiceStatus.PAID),
        invoice(EMILY.customer_id, "INV-0912", NOV, InvoiceStatus.OVERDUE, payment_failure_reason="card_declined"),
        invoice(EMILY.customer_id, "INV-1012", DEC, InvoiceStatus.OPEN),
        invoice(EMILY.customer_id, "INV-0700", OCT - timedelta(days=60), InvoiceStatus.VOID),
        invoice(LUCIA.customer_id, "INV-0915", NOV, InvoiceStatus.OPEN),
    ]


def test_a_customers_invoices_come_newest_first(store: StoreFactory) -> None:
    invoices = store(billing()).invoices

    assert [i.invoice_id for i in invoices.for_customer(EMILY.customer_id)] == [
        "INV-1012",
        "INV-0912",
        "INV-0811",
        "INV-0700",
    ]
    assert [i.invoice_id for i in invoices.for_customer(EMILY.customer_id, limit=1)] == ["INV-1012"]


def test_open_invoices_are_those_still_to_pay(store: StoreFactory) -> None:
    invoices = store(billing()).invoices

    assert [i.invoice_id for i in invoices.open_for_customer(EMILY.customer_id)] == ["INV-1012", "INV-0912"]


def test_an_invoice_says_why_its_payment_failed(store: StoreFactory) -> None:
    invoices = store(billing()).invoices

    failed = invoices.get("INV-0912", EMILY.customer_id)

    assert failed is not None and failed.payment_failure_reason == "card_declined"
    assert failed == billing()[1]


def test_someone_elses_invoice_reads_as_missing(store: StoreFactory) -> None:
    invoices = store(billing()).invoices

    assert invoices.get("INV-0915", EMILY.customer_id) is None
    assert invoices.get("INV-NOSUCH", EMILY.customer_id) is None
    assert all(i.customer_id == EMILY.customer_id for i in invoices.for_customer(EMILY.customer_id))


# --- subscriptions ------------------------------------------------------------------------------------------------


def plans() -> list[Record]:
    return [
        subscription(EMILY.customer_id, "SUB-1", SubscriptionStatus.ACTIVE),
        subscription(EMILY.customer_id, "SUB-2", SubscriptionStatus.CANCELLED),
        subscription(LUCIA.customer_id, "SUB-3", SubscriptionStatus.ACTIVE),
    ]


def test_a_customer_sees_only_their_subscriptions(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    assert [s.subscription_id for s in subscriptions.for_customer(EMILY.customer_id)] == ["SUB-1", "SUB-2"]
    assert subscriptions.get("SUB-3", EMILY.customer_id) is None


def test_pause_then_resume(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    paused = subscriptions.change_status("SUB-1", EMILY.customer_id, PAUSE)
    paused_again = subscriptions.change_status("SUB-1", EMILY.customer_id, PAUSE)
    resumed = subscriptions.change_status("SUB-1", EMILY.customer_id, RESUME)
    resumed_again = subscriptions.change_status("SUB-1", EMILY.customer_id, RESUME)

    assert paused.outcome is ChangeOutcome.CHANGED
    assert paused.subscription is not None and paused.subscription.status is SubscriptionStatus.PAUSED
    assert paused_again.outcome is ChangeOutcome.ALREADY
    assert resumed.outcome is ChangeOutcome.CHANGED
    assert resumed_again.outcome is ChangeOutcome.ALREADY
    assert subscriptions.get("SUB-1", EMILY.customer_id) == plans()[0]


def test_a_cancelled_subscription_cannot_be_paused_resumed_or_changed(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    assert subscriptions.change_status("SUB-2", EMILY.customer_id, PAUSE).outcome is ChangeOutcome.NOT_ALLOWED
    assert subscriptions.change_status("SUB-2", EMILY.customer_id, RESUME).outcome is ChangeOutcome.NOT_ALLOWED
    assert subscriptions.change_plan("SUB-2", EMILY.customer_id, "Sock Club Yearly").outcome is (
        ChangeOutcome.NOT_ALLOWED
    )
    assert subscriptions.change_status("SUB-2", EMILY.customer_id, CANCEL).outcome is ChangeOutcome.ALREADY
    assert subscriptions.get("SUB-2", EMILY.customer_id) == plans()[1]


def test_cancel_applies_once(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    assert subscriptions.change_status("SUB-1", EMILY.customer_id, CANCEL).outcome is ChangeOutcome.CHANGED
    assert subscriptions.change_status("SUB-1", EMILY.customer_id, CANCEL).outcome is ChangeOutcome.ALREADY
    assert subscriptions.get("SUB-1", EMILY.customer_id).status is SubscriptionStatus.CANCELLED  # type: ignore[union-attr]


def test_a_plan_change_sets_plan_and_price(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    changed = subscriptions.change_plan("SUB-1", EMILY.customer_id, "Sock Club Yearly", Decimal("190.00"))
    same = subscriptions.change_plan("SUB-1", EMILY.customer_id, "Sock Club Yearly", Decimal("190.00"))

    assert changed.outcome is ChangeOutcome.CHANGED
    assert changed.subscription == replace(plans()[0], plan="Sock Club Yearly", price=Decimal("190.00"))
    assert same.outcome is ChangeOutcome.ALREADY
    assert subscriptions.get("SUB-1", EMILY.customer_id) == changed.subscription


def test_someone_elses_subscription_cannot_be_changed_and_reads_as_missing(store: StoreFactory) -> None:
    subscriptions = store(plans()).subscriptions

    for change in (
        lambda sid: subscriptions.change_status(sid, EMILY.customer_id, PAUSE),
        lambda sid: subscriptions.change_status(sid, EMILY.customer_id, RESUME),
        lambda sid: subscriptions.change_status(sid, EMILY.customer_id, CANCEL),
        lambda sid: subscriptions.change_plan(sid, EMILY.customer_id, "Free"),
    ):
        theirs, missing = change("SUB-3"), change("SUB-NOSUCH")
        assert theirs == missing
        assert theirs.outcome is ChangeOutcome.NOT_FOUND and theirs.subscription is None
    assert subscriptions.get("SUB-3", LUCIA.customer_id) == plans()[2]


# --- products -----------------------------------------------------------------------------------------------------


def test_the_catalog_is_read_once_and_again_after_its_ttl(aws) -> None:
    from parley.data.dynamo import DynamoProducts
    from parley.domain.records import Product

    writer = DynamoRecordWriter()
    writer.replace_all([Product(sku="SKU-SOCKS", name="Merino Hiking Socks", attributes=(("color", "grey"),))])
    clock = [0.0]
    products = DynamoProducts(ttl_seconds=60, clock=lambda: clock[0])

    assert [p.sku for p in products.search("socks")] == ["SKU-SOCKS"]
    writer.replace_all([Product(sku="SKU-BEANIE", name="Ribbed Beanie")])
    clock[0] = 59.0
    assert products.get("SKU-BEANIE") is None
    clock[0] = 60.0
    assert products.get("SKU-BEANIE") == Product(sku="SKU-BEANIE", name="Ribbed Beanie")
    assert products.get("SKU-SOCKS") == Product(
        sku="SKU-SOCKS", name="Merino Hiking Socks", attributes=(("color", "grey"),)
    )


# --- customers' marketing consent ---------------------------------------------------------------------------------

CustomersFactory = Callable[[Sequence[Customer]], CustomerRepository]


@pytest.fixture(params=["in-memory", "dynamodb"])
def customers_store(request: pytest.FixtureRequest) -> CustomersFactory:
    def dynamodb(records: Sequence[Customer]) -> CustomerRepository:
        DynamoRecordWriter().replace_all(records)
        return DynamoCustomers()

    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return dynamodb
    return InMemoryCustomers


def test_an_opt_out_and_an_opt_in_are_recorded_and_read_back(customers_store: CustomersFactory) -> None:
    customers = customers_store([replace(EMILY, marketing_opt_in=True), LUCIA])

    out = customers.set_marketing_opt_in(EMILY.customer_id, False)
    into = customers.set_marketing_opt_in(LUCIA.customer_id, True)

    assert out == replace(EMILY, marketing_opt_in=False) == customers.get(EMILY.customer_id)
    assert into == replace(LUCIA, marketing_opt_in=True) == customers.get(LUCIA.customer_id)


def test_a_consent_for_a_customer_not_on_file_writes_nothing(customers_store: CustomersFactory) -> None:
    customers = customers_store([EMILY])

    assert customers.set_marketing_opt_in("CUST-GONE", False) is None
    assert customers.get("CUST-GONE") is None
