"""Reading a period's records from day partitions, in a directory or on S3 (moto): only the period's days,
gzip or plain, streamed, malformed lines skipped and counted."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

from parley.analytics.reading import (
    ReadStats,
    S3Source,
    SourceError,
    check_source,
    day_prefixes,
    read_events,
    read_unrecognised,
)
from support.analytics import DAY0, at, event, period, write_partition


def test_only_the_days_the_period_touches_are_listed() -> None:
    start, end = DAY0 + timedelta(hours=12), DAY0 + timedelta(days=2)

    assert day_prefixes("events", start, end) == [
        "events/year=2026/month=03/day=02/",
        "events/year=2026/month=03/day=03/",
    ]
    assert day_prefixes("events", *period(days=1)) == ["events/year=2026/month=03/day=02/"]


@pytest.fixture
def bucket_dir(tmp_path):
    """Three days of events: the day before the period, the period's day (gzip and plain), the day after."""
    write_partition(tmp_path, "events", DAY0 - timedelta(days=1), "a.gz", [event("message_received", 0, "x", day=-1)])
    write_partition(tmp_path, "events", DAY0, "part-1.gz", [
        {**event("message_received", 0, "first"), "at_ms": at(0)},
        "",  # blank lines are not records, nor errors
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"type": "message_received", "at_ms": "noon"}),
        json.dumps({"at_ms": at(5)}),
        event("reply_sent", 1, "first"),
    ])  # fmt: skip
    write_partition(tmp_path, "events", DAY0, "part-2.json", [event("message_received", 23 * 60 + 59, "last")])
    write_partition(tmp_path, "events", DAY0 + timedelta(days=1), "a.gz", [event("message_received", 0, "y", day=1)])
    return tmp_path


def test_a_directory_is_read_for_the_period_only_skipping_and_counting_malformed_lines(bucket_dir) -> None:
    stats = ReadStats()

    records = list(read_events(bucket_dir, *period(), stats))

    assert [(r["type"], r["conversation"]) for r in records] == [
        ("message_received", "first"),
        ("reply_sent", "first"),
        ("message_received", "last"),
    ]
    # The period's two objects, the next day's one (late arrivals) and the last of the day before (early ones).
    assert (stats.objects, stats.skipped) == (4, 4)


def test_records_of_other_hours_in_a_partition_are_left_out(bucket_dir) -> None:
    start = DAY0 + timedelta(hours=12)

    records = list(read_events(bucket_dir, start, start + timedelta(hours=12)))

    assert [r["conversation"] for r in records] == ["last"]


def test_a_damaged_gzip_object_keeps_what_came_before_and_the_rest_is_read(tmp_path) -> None:
    lines = "".join(json.dumps(event("message_received", i, f"c{i}")) + "\n" for i in range(20_000)).encode()
    whole = gzip.compress(lines)
    folder = write_partition(tmp_path, "events", DAY0, "b.json", [event("message_received", 1, "other")]).parent
    (folder / "a.gz").write_bytes(whole[: len(whole) // 2])
    stats = ReadStats()

    records = list(read_events(tmp_path, *period(), stats))

    assert stats.unreadable == 1
    assert 0 < sum(r["conversation"] != "other" for r in records) < 20_000
    assert records[-1]["conversation"] == "other"


def test_a_line_far_too_long_to_be_a_record_is_skipped_without_being_kept(tmp_path) -> None:
    write_partition(tmp_path, "events", DAY0, "a.json", ["x" * (3 << 20), event("message_received", 1, "c1")])
    stats = ReadStats()

    records = list(read_events(tmp_path, *period(), stats))

    assert [r["conversation"] for r in records] == ["c1"] and stats.skipped == 1


def test_unrecognised_texts_come_from_their_own_partitions(tmp_path) -> None:
    write_partition(tmp_path, "unrecognised", DAY0, "a.gz", [
        {"at_ms": at(1), "language": "en", "text": "do you ship to mars"},
        {"at_ms": at(2), "language": "en"},
    ])  # fmt: skip
    write_partition(tmp_path, "events", DAY0, "a.gz", [event("fallback", 1)])

    records = list(read_unrecognised(tmp_path, *period()))

    assert [r["text"] for r in records] == ["do you ship to mars"]


def test_a_directory_without_the_layout_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SourceError, match="is not a directory"):
        check_source(tmp_path / "missing")
    with pytest.raises(SourceError, match="no events/ folder"):
        check_source(tmp_path)


def test_s3_is_read_for_the_period_days_and_the_days_on_either_side_for_late_and_early_arrivals() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="parley-events")
        day = "events/year=2026/month=03/day=02"
        body = "\n".join(json.dumps(event("message_received", i, f"c{i}")) for i in range(3)) + "\n{broken\n"
        client.put_object(Bucket="parley-events", Key=f"{day}/part-1.gz", Body=gzip.compress(body.encode()))
        client.put_object(Bucket="parley-events", Key=f"{day}/part-2", Body=json.dumps(event("reply_sent", 9)).encode())
        client.put_object(Bucket="parley-events", Key="events/year=2026/month=03/day=03/x", Body=b"not a record\n")
        client.put_object(Bucket="parley-events", Key="events/year=2026/month=03/day=05/x", Body=b"not read\n")
        source = S3Source(client, "parley-events")
        stats = ReadStats()

        check_source(source)
        records = list(read_events(source, *period(), stats))

        assert [r["conversation"] for r in records] == ["c0", "c1", "c2", "c1"]
        assert (stats.objects, stats.skipped) == (3, 2)
        with pytest.raises(SourceError, match="does not exist"):
            check_source(S3Source(client, "no-such-bucket"))


def test_an_event_that_arrived_after_midnight_is_counted_in_its_own_day(tmp_path) -> None:
    # Firehose files objects under the arrival day of their oldest record: 23:59:59's reply arrived at 00:00:01.
    write_partition(tmp_path, "events", DAY0, "part-1.gz", [event("message_received", 23 * 60 + 59.9, "late")])
    write_partition(tmp_path, "events", DAY0 + timedelta(days=1), "part-1.gz", [
        event("reply_sent", 23 * 60 + 59.99, "late"),
        event("message_received", 1, "next", day=1),
    ])  # fmt: skip

    today = [(r["type"], r["conversation"]) for r in read_events(tmp_path, *period())]
    tomorrow = [(r["type"], r["conversation"]) for r in read_events(tmp_path, *period(first=1))]

    assert today == [("message_received", "late"), ("reply_sent", "late")]
    assert tomorrow == [("message_received", "next")]


def test_the_first_minutes_of_a_day_filed_under_the_day_before_are_counted_in_their_day(tmp_path) -> None:
    previous = DAY0 - timedelta(days=1)
    write_partition(tmp_path, "events", previous, "part-1.gz", [event("message_received", 600, "old", day=-1)])
    write_partition(tmp_path, "events", previous, "part-2.gz", [event("message_received", 1400, "evening", day=-1)])
    # The last object of the day before began at 23:58 and went on past midnight.
    write_partition(tmp_path, "events", previous, "part-3.gz", [
        event("message_received", 23 * 60 + 58, "eve", day=-1),
        event("message_received", 0.5, "early"),
        event("reply_sent", 0.6, "early"),
    ])  # fmt: skip
    write_partition(tmp_path, "events", DAY0, "part-1.gz", [event("message_received", 30, "later")])
    stats = ReadStats()

    records = [(r["type"], r["conversation"]) for r in read_events(tmp_path, *period(), stats)]

    assert records == [("message_received", "early"), ("reply_sent", "early"), ("message_received", "later")]
    # Of the day before, only its last objects were opened: back to the first holding nothing of the period.
    assert stats.objects == 3
