"""Delivery under faults on the local stack, for `make bench` (issue 12): replies while the Graph API answers after
the client's timeout, and a five-minute Graph API outage with customers writing through it.

Both run at a tenth of their real length, with every duration of the retry schedule scaled alike, so the figures hold
at full length: the outage lasts 30 s instead of 300, the Graph API call's timeout is 0.5 s instead of 5 (Meta
answers 1.5 s after it delivered), the first retry delay 1 s instead of 10, the retry horizon 36 minutes instead of 6
hours (delays capped at 90 s instead of 15 minutes) and a reply is late after 60 s instead of 600. Messages go in as
signed webhook POSTs and replies are counted at the Graph API stand-in, per customer, once the inbound queue is
empty (nothing more can be sent).
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCALE = 10
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_LOG_LEVEL": "ERROR",  # an outage logs every failed attempt; the figures are what matter here
    "GRAPH_API_TIMEOUT_SECONDS": str(5 / SCALE),
    "GRAPH_API_DEADLINE_SECONDS": str(12 / SCALE),
    "RETRY_FIRST_DELAY_SECONDS": str(10 // SCALE),
    "RETRY_HORIZON_SECONDS": str(21_600 // SCALE),
    "REPLY_LATE_SECONDS": str(600 // SCALE),
}
CLEARED = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "META_SECRET_NAME", "INBOUND_QUEUE_URL", "HANDOFF_TOPIC_ARN")
OUTAGE_SECONDS = 300 / SCALE
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
LOCALES = DEMO.parents[1] / "locales"


@contextmanager
def environment() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(ENV)
    for name in CLEARED:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def demo_questions() -> list[tuple[str, str]]:
    """(phone, "Where is my order …?") for each demo customer on WhatsApp with an order."""
    with (DEMO / "customers.csv").open(encoding="utf-8") as file:
        phones = {row["customer_id"]: row["phone"] for row in csv.DictReader(file) if row["phone"]}
    with (DEMO / "orders.csv").open(encoding="utf-8") as file:
        orders = {row["customer_id"]: row["order_id"] for row in csv.DictReader(file)}
    return [(phone, f"Where is my order {orders[cid]}?") for cid, phone in phones.items() if cid in orders]


class Tally:
    def __init__(self, session: object) -> None:
        from parley.local.session import LocalSession
        from parley.wiring import aws_client

        assert isinstance(session, LocalSession) and session.stack.settings is not None
        self.session = session
        self.sqs = aws_client("sqs", session.stack.settings)
        self.inbound = session.stack.settings.inbound_queue_url
        self.dead_letters = self.sqs.get_queue_url(QueueName="parley-inbound-dlq.fifo")["QueueUrl"]
        self.sent: Counter[str] = Counter()
        self.before = len(session.graph.replies)

    def write(self, phone: str, text: str) -> None:
        from parley.channels.model import Channel

        if self.session.post(Channel.WHATSAPP, phone, text).status != 200:
            raise SystemExit("the webhook refused a message")
        self.sent[phone] += 1

    def count(self, url: str) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(name, 0)) for name in names)

    def settle(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count(self.inbound) and time.monotonic() < deadline:
            time.sleep(0.2)

    def figures(self) -> str:
        replies = self.session.graph.replies[self.before :]
        got = Counter(r.recipient for r in replies)
        lost = sum(max(0, n - got[phone]) for phone, n in self.sent.items())
        duplicated = sum(max(0, got[phone] - self.sent[phone]) for phone in got)
        parked = self.count(self.dead_letters)
        return (f"{sum(self.sent.values())} messages, {len(replies)} replies: {lost} lost, {duplicated} duplicated, "
                f"{parked} dead-lettered")  # fmt: skip


def slow_graph_api(session: object, rounds: int = 2) -> None:
    tally = Tally(session)
    questions = demo_questions()
    tally.session.graph.slow(3 * float(ENV["GRAPH_API_TIMEOUT_SECONDS"]))
    try:
        for _ in range(rounds):
            for phone, question in questions:
                tally.write(phone, question)
        tally.settle()
    finally:
        tally.session.graph.healthy()
    print(f"replies while the Graph API answers after the client's timeout: {tally.figures()}   (target: 0 duplicated)")


def outage(session: object, rounds: int = 2) -> None:
    tally = Tally(session)
    questions = demo_questions()
    graph = tally.session.graph
    graph.down(OUTAGE_SECONDS)
    started = time.monotonic()
    # The customers keep writing through the first two thirds of the outage.
    gap = OUTAGE_SECONDS * 2 / 3 / (rounds * len(questions))
    for _ in range(rounds):
        for phone, question in questions:
            tally.write(phone, question)
            time.sleep(gap)
    while graph.is_down:
        time.sleep(0.1)
    recovered = time.monotonic()
    tally.settle()
    last = max((r.received_at for r in graph.replies[tally.before :]), default=recovered)
    apologies = tuple(
        json.loads(f.read_text(encoding="utf-8"))["replies"]["reply.late"] for f in LOCALES.glob("*.json")
    )
    late = sum(1 for r in graph.replies[tally.before :] if r.text.startswith(apologies))
    length = f"{OUTAGE_SECONDS * SCALE / 60:.0f}-minute"
    print(f"a {length} Graph API outage (run at 1/{SCALE}: {recovered - started:.0f} s), customers writing through it: "
          f"{tally.figures()}   (target: 0 lost, 0 duplicated)")  # fmt: skip
    after = last - recovered
    print(f"  the last reply {after:.1f} s after it ended (≈ {after * SCALE / 60:.1f} min at full length); {late} "
          f"opened with the apology (a reply is late after {ENV['REPLY_LATE_SECONDS']} s here)")  # fmt: skip


def run() -> None:
    from parley.local.session import LocalSession
    from parley.observability import logger

    level = logger.log_level
    logger.setLevel(ENV["POWERTOOLS_LOG_LEVEL"])  # the logger was made at import, before this environment
    with environment():
        session = LocalSession().start()
        try:
            slow_graph_api(session)
            outage(session)
        finally:
            session.stop()
            logger.setLevel(level)


if __name__ == "__main__":
    print(f"Delivery under faults on the local stack (durations scaled 1/{SCALE})\n")
    run()
