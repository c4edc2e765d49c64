"""An import stopped part-way (Ctrl-C, SIGTERM, or killed outright) against DynamoDB (in-process moto), the
interruption injected into the writer's batch writes: the table is put back as it was, the command says so in one
line, and an import killed outright is finished by the next one from its journal."""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pynamodb.connection.table import TableConnection
from pynamodb.models import Model

from parley.cli import main
from parley.config import Settings, load_local_settings
from parley.data.dynamo import DynamoOrders, DynamoRecordWriter
from parley.data.import_journal import ImportJournal
from parley.data.importer import COLUMNS, DataKind
from parley.data.interruption import ImportCancelledError, Terminated
from parley.data.models import OrderModel
from parley.domain.records import OrderStatus

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the process runs after it (no except clause of the writer catches it)."""


def table_contents(model: type[Model]) -> dict[str, dict[str, Any]]:
    key = model._hash_keyname
    return {item.attribute_values[key]: item.serialize() for item in model.scan(consistent_read=True)}


def big_orders_file(path: Path, count: int = 300) -> Path:
    """Every demo order changed (delivered, a new total), and `count` new ones."""
    with (DEMO / "orders.csv").open(encoding="utf-8") as demo:
        rows = list(csv.DictReader(demo))
    for row in rows:
        row.update(status="delivered", total="1.00")
    for n in range(count):
        rows.append(dict(rows[0], order_id=f"ORD-9{n:05d}", status="placed", total="9.99"))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS[DataKind.ORDERS]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def demo_orders(aws: Settings) -> dict[str, dict[str, Any]]:
    """The demo orders imported: the table as it stands before the import under test."""
    assert main(["data", "import", "orders", str(DEMO / "orders.csv")]) == 0
    return table_contents(OrderModel)


@pytest.fixture
def stop_at(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[int]]:
    """Make the n-th BatchWriteItem call raise `what` (after the earlier ones really wrote); `then` runs on later
    calls (the restore). Returns the calls' sizes."""
    real = TableConnection.batch_write_item
    sizes: list[int] = []

    def arm(call: int, what: BaseException, then: Callable[[], None] | None = None) -> list[int]:
        def batch_write_item(self: TableConnection, put_items: Any = None, delete_items: Any = None, **kw: Any) -> Any:
            sizes.append(len(put_items or ()) + len(delete_items or ()))
            if len(sizes) == call:
                raise what
            if len(sizes) > call and then is not None:
                then()
            return real(self, put_items=put_items, delete_items=delete_items, **kw)

        monkeypatch.setattr(TableConnection, "batch_write_item", batch_write_item)
        return sizes

    return arm


def journal_files() -> list[Path]:
    return sorted(load_local_settings().import_journal.glob("import-*"))


@pytest.mark.parametrize(
    ("what", "code", "name"), [(KeyboardInterrupt(), 130, "Ctrl-C"), (Terminated(), 143, "SIGTERM")]
)
def test_an_import_stopped_mid_write_leaves_the_table_as_it_was_and_says_so_in_one_line(
    aws: Settings, demo_orders: dict[str, Any], stop_at: Callable[..., list[int]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], what: BaseException, code: int, name: str,
) -> None:  # fmt: skip
    capsys.readouterr()
    sizes = stop_at(4, what)

    exit_code = main(["data", "import", "orders", str(big_orders_file(tmp_path / "orders.csv"))])

    out, err = capsys.readouterr()
    assert sizes[:3] == [25, 25, 25], "three batches were written before the interruption"
    assert exit_code == code
    table = aws.tables.orders
    assert err == f"parley data import: stopped by {name}; {table} was put back as it was and nothing was imported.\n"
    assert "Imported" not in out
    assert table_contents(OrderModel) == demo_orders
    assert journal_files() == []


def test_a_second_interruption_cannot_cut_the_restore_short(
    aws: Settings, demo_orders: dict[str, Any], stop_at: Callable[..., list[int]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    # Ctrl-C pressed again (and SIGTERM sent) while the table is being put back.
    def impatient() -> None:
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGTERM)

    stop_at(3, KeyboardInterrupt(), then=impatient)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    exit_code = main(["data", "import", "orders", str(big_orders_file(tmp_path / "orders.csv"))])

    assert exit_code == 130
    assert "Traceback" not in capsys.readouterr().err
    assert table_contents(OrderModel) == demo_orders
    # The command's own handlers are gone: Ctrl-C and SIGTERM do again what they did before.
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


def test_stopped_while_the_file_is_checked_nothing_is_written(
    aws: Settings, demo_orders: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    def checking(*args: Any) -> Any:
        raise Terminated()

    monkeypatch.setattr("parley.data.importing.check_file", checking)

    exit_code = main(["data", "import", "orders", str(big_orders_file(tmp_path / "orders.csv"))])

    assert exit_code == 143
    assert capsys.readouterr().err == (
        f"parley data import: stopped by SIGTERM before writing to {aws.tables.orders}; nothing was imported.\n"
    )
    assert table_contents(OrderModel) == demo_orders


def test_the_writer_itself_puts_the_table_back_when_interrupted(
    aws: Settings, demo_orders: dict[str, Any], stop_at: Callable[..., list[int]]
) -> None:
    orders = DynamoOrders()
    records = [o for o in (orders.get(k) for k in demo_orders) if o is not None]
    changed = [replace(o, status=OrderStatus.CANCELLED) for o in records]
    stop_at(1, KeyboardInterrupt())

    with pytest.raises(ImportCancelledError) as cancelled:
        DynamoRecordWriter().replace_all(changed)

    assert cancelled.value.exit_code == 130
    assert table_contents(OrderModel) == demo_orders


def test_an_import_killed_outright_is_finished_by_the_next_one(
    aws: Settings, demo_orders: dict[str, Any], stop_at: Callable[..., list[int]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    big = big_orders_file(tmp_path / "orders.csv")
    stop_at(4, Killed())
    with pytest.raises(Killed):
        main(["data", "import", "orders", str(big)])
    assert 0 < len(table_contents(OrderModel)) - len(demo_orders) < 300, "killed part-way"
    [journal] = journal_files()
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    stop_at(10_000, Killed())  # the next run is not stopped
    capsys.readouterr()

    # The next import, of another file, finishes the killed one first.
    exit_code = main(["data", "import", "customers", str(DEMO / "customers.csv")])

    out, _ = capsys.readouterr()
    assert exit_code == 0
    assert f"Finished the import into {aws.tables.orders} from {big}" in out
    assert "311 items" in out
    after = table_contents(OrderModel)
    assert len(after) == len(demo_orders) + 300
    assert {item["status"]["S"] for key, item in after.items() if key in demo_orders} == {"delivered"}
    assert journal_files() == []
    # Once is enough: the run after that has nothing to finish.
    assert main(["data", "import", "customers", str(DEMO / "customers.csv")]) == 0
    assert "Finished the import" not in capsys.readouterr().out


def test_an_import_another_process_is_still_running_is_left_alone(aws: Settings, tmp_path: Path) -> None:
    directory = load_local_settings().import_journal
    journal = ImportJournal(directory, aws.aws_endpoint_url, aws.region)
    journal.begin(aws.tables.orders, "orders", "orders.csv", "2026-11-24T12:00:00+00:00", [])
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path = journal.path_for(aws.tables.orders)
        path.write_text(path.read_text(encoding="utf-8").replace(f'"pid": {os.getpid()}', f'"pid": {running.pid}'))

        assert journal.pending() == []
        # Nor is a journal of an import into another endpoint.
        assert ImportJournal(directory, "http://127.0.0.1:5000", aws.region).pending() == []
    finally:
        running.kill()
        running.wait()
    assert [entry.table for entry in journal.pending()] == [aws.tables.orders]
