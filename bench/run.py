"""`make bench`: figures measured on this machine, printed for people (tests never time things)."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEBHOOK_ENV = {
    "META_APP_SECRET": "bench",
    "META_VERIFY_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "INBOUND_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench.fifo",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}


# A cold start is timed as in Lambda: X-Ray's SDK takes its Lambda path (no sampling client of its own) and the
# Tracer is on, as deployed.
LAMBDA_ENV = {"LAMBDA_TASK_ROOT": str(ROOT / "functions"), "AWS_LAMBDA_FUNCTION_NAME": "bench"}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _import_ms(code: str, runs: int = 7, extra_env: dict[str, str] | None = None) -> float:
    """Median wall time of a fresh interpreter running `code`, minus an empty interpreter's start."""
    env = dict(os.environ) | WEBHOOK_ENV | LAMBDA_ENV | (extra_env or {})

    def once(snippet: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", snippet], env=env, check=True, cwd=ROOT)
        return (time.perf_counter() - started) * 1000

    baseline = statistics.median(once("pass") for _ in range(runs))
    return statistics.median(once(code) for _ in range(runs)) - baseline


def webhook_import() -> None:
    # The layer ships bytecode (compileall in infra/layer/Makefile), so compile ours as it does; without this,
    # PYTHONDONTWRITEBYTECODE (set on some machines) would charge every run for compiling the sources.
    compileall.compile_dir(ROOT / "src" / "parley", quiet=1)
    compileall.compile_dir(ROOT / "functions", quiet=1)
    handler = (
        "import importlib.util as u; s = u.spec_from_file_location('app', 'functions/webhook/app.py');"
        " m = u.module_from_spec(s); s.loader.exec_module(m)"
    )
    bare = "import boto3; boto3.client('sqs', region_name='us-east-1')"
    print(f"webhook cold start (import the handler module): {_import_ms(handler):7.1f} ms   (target ≤ 250)")
    bare_ms = _import_ms(bare)
    print(f"a bare boto3 handler (boto3 + SQS client):     {bare_ms:7.1f} ms")
    fulfillment = handler.replace("functions/webhook/app.py", "functions/fulfillment/app.py")
    # As deployed: the intent model comes built with the layer (python -m parley.nlu.artifact, as its Makefile runs).
    model = Path(tempfile.mkdtemp()) / "intents.npz"
    subprocess.run([sys.executable, "-m", "parley.nlu.artifact", str(ROOT / "locales"), str(model)], check=True,
                   capture_output=True)  # fmt: skip
    cold = _import_ms(fulfillment, runs=3, extra_env={"PARLEY_INTENT_MODEL": str(model)})
    print(f"fulfillment cold start (imports, catalogs, language and intent models): {cold:7.1f} ms   (target ≤ 700)")
    print(f"  that is {cold / bare_ms:.2f} times the bare boto3 handler's, measured in this run   (goal ≤ 2.5)")
    print(f"intent model artifact on disk: {model.stat().st_size / 1e6:.2f} MB   (goal ≤ 20)")
    fulfillment_memory(fulfillment, model)


# After the cold start, the understanding stack the handler built answers a few hundred messages in several
# languages; then the process's peak resident memory is what the function's memory setting must hold.
UNDERSTAND = """
import json, sys
parts = m.runtime.understanding
texts = json.loads(sys.argv[1])
for i in range(600):
    text = texts[i % len(texts)] + (" " + str(i) if i % 3 else "")
    parts.language.identify(text); parts.intents.classify(text); parts.order_ids.find(text)
# VmHWM, the process's own peak: getrusage's ru_maxrss would carry over this benchmark's own (fork and exec keep it).
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def fulfillment_memory(fulfillment: str, model: Path) -> None:
    texts = [
        "Where is my order ORD-104233?",
        "¿Dónde está mi pedido?",
        "Wo ist meine Bestellung?",
        "我的订单在哪里？",
        "Je veux annuler ma commande",
        "Quero falar com um atendente",
        "Как оплатить счёт?",
        "hello",
        "Siparişimi iptal etmek istiyorum",
        "मेरा रिफंड कब आएगा",
        "أريد استرداد أموالي",
        "what's the weather",
    ]
    env = dict(os.environ) | WEBHOOK_ENV | {"PARLEY_INTENT_MODEL": str(model), "POWERTOOLS_LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-c", fulfillment + ";" + UNDERSTAND, json.dumps(texts)], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
    peak_mb = int(done.stdout.split()[-1]) / 1024  # VmHWM is in kB
    print(f"fulfillment peak memory (cold start + 600 messages understood): {peak_mb:7.1f} MB   (goal ≤ 300)")


def webhook_request(requests: int = 2000) -> None:
    from fakes import InMemoryInboundQueue
    from parley.channels.meta import sign
    from parley.local.gateway import http_api_event
    from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
    from parley.local.payloads import whatsapp_text

    # INFO logs would print a line per request here; the figure is the webhook's own work.
    with environment(WEBHOOK_ENV | {"POWERTOOLS_LOG_LEVEL": "WARNING"}):
        webhook = load_handler_module("webhook")
    webhook.ingress._queue = InMemoryInboundQueue()  # the queue stubbed: only the webhook's work is timed
    envelope = len(json.dumps(whatsapp_text("14155550123", "")).encode())
    text = ("Where is my order ORD-104233? " * 80)[: 2048 - envelope]
    body = json.dumps(whatsapp_text("14155550123", text)).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, "bench")}
    event = http_api_event("POST", "/webhook/whatsapp", headers, body, "173.252.88.1")
    context = LocalLambdaContext("parley-webhook")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = webhook.handler(event, context)
        times.append((time.perf_counter() - started) * 1000)
        if response["statusCode"] != 200:
            raise SystemExit(f"webhook answered {response['statusCode']}")
    median = statistics.median(times)
    print(f"webhook request via the handler ({len(body)} B, queue stubbed): median {median:.3f} ms   (target ≤ 3)")


def round_trip(messages: int = 40) -> None:
    """Signed POST → webhook → SQS → fulfillment → DynamoDB → Graph API stand-in, on the local stack."""
    from parley.channels.model import Channel
    from parley.local.session import LocalSession

    with environment({"POWERTOOLS_LOG_LEVEL": "WARNING"}):
        session = LocalSession().start()
        try:
            session.say(Channel.WHATSAPP, "14155550123", "hello")  # both functions' cold starts
            lines = [("14155550123", "When will ORD-104233 arrive?"), ("34612345678", "¿Dónde está mi pedido?")]
            seconds = []
            for i in range(messages):
                sender, text = lines[i % 2]
                exchange = session.say(Channel.WHATSAPP, sender, text)
                if len(exchange.replies) != 1:
                    raise SystemExit(f"expected one reply, got {len(exchange.replies)}")
                seconds.append(exchange.seconds)
        finally:
            session.stop()
    seconds.sort()
    p95 = seconds[int(0.95 * (len(seconds) - 1))]
    median = statistics.median(seconds)
    print(f"order question answered on the local stack ({messages} messages): median {median:.3f} s,"
          f" p95 {p95:.3f} s, max {seconds[-1]:.3f} s   (target ≤ 2 s)")  # fmt: skip


if __name__ == "__main__":
    print("Parley benchmarks (this machine)\n")
    webhook_import()
    webhook_request()
    round_trip()
    from heldout import unseen_messages
    from langid import language_identification  # bench/ is the script's own directory
    from nlu import run as nlu_figures
    from turn import cpu_per_turn, fulfillment_figures

    # bench/analytics.py, also a sibling; ruff sorts it apart because functions/analytics/ shares the name.
    from analytics import run as analytics_report

    fulfillment_figures()
    cpu_per_turn()

    from delivery import run as delivery_under_faults

    print()
    delivery_under_faults()

    print()
    language_identification()
    nlu_figures()
    unseen_messages()
    from realistic import bitext_mapped, realistic

    realistic("test")
    bitext_mapped()
    print()
    analytics_report()
    from scrubbing import run as scrubbing_figures

    scrubbing_figures("test")
