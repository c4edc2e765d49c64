"""The rules both the fakes and the DynamoDB adapters apply, and the optional CSV columns that feed them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.data.importer import COLUMNS, DataKind, parse_rows
from parley.domain.records import Invoice, Order, OrderStatus
from parley.domain.rules import ReturnOutcome, new_return_id, return_deadline, return_refusal
from parley.nlu.entities import OrderIdFinder
from support.factories import customer, order

ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EMILY = customer()


def test_return_numbers_look_like_ret_and_six_unambiguous_characters() -> None:
    ids = {new_return_id() for _ in range(200)}

    assert len(ids) == 200
    for return_id in ids:
        assert return_id.startswith("RET-") and len(return_id) == 10
        assert not set(return_id[4:]) & set("01OIL")


def test_the_window_counts_from_delivery_and_its_last_moment_is_still_in() -> None:
    delivered = order(EMILY, status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=30))

    assert return_deadline(delivered, 30) == NOW
    assert return_refusal(delivered, EMILY.customer_id, NOW, 30) == (None, NOW)
    assert return_refusal(delivered, EMILY.customer_id, NOW + timedelta(seconds=1), 30)[0] is (
        ReturnOutcome.WINDOW_PASSED
    )


def test_an_unknown_delivery_date_does_not_refuse_a_return() -> None:
    unknown = order(EMILY, status=OrderStatus.DELIVERED, delivered_at=None, estimated_delivery=None)

    assert return_refusal(unknown, EMILY.customer_id, NOW, 30) == (None, None)


def test_a_naive_delivery_time_is_read_as_utc() -> None:
    naive = order(EMILY, status=OrderStatus.DELIVERED, delivered_at=datetime(2026, 11, 1, 8, 0))

    assert return_deadline(naive, 1) == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_the_expected_delivery_date_stands_in_until_the_end_of_that_day() -> None:
    expected = order(EMILY, status=OrderStatus.DELIVERED, estimated_delivery=date(2026, 11, 1))

    deadline = return_deadline(expected, 0)

    assert deadline is not None and deadline.date() == date(2026, 11, 1) and deadline.hour == 23


# --- optional columns ---------------------------------------------------------------------------------------------

ORDER_ROW = "ORD-104198,CUST-1001,delivered,2026-10-30T16:40:00Z,USPS,94001,2026-11-04,45.00,USD,SKU-TEE x3"


def test_orders_may_say_when_they_were_delivered() -> None:
    text = ",".join(COLUMNS[DataKind.ORDERS]) + ",delivered_at\n" + ORDER_ROW + ",2026-11-03T15:20:00+01:00\n"

    parsed = parse_rows(DataKind.ORDERS, text.splitlines(keepends=True), ORDER_IDS)

    assert parsed.errors == []
    (record,) = parsed.records
    assert isinstance(record, Order)
    assert record.delivered_at == datetime(2026, 11, 3, 14, 20, tzinfo=UTC)


def test_an_empty_or_missing_delivery_time_is_unknown() -> None:
    with_column = ",".join(COLUMNS[DataKind.ORDERS]) + ",delivered_at\n" + ORDER_ROW + ",\n"
    without = ",".join(COLUMNS[DataKind.ORDERS]) + "\n" + ORDER_ROW + "\n"

    for text in (with_column, without):
        parsed = parse_rows(DataKind.ORDERS, text.splitlines(keepends=True), ORDER_IDS)
        assert parsed.errors == []
        assert parsed.records[0].delivered_at is None  # type: ignore[union-attr]


def test_a_bad_delivery_time_is_reported_with_its_line_and_column() -> None:
    text = ",".join(COLUMNS[DataKind.ORDERS]) + ",delivered_at\n" + ORDER_ROW + ",yesterday\n"

    parsed = parse_rows(DataKind.ORDERS, text.splitlines(keepends=True), ORDER_IDS)

    assert [(e.line, e.column) for e in parsed.errors] == [(2, "delivered_at")]


@pytest.mark.parametrize(("cell", "expected"), [("card_declined", "card_declined"), ("", None)])
def test_invoices_may_say_why_a_payment_failed(cell: str, expected: str | None) -> None:
    header = ",".join(COLUMNS[DataKind.INVOICES]) + ",payment_failure_reason\n"
    row = f"INV-1,CUST-1,2026-11-01T00:00:00Z,2026-11-30T00:00:00Z,19.00,USD,overdue,https://x.example/i/1,{cell}\n"

    parsed = parse_rows(DataKind.INVOICES, (header + row).splitlines(keepends=True), ORDER_IDS)

    assert parsed.errors == []
    (record,) = parsed.records
    assert isinstance(record, Invoice) and record.payment_failure_reason == expected
