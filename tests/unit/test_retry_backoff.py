"""A message that failed comes back after a delay that grows with each attempt while the Graph API or AWS is down,
over a horizon that outlasts their outages, instead of spending every attempt in the first minutes; a message that
breaks the code reaches the dead-letter queue within minutes; the same customer's later messages wait their turn."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError

from parley.channels.meta import ErrorReason, GraphApiError
from parley.config import ConfigError, load_settings
from parley.domain.ports import StorageError
from parley.fulfillment.retrying import BackoffFifoProcessor, RetrySchedule, is_outage, queue_url_of

QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/parley-inbound.fifo"


class RecordingSqs:
    def __init__(self, error: Exception | None = None) -> None:
        self.visibility: list[tuple[str, int]] = []
        self.error = error

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> None:
        if self.error is not None:
            raise self.error
        assert QueueUrl == QUEUE_URL
        self.visibility.append((ReceiptHandle, VisibilityTimeout))


def record(n: int, group: str, receives: int = 1, body: str = "ok") -> dict[str, Any]:
    return {
        "messageId": f"m{n}",
        "receiptHandle": f"rh{n}",
        "body": json.dumps({"do": body}),
        "attributes": {"MessageGroupId": group, "ApproximateReceiveCount": str(receives)},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:parley-inbound.fifo",
        "awsRegion": "eu-west-1",
    }


FAILURES: dict[str, Exception] = {
    "graph_down": GraphApiError(500, 2, "Please retry your request later."),
    "throttled": GraphApiError(429, 130429, "Rate limit hit"),
    "storage": StorageError("conversation lookup failed"),
    "bug": KeyError("slots"),
    "refused": GraphApiError(400, 100, "Invalid parameter", retryable=False),
}


def handle(record: Any) -> str:
    what = json.loads(record.body)["do"]
    if what in FAILURES:
        raise FAILURES[what]
    return what


def run(sqs: RecordingSqs, *records: dict[str, Any], schedule: RetrySchedule | None = None) -> list[str]:
    processor = BackoffFifoProcessor(sqs, schedule or RetrySchedule(), QUEUE_URL, jitter=lambda low, high: low)
    try:
        result = process_partial_response(event={"Records": list(records)}, record_handler=handle, processor=processor)
    except BatchProcessingError:  # every record failed: Lambda retries them all
        return [r["messageId"] for r in records]
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def test_an_outage_backs_off_doubling_from_the_first_delay_up_to_the_cap():
    schedule = RetrySchedule(horizon_seconds=6 * 3600, first_delay_seconds=10)

    delays = [schedule.delay(receives, outage=True, jitter=lambda low, high: low) for receives in range(1, 12)]

    assert delays == [10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900]


def test_the_queue_allows_enough_receives_for_the_delays_to_cover_the_horizon():
    for horizon in (60, 3600, 6 * 3600, 24 * 3600, 72 * 3600):
        schedule = RetrySchedule(horizon_seconds=horizon, first_delay_seconds=10)
        receives = schedule.receives

        waited = sum(schedule.backoff(n) for n in range(1, receives))
        assert waited >= horizon
        assert waited - schedule.backoff(receives - 1) < horizon  # no receive more than it takes
        assert receives <= 1000  # SQS's maxReceiveCount limit


def test_six_hours_outlast_a_long_meta_outage_where_five_quick_receives_lasted_fifteen_minutes():
    schedule = RetrySchedule()

    assert sum(schedule.backoff(n) for n in range(1, schedule.receives)) >= 6 * 3600
    assert schedule.max_delay_seconds == 900  # a recovery is noticed within a quarter of an hour


def test_jitter_only_lengthens_a_delay_by_up_to_a_quarter():
    schedule = RetrySchedule(first_delay_seconds=40)

    assert schedule.delay(1, outage=True, jitter=lambda low, high: high) == 50
    assert schedule.delay(1, outage=True, jitter=lambda low, high: low) == 40


@pytest.mark.parametrize(("failure", "outage"), [("graph_down", True), ("throttled", True), ("storage", True),
                                                 ("bug", False), ("refused", False)])  # fmt: skip
def test_a_failed_record_comes_back_after_its_delay_and_only_outages_back_off(failure, outage):
    sqs = RecordingSqs()

    failed = run(sqs, record(1, "emily", receives=4, body=failure), record(2, "bob"))

    assert failed == ["m1"]
    assert sqs.visibility == [("rh1", 80 if outage else 10)]


def test_the_same_customers_later_messages_wait_behind_the_failed_one_and_others_go_on():
    sqs = RecordingSqs()

    failed = run(sqs, record(1, "emily", receives=2, body="graph_down"), record(2, "emily"), record(3, "bob"))

    assert failed == ["m1", "m2"]
    # The one behind is handed back at once: SQS keeps it until the failed one, still in flight, is done.
    assert sqs.visibility == [("rh1", 20), ("rh2", 0)]


def test_a_delay_that_cannot_be_set_leaves_the_record_failed_to_come_back_later():
    sqs = RecordingSqs(ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ChangeMessageVisibility"))

    assert run(sqs, record(1, "emily", body="graph_down"), record(2, "bob")) == ["m1"]


def test_without_a_configured_queue_url_the_records_own_queue_is_used():
    assert queue_url_of("arn:aws:sqs:eu-west-1:123456789012:parley-inbound.fifo") == QUEUE_URL
    assert queue_url_of("not an arn") == ""


def test_an_error_raised_from_an_outage_is_an_outage():
    try:
        try:
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "Publish")
        except ClientError as exc:
            raise RuntimeError("handoff topic unavailable") from exc
    except RuntimeError as wrapped:
        assert is_outage(wrapped)
    assert not is_outage(ValueError("a message the code cannot read"))
    assert not is_outage(GraphApiError(0, None, "no answer", reason=ErrorReason.UNCONFIRMED, retryable=False))


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"RETRY_HORIZON_SECONDS": "six hours"}, "RETRY_HORIZON_SECONDS must be a positive whole number"),
        ({"RETRY_HORIZON_SECONDS": "5", "RETRY_FIRST_DELAY_SECONDS": "10"}, "RETRY_HORIZON_SECONDS .* at least"),
        ({"RETRY_HORIZON_SECONDS": "999999"}, "RETRY_HORIZON_SECONDS must be at most"),
        ({"REPLY_LATE_SECONDS": "0"}, "REPLY_LATE_SECONDS must be a positive whole number"),
    ],
)
def test_a_bad_retry_setting_fails_at_start_up_naming_the_variable(env, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(env)


def test_the_retry_settings_are_read_from_the_environment():
    settings = load_settings({"RETRY_HORIZON_SECONDS": "3600", "RETRY_FIRST_DELAY_SECONDS": "5",
                              "REPLY_LATE_SECONDS": "120"})  # fmt: skip

    schedule = RetrySchedule.from_settings(settings)
    assert (schedule.horizon_seconds, schedule.first_delay_seconds, settings.reply_late_seconds) == (3600, 5, 120)
