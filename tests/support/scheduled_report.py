"""Stand-ins for the KPI engine's contract (compute_kpis, render_report) and the event store, for the report job's
tests; plus a writer of events in the contract's storage layout, for tests that run the real reader."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from support.analytics import FIELDS

# A PNG signature and header: enough to be recognised as one, and the bytes must arrive unchanged.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


def at_ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def event(kind: str, when: datetime, conversation: str, **fields: Any) -> dict[str, Any]:
    """One event record of schema version 1, with the contract's defaults for what is not given."""
    return {**FIELDS, "type": kind, "at_ms": at_ms(when), "conversation": conversation, **fields}


def write_partitioned(s3: Any, bucket: str, records: Iterable[dict[str, Any]], root: str = "events") -> list[str]:
    """records as gzipped JSON lines under <root>/year=YYYY/month=MM/day=DD/ by their UTC day; the keys written."""
    by_day: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        day = datetime.fromtimestamp(record["at_ms"] / 1000, UTC)
        prefix = f"{root}/year={day:%Y}/month={day:%m}/day={day:%d}/"
        by_day.setdefault(prefix, []).append(record)
    keys = []
    for prefix, day_records in by_day.items():
        key = f"{prefix}parley-events-1.gz"
        body = "".join(json.dumps(r) + "\n" for r in day_records).encode()
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(body))
        keys.append(key)
    return keys


@dataclass
class InMemoryEvents:
    """The event store: records kept in lists, served by [start, end) as the real reader would."""

    events_: list[dict[str, Any]] = field(default_factory=list)
    unrecognised_: list[dict[str, Any]] = field(default_factory=list)
    asked: list[tuple[str, datetime, datetime]] = field(default_factory=list)

    def events(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]:
        self.asked.append(("events", start, end))
        return (e for e in self.events_ if at_ms(start) <= e["at_ms"] < at_ms(end))

    def unrecognised(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]:
        self.asked.append(("unrecognised", start, end))
        return (u for u in self.unrecognised_ if at_ms(start) <= u["at_ms"] < at_ms(end))


@dataclass(frozen=True)
class CountedKpis:
    """What the stand-in engine knows: how many events and conversations it saw, and the previous period's."""

    start: datetime
    end: datetime
    messages_in: int
    conversations: int
    unrecognised: int
    previous: CountedKpis | None

    def to_json(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "messages_in": self.messages_in,
            "unrecognised": self.unrecognised,
            "change": {"conversations": self.previous.conversations if self.previous else None},
        }


def counted_kpis(
    events: Iterable[dict[str, Any]],
    start: datetime,
    end: datetime,
    unrecognised: Iterable[dict[str, Any]] = (),
    previous: CountedKpis | None = None,
) -> CountedKpis:
    seen = list(events)
    return CountedKpis(
        start,
        end,
        messages_in=sum(e["type"] == "message_received" for e in seen),
        conversations=len({e["conversation"] for e in seen}),
        unrecognised=sum(1 for _ in unrecognised),
        previous=previous,
    )


@dataclass
class PageRenderer:
    """render_report's stand-in: kpis.json, kpis.csv, report.html and the named charts (under charts/ when the
    name says so), as the real one writes them."""

    charts: Sequence[str] = ("messages.png", "charts/languages.png")

    def __call__(self, kpis: Any, out_dir: Path) -> list[Path]:
        figures = kpis.to_json()
        written = [out_dir / "kpis.json", out_dir / "kpis.csv", out_dir / "report.html"]
        written[0].write_text(json.dumps(figures), encoding="utf-8")
        written[1].write_text(f"name,value\nconversations,{figures['conversations']}\n", encoding="utf-8")
        images = "".join(f'<img src="{chart}" alt="{chart}" width="600">' for chart in self.charts)
        written[2].write_text(
            f'<html><body><p style="font-size:16px">{figures["conversations"]} conversations</p>{images}</body></html>',
            encoding="utf-8",
        )
        for chart in self.charts:
            path = out_dir / chart
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(PNG + chart.encode())
            written.append(path)
        return written
