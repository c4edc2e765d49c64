"""Reading a period's events and unrecognised texts from their day partitions, locally or on S3, line by line.

Layout (UTC days): <root>/events/year=YYYY/month=MM/day=DD/<objects>, and the same under unrecognised/. Objects
are JSON lines, gzip-compressed when their name ends in .gz. Only the partitions of days the period touches are
listed, objects are read in name order (Firehose names them by time) and streamed in chunks, so no object is
ever held whole in memory. A line that is not a record is skipped, counted and warned about, never fatal.

Firehose files an object under the day its oldest record arrived, not the day each event happened: an event of
23:59:59 emitted a moment later lands in the next day's folder, and the first minutes of a day can sit in the
previous day's last object. So the day after the period is read too, and the previous day's last objects (back to
the first one holding nothing of the period); every record is kept or left by its own at_ms.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from parley.observability import logger

EVENTS = "events"
UNRECOGNISED = "unrecognised"
_CHUNK = 1 << 20
_MAX_LINE = 1 << 20  # a "line" longer than this is not a record: skipped without being held in memory
_WARNINGS_PER_OBJECT = 5
_DAY = timedelta(days=1)


class SourceError(RuntimeError):
    """The events cannot be read at all (no such directory, no such bucket, access denied)."""


@dataclass(frozen=True)
class S3Source:
    """Events in an S3 bucket, read through the given boto3 S3 client."""

    client: Any
    bucket: str


Source = Path | S3Source


@dataclass
class ReadStats:
    """What reading found: objects and lines read, and lines skipped because they were not records."""

    objects: int = 0
    lines: int = 0
    skipped: int = 0
    unreadable: int = 0  # objects that broke off part-way (a damaged gzip file)


def read_events(
    source: Source, start: datetime, end: datetime, stats: ReadStats | None = None
) -> Iterator[dict[str, Any]]:
    """The event records of [start, end): each a JSON object with a string `type` and an integer `at_ms`."""
    return _read(source, EVENTS, start, end, _is_event, stats)


def read_unrecognised(
    source: Source, start: datetime, end: datetime, stats: ReadStats | None = None
) -> Iterator[dict[str, Any]]:
    """The unrecognised-text records of [start, end): JSON objects with an integer `at_ms` and a string `text`."""
    return _read(source, UNRECOGNISED, start, end, _is_unrecognised, stats)


def day_prefixes(kind: str, start: datetime, end: datetime) -> list[str]:
    """The partition prefixes of every UTC day that [start, end) overlaps, in order."""
    first = start.astimezone(UTC).date()
    last = (end.astimezone(UTC) - timedelta(microseconds=1)).date()
    days = (last - first).days + 1
    return [
        f"{kind}/year={d:%Y}/month={d:%m}/day={d:%d}/" for d in (first + timedelta(days=i) for i in range(max(days, 0)))
    ]


def check_source(source: Source) -> None:
    """Raise SourceError when the source cannot be what it should be: a missing directory or bucket."""
    if isinstance(source, Path):
        if not source.is_dir():
            raise SourceError(f"{source} is not a directory")
        if not (source / EVENTS).is_dir():
            raise SourceError(f"{source} has no {EVENTS}/ folder (expected {EVENTS}/year=YYYY/month=MM/day=DD/)")
        return
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        source.client.head_bucket(Bucket=source.bucket)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        reason = "does not exist" if code in {"404", "NoSuchBucket"} else f"cannot be read ({code})"
        raise SourceError(f"bucket {source.bucket} {reason}") from exc
    except BotoCoreError as exc:
        raise SourceError(f"bucket {source.bucket} cannot be reached: {exc}") from exc


def _read(
    source: Source,
    kind: str,
    start: datetime,
    end: datetime,
    valid: Callable[[dict[str, Any]], bool],
    stats: ReadStats | None,
) -> Iterator[dict[str, Any]]:
    stats = stats if stats is not None else ReadStats()
    start_ms, end_ms = round(start.timestamp() * 1000), round(end.timestamp() * 1000)

    def within(name: str, opener: Callable[[], IO[bytes]]) -> Iterator[dict[str, Any]]:
        return (r for r in _records(name, opener, valid, stats) if start_ms <= r["at_ms"] < end_ms)

    # The previous day's last objects, newest first until one holds nothing of the period; then in their order.
    late: list[list[dict[str, Any]]] = []
    previous = day_prefixes(kind, start - _DAY, start)[:1]  # the day before the one the period starts on
    for name, opener in reversed(list(_objects(source, previous))):
        records = list(within(name, opener))
        if not records:
            break
        late.append(records)
    for records in reversed(late):
        yield from records
    days = day_prefixes(kind, start, end)
    following = day_prefixes(kind, end, end + _DAY)[-1:]  # the day after the last one the period touches
    for name, opener in _objects(source, days + [p for p in following if p not in days]):
        yield from within(name, opener)


def _records(
    name: str, opener: Callable[[], IO[bytes]], valid: Callable[[dict[str, Any]], bool], stats: ReadStats
) -> Iterator[dict[str, Any]]:
    """The valid records of one object, in order."""
    stats.objects += 1
    warned = 0
    try:
        with opener() as stream:
            reader = gzip.GzipFile(fileobj=stream) if name.endswith(".gz") else stream
            for number, line in enumerate(_lines(reader.read), start=1):
                if not line.strip():
                    continue
                stats.lines += 1
                record = _record(line)
                if record is None or not valid(record):
                    stats.skipped += 1
                    if warned < _WARNINGS_PER_OBJECT:
                        # Where, never what: a malformed line may hold anything.
                        logger.warning("skipped a line that is not a record", extra={"object": name, "line": number})
                    warned += 1
                    continue
                yield record
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated or corrupt gzip object: what came before the damage is counted, the rest cannot be read.
        stats.unreadable += 1
        logger.warning("stopped reading a damaged object", extra={"object": name, "error": type(exc).__name__})
    if warned > _WARNINGS_PER_OBJECT:
        logger.warning("skipped more lines that are not records", extra={"object": name, "skipped": warned})


def _objects(source: Source, prefixes: list[str]) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
    if isinstance(source, Path):
        for prefix in prefixes:
            folder = source / prefix
            if folder.is_dir():
                for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
                    yield path.relative_to(source).as_posix(), _file_opener(path)
        return
    paginator = source.client.get_paginator("list_objects_v2")
    for prefix in prefixes:
        for page in paginator.paginate(Bucket=source.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith("/"):
                    yield key, _s3_opener(source, key)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _s3_opener(source: S3Source, key: str) -> Callable[[], IO[bytes]]:
    def open_object() -> IO[bytes]:
        body: IO[bytes] = source.client.get_object(Bucket=source.bucket, Key=key)["Body"]
        return body

    return open_object


def _lines(read: Callable[[int], bytes]) -> Iterator[bytes]:
    """Lines of a byte stream read a chunk at a time; a line longer than _MAX_LINE comes out as b"\\x00" (not
    JSON, so it is skipped) without being kept."""
    pending = b""
    overlong = False
    while chunk := read(_CHUNK):
        parts = (pending + chunk).split(b"\n")
        pending = parts.pop()
        for part in parts:
            yield b"\x00" if overlong else part
            overlong = False
        if len(pending) > _MAX_LINE:
            pending, overlong = b"", True
    if pending or overlong:
        yield b"\x00" if overlong else pending


def _record(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None


def _is_event(record: dict[str, Any]) -> bool:
    return isinstance(record.get("type"), str) and type(record.get("at_ms")) is int


def _is_unrecognised(record: dict[str, Any]) -> bool:
    return type(record.get("at_ms")) is int and isinstance(record.get("text"), str)
