"""Attempts at proving who you are, counted in DynamoDB (moto) per order number and per email across conversations:
the fulfillment function refuses a stranger with many accounts, the counts are atomic under concurrent attempts,
and each item expires with its window."""

from __future__ import annotations

import threading

import boto3

from parley.channels.model import Channel
from parley.config import Settings
from parley.data.dynamo import DynamoProofAttempts
from parley.data.models import ProofAttemptModel
from parley.domain.proof_limits import ProofLimit, Subject, subject_key
from support.factories import inbound
from support.fulfillment import EMILY, invoke

NOW = 1_790_000_000
ORDER = Subject(ProofLimit.ORDER, subject_key(ProofLimit.ORDER, "ORD-104233"), 3)
EMAIL = Subject(ProofLimit.EMAIL, subject_key(ProofLimit.EMAIL, "a-hash"), 3)


def stored(subject: Subject) -> tuple[int, int, int]:
    item = ProofAttemptModel.get(subject.key, consistent_read=True)
    return int(item.attempts), int(item.window_ends), int(item.expires_at)


def test_attempts_are_counted_up_to_the_limit_then_refused(aws: Settings) -> None:
    attempts = DynamoProofAttempts()

    counted = [attempts.count([ORDER], NOW + n, 600) for n in range(4)]

    assert counted == [None, None, None, ORDER]
    # The window runs from the first attempt, and the item expires with it (TTL).
    assert stored(ORDER) == (3, NOW + 600, NOW + 600)


def test_a_refusal_by_the_email_leaves_the_order_as_it_was(aws: Settings) -> None:
    attempts = DynamoProofAttempts()
    for _ in range(3):
        attempts.count([EMAIL], NOW, 600)

    assert attempts.count([ORDER, EMAIL], NOW, 600) == EMAIL
    assert stored(ORDER)[0] == 0


def test_an_attempt_that_proved_it_is_taken_back(aws: Settings) -> None:
    attempts = DynamoProofAttempts()
    attempts.count([ORDER, EMAIL], NOW, 600)
    attempts.count([ORDER, EMAIL], NOW, 600)

    attempts.take_back([ORDER, EMAIL], NOW + 1)

    assert stored(ORDER)[0] == stored(EMAIL)[0] == 1


def test_the_window_ends_and_counting_starts_again(aws: Settings) -> None:
    attempts = DynamoProofAttempts()
    for _ in range(3):
        attempts.count([ORDER], NOW, 600)
    assert attempts.count([ORDER], NOW + 599, 600) == ORDER

    assert attempts.count([ORDER], NOW + 600, 600) is None
    assert stored(ORDER) == (1, NOW + 1200, NOW + 1200)
    # Nothing is taken back from a window that has ended.
    attempts.take_back([ORDER], NOW + 1200)
    assert stored(ORDER)[0] == 1


def test_concurrent_attempts_never_pass_the_limit(aws: Settings) -> None:
    attempts = DynamoProofAttempts()
    results: list[Subject | None] = []
    start = threading.Barrier(12)

    def attempt() -> None:
        start.wait()
        results.append(attempts.count([ORDER], NOW, 600))

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(None) == ORDER.allowed
    assert stored(ORDER)[0] == ORDER.allowed


def test_the_table_holds_no_order_number_or_email(aws: Settings) -> None:
    DynamoProofAttempts().count([ORDER], NOW, 600)

    items = boto3.client("dynamodb", region_name=aws.region).scan(TableName=aws.tables.proof_attempts)["Items"]

    assert "104233" not in str(items)
    assert [item["subject"]["S"].split("#")[0] for item in items] == ["order"]


def test_the_fulfillment_function_refuses_many_messenger_accounts_guessing_one_order(fulfillment, graph) -> None:
    guesses = [
        inbound(f"where is my order ORD-104233? guess{n}@example.com", sender=f"77000000000{n:05d}",
                channel=Channel.MESSENGER, recipient_id="110938475629384")
        for n in range(7)
    ]  # fmt: skip
    for message in guesses:
        assert invoke(fulfillment, message) == []
    right = inbound(f"where is my order ORD-104233? {EMILY.email}", sender="7700000000099999",
                    channel=Channel.MESSENGER, recipient_id="110938475629384")  # fmt: skip
    invoke(fulfillment, right)

    texts = [reply.text for reply in graph.replies]
    assert sum("don't match our records" in text for text in texts) == 5
    assert all("can't check your identity again right now" in text for text in texts[5:])
    assert "UPS" not in texts[-1]
