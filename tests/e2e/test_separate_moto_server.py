"""As a new user runs it: a moto server started on its own, `parley data import`, then `parley serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.local.graph_standin import RecordingGraphApi
from parley.local.payloads import post_signed, whatsapp_text
from parley.local.stack import free_port

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
PARLEY = Path(sys.executable).with_name("parley")


@pytest.fixture(scope="module")
def graph() -> Iterator[RecordingGraphApi]:
    standin = RecordingGraphApi().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def env(moto_endpoint: str, graph: RecordingGraphApi) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "META_", "WHATSAPP_", "MESSENGER_"))}
    return clean | {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "META_APP_SECRET": "e2e-app-secret",
        "META_VERIFY_TOKEN": "e2e-verify-token",
        "GRAPH_API_URL": graph.url,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def served(env: dict[str, str]) -> Iterator[str]:
    for kind in ("customers", "orders", "invoices", "subscriptions", "products"):
        command = [PARLEY, "data", "import", kind, DEMO / f"{kind}.csv"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "Imported" in done.stdout
    port = free_port()
    process = subprocess.Popen([PARLEY, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/webhook/whatsapp?hub.mode=subscribe", timeout=1)
        except urllib.error.HTTPError:
            break  # 403: the webhook answered
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"parley serve did not start: {process.stdout.read() if process.stdout else ''}")
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_a_bad_file_is_refused_with_line_numbers_and_nothing_imported(env, tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_text((DEMO / "orders.csv").read_text() + "ORD-999001,CUST-1001,lost,2026-11-01T00:00:00Z,,,,1,USD,\n")

    command = [PARLEY, "data", "import", "orders", bad]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 1
    assert "line 13" in done.stderr and "status" in done.stderr
    assert "nothing was imported" in done.stderr


def test_serve_answers_a_signed_whatsapp_post_in_the_customers_language(served, graph):
    before = len(graph.replies)

    status = post_signed(
        f"{served}/webhook/whatsapp",
        whatsapp_text("34612345678", "¿Cuándo llega mi pedido ORD-200311?"),
        "e2e-app-secret",
    ).status
    replies = graph.wait_for(before + 1, timeout=10)[before:]

    assert status == 200
    [reply] = replies
    assert reply.recipient == "34612345678"
    assert "Su pedido ORD-200311" in reply.text and "SEUR" in reply.text


def test_serve_refuses_unsigned_posts(served):
    assert post_signed(f"{served}/webhook/whatsapp", whatsapp_text("34612345678", "hola"), None).status == 401
    assert post_signed(f"{served}/webhook/whatsapp", whatsapp_text("34612345678", "hola"), "guess").status == 401


def test_serve_does_not_reveal_another_customers_order(served, graph):
    before = len(graph.replies)

    post_signed(f"{served}/webhook/whatsapp", whatsapp_text("34612345678", "where is ORD-104233?"), "e2e-app-secret")
    [reply] = graph.wait_for(before + 1, timeout=10)[before:]

    assert "UPS" not in reply.text and "1Z999AA10123456784" not in reply.text
