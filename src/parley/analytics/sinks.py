"""Where analytics records go: a Kinesis Data Firehose stream on AWS (delivered to S3 under day partitions), the
same layout written straight to S3 on the local stack, or the log when no stream is configured.

Analytics never costs a customer their reply: a sink that cannot deliver logs how many records it lost (never
what they say) and counts them (the EventsLost metric), and returns.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from parley.channels.events import EventSink, Record
from parley.observability import logger

# PutRecordBatch takes at most 500 records and 4 MiB, each record at most 1,000 KiB.
MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024
# Firehose bills ingestion in 5 KB steps per record: JSON lines are packed into records up to this size (the S3
# objects come out the same, one line per event), so a 400-byte event does not cost 5 KB.
PACK_BYTES = 5000
DEFAULT_ATTEMPTS = 3
_BACKOFF_SECONDS = 0.1
# Failures worth another try: the stream is busy or briefly unavailable.
_RETRYABLE = {"ServiceUnavailableException", "ThrottlingException", "InternalFailure", "ServiceUnavailable"}


def json_line(record: Record) -> bytes:
    return (json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def pack(lines: Sequence[bytes], size: int = PACK_BYTES) -> list[bytes]:
    """Whole lines joined into records of at most `size` bytes (a longer line is a record of its own)."""
    records: list[bytes] = []
    current = b""
    for line in lines:
        if current and len(current) + len(line) > size:
            records.append(current)
            current = b""
        current += line
    if current:
        records.append(current)
    return records


def batches(records: Sequence[bytes]) -> list[list[bytes]]:
    """Records in PutRecordBatch-sized groups: at most MAX_BATCH_RECORDS and MAX_BATCH_BYTES each."""
    groups: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for record in records:
        if current and (len(current) == MAX_BATCH_RECORDS or size + len(record) > MAX_BATCH_BYTES):
            groups.append(current)
            current, size = [], 0
        current.append(record)
        size += len(record)
    if current:
        groups.append(current)
    return groups


def note_lost(records: int, reason: str, where: str) -> None:
    """Log and count records that could not be delivered: how many and why, never their contents."""
    from parley.analytics.metrics import count_lost

    logger.warning("analytics records lost", extra={"records": records, "error": reason, "sink": where})
    count_lost(records)


class FirehoseEventSink:
    """Records to a Firehose delivery stream with PutRecordBatch; only the records Firehose reports failed are sent
    again, at most `attempts` times in all, with a short backoff."""

    def __init__(
        self,
        client: Any,
        stream: str,
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._stream = stream
        self._attempts = max(1, attempts)
        self._sleep = sleep
        self._jitter = jitter
        self.lost = 0  # records given up on, since this sink was made

    def emit(self, events: Sequence[Record]) -> None:
        lines = [json_line(e) for e in events]
        oversized = [line for line in lines if len(line) > MAX_RECORD_BYTES]
        if oversized:
            self._lose(len(oversized), "RecordTooLarge")
        for batch in batches(pack([line for line in lines if len(line) <= MAX_RECORD_BYTES])):
            self._put(batch)

    def _put(self, records: list[bytes]) -> None:
        pending, reason = records, ""
        for attempt in range(self._attempts):
            if attempt:
                self._sleep(_BACKOFF_SECONDS * 2 ** (attempt - 1) * (1 + self._jitter()))
            failed, reason, retryable = self._send(pending)
            if not failed:
                return
            pending = failed
            if not retryable:
                break
        self._lose(sum(r.count(b"\n") for r in pending), reason)

    def _send(self, records: list[bytes]) -> tuple[list[bytes], str, bool]:
        """The records that failed, why, and whether trying again may help."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.put_record_batch(
                DeliveryStreamName=self._stream, Records=[{"Data": r} for r in records]
            )
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "ClientError"))
            return records, code, code in _RETRYABLE
        except BotoCoreError as exc:  # connection refused, timeouts: the network, worth another try
            return records, type(exc).__name__, True
        if not response.get("FailedPutCount"):
            return [], "", False
        failed = [
            (record, result.get("ErrorCode", ""))
            for record, result in zip(records, response["RequestResponses"], strict=True)
            if result.get("ErrorCode")
        ]
        return [r for r, _ in failed], failed[0][1] if failed else "", True

    def _lose(self, records: int, reason: str) -> None:
        self.lost += records
        note_lost(records, reason, self._stream)


class S3PartitionSink:
    """The local stand-in for Firehose: each emit becomes one S3 object of JSON lines under
    <kind>/year=YYYY/month=MM/day=DD/ of the time it arrived, as Firehose's prefix would put it.

    Why not Firehose on moto: moto delivers to S3 at once but ignores the prefix's !{timestamp:…} expressions
    (tests/integration/test_firehose_and_pseudonym_keys.py shows it), so `parley report` would find nothing where
    it looks."""

    def __init__(self, client: Any, bucket: str, kind: str, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._bucket = bucket
        self._kind = kind
        self._clock = clock
        self.lost = 0

    def emit(self, events: Sequence[Record]) -> None:
        if not events:
            return
        from botocore.exceptions import BotoCoreError, ClientError

        now = self._clock()
        day = datetime.fromtimestamp(now, UTC)
        key = (
            f"{self._kind}/year={day:%Y}/month={day:%m}/day={day:%d}/"
            f"{self._kind}-{int(now * 1000):013d}-{uuid.uuid4().hex[:12]}.json"
        )
        try:
            self._client.put_object(Bucket=self._bucket, Key=key, Body=b"".join(json_line(e) for e in events))
        except (ClientError, BotoCoreError) as exc:
            self.lost += len(events)
            note_lost(len(events), type(exc).__name__, self._bucket)


class BufferedEventSink:
    """Holds records until flush(): fulfillment sends one batch of a whole SQS batch's events at the end of the
    invocation instead of a call per message (more than MAX_BATCH_RECORDS pending are sent at once)."""

    def __init__(self, inner: EventSink) -> None:
        self._inner = inner
        self._pending: list[Record] = []
        self._lock = threading.Lock()

    def emit(self, events: Sequence[Record]) -> None:
        with self._lock:
            self._pending.extend(events)
            full = len(self._pending) >= MAX_BATCH_RECORDS
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            self._inner.emit(pending)


class MeteredEventSink:
    """Counts analytics events as CloudWatch metrics (Powertools Metrics, flushed per invocation by the handlers'
    log_metrics), then hands them on."""

    def __init__(self, inner: EventSink) -> None:
        self._inner = inner

    def emit(self, events: Sequence[Record]) -> None:
        from parley.analytics.metrics import record_metrics

        record_metrics(events)
        self._inner.emit(events)
