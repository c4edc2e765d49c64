"""When a message that failed is tried again: backing off over a horizon that outlasts Meta's and AWS's outages.

Lambda's SQS event source mapping leaves a failed record invisible for the queue's visibility timeout, then hands it
back; after maxReceiveCount receives SQS parks it in the dead-letter queue. A burst of quick retries there spends
every receive in the first minutes of an outage, and the customer is never answered. Instead each failed record's
visibility is set from its receive count: the delay doubles from RETRY_FIRST_DELAY_SECONDS up to a cap (a
twenty-fourth of the horizon, at most 15 minutes, so a recovery is noticed soon), with jitter so that the messages an
outage held back do not all come back at once; and the queue's maxReceiveCount (`RetrySchedule.receives`) is what it
takes for those delays to cover RETRY_HORIZON_SECONDS. infra/template.yaml derives it from the same schedule (a test
holds the two together), as does the local stack.

Only an outage earns the long horizon: the Graph API throttling, failing or unreachable, DynamoDB, SNS, Secrets
Manager or a setting missing. Any other failure (a message that breaks the code) would fail the same way every time:
it is retried after the first delay, reaches the dead-letter queue within minutes, and stops holding up the
customer's later messages, which wait behind it (FIFO). `parley dlq replay` brings it back once the cause is fixed.

The records skipped behind a failed one (the same customer's later messages) are made visible again at once: SQS
hands none of them out while the failed one is in flight, so they simply wait their turn behind it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor
from aws_lambda_powertools.utilities.batch.exceptions import (
    SQSFifoCircuitBreakerError,
    SQSFifoMessageGroupCircuitBreakerError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyPersistenceConnectionError,
    IdempotencyPersistenceLayerError,
)
from botocore.exceptions import BotoCoreError, ClientError

from parley.channels.meta import GraphApiError
from parley.config import ConfigError, CredentialsUnavailableError
from parley.domain.ports import StorageError
from parley.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import ExceptionInfo, FailureResponse

    from parley.config import Settings

# The longest delay between two attempts: a recovered Graph API is noticed within this.
MAX_DELAY_SECONDS = 900
# SQS refuses a visibility timeout beyond 12 hours.
SQS_MAX_VISIBILITY = 43_200
# Failures that are the world's, not the message's: they earn the long horizon.
OUTAGES: tuple[type[BaseException], ...] = (
    StorageError,
    CredentialsUnavailableError,
    ConfigError,
    BotoCoreError,
    ClientError,
    IdempotencyPersistenceLayerError,
    IdempotencyPersistenceConnectionError,
)


@dataclass(frozen=True)
class RetrySchedule:
    horizon_seconds: int = 21_600
    first_delay_seconds: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> RetrySchedule:
        return cls(settings.retry_horizon_seconds, settings.retry_first_delay_seconds)

    @property
    def max_delay_seconds(self) -> int:
        return max(self.first_delay_seconds, min(MAX_DELAY_SECONDS, self.horizon_seconds // 24))

    def backoff(self, receive_count: int) -> int:
        """The delay, before jitter, after the `receive_count`-th receive of a message failed."""
        exponent = min(max(receive_count, 1) - 1, 30)
        return min(self.max_delay_seconds, self.first_delay_seconds * (1 << exponent))

    @property
    def receives(self) -> int:
        """The queue's maxReceiveCount: receives whose delays (without jitter, which only lengthens them) add up to
        the horizon, and the last one."""
        waited, count = 0, 0
        while waited < self.horizon_seconds:
            count += 1
            waited += self.backoff(count)
        return count + 1

    def delay(self, receive_count: int, outage: bool, jitter: Callable[[float, float], float] = random.uniform) -> int:
        """Seconds the failed message stays invisible: backing off through an outage, the first delay otherwise."""
        if not outage:
            return self.first_delay_seconds
        base = self.backoff(receive_count)
        return min(SQS_MAX_VISIBILITY, round(base + jitter(0.0, base / 4)))


def is_outage(error: BaseException | None) -> bool:
    """Whether a failure is a dependency's (see OUTAGES), looking through what it was raised from."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, GraphApiError):
            return error.retryable
        if isinstance(error, OUTAGES):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def queue_url_of(arn: str) -> str:
    """An SQS queue's URL from its ARN (arn:aws:sqs:<region>:<account>:<name>), as SQS names it on AWS."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        return ""
    region, account, name = parts[3], parts[4], parts[5]
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


class BackoffFifoProcessor(SqsFifoPartialProcessor):
    """Powertools' FIFO partial-batch processor (a failed record holds back the rest of its message group, other
    groups go on) that also sets each failed record's visibility from the schedule. A visibility that cannot be
    set is logged: the record then comes back after the queue's own visibility timeout, nothing is lost."""

    def __init__(
        self,
        sqs: Any,
        schedule: RetrySchedule,
        queue_url: str = "",
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        super().__init__(skip_group_on_error=True)
        self._sqs = sqs
        self._schedule = schedule
        self._queue_url = queue_url
        self._jitter = jitter

    def failure_handler(self, record: Any, exception: ExceptionInfo) -> FailureResponse:
        response = super().failure_handler(record, exception)
        error = exception[1]
        if record is not None:
            if isinstance(error, SQSFifoCircuitBreakerError | SQSFifoMessageGroupCircuitBreakerError):
                self._set_visibility(record, 0, "behind")
            else:
                count = _receive_count(record)
                outage = is_outage(error)
                seconds = self._schedule.delay(count, outage, self._jitter)
                self._set_visibility(record, seconds, "outage" if outage else "failure", count)
        return response

    def _set_visibility(self, record: Any, seconds: int, why: str, receive_count: int = 0) -> None:
        url = self._queue_url or queue_url_of(str(record.raw_event.get("eventSourceARN", "")))
        extra = {"retry_in_seconds": seconds, "why": why, "receive_count": receive_count}
        try:
            self._sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=record.raw_event.get("receiptHandle", ""), VisibilityTimeout=seconds
            )
        except (BotoCoreError, ClientError) as exc:
            logger.warning("retry delay not set", extra={**extra, "error": type(exc).__name__})
            return
        if why != "behind":
            logger.info("message will be tried again", extra=extra)


def _receive_count(record: Any) -> int:
    try:
        return int((record.raw_event.get("attributes") or {}).get("ApproximateReceiveCount") or 1)
    except ValueError:
        return 1
