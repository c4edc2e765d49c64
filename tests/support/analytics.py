"""Conversation events as the schema writes them, and the storage layout they are read from, for analytics tests."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import MISSING, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from parley.analytics.schema import Event

DAY0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; most tests report on this day or the days after it

# Every field of a schema record with the schema's own defaults; tests give the type, time and what they are about.
FIELDS: dict[str, Any] = {
    "channel": "whatsapp",
    "conversation": "",
    **{f.name: f.default for f in fields(Event) if f.default is not MISSING},
}


def at(minutes: float = 0, day: int = 0) -> int:
    """Epoch milliseconds `minutes` into day `day` after DAY0."""
    return round((DAY0 + timedelta(days=day, minutes=minutes)).timestamp() * 1000)


def event(kind: str, minutes: float = 0, conversation: str = "c1", day: int = 0, **fields: Any) -> dict[str, Any]:
    """One event record with every schema field, the given ones set."""
    return {**FIELDS, "type": kind, "at_ms": at(minutes, day), "conversation": conversation, **fields}


def period(days: int = 1, first: int = 0) -> tuple[datetime, datetime]:
    return DAY0 + timedelta(days=first), DAY0 + timedelta(days=first + days)


def write_partition(root: Path, kind: str, day: datetime, name: str, lines: Iterable[str | dict[str, Any]]) -> Path:
    """One object of JSON lines in the day partition of `kind` (events or unrecognised); gzip when name ends .gz."""
    folder = root / kind / f"year={day:%Y}" / f"month={day:%m}" / f"day={day:%d}"
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    path = folder / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    return path


def write_events(root: Path, events: Iterable[dict[str, Any]], gz: bool = True) -> None:
    """Events into their UTC day partitions, one object per day."""
    by_day: dict[datetime, list[dict[str, Any]]] = {}
    for record in events:
        moment = datetime.fromtimestamp(record["at_ms"] / 1000, UTC)
        by_day.setdefault(datetime(moment.year, moment.month, moment.day, tzinfo=UTC), []).append(record)
    for day, records in by_day.items():
        write_partition(root, "events", day, "part-0001" + (".gz" if gz else ".json"), records)


def conversation_turn(conversation: str, minutes: float, message: str, **fields: Any) -> list[dict[str, Any]]:
    """A customer message and Parley's reply to it a second later."""
    return [
        event("message_received", minutes, conversation, message=message, **fields),
        event("reply_sent", minutes + 1 / 60, conversation, message=message, latency_ms=1000),
    ]
