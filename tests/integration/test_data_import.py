"""`parley data import` against DynamoDB (in-process moto): all of a file is written, or none of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from pynamodb.connection.table import TableConnection
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from parley.channels.model import Channel
from parley.cli import main
from parley.config import DEFAULT_ORDER_ID_PATTERN, Settings
from parley.data.dynamo import DynamoCustomers, DynamoOrders, DynamoRecordWriter
from parley.data.importer import COLUMNS, DataKind, parse_file
from parley.data.importing import import_directory, import_file
from parley.data.models import CustomerModel, InvoiceModel, OrderModel, ProductModel, SubscriptionModel
from parley.domain.ports import StorageError
from parley.domain.records import Customer, Order, OrderItem, OrderStatus
from parley.domain.senders import Sender
from parley.nlu.entities import OrderIdFinder
from support.factories import customer, order

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
MODELS: dict[DataKind, type[Model]] = {
    DataKind.CUSTOMERS: CustomerModel,
    DataKind.ORDERS: OrderModel,
    DataKind.INVOICES: InvoiceModel,
    DataKind.SUBSCRIPTIONS: SubscriptionModel,
    DataKind.PRODUCTS: ProductModel,
}
ORDERS_HEADER = ",".join(COLUMNS[DataKind.ORDERS])


def demo_records(kind: DataKind) -> list[Any]:
    parsed = parse_file(kind, DEMO / f"{kind.value}.csv", OrderIdFinder(DEFAULT_ORDER_ID_PATTERN))
    assert parsed.ok
    return parsed.records


def table_contents(model: type[Model]) -> dict[str, dict[str, Any]]:
    """Every item of a table as DynamoDB holds it, by key: the ground truth a rollback must restore."""
    key = model._hash_keyname
    return {item.attribute_values[key]: item.serialize() for item in model.scan(consistent_read=True)}


def write_orders_file(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([ORDERS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def writer() -> DynamoRecordWriter:
    return DynamoRecordWriter()


# --- import_file --------------------------------------------------------------------------------------------------


def test_imported_demo_orders_read_back_exactly_as_in_the_file(aws: Settings, writer: DynamoRecordWriter) -> None:
    result = import_file(DataKind.ORDERS, DEMO / "orders.csv", aws, writer)

    assert result.ok
    assert result.written == 11
    orders = DynamoOrders()
    for record in demo_records(DataKind.ORDERS):
        assert orders.get(record.order_id) == record
    jacket = orders.get("ORD-104233")
    assert jacket is not None
    assert str(jacket.total) == "129.90"
    assert jacket.items == (OrderItem("SKU-JKT-BLU-M", 1), OrderItem("SKU-SOCKS", 2))
    assert jacket.placed_at == datetime(2026, 11, 18, 9, 12, tzinfo=UTC)


def test_a_customers_orders_come_back_newest_first_across_time_zones(aws: Settings, writer: DynamoRecordWriter) -> None:
    import_file(DataKind.ORDERS, DEMO / "orders.csv", aws, writer)

    orders = DynamoOrders()
    assert [o.order_id for o in orders.for_customer("CUST-1001")] == ["ORD-104251", "ORD-104233", "ORD-104198"]
    # 2026-11-19T11:00+01:00 is later than 2026-11-02T08:30+01:00.
    assert [o.order_id for o in orders.for_customer("CUST-1002")] == ["ORD-200311", "ORD-200287"]
    assert [o.order_id for o in orders.for_customer("CUST-1001", limit=1)] == ["ORD-104251"]


def test_newest_first_follows_the_instant_not_the_local_clock(aws: Settings, writer: DynamoRecordWriter) -> None:
    owner = customer()
    # 10:00 in São Paulo (13:00 UTC) is later than 12:00 in Paris (11:00 UTC).
    paris = order(owner, placed_at=datetime(2026, 11, 20, 12, tzinfo=timezone(timedelta(hours=1))))
    sao_paulo = order(owner, placed_at=datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=-3))))
    writer.replace_all([sao_paulo, paris])

    assert [o.order_id for o in DynamoOrders().for_customer(owner.customer_id)] == [sao_paulo.order_id, paris.order_id]


def test_a_bad_row_means_nothing_is_written(aws: Settings, writer: DynamoRecordWriter, tmp_path: Path) -> None:
    import_file(DataKind.ORDERS, DEMO / "orders.csv", aws, writer)
    before = table_contents(OrderModel)
    path = write_orders_file(
        tmp_path / "orders.csv",
        "ORD-900001,CUST-1001,placed,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
        "ORD-104233,CUST-1001,delivered,2026-11-18T09:12:00Z,UPS,1Z999AA10123456784,2026-11-27,129.90,USD,",
        "ORD-900002,CUST-1001,lost,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
        "ORD-900003,CUST-1001,placed,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
    )

    result = import_file(DataKind.ORDERS, path, aws, writer)

    assert not result.ok
    assert result.written == 0
    assert [(e.line, e.column) for e in result.errors] == [(4, "status")]
    assert table_contents(OrderModel) == before
    assert DynamoOrders().get("ORD-900001") is None


def test_a_bad_row_into_an_empty_table_leaves_it_empty(
    aws: Settings, writer: DynamoRecordWriter, tmp_path: Path
) -> None:
    path = write_orders_file(
        tmp_path / "orders.csv",
        "ORD-900001,CUST-1001,placed,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
        "ORD-900002,CUST-1001,placed,2026-11-25T10:00:00Z,,,,19,90,USD,SKU-SOCKS x1",
    )

    result = import_file(DataKind.ORDERS, path, aws, writer)

    assert [e.line for e in result.errors] == [3]
    assert table_contents(OrderModel) == {}


def test_reimporting_an_updated_file_replaces_changed_orders_and_keeps_the_rest(
    aws: Settings, writer: DynamoRecordWriter, tmp_path: Path
) -> None:
    import_file(DataKind.ORDERS, DEMO / "orders.csv", aws, writer)
    before = table_contents(OrderModel)
    updated = (
        (DEMO / "orders.csv")
        .read_text(encoding="utf-8")
        .replace("ORD-104233,CUST-1001,shipped,", "ORD-104233,CUST-1001,delivered,")
    )
    path = tmp_path / "orders.csv"
    path.write_text(updated, encoding="utf-8")

    result = import_file(DataKind.ORDERS, path, aws, writer)

    assert result.written == 11
    after = table_contents(OrderModel)
    assert after.keys() == before.keys()
    assert {k for k in after if after[k] != before[k]} == {"ORD-104233"}
    jacket = DynamoOrders().get("ORD-104233")
    assert jacket is not None
    assert jacket.status is OrderStatus.DELIVERED


def test_a_file_with_only_some_orders_updates_those_and_leaves_the_others(
    aws: Settings, writer: DynamoRecordWriter, tmp_path: Path
) -> None:
    import_file(DataKind.ORDERS, DEMO / "orders.csv", aws, writer)
    before = table_contents(OrderModel)
    path = write_orders_file(
        tmp_path / "orders.csv",
        "ord 104251,CUST-1001,shipped,2026-11-22T20:05:00Z,UPS,1Z999AA10999999999,,59.50,USD,SKU-BEANIE x1",
        "ORD-900001,CUST-1001,placed,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
    )

    import_file(DataKind.ORDERS, path, aws, writer)

    after = table_contents(OrderModel)
    assert after.keys() == before.keys() | {"ORD-900001"}
    assert {k: v for k, v in after.items() if k not in {"ORD-104251", "ORD-900001"}} == {
        k: v for k, v in before.items() if k != "ORD-104251"
    }
    beanie = DynamoOrders().get("ORD-104251")
    assert beanie is not None
    assert (beanie.status, beanie.tracking_number) == (OrderStatus.SHIPPED, "1Z999AA10999999999")
    # An order is replaced whole: a cell left empty in the new file clears what the old file said.
    assert beanie.estimated_delivery is None
    assert beanie.items == (OrderItem("SKU-BEANIE", 1),)


# --- rollback -----------------------------------------------------------------------------------------------------


@pytest.fixture
def failing_batch_write(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[int]]:
    """Make the n-th BatchWriteItem call fail (after the earlier ones really wrote); returns the calls' sizes."""
    real = TableConnection.batch_write_item
    sizes: list[int] = []

    def arm(fail_on_call: int) -> list[int]:
        def batch_write_item(self: TableConnection, put_items: Any = None, delete_items: Any = None, **kw: Any) -> Any:
            sizes.append(len(put_items or ()) + len(delete_items or ()))
            if len(sizes) == fail_on_call:
                raise PutError("Failed to batch write items: simulated throttling")
            return real(self, put_items=put_items, delete_items=delete_items, **kw)

        monkeypatch.setattr(TableConnection, "batch_write_item", batch_write_item)
        return sizes

    return arm


def _seed_and_build_import(writer: DynamoRecordWriter) -> tuple[dict[str, dict[str, Any]], list[Order]]:
    """Ten orders already in the table; an import that changes all ten and adds fifty."""
    owner = customer()
    existing = [order(owner, status=OrderStatus.PROCESSING) for _ in range(10)]
    writer.replace_all(existing)
    changed = [replace(o, status=OrderStatus.DELIVERED, total=Decimal("1.10"), items=()) for o in existing]
    new = [order(owner) for _ in range(50)]
    return table_contents(OrderModel), changed + new


@pytest.mark.parametrize("fail_on_call", [2, 3], ids=["mid-batch", "final-flush"])
def test_a_write_failing_part_way_restores_exactly_what_the_table_held(
    aws: Settings, writer: DynamoRecordWriter, failing_batch_write: Callable[[int], list[int]], fail_on_call: int
) -> None:
    before, records = _seed_and_build_import(writer)
    sizes = failing_batch_write(fail_on_call)

    with pytest.raises(StorageError, match="nothing was changed"):
        writer.replace_all(records)

    # 60 records go out 25 at a time; the calls before the failing one really wrote.
    assert sizes[: fail_on_call - 1] == [25] * (fail_on_call - 1)
    assert len(sizes) > fail_on_call, "the restore should have written"
    assert table_contents(OrderModel) == before


def test_a_failed_first_batch_leaves_the_table_untouched(
    aws: Settings, writer: DynamoRecordWriter, failing_batch_write: Callable[[int], list[int]]
) -> None:
    before, records = _seed_and_build_import(writer)
    failing_batch_write(1)

    with pytest.raises(StorageError):
        writer.replace_all(records)

    assert table_contents(OrderModel) == before


def test_a_restore_that_also_fails_says_the_table_may_be_partly_written(
    aws: Settings, writer: DynamoRecordWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, records = _seed_and_build_import(writer)
    real = TableConnection.batch_write_item
    calls: list[int] = []

    def first_write_only(self: TableConnection, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) > 1:
            raise PutError("Failed to batch write items: simulated outage")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TableConnection, "batch_write_item", first_write_only)

    with pytest.raises(StorageError) as raised:
        writer.replace_all(records)

    assert "nothing was changed" not in str(raised.value)
    assert "partly written" in str(raised.value)


def test_a_missing_table_is_a_storage_error(aws: Settings, writer: DynamoRecordWriter) -> None:
    boto3.client("dynamodb", region_name=aws.region).delete_table(TableName=aws.tables.orders)

    with pytest.raises(StorageError):
        writer.replace_all(demo_records(DataKind.ORDERS))


# --- import_directory ---------------------------------------------------------------------------------------------


def test_importing_the_demo_directory_fills_all_five_tables(aws: Settings, writer: DynamoRecordWriter) -> None:
    results = import_directory(DEMO, aws, writer)

    assert [(r.kind, r.written, r.ok) for r in results] == [
        (DataKind.CUSTOMERS, 7, True),
        (DataKind.ORDERS, 11, True),
        (DataKind.INVOICES, 5, True),
        (DataKind.SUBSCRIPTIONS, 5, True),
        (DataKind.PRODUCTS, 16, True),  # 11 goods and 5 subscription plans
    ]
    for kind, model in MODELS.items():
        assert len(table_contents(model)) == len(demo_records(kind)), kind
    lucia = DynamoCustomers().by_sender(Sender(Channel.MESSENGER, "6723410987654321"))
    assert lucia is not None
    assert lucia.name == "Lucía Fernández"
    emily = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "14155550123"))
    assert emily is not None
    assert [o.order_id for o in DynamoOrders().for_customer(emily.customer_id, limit=1)] == ["ORD-104251"]


def test_one_bad_row_in_one_file_of_a_directory_writes_nothing_anywhere(
    aws: Settings, writer: DynamoRecordWriter, tmp_path: Path
) -> None:
    directory = tmp_path / "data"
    shutil.copytree(DEMO, directory)
    invoices = directory / "invoices.csv"
    invoices.write_text(
        invoices.read_text(encoding="utf-8") + "INV-2026-0999,CUST-1007,2026-11-05,,12.00,GBP,unpaid,,\n",
        encoding="utf-8",
    )

    results = import_directory(directory, aws, writer)

    assert {r.kind: r.written for r in results} == dict.fromkeys(DataKind, 0)
    bad = [r for r in results if not r.ok]
    assert [r.kind for r in bad] == [DataKind.INVOICES]
    assert [(e.line, e.column) for e in bad[0].errors] == [(7, "status")]
    for model in MODELS.values():
        assert table_contents(model) == {}, model.__name__


# --- the command line ---------------------------------------------------------------------------------------------


def test_the_cli_imports_a_good_file_and_says_how_many(aws: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["data", "import", "orders", str(DEMO / "orders.csv")])

    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert f"Imported 11 orders from {DEMO / 'orders.csv'} into {aws.tables.orders}." in out
    assert DynamoOrders().get("ORD-104233") is not None


def test_the_cli_lists_every_bad_line_and_imports_nothing(
    aws: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_orders_file(
        tmp_path / "orders.csv",
        "ORD-900001,CUST-1001,placed,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
        "ORD-900002,CUST-1001,lost,2026-11-25T10:00:00Z,,,,10.00,USD,SKU-SOCKS x1",
        "ORD-900003,CUST-1001,placed,25/11/2026,,,,10.00,USD,SKU-SOCKS two",
    )

    code = main(["data", "import", "orders", str(path)])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "nothing was imported" in err
    assert "orders.csv: line 3, column status: 'lost' is not one of: placed," in err
    assert "orders.csv: line 4, column placed_at:" in err
    assert "orders.csv: line 4, column items:" in err
    assert table_contents(OrderModel) == {}


def test_the_cli_reports_a_missing_file(aws: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["data", "import", "orders", str(tmp_path / "nope.csv")])

    _, err = capsys.readouterr()
    assert code == 2
    assert f"no such file: {tmp_path / 'nope.csv'}" in err


def test_the_cli_against_aws_reports_a_missing_table_and_does_not_create_it(
    aws: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = boto3.client("dynamodb", region_name=aws.region)
    client.delete_table(TableName=aws.tables.orders)

    code = main(["data", "import", "orders", str(DEMO / "orders.csv")])

    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("parley data import: ")
    assert "Traceback" not in err
    assert aws.tables.orders not in client.list_tables()["TableNames"]


def test_a_storage_failure_on_a_later_file_undoes_the_earlier_files_too(
    aws: Settings, writer: DynamoRecordWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {model: table_contents(model) for model in MODELS.values()}
    real = DynamoRecordWriter.replace_all

    def fail_on_invoices(self: DynamoRecordWriter, records: Any) -> Any:
        if records and type(records[0]).__name__ == "Invoice":
            raise StorageError("import into invoices failed; nothing was changed")
        return real(self, records)

    monkeypatch.setattr(DynamoRecordWriter, "replace_all", fail_on_invoices)

    with pytest.raises(StorageError):
        import_directory(DEMO, aws, writer)

    assert {model: table_contents(model) for model in MODELS.values()} == before


# --- WhatsApp business-scoped user ids ----------------------------------------------------------------------------

BSUID = "US.13491208655302741918"
CUSTOMERS_HEADER = "customer_id,name,email,phone,messenger_psid,language,whatsapp_user_id,marketing_opt_in"


def write_customers_file(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([CUSTOMERS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_imported_whatsapp_user_id_finds_a_customer_who_writes_without_a_number(
    aws: Settings, tmp_path: Path
) -> None:
    import_file(
        DataKind.CUSTOMERS,
        write_customers_file(tmp_path / "customers.csv", f"CUST-9,Ana Lima,ana@example.com,,,pt,{BSUID},no"),
        aws,
        DynamoRecordWriter(),
    )

    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, BSUID, BSUID))

    assert found is not None and found.customer_id == "CUST-9"
    assert found.marketing_opt_in is False
    # A BSUID is never looked up as a phone number, nor a number found by someone else's BSUID.
    assert DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "14155550123", "US.999")) is None


def test_the_business_scoped_user_id_outranks_the_number(aws: Settings, writer: DynamoRecordWriter) -> None:
    by_number = customer(customer_id="CUST-A", phone="14155550123")
    by_user_id = customer(customer_id="CUST-B", phone=None, whatsapp_user_id=BSUID)
    writer.replace_all([by_number, by_user_id])

    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "14155550123", BSUID))

    assert found is not None and found.customer_id == "CUST-B"


def test_a_remembered_user_id_is_written_once_and_never_replaced(aws: Settings, writer: DynamoRecordWriter) -> None:
    writer.replace_all([customer(customer_id="CUST-A", phone=None)])
    customers = DynamoCustomers()

    remembered = customers.remember_whatsapp_user_id("CUST-A", BSUID)
    again = customers.remember_whatsapp_user_id("CUST-A", "US.1111")

    assert remembered is not None and remembered.whatsapp_user_id == BSUID
    assert again is not None and again.whatsapp_user_id == BSUID
    assert customers.remember_whatsapp_user_id("CUST-GONE", BSUID) is None
    assert "CUST-GONE" not in table_contents(CustomerModel)


def test_an_import_leaving_the_cell_empty_keeps_the_remembered_user_id(aws: Settings, tmp_path: Path) -> None:
    path = write_customers_file(tmp_path / "customers.csv", "CUST-A,Ana Lima,ana@example.com,,,pt,,yes")
    import_file(DataKind.CUSTOMERS, path, aws, DynamoRecordWriter())
    DynamoCustomers().remember_whatsapp_user_id("CUST-A", BSUID)

    # The shop exports its customers again (a new name), knowing nothing of the BSUID Parley remembered.
    path = write_customers_file(tmp_path / "customers.csv", "CUST-A,Ana Lima Souza,ana@example.com,,,pt,,yes")
    import_file(DataKind.CUSTOMERS, path, aws, DynamoRecordWriter())

    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, BSUID, BSUID))
    assert found is not None and (found.customer_id, found.name) == ("CUST-A", "Ana Lima Souza")


def test_an_import_giving_the_user_id_to_another_customer_wins(aws: Settings, tmp_path: Path) -> None:
    path = write_customers_file(tmp_path / "customers.csv", "CUST-A,Ana,,,,pt,,", "CUST-B,Bea,,,,pt,,")
    import_file(DataKind.CUSTOMERS, path, aws, DynamoRecordWriter())
    DynamoCustomers().remember_whatsapp_user_id("CUST-A", BSUID)

    path = write_customers_file(tmp_path / "customers.csv", "CUST-A,Ana,,,,pt,,", f"CUST-B,Bea,,,,pt,{BSUID},")
    import_file(DataKind.CUSTOMERS, path, aws, DynamoRecordWriter())

    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, BSUID, BSUID))
    assert found is not None and found.customer_id == "CUST-B"
    assert DynamoCustomers().get("CUST-A") == Customer(customer_id="CUST-A", name="Ana", language="pt")


# --- one sender, one customer -------------------------------------------------------------------------------------


def _import_customers(aws: Settings, tmp_path: Path, *rows: str) -> Any:
    return import_file(DataKind.CUSTOMERS, write_customers_file(tmp_path / "customers.csv", *rows), aws,
                       DynamoRecordWriter())  # fmt: skip


@pytest.mark.parametrize(
    ("column", "cells"),
    [
        ("phone", "ana@example.com,+34 612 345 678,,pt,,"),
        ("messenger_psid", "ana@example.com,,6723410987654321,pt,,"),
        ("whatsapp_user_id", f"ana@example.com,,,pt,{BSUID},"),
    ],
)
def test_a_sender_id_a_customer_on_file_has_is_refused_for_another_naming_both(
    aws: Settings, tmp_path: Path, column: str, cells: str
) -> None:
    _import_customers(aws, tmp_path, f"CUST-1,Lucía,lucia@example.es,34612345678,6723410987654321,es,{BSUID},")
    before = table_contents(CustomerModel)

    result = _import_customers(aws, tmp_path, "CUST-8,Bea,bea@example.com,,,es,,", f"CUST-9,Ana,{cells}")

    [error] = result.errors
    assert (error.line, error.column) == (3, column)
    assert "customer CUST-1 on file already has this" in error.message
    assert result.written == 0
    assert table_contents(CustomerModel) == before
    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "34612345678"))
    assert found is not None and found.customer_id == "CUST-1"


def test_reimporting_a_customer_with_the_same_number_is_fine(aws: Settings, tmp_path: Path) -> None:
    row = f"CUST-1,Lucía,lucia@example.es,34612345678,6723410987654321,es,{BSUID},"
    _import_customers(aws, tmp_path, row)

    result = _import_customers(aws, tmp_path, row.replace("Lucía", "Lucía Fernández"))

    assert result.ok and result.written == 1
    found = DynamoCustomers().get("CUST-1")
    assert found is not None and found.name == "Lucía Fernández"


def test_a_number_moves_to_another_customer_when_both_are_in_the_file(aws: Settings, tmp_path: Path) -> None:
    _import_customers(aws, tmp_path, "CUST-1,Lucía,lucia@example.es,34612345678,,es,,")

    result = _import_customers(aws, tmp_path, "CUST-1,Lucía,lucia@example.es,,,es,,",
                               "CUST-2,Pablo,pablo@example.es,34612345678,,es,,")  # fmt: skip

    assert result.ok
    found = DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "34612345678"))
    assert found is not None and found.customer_id == "CUST-2"


def test_a_large_file_is_checked_against_the_table_in_one_pass(aws: Settings, tmp_path: Path) -> None:
    rows = [f"CUST-{n},Name {n},c{n}@example.com,3461200{n:04d},,es,," for n in range(100)]
    _import_customers(aws, tmp_path, *rows)

    result = _import_customers(aws, tmp_path, *rows[1:], "CUST-NEW,New,new@example.com,34612000000,,es,,")

    assert [(e.line, e.column) for e in result.errors] == [(101, "phone")]
    assert "customer CUST-0 on file" in result.errors[0].message


def test_the_cli_names_both_lines_but_never_the_number(
    aws: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_customers(aws, tmp_path, "CUST-1,Lucía,lucia@example.es,34612345678,,es,,")
    path = write_customers_file(tmp_path / "more.csv", "CUST-2,Pablo,pablo@example.es,+34 612 345 678,,es,,")

    code = main(["data", "import", "customers", str(path)])

    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "more.csv: line 2, column phone: customer CUST-1 on file already has this phone number" in err
    assert "612" not in err and "nothing was imported" in err


def test_where_numbers_may_be_shared_the_import_takes_them_and_the_sender_proves_who_they_are(
    aws: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARED_PHONE_NUMBERS", "allow")
    _import_customers(aws, tmp_path, "CUST-1,Lucía,lucia@example.es,34612345678,,es,,")

    more = write_customers_file(tmp_path / "more.csv", "CUST-2,Pablo,pablo@example.es,34612345678,,es,,")
    code = main(["data", "import", "customers", str(more)])

    assert code == 0
    assert DynamoCustomers().by_sender(Sender(Channel.WHATSAPP, "34612345678")) is None
    assert DynamoCustomers().get("CUST-2") is not None
