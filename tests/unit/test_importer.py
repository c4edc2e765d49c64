"""The CSV checks of `parley data import`: what a business sees when its files are right, and when they are not."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.data.importer import COLUMNS, DataKind, ParsedFile, RowError, parse_file, parse_rows
from parley.domain.records import Customer, Order, OrderItem, OrderStatus, Product, Subscription
from parley.nlu.entities import OrderIdFinder

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)

# One valid row per kind; a test overrides only the cells it is about.
GOOD: dict[DataKind, dict[str, str]] = {
    DataKind.CUSTOMERS: {
        "customer_id": "CUST-1001",
        "name": "Emily Carter",
        "email": "emily.carter@example.com",
        "phone": "14155550123",
        "messenger_psid": "6723410987654321",
        "language": "en",
    },
    DataKind.ORDERS: {
        "order_id": "ORD-104233",
        "customer_id": "CUST-1001",
        "status": "shipped",
        "placed_at": "2026-11-18T09:12:00Z",
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "estimated_delivery": "2026-11-27",
        "total": "129.90",
        "currency": "USD",
        "items": "SKU-JKT-BLU-M x1;SKU-SOCKS x2",
    },
    DataKind.INVOICES: {
        "invoice_id": "INV-2026-0912",
        "customer_id": "CUST-1001",
        "issued_at": "2026-11-01T00:00:00Z",
        "due_at": "2026-11-30T23:59:59Z",
        "amount": "19.00",
        "currency": "USD",
        "status": "open",
        "url": "https://billing.example.com/i/INV-2026-0912",
    },
    DataKind.SUBSCRIPTIONS: {
        "subscription_id": "SUB-7001",
        "customer_id": "CUST-1001",
        "plan": "Sock Club Monthly",
        "status": "active",
        "renews_at": "2026-12-01T00:00:00Z",
        "price": "19.00",
        "currency": "USD",
    },
    DataKind.PRODUCTS: {
        "sku": "SKU-SOCKS",
        "name": "Merino Hiking Socks",
        "description": "Cushioned merino wool socks.",
        "price": "5.45",
        "currency": "USD",
        "stock": "120",
        "attributes": "material=merino wool;size=one size",
    },
}


def header(kind: DataKind) -> str:
    return ",".join(COLUMNS[kind]) + "\n"


def row(kind: DataKind, **cells: str) -> str:
    """A CSV line of a valid row of this kind, with `cells` replacing the defaults."""
    values = GOOD[kind] | cells
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values[column] for column in COLUMNS[kind]])
    return out.getvalue()


def parse(kind: DataKind, *lines: str, head: str | None = None) -> ParsedFile:
    text = (header(kind) if head is None else head) + "".join(lines)
    return parse_rows(kind, text.splitlines(keepends=True), ORDER_IDS)


def only_error(parsed: ParsedFile) -> RowError:
    assert len(parsed.errors) == 1, parsed.errors
    assert not parsed.ok
    return parsed.errors[0]


def only_record(parsed: ParsedFile) -> object:
    assert parsed.errors == []
    assert len(parsed.records) == 1
    return parsed.records[0]


# --- the demo data ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        (DataKind.CUSTOMERS, 7),
        (DataKind.ORDERS, 11),
        (DataKind.INVOICES, 5),
        (DataKind.SUBSCRIPTIONS, 5),
        (DataKind.PRODUCTS, 16),  # 11 goods and 5 subscription plans
    ],
)
def test_every_demo_file_parses_without_errors(kind: DataKind, count: int) -> None:
    parsed = parse_file(kind, DEMO / f"{kind.value}.csv", ORDER_IDS)

    assert parsed.errors == []
    assert len(parsed.records) == count


def test_a_demo_order_comes_out_as_the_design_describes_it() -> None:
    parsed = parse_file(DataKind.ORDERS, DEMO / "orders.csv", ORDER_IDS)

    first = parsed.records[0]
    assert first == Order(
        order_id="ORD-104233",
        customer_id="CUST-1001",
        status=OrderStatus.SHIPPED,
        placed_at=datetime(2026, 11, 18, 9, 12, tzinfo=UTC),
        carrier="UPS",
        tracking_number="1Z999AA10123456784",
        estimated_delivery=date(2026, 11, 27),
        total=Decimal("129.90"),
        currency="USD",
        items=(OrderItem("SKU-JKT-BLU-M", 1), OrderItem("SKU-SOCKS", 2)),
    )


# --- errors: where, which column, and what is wrong ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "cells", "column", "says"),
    [
        (DataKind.ORDERS, {"status": ""}, "status", "is required"),
        (DataKind.PRODUCTS, {"name": "  "}, "name", "is required"),
        (DataKind.ORDERS, {"placed_at": "18/11/2026 09:12"}, "placed_at", "is not an ISO 8601 date-time"),
        (DataKind.INVOICES, {"issued_at": "yesterday"}, "issued_at", "is not an ISO 8601 date-time"),
        (DataKind.ORDERS, {"estimated_delivery": "27.11.2026"}, "estimated_delivery", "is not an ISO date"),
        (DataKind.ORDERS, {"total": "19,90"}, "total", "'19,90' is not an amount with a dot for decimals"),
        (DataKind.INVOICES, {"amount": "€19"}, "amount", "is not an amount"),
        (DataKind.ORDERS, {"currency": "US$"}, "currency", "'US$' is not an ISO 4217 currency code"),
        (DataKind.CUSTOMERS, {"phone": "1415555CALL"}, "phone", "phone must be 7 to 15 digits"),
        (DataKind.CUSTOMERS, {"email": "emily.example.com"}, "email", "not an email address"),
        (DataKind.CUSTOMERS, {"language": "English"}, "language", "is not a language code"),
        (DataKind.ORDERS, {"items": "SKU-X two"}, "items", "'SKU-X two' is not 'SKU xQTY'"),
        (DataKind.ORDERS, {"items": "SKU-A x1;SKU-B x0"}, "items", "'SKU-B x0' is not 'SKU xQTY'"),
        (DataKind.PRODUCTS, {"attributes": "color=blue;size M"}, "attributes", "'size M' is not key=value"),
        (DataKind.PRODUCTS, {"stock": "3.5"}, "stock", "'3.5' is not a whole number"),
        (DataKind.PRODUCTS, {"stock": "-1"}, "stock", "is not a whole number"),
        (DataKind.ORDERS, {"order_id": "104233-B"}, "order_id", "does not look like an order number"),
    ],
)
def test_a_bad_cell_is_reported_with_its_line_column_and_what_is_wrong(
    kind: DataKind, cells: dict[str, str], column: str, says: str
) -> None:
    error = only_error(parse(kind, row(kind, **cells)))

    assert error.line == 2
    assert error.column == column
    assert says in error.message
    assert str(error).startswith(f"line 2, column {column}: ")


def test_an_unknown_status_lists_the_allowed_values() -> None:
    error = only_error(parse(DataKind.ORDERS, row(DataKind.ORDERS, status="lost")))

    assert error.column == "status"
    assert error.message == (
        "'lost' is not one of: placed, processing, shipped, out_for_delivery, delivered, cancelled, returned"
    )


def test_the_header_is_line_1_so_the_third_data_row_is_line_4() -> None:
    parsed = parse(
        DataKind.ORDERS,
        row(DataKind.ORDERS, order_id="ORD-100001"),
        row(DataKind.ORDERS, order_id="ORD-100002"),
        row(DataKind.ORDERS, order_id="ORD-100003", total="19,90"),
    )

    assert only_error(parsed).line == 4


def test_a_quoted_cell_spanning_lines_shifts_the_later_line_numbers() -> None:
    parsed = parse(
        DataKind.PRODUCTS,
        row(DataKind.PRODUCTS, sku="SKU-A", description="Waterproof shell.\nTaped seams.\nPackable hood."),
        row(DataKind.PRODUCTS, sku="SKU-B", description="Two\nlines", stock="many"),
        row(DataKind.PRODUCTS, sku="SKU-C", price="1,50"),
    )

    # SKU-A takes lines 2-4, SKU-B starts on line 5 and takes 5-6, SKU-C is line 7.
    assert [(e.line, e.column) for e in parsed.errors] == [(5, "stock"), (7, "price")]


def test_blank_lines_are_skipped_but_still_counted() -> None:
    parsed = parse(
        DataKind.ORDERS, "\n", row(DataKind.ORDERS), "\n", row(DataKind.ORDERS, order_id="ORD-100009", status="x")
    )

    assert len(parsed.records) == 1
    assert only_error(parsed).line == 5


def test_every_bad_cell_of_every_row_is_reported_not_just_the_first() -> None:
    parsed = parse(
        DataKind.ORDERS,
        row(DataKind.ORDERS, order_id="ORD-100001", status="lost", total="19,90"),
        row(DataKind.ORDERS, order_id="ORD-100002"),
        row(DataKind.ORDERS, order_id="ORD-100003", placed_at="soon"),
    )

    assert [(e.line, e.column) for e in parsed.errors] == [(2, "status"), (2, "total"), (4, "placed_at")]


def test_a_row_with_the_wrong_number_of_cells_is_reported() -> None:
    error = only_error(parse(DataKind.ORDERS, row(DataKind.ORDERS), row(DataKind.ORDERS).rstrip("\n") + ",extra\n"))

    assert error.line == 3
    assert error.column is None
    assert error.message == "has 11 cells; the header has 10"


def test_a_header_missing_a_required_column_is_reported_on_line_1() -> None:
    columns = [c for c in COLUMNS[DataKind.ORDERS] if c != "status"]
    error = only_error(parse(DataKind.ORDERS, head=",".join(columns) + "\n"))

    assert error.line == 1
    assert "missing column(s) status" in error.message
    assert "Expected: order_id,customer_id,status," in error.message


def test_a_header_with_an_unknown_column_is_reported_on_line_1() -> None:
    error = only_error(parse(DataKind.PRODUCTS, head=header(DataKind.PRODUCTS).rstrip("\n") + ",colour\n"))

    assert error.line == 1
    assert "unknown column(s) colour" in error.message


def test_a_header_naming_a_column_twice_is_reported() -> None:
    error = only_error(parse(DataKind.CUSTOMERS, head=header(DataKind.CUSTOMERS).rstrip("\n") + ",email\n"))

    assert error.line == 1
    assert "repeated column names" in error.message


def test_header_names_are_matched_ignoring_case_order_and_spaces() -> None:
    parsed = parse(
        DataKind.SUBSCRIPTIONS, "SUB-1, CUST-1 ,active,Monthly\n", head="Subscription_ID, Customer_ID,STATUS,plan\n"
    )

    subscription = only_record(parsed)
    assert isinstance(subscription, Subscription)
    assert (subscription.subscription_id, subscription.customer_id, subscription.plan) == ("SUB-1", "CUST-1", "Monthly")


def test_an_empty_file_is_an_error() -> None:
    parsed = parse_rows(DataKind.ORDERS, [], ORDER_IDS)

    error = only_error(parsed)
    assert error.line == 1
    assert "empty" in error.message


def test_a_file_with_only_a_header_is_an_error() -> None:
    error = only_error(parse(DataKind.ORDERS))

    assert error.line == 1
    assert error.message == "no data rows"


def test_a_key_repeated_in_the_file_is_reported_where_it_repeats_naming_the_first_line() -> None:
    parsed = parse(
        DataKind.INVOICES,
        row(DataKind.INVOICES, invoice_id="INV-1"),
        row(DataKind.INVOICES, invoice_id="INV-2"),
        row(DataKind.INVOICES, invoice_id="INV-1"),
    )

    error = only_error(parsed)
    assert (error.line, error.column, error.message) == (4, "invoice_id", "repeats line 2")


def test_order_ids_written_differently_are_still_the_same_order() -> None:
    parsed = parse(
        DataKind.ORDERS, row(DataKind.ORDERS, order_id="ORD-104233"), row(DataKind.ORDERS, order_id="ord 104233")
    )

    error = only_error(parsed)
    assert (error.line, error.column, error.message) == (3, "order_id", "repeats line 2")


@pytest.mark.parametrize(
    ("column", "first", "second"),
    [("phone", "14155550123", "+14155550123"), ("messenger_psid", "6723410987654321", "6723410987654321")],
)
def test_two_customers_with_the_same_channel_id_are_an_error(column: str, first: str, second: str) -> None:
    one = {"customer_id": "CUST-1", "phone": "14155550001", "messenger_psid": "1001"} | {column: first}
    two = {"customer_id": "CUST-2", "phone": "14155550002", "messenger_psid": "1002"} | {column: second}
    parsed = parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS, **one), row(DataKind.CUSTOMERS, **two))

    error = only_error(parsed)
    assert (error.line, error.column, error.message) == (3, column, "repeats line 2")


def test_where_the_business_shares_phone_numbers_two_customers_may_have_one_but_not_one_psid() -> None:
    text = header(DataKind.CUSTOMERS) + "".join(
        [
            row(DataKind.CUSTOMERS, customer_id="CUST-1", phone="14155550001", messenger_psid="1001"),
            row(DataKind.CUSTOMERS, customer_id="CUST-2", phone="+1 415 555 0001", messenger_psid="1002"),
            row(DataKind.CUSTOMERS, customer_id="CUST-3", phone="14155550003", messenger_psid="1001"),
        ]
    )

    parsed = parse_rows(DataKind.CUSTOMERS, text.splitlines(keepends=True), ORDER_IDS, shared_phone_numbers=True)

    error = only_error(parsed)
    assert (error.line, error.column, error.message) == (4, "messenger_psid", "repeats line 2")
    assert [c.customer_id for c in parsed.records] == ["CUST-1", "CUST-2", "CUST-3"]
    assert parsed.lines == [2, 3, 4]


def test_customers_without_a_phone_or_psid_are_not_duplicates_of_each_other() -> None:
    parsed = parse(
        DataKind.CUSTOMERS,
        row(DataKind.CUSTOMERS, customer_id="CUST-1", phone="", messenger_psid=""),
        row(DataKind.CUSTOMERS, customer_id="CUST-2", phone="", messenger_psid=""),
    )

    assert parsed.errors == []
    assert len(parsed.records) == 2


# --- normalisation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["ord 104233", "ORD104233", "#ORD-104233", "ord_104233", "ORD-104233"])
def test_order_ids_are_stored_in_their_canonical_form(written: str) -> None:
    order = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS, order_id=written)))

    assert isinstance(order, Order)
    assert order.order_id == "ORD-104233"


def test_customer_contact_details_are_normalised() -> None:
    customer = only_record(
        parse(
            DataKind.CUSTOMERS,
            row(DataKind.CUSTOMERS, phone="+5511987654321", email="Joao.Pereira@Example.COM.br", language="pt-BR"),
        )
    )

    assert isinstance(customer, Customer)
    assert customer.phone == "5511987654321"
    assert customer.email == "joao.pereira@example.com.br"
    assert customer.language == "pt"


@pytest.mark.parametrize(("written", "stored"), [("pt-BR", "pt"), ("pt_BR", "pt"), ("es", "es"), ("fr-CA", "fr")])
def test_a_language_keeps_only_its_base_code(written: str, stored: str) -> None:
    customer = only_record(parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS, language=written)))

    assert isinstance(customer, Customer)
    assert customer.language == stored


def test_items_become_sku_and_quantity_pairs() -> None:
    order = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS, items=" SKU-JKT-BLU-M x1 ; SKU-SOCKS X 2;")))

    assert isinstance(order, Order)
    assert order.items == (OrderItem("SKU-JKT-BLU-M", 1), OrderItem("SKU-SOCKS", 2))


def test_attributes_become_key_value_pairs_in_file_order() -> None:
    product = only_record(parse(DataKind.PRODUCTS, row(DataKind.PRODUCTS, attributes="color = blue;size=M;fit=")))

    assert isinstance(product, Product)
    assert product.attributes == (("color", "blue"), ("size", "M"), ("fit", ""))


def test_amounts_are_exact_decimals_keeping_their_digits() -> None:
    order = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS, total="19.90")))

    assert isinstance(order, Order)
    assert order.total == Decimal("19.90")
    assert str(order.total) == "19.90"


def test_a_date_time_without_an_offset_is_taken_as_utc_and_an_offset_is_kept() -> None:
    naive, plus_one = parse(
        DataKind.ORDERS,
        row(DataKind.ORDERS, order_id="ORD-100001", placed_at="2026-11-18T09:12:00"),
        row(DataKind.ORDERS, order_id="ORD-100002", placed_at="2026-11-19T11:00:00+01:00"),
    ).records

    assert isinstance(naive, Order)
    assert isinstance(plus_one, Order)
    assert naive.placed_at == datetime(2026, 11, 18, 9, 12, tzinfo=UTC)
    assert naive.placed_at.utcoffset() == timedelta(0)
    assert plus_one.placed_at == datetime(2026, 11, 19, 11, tzinfo=timezone(timedelta(hours=1)))


def test_status_is_read_regardless_of_case() -> None:
    order = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS, status="Out_For_Delivery")))

    assert isinstance(order, Order)
    assert order.status is OrderStatus.OUT_FOR_DELIVERY


def test_empty_optional_cells_mean_unknown() -> None:
    order = only_record(
        parse(
            DataKind.ORDERS,
            row(
                DataKind.ORDERS, carrier="", tracking_number="", estimated_delivery="", total="", currency="", items=""
            ),
        )
    )

    assert order == Order(
        order_id="ORD-104233",
        customer_id="CUST-1001",
        status=OrderStatus.SHIPPED,
        placed_at=datetime(2026, 11, 18, 9, 12, tzinfo=UTC),
    )


# --- encodings and line endings -----------------------------------------------------------------------------------


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (header(DataKind.CUSTOMERS) + row(DataKind.CUSTOMERS, name="Lucía")).encode())

    parsed = parse_file(DataKind.CUSTOMERS, path, ORDER_IDS)

    assert parsed.errors == []
    assert parsed.records[0] == Customer(
        customer_id="CUST-1001",
        name="Lucía",
        email="emily.carter@example.com",
        phone="14155550123",
        messenger_psid="6723410987654321",
        language="en",
    )


def test_a_file_with_windows_line_endings_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    text = header(DataKind.ORDERS) + row(DataKind.ORDERS) + row(DataKind.ORDERS, order_id="ORD-100002", total="1,5")
    path.write_bytes(text.replace("\n", "\r\n").encode())

    parsed = parse_file(DataKind.ORDERS, path, ORDER_IDS)

    assert [r.order_id for r in parsed.records if isinstance(r, Order)] == ["ORD-104233"]
    assert [(e.line, e.column) for e in parsed.errors] == [(3, "total")]


def test_a_latin1_file_is_rejected_as_not_utf8_on_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    text = (
        header(DataKind.CUSTOMERS) + row(DataKind.CUSTOMERS) + row(DataKind.CUSTOMERS, customer_id="C2", name="Lucía")
    )
    path.write_bytes(text.encode("latin-1"))

    error = only_error(parse_file(DataKind.CUSTOMERS, path, ORDER_IDS))

    assert error.line == 3
    assert "not UTF-8" in error.message


def test_a_bad_byte_after_a_byte_order_mark_is_reported_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    text = header(DataKind.CUSTOMERS) + row(DataKind.CUSTOMERS) + row(DataKind.CUSTOMERS, customer_id="Éric")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("latin-1"))

    error = only_error(parse_file(DataKind.CUSTOMERS, path, ORDER_IDS))

    assert error.line == 3
    assert "not UTF-8" in error.message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x1e"])
def test_a_unicode_line_separator_inside_a_cell_does_not_split_the_row(tmp_path: Path, separator: str) -> None:
    # Text pasted from web pages and word processors carries these; only \n and \r end a CSV line.
    path = tmp_path / "products.csv"
    description = f"Waterproof shell.{separator}Packable hood."
    path.write_text(header(DataKind.PRODUCTS) + row(DataKind.PRODUCTS, description=description), encoding="utf-8")

    parsed = parse_file(DataKind.PRODUCTS, path, ORDER_IDS)

    product = only_record(parsed)
    assert isinstance(product, Product)
    assert product.description == description


# --- values that look right but are not ---------------------------------------------------------------------------


@pytest.mark.parametrize("stock", ["²", "٣"])
def test_stock_in_non_ascii_digits_is_an_error_not_a_crash(stock: str) -> None:
    error = only_error(parse(DataKind.PRODUCTS, row(DataKind.PRODUCTS, stock=stock)))

    assert (error.line, error.column) == (2, "stock")


@pytest.mark.parametrize("phone", ["١٤١٥٥٥٥٠١٢٣", "1415555012³"])
def test_a_phone_in_non_ascii_digits_is_rejected_as_it_would_never_match_a_whatsapp_id(phone: str) -> None:
    error = only_error(parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS, phone=phone)))

    assert (error.line, error.column) == (2, "phone")


@pytest.mark.parametrize("items", ["SKU-BOX12", "SKU-SOCKSx2", "SKU-X1"])
def test_an_item_without_a_spaced_quantity_is_an_error_not_a_shortened_sku(items: str) -> None:
    error = only_error(parse(DataKind.ORDERS, row(DataKind.ORDERS, items=items)))

    assert (error.line, error.column) == (2, "items")


def test_an_attribute_given_twice_is_an_error_rather_than_one_value_silently_lost() -> None:
    error = only_error(parse(DataKind.PRODUCTS, row(DataKind.PRODUCTS, attributes="color=blue;size=M;color=red")))

    assert (error.line, error.column) == (2, "attributes")
    assert "color" in error.message


def test_phone_numbers_written_for_people_become_the_wa_id() -> None:
    record = only_record(parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS, phone="+34 612-345-678")))

    assert isinstance(record, Customer)
    assert record.phone == "34612345678"


def test_currency_and_language_codes_are_accepted_in_any_case() -> None:
    order_record = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS, currency="eur")))
    customer_record = only_record(parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS, language="EN")))

    assert isinstance(order_record, Order) and order_record.currency == "EUR"
    assert isinstance(customer_record, Customer) and customer_record.language == "en"


def test_a_negative_amount_is_refused_with_the_reason() -> None:
    error = only_error(parse(DataKind.ORDERS, row(DataKind.ORDERS, total="-5.00")))

    assert (error.line, error.column) == (2, "total")
    assert "cannot be negative" in error.message


# --- optional columns: WhatsApp user ids, marketing consent, shipping addresses -----------------------------------

BSUID = "US.13491208655302741918"
PARENT_BSUID = "US.ENT.11815799212886844830"
CUSTOMERS_WITH_OPTIONAL = "customer_id,name,email,phone,messenger_psid,language,whatsapp_user_id,marketing_opt_in\n"


@pytest.mark.parametrize(("written", "opted_in"), [("yes", True), ("No", False), ("", None)])
def test_a_customer_can_be_linked_by_whatsapp_user_id_and_say_whether_they_want_offers(
    written: str, opted_in: bool | None
) -> None:
    parsed = parse(
        DataKind.CUSTOMERS,
        f"CUST-1,Ana,ana@example.com,,,pt,{BSUID},{written}\n",
        head=CUSTOMERS_WITH_OPTIONAL,
    )

    record = only_record(parsed)
    assert isinstance(record, Customer)
    assert (record.phone, record.whatsapp_user_id, record.marketing_opt_in) == (None, BSUID, opted_in)


def test_a_parent_business_scoped_user_id_is_accepted_as_written() -> None:
    record = only_record(parse(DataKind.CUSTOMERS, f"CUST-1,Ana,,,,,{PARENT_BSUID},\n", head=CUSTOMERS_WITH_OPTIONAL))

    assert isinstance(record, Customer) and record.whatsapp_user_id == PARENT_BSUID


@pytest.mark.parametrize("written", ["13491208655302741918", "us.13491208655302741918", "US-1349120865", "US."])
def test_a_whatsapp_user_id_not_in_metas_format_is_reported_with_an_example(written: str) -> None:
    error = only_error(parse(DataKind.CUSTOMERS, f"CUST-1,Ana,,,,,{written},\n", head=CUSTOMERS_WITH_OPTIONAL))

    assert (error.line, error.column) == (2, "whatsapp_user_id")
    assert "US.13491208655302741918" in error.message


def test_marketing_consent_is_yes_no_or_empty() -> None:
    error = only_error(parse(DataKind.CUSTOMERS, "CUST-1,Ana,,,,,,maybe\n", head=CUSTOMERS_WITH_OPTIONAL))

    assert (error.line, error.column) == (2, "marketing_opt_in")
    assert "yes or no" in error.message


def test_two_customers_with_the_same_whatsapp_user_id_are_an_error() -> None:
    parsed = parse(
        DataKind.CUSTOMERS,
        f"CUST-1,Ana,,,,,{BSUID},\n",
        f"CUST-2,Bea,,,,,{BSUID},yes\n",
        head=CUSTOMERS_WITH_OPTIONAL,
    )

    error = only_error(parsed)
    assert (error.line, error.column, error.message) == (3, "whatsapp_user_id", "repeats line 2")


def test_an_order_may_carry_its_shipping_address() -> None:
    head = header(DataKind.ORDERS).rstrip("\n") + ",shipping_address\n"
    line = row(DataKind.ORDERS).rstrip("\n") + ',"Calle Mayor 1, 28013 Madrid"\n'

    order = only_record(parse(DataKind.ORDERS, line, head=head))

    assert isinstance(order, Order) and order.shipping_address == "Calle Mayor 1, 28013 Madrid"


def test_files_in_the_older_layout_import_without_the_optional_columns() -> None:
    customer = only_record(parse(DataKind.CUSTOMERS, row(DataKind.CUSTOMERS)))
    order = only_record(parse(DataKind.ORDERS, row(DataKind.ORDERS)))

    assert isinstance(customer, Customer) and (customer.whatsapp_user_id, customer.marketing_opt_in) == (None, None)
    assert isinstance(order, Order) and order.shipping_address is None
