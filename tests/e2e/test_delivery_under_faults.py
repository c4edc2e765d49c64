"""Issue 12 on the local stack (signed webhook POSTs in, the Graph API stand-in out): a Graph API slower than the
client's timeout, an outage the retries outlast, and one that outlasts them, whose messages `parley dlq replay` brings
back. Every message is answered once: none lost, none twice.

Nothing here waits for real minutes: the retry schedule is scaled down (the first delay 1 second, a horizon of 8, so
9 receives) and each Graph API call is tried once, so a retry round is the queue's backoff alone. An outage lasts
until the stand-in has refused a set number of requests (retry rounds), not for a set time, so a busy machine only
makes it longer; it is over when the test says so. Nothing is timed: a test waits for the queue to empty, then counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from parley.channels.model import Channel
from parley.local.graph_standin import SentRequest
from parley.local.session import LocalSession
from parley.wiring import aws_client
from support.dialogue import catalogs

PARLEY = os.path.join(os.path.dirname(sys.executable), "parley")
# Demo customers (data/demo/), each asking about their order and then thanking, in their own language.
CUSTOMERS = {
    "14155550123": ("ORD-104233", "en", "Where is my order ORD-104233?", "Thank you!"),
    "34612345678": ("ORD-200311", "es", "¿Dónde está mi pedido ORD-200311?", "¡Muchas gracias!"),
    "4915123456789": ("ORD-500612", "de", "Wo ist meine Bestellung ORD-500612?", "Vielen Dank!"),
}
SCALED = {
    "GRAPH_API_TIMEOUT_SECONDS": "0.5",
    "GRAPH_API_MAX_ATTEMPTS": "1",
    "RETRY_FIRST_DELAY_SECONDS": "1",
    "RETRY_HORIZON_SECONDS": "8",
    "REPLY_LATE_SECONDS": "1",
}
# A retry round of the three customers' first messages is refused twice each (the read receipt and the reply).
ROUND = 2 * len(CUSTOMERS)


@pytest.fixture(scope="module")
def session() -> Iterator[LocalSession]:
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", **SCALED})  # fmt: skip
    for name in ("AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "AWS_PROFILE", "HANDOFF_TOPIC_ARN"):
        os.environ.pop(name, None)
    running = LocalSession()
    try:
        yield running.start()
    finally:  # also when it failed to start: the scaled schedule must not reach the modules after this one
        running.stop()
        os.environ.clear()
        os.environ.update(saved)


class Queues:
    def __init__(self, session: LocalSession) -> None:
        settings = session.stack.settings
        assert settings is not None
        self._sqs = aws_client("sqs", settings)
        self.inbound = settings.inbound_queue_url
        self.dead_letters = self._sqs.get_queue_url(QueueName="parley-inbound-dlq.fifo")["QueueUrl"]

    def count(self, url: str) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(name, 0)) for name in names)

    def wait(self, done: Any, what: str, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                pytest.fail(f"waited {timeout:.0f} s for {what}")
            time.sleep(0.2)

    def settle(self) -> None:
        """Until every message is off the inbound queue: answered (or parked), so no send is still to come."""
        self.wait(lambda: self.count(self.inbound) == 0, "the inbound queue to empty")


def write(session: LocalSession) -> int:
    """Each customer asks about their order, then thanks; returns how many replies there were before."""
    before = len(session.graph.replies)
    for phone, (_, _, question, thanks) in CUSTOMERS.items():
        assert session.post(Channel.WHATSAPP, phone, question).status == 200
        assert session.post(Channel.WHATSAPP, phone, thanks).status == 200
    return before


def answered_once(replies: list[SentRequest]) -> None:
    """Two replies per customer, the order's first (their messages' order kept), the thanks' second."""
    assert Counter(r.recipient for r in replies) == dict.fromkeys(CUSTOMERS, 2)
    for phone, (order_id, *_) in CUSTOMERS.items():
        first, second = (r for r in replies if r.recipient == phone)
        assert order_id in first.text and order_id not in second.text


def test_a_graph_api_answering_after_the_timeout_shows_each_reply_once(session):
    queues = Queues(session)
    session.graph.slow(1.5)  # every send delivered at once, answered a second after the client gave up
    try:
        before = write(session)
        queues.settle()
    finally:
        session.graph.healthy()

    answered_once(session.graph.replies[before:])
    assert queues.count(queues.dead_letters) == 0


def test_an_outage_the_retries_outlast_loses_nothing_and_repeats_nothing(session):
    queues = Queues(session)
    session.graph.down(3600)
    try:
        before = write(session)
        refused = session.graph.refused
        # Three retry rounds refused (the first delays are 1 and 2 seconds): every reply will be late.
        queues.wait(lambda: session.graph.refused >= refused + 3 * ROUND, "three retry rounds")
        assert session.graph.replies[before:] == []
    finally:
        session.graph.healthy()
    queues.settle()

    replies = session.graph.replies[before:]
    answered_once(replies)
    assert queues.count(queues.dead_letters) == 0
    fluent = catalogs()
    for reply in replies:
        assert reply.text.startswith(fluent[CUSTOMERS[reply.recipient][1]].render("reply.late"))


def test_an_outage_past_the_horizon_parks_the_messages_and_parley_dlq_replay_has_each_answered_once(session):
    queues = Queues(session)
    session.graph.down(3600)
    try:
        before = write(session)
        queues.wait(lambda: queues.count(queues.dead_letters) == 2 * len(CUSTOMERS), "the messages to be parked")
        queues.settle()
        assert session.graph.replies[before:] == []
    finally:
        session.graph.healthy()
    # As an operator runs it beside `parley serve` (which prints this): the queue found on the local endpoint.
    env = {k: v for k, v in os.environ.items() if k != "INBOUND_QUEUE_URL"}

    def dlq(*options: str) -> str:
        done = subprocess.run([PARLEY, "dlq", "replay", *options], env=env, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "6 messages in parley-inbound-dlq.fifo would be moved back" in dlq("--dry-run")
    assert "Moved 6 messages" in dlq()
    queues.settle()

    answered_once(session.graph.replies[before:])
    assert queues.count(queues.dead_letters) == 0
