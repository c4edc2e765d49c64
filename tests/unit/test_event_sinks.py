"""Analytics sinks: records to Firehose in batches within its limits, only failed records sent again and only a few
times, losses logged and counted but never raised into a customer's reply; the local S3 layout; CloudWatch metrics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from fakes import InMemoryEventSink
from parley.analytics.metrics import record_metrics
from parley.analytics.schema import Event, EventType
from parley.analytics.sinks import (
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    PACK_BYTES,
    BufferedEventSink,
    FirehoseEventSink,
    S3PartitionSink,
    batches,
    pack,
)
from parley.observability import metrics

CONVERSATION = "0123456789abcdef"


def event(n: int = 0, kind: EventType = EventType.MESSAGE_RECEIVED, **fields: Any) -> Event:
    return Event(kind, 1_772_409_600_000 + n, "whatsapp", CONVERSATION, **fields)


class FakeFirehose:
    """put_record_batch as Firehose answers it; `fail` decides, per call and record, the error code (or None)."""

    def __init__(self, fail=lambda call, index: None, raises: list[Exception] | None = None) -> None:
        self.calls: list[list[bytes]] = []
        self.fail = fail
        self.raises = raises or []
        self.raised: set[int] = set()

    def put_record_batch(self, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]:
        assert DeliveryStreamName == "parley-events"
        call = len(self.calls)
        self.calls.append([r["Data"] for r in Records])
        if self.raises:
            self.raised.add(call)
            raise self.raises.pop(0)
        codes = [self.fail(call, i) for i in range(len(Records))]
        return {
            "FailedPutCount": sum(1 for c in codes if c),
            "RequestResponses": [{"ErrorCode": c, "ErrorMessage": "x"} if c else {"RecordId": "r"} for c in codes],
        }

    def delivered(self) -> list[dict[str, Any]]:
        """The events in records that were accepted, as JSON (the last call's successes and earlier ones)."""
        lines = []
        for call, records in enumerate(self.calls):
            if call in self.raised:
                continue
            for i, record in enumerate(records):
                if not self.fail(call, i):
                    lines += [json.loads(line) for line in record.decode().splitlines()]
        return lines


def sink(client: FakeFirehose, attempts: int = 3) -> FirehoseEventSink:
    return FirehoseEventSink(client, "parley-events", attempts=attempts, sleep=lambda s: None, jitter=lambda: 0.0)


def test_events_arrive_as_json_lines_packed_into_few_records():
    client = FakeFirehose()
    events = [event(n) for n in range(40)]

    sink(client).emit(events)

    [records] = client.calls
    assert all(len(r) <= PACK_BYTES for r in records) and len(records) < 40
    assert client.delivered() == [e.to_dict() for e in events]
    assert all(r.endswith(b"\n") for r in records)


def test_batches_respect_firehoses_500_records_and_4_mib():
    many_small = batches([b"x\n"] * 1201)
    assert [len(b) for b in many_small] == [MAX_BATCH_RECORDS, MAX_BATCH_RECORDS, 201]
    big = b"y" * (1024 * 1024) + b"\n"
    few_big = batches([big] * 9)
    assert all(sum(map(len, b)) <= MAX_BATCH_BYTES for b in few_big) and sum(map(len, few_big)) == 9
    assert pack([b"a\n", b"b\n", b"c" * 10 + b"\n"], size=5) == [b"a\nb\n", b"c" * 10 + b"\n"]


def test_only_the_records_firehose_reports_failed_are_sent_again():
    # The first call fails records 1 and 3; the retry (2 records) succeeds.
    client = FakeFirehose(fail=lambda call, i: "ServiceUnavailableException" if call == 0 and i in {1, 3} else None)
    events = [event(n, reason=f"r{n}") for n in range(6)]
    firehose = sink(client)
    firehose.emit([])  # nothing to send: no call
    records = pack([(json.dumps(e.to_dict(), separators=(",", ":")) + "\n").encode() for e in events], size=1)

    firehose._put(records)  # one event per record, to see which are retried

    assert [len(c) for c in client.calls] == [6, 2]
    assert client.calls[1] == [records[1], records[3]]
    assert sorted(e["reason"] for e in client.delivered()) == [f"r{n}" for n in range(6)]
    assert firehose.lost == 0


def test_records_still_failing_after_the_last_attempt_are_counted_as_lost_not_raised(caplog):
    client = FakeFirehose(fail=lambda call, i: "ServiceUnavailableException" if i == 0 else None)
    firehose = sink(client, attempts=3)

    firehose.emit([event(n) for n in range(3)])  # packed: one record holding all three

    assert len(client.calls) == 3  # bounded
    assert firehose.lost == 3
    [warning] = [r for r in caplog.records if r.getMessage() == "analytics records lost"]
    assert warning.records == 3 and warning.error == "ServiceUnavailableException"


def test_an_unavailable_service_is_retried_and_a_refusal_is_not():
    busy = ClientError({"Error": {"Code": "ServiceUnavailableException", "Message": "slow down"}}, "PutRecordBatch")
    client = FakeFirehose(raises=[busy, EndpointConnectionError(endpoint_url="https://firehose")])
    firehose = sink(client)
    firehose.emit([event()])
    assert len(client.calls) == 3 and firehose.lost == 0 and len(client.delivered()) == 1

    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "PutRecordBatch")
    client = FakeFirehose(raises=[denied])
    firehose = sink(client)
    firehose.emit([event(), event(1)])
    assert len(client.calls) == 1 and firehose.lost == 2


def test_a_buffered_sink_sends_a_whole_batch_at_once_when_flushed():
    inner = InMemoryEventSink()
    buffered = BufferedEventSink(inner)

    buffered.emit([event(1)])
    buffered.emit([event(2), event(3)])
    assert inner.events == []
    buffered.flush()
    buffered.flush()

    assert [e.at_ms for e in inner.events] == [event(n).at_ms for n in (1, 2, 3)]


class FakeS3:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_object(self, Bucket: str, Key: str, Body: bytes) -> None:
        assert Bucket == "parley-events-local"
        self.objects[Key] = Body


def test_the_local_sink_writes_the_firehose_layout_by_arrival_day():
    s3 = FakeS3()
    local = S3PartitionSink(s3, "parley-events-local", "events", clock=lambda: 1_772_495_999.5)  # 2026-03-02 23:59:59

    local.emit([event(1), event(2)])
    local.emit([])

    [(key, body)] = s3.objects.items()
    assert key.startswith("events/year=2026/month=03/day=02/") and key.endswith(".json")
    assert [json.loads(line)["at_ms"] for line in body.decode().splitlines()] == [event(1).at_ms, event(2).at_ms]


def test_events_become_cloudwatch_metrics_in_the_parley_namespace(monkeypatch, capsys):
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    metrics.clear_metrics()
    record_metrics(
        [
            event(1),
            event(2),
            event(3, EventType.REPLY_SENT, latency_ms=1200),
            event(4, EventType.FALLBACK),
            event(5, EventType.HANDOFF_STARTED, reason="asked"),
            event(6, EventType.TRANSLATION_USED, provider_calls=2, cache_hits=1),
            event(7, EventType.DELIVERY_STATUS, status="failed"),
            event(8, EventType.DELIVERY_STATUS, status="read"),
            event(9, EventType.SEND_ERROR, status="window_closed"),
        ]
    )
    metrics.flush_metrics()

    emf = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    [declared] = emf["_aws"]["CloudWatchMetrics"]
    assert declared["Namespace"] == "Parley"
    figures = {m["Name"]: emf[m["Name"]] for m in declared["Metrics"]}
    assert figures == {
        "MessagesIn": [2.0],
        "RepliesSent": [1.0],
        "FirstResponseMs": [1200.0],
        "Fallbacks": [1.0],
        "Handoffs": [1.0],
        "TranslationCalls": [2.0],
        "DeliveryFailures": [2.0],
    }


def test_no_metrics_are_kept_when_they_are_switched_off(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    metrics.clear_metrics()
    record_metrics([event(1)])
    assert metrics.metric_set == {}


@pytest.fixture(autouse=True)
def _no_metrics_left_over():
    yield
    metrics.clear_metrics()
