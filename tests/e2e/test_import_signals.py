"""`parley data import` as an operator runs it, against a moto server, stopped part-way by a real signal: Ctrl-C
(SIGINT) or SIGTERM leaves the table as it was with one line and no traceback; SIGKILL leaves a journal the next
import finishes. Each signal is sent once the command shows progress, never after a fixed sleep."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from parley.data.importer import COLUMNS, DataKind

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
PARLEY = Path(sys.executable).with_name("parley")
NEW_ORDERS = 6000


@pytest.fixture(scope="module")
def env(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "META_", "PARLEY_IMPORT"))}
    return clean | {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PARLEY_IMPORT_JOURNAL_DIR": str(tmp_path_factory.mktemp("journal")),
    }


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every demo order changed, and 6,000 new ones."""
    with (DEMO / "orders.csv").open(encoding="utf-8") as demo:
        rows = list(csv.DictReader(demo))
    for row in rows:
        row.update(status="delivered", total="1.00")
    rows += [dict(rows[0], order_id=f"ORD-9{n:05d}", status="placed") for n in range(NEW_ORDERS)]
    path = tmp_path_factory.mktemp("files") / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS[DataKind.ORDERS]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def parley(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PARLEY, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def orders(env: dict[str, str]) -> dict[str, Any]:
    client = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    items: dict[str, Any] = {}
    for page in client.get_paginator("scan").paginate(TableName="parley-orders", ConsistentRead=True):
        items |= {item["order_id"]["S"]: item for item in page["Items"]}
    return items


@pytest.fixture
def before(env: dict[str, str]) -> dict[str, Any]:
    """The demo orders as they stand before each import under test."""
    done = parley(env, "data", "import", "orders", DEMO / "orders.csv")
    assert done.returncode == 0, done.stderr
    table = orders(env)
    assert len(table) == 11
    return table


def stop_when_writing(env: dict[str, str], path: Path, signum: signal.Signals) -> tuple[int, str, str]:
    """Start an import, send `signum` once it says it has written its first thousand items, wait for it to end."""
    process = subprocess.Popen([PARLEY, "data", "import", "orders", path], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "written" in line:
            process.send_signal(signum)
            break
    out, err = process.communicate(timeout=300)
    assert any("written" in line for line in seen), f"no progress shown: {''.join(seen)}{out}{err}"
    return process.returncode, "".join(seen) + out, err


@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
def test_a_stopped_import_leaves_the_table_as_it_was_and_says_so_in_one_line(
    env: dict[str, str], before: dict[str, Any], big_file: Path, signum: signal.Signals, code: int, name: str
) -> None:
    returncode, out, err = stop_when_writing(env, big_file, signum)

    assert returncode == code
    assert (
        err
        == f"parley data import: stopped by {name}; parley-orders was put back as it was and nothing was imported.\n"
    )
    assert "Imported" not in out
    assert orders(env) == before


def test_a_killed_import_is_finished_by_the_next_one(
    env: dict[str, str], before: dict[str, Any], big_file: Path
) -> None:
    returncode, _, _ = stop_when_writing(env, big_file, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    partial = orders(env)
    assert len(before) < len(partial) < len(before) + NEW_ORDERS

    done = parley(env, "data", "import", "customers", DEMO / "customers.csv")

    assert done.returncode == 0, done.stderr
    assert f"Finished the import into parley-orders from {big_file}" in done.stdout
    assert f"{NEW_ORDERS + 11:,} items" in done.stdout
    after = orders(env)
    assert len(after) == len(before) + NEW_ORDERS
    assert {after[key]["status"]["S"] for key in before} == {"delivered"}
    assert "Finished the import" not in parley(env, "data", "import", "customers", DEMO / "customers.csv").stdout
