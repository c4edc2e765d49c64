"""What one order-status turn costs, for `make bench`: DynamoDB calls through the deployed fulfillment path (moto),
CPU time of Parley's own code (in-memory data, a recording Graph API), and translation calls (none for a native
language)."""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from parley.channels.model import Channel, InboundMessage
from parley.domain.records import Customer, Order, OrderStatus, Product

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "parley-bench",
    "WHATSAPP_ACCESS_TOKEN": "bench",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "MESSENGER_PAGE_ACCESS_TOKEN": "bench",
    "GRAPH_API_VERSION": "v21.0",
    # As deployed; no order question hands over, so nothing is published to it.
    "HANDOFF_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:parley-handoff",
    # Google through deep-translator, as deployed; its client is replaced by a counter below (no network).
    "TRANSLATION_PROVIDER": "google",
    "PARLEY_INTENT_MODEL": str(Path(tempfile.mkdtemp()) / "intents.npz"),
    "PARLEY_INTENT_MODEL_SAVE": "1",
}
CLEARED = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "META_SECRET_NAME", "INBOUND_QUEUE_URL")
DEMO_PRODUCTS = Path(__file__).resolve().parents[1] / "data" / "demo" / "products.csv"
CPU_TURNS = 480  # 240 customers in 12 languages, two order questions each


def customers_with_orders(count: int, languages: list[str]) -> list[tuple[Customer, Order]]:
    people = []
    for n in range(count):
        person = Customer(f"CUST-B{n:04d}", f"Ana Lima {n}", f"ana{n}@example.com", f"5511900{n:05d}", None,
                          languages[n % len(languages)])  # fmt: skip
        bought = Order(order_id=f"ORD-{700000 + n}", customer_id=person.customer_id, status=OrderStatus.SHIPPED,
                       placed_at=datetime(2026, 11, 18, 9, 12, tzinfo=UTC), carrier="DHL",
                       tracking_number=f"JD0146000{n:05d}", estimated_delivery=date(2026, 11, 27),
                       total=Decimal("129.90"), currency="EUR")  # fmt: skip
        people.append((person, bought))
    return people


def question(catalog_examples: dict[str, list[str]], n: int, order_id: str | None) -> str:
    """An order question in the customer's language: the catalog's own phrasings, with or without the number."""
    phrasings = catalog_examples["order_status"]
    text = phrasings[n % len(phrasings)]
    return f"{text} {order_id}" if order_id else text


def message(person: Customer, text: str, n: int) -> InboundMessage:
    return InboundMessage(Channel.WHATSAPP, str(person.phone), f"wamid.BENCH{n:08d}", int(time.time()), text=text,
                          recipient_id="106540352242922")  # fmt: skip


@contextmanager
def bench_environment() -> Iterator[None]:
    with mock.patch.dict(os.environ, ENV):
        for name in CLEARED:
            os.environ.pop(name, None)
        yield


class CountingGoogle:
    """deep-translator's Google client, counted and answered in-process: the provider calls a turn would make."""

    def __init__(self) -> None:
        self.calls = 0

    def method(self) -> Any:
        def translate(client: Any, text: str, **_: Any) -> str:
            self.calls += 1
            return f"[{client._target}] {text}"

        return translate


def fulfillment_figures() -> None:
    """DynamoDB calls and translation calls, through FulfillmentRuntime.process on moto (as the handler runs it)."""
    import boto3
    import deep_translator
    from moto import mock_aws

    from parley.config import load_settings
    from parley.data.dynamo import DynamoRecordWriter
    from parley.data.tables import bind_models, create_tables
    from parley.i18n import load_catalogs
    from parley.local.aws_calls import IDEMPOTENCY, PARLEY, DynamoCallCounter
    from parley.local.graph_standin import RecordingGraphApi
    from parley.local.lambda_runtime import LocalLambdaContext
    from parley.wiring import FulfillmentRuntime

    catalogs = load_catalogs()
    languages = sorted(catalogs.languages)
    graph = RecordingGraphApi().start()
    google = CountingGoogle()
    counted = mock.patch.object(deep_translator.GoogleTranslator, "translate", google.method())
    try:
        with bench_environment(), mock_aws(), counted:
            os.environ["GRAPH_API_URL"] = graph.url
            settings = load_settings()
            bind_models(settings)
            create_tables(settings, boto3.client("dynamodb", region_name=settings.region))
            people = customers_with_orders(len(languages) + 1, [*languages, "nl"])
            DynamoRecordWriter().replace_all([p for p, _ in people])
            DynamoRecordWriter().replace_all([o for _, o in people])
            runtime = FulfillmentRuntime(settings)
            runtime.register_context(LocalLambdaContext("parley-fulfillment", timeout_seconds=900))
            counter = DynamoCallCounter()
            counter.watch_runtime(runtime)
            person, bought = people[0]
            examples = catalogs[str(person.language)].examples

            runtime.process(message(person, question(examples, 0, bought.order_id), 0))
            first = (counter.total(IDEMPOTENCY), counter.total(PARLEY), counter.breakdown(PARLEY))
            counter.reset()
            runtime.process(message(person, question(examples, 1, bought.order_id), 1))
            later = (counter.total(IDEMPOTENCY), counter.total(PARLEY), counter.breakdown(PARLEY))
            counter.stop()

            # The other native languages, an order question each (its own customer); then Dutch (no catalog).
            for n, (person, bought) in enumerate(people[1 : len(languages)]):
                runtime.process(message(person, question(catalogs[str(person.language)].examples, n, bought.order_id),
                                        100 + n))  # fmt: skip
            native_calls = google.calls
            dutch, dutch_order = people[-1]
            dutch_text = f"Hallo, waar is mijn bestelling {dutch_order.order_id}? Ik wacht er al een week op."
            runtime.process(message(dutch, dutch_text, 200))
            dutch_calls = google.calls - native_calls
            replies = len(graph.replies)
    finally:
        graph.stop()
    if replies != len(languages) + 2:
        raise SystemExit(f"expected {len(languages) + 2} replies, got {replies}")
    for label, (idempotency, ours, breakdown) in (
        ("conversation under way", later),
        ("first message of a conversation", first),
    ):
        print(f"DynamoDB calls, order-status turn of a known customer, {label}: {idempotency + ours}"
              f"   (idempotency {idempotency}, Parley {ours}: {breakdown})   (goal ≤ 5)")  # fmt: skip
    print(f"translation provider calls, order-status turns in all {len(languages)} native languages: {native_calls}"
          f"   (goal 0; a Dutch turn, for comparison: {dutch_calls})")  # fmt: skip


class RecordingGraph:
    """The Graph API answered in-process: the send requests are built and rendered, nothing leaves the machine."""

    def __init__(self) -> None:
        self.requests = 0

    def post(self, request: Any) -> dict[str, Any]:
        self.requests += 1
        return {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.OUT{self.requests}"}]}


def cpu_per_turn() -> None:
    """CPU time of MessageProcessor.process for order questions of 240 customers in 12 languages, warm; the
    repositories are in memory and the Graph API is answered in-process, so no AWS or HTTP time is counted."""
    from fakes import (
        InMemoryConversations,
        InMemoryCustomers,
        InMemoryInvoices,
        InMemoryMessageLog,
        InMemoryOrders,
        InMemoryProducts,
        InMemoryReturns,
        InMemorySubscriptions,
    )
    from parley.channels.registry import build_senders
    from parley.config import load_settings
    from parley.data.importer import DataKind, parse_file
    from parley.dialogue.engine import DialogueEngine
    from parley.dialogue.interpreting import Interpreter
    from parley.dialogue.ports import BillingLinks, DialoguePorts
    from parley.dialogue.understanding import Understanding
    from parley.fulfillment import MessageProcessor
    from parley.observability import logger
    from parley.wiring import credentials_provider, understanding_parts

    with bench_environment():
        settings = load_settings()
        parts = understanding_parts(settings)
        catalogs = parts.catalogs
        languages = sorted(catalogs.languages)
        people = customers_with_orders(CPU_TURNS // 2, languages)
        orders = InMemoryOrders([o for _, o in people])
        log = InMemoryMessageLog(InMemoryConversations())
        # As FulfillmentRuntime builds it, every flow included; the demo shop's products.
        parsed = parse_file(DataKind.PRODUCTS, DEMO_PRODUCTS, parts.order_ids)
        products = [p for p in parsed.records if isinstance(p, Product)]
        if not parsed.ok or not products:
            raise SystemExit(f"cannot read {DEMO_PRODUCTS}")
        ports = DialoguePorts(
            customers=InMemoryCustomers([p for p, _ in people]), orders=orders, conversations=log.conversations,
            message_log=log, returns=InMemoryReturns(orders), invoices=InMemoryInvoices(),
            subscriptions=InMemorySubscriptions(), products=InMemoryProducts(products),
            return_window_days=settings.return_window_days, billing_links=BillingLinks(),
        )  # fmt: skip
        interpreter = Interpreter(catalogs.languages, catalogs.apologies())
        service = DialogueEngine(
            ports, Understanding(catalogs, parts.language, parts.intents, parts.order_ids, interpreter)
        )
        graph = RecordingGraph()
        processor = MessageProcessor(service, build_senders(settings, graph, credentials_provider(settings)))
        # As deployed (LogLevel INFO): the "message answered" line is formatted, here into the void.
        handler = logger.registered_handler
        level = logger.log_level
        if not isinstance(handler, logging.StreamHandler):
            raise SystemExit("expected Powertools' stream handler")
        with open(os.devnull, "w") as void:
            stream = handler.setStream(void)
            logger.setLevel("INFO")
            try:
                for n, (person, _) in enumerate(people[:24]):  # warm-up: other customers, not timed
                    processor.process(message(person, "hello", 10_000 + n))
                times = []
                for n in range(CPU_TURNS):
                    person, bought = people[n % len(people)]
                    # First the order number, then "where is it?" about the order just discussed.
                    order_id = bought.order_id if n < len(people) else None
                    text = question(catalogs[str(person.language)].examples, n // len(languages), order_id)
                    inbound = message(person, text, n)
                    started = time.process_time()
                    summary = processor.process(inbound)
                    times.append((time.process_time() - started) * 1000)
                    if summary["intent"] != "order_status" or summary["outcome"] != "sent":
                        raise SystemExit(f"not answered as an order question: {summary}")
            finally:
                handler.setStream(stream)
                logger.setLevel(level)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"CPU time of Parley's code per order-status turn ({CPU_TURNS} turns, 12 languages, data in memory):"
          f" median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms   (goal ≤ 15 median)")  # fmt: skip
