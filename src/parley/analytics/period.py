"""One period's report from its source: events read, KPIs computed beside the period before, files written.

`parley report` and the scheduled analytics function both come through here, so a report made on a laptop from
a directory and one made in AWS from the bucket are the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from parley.analytics.kpis import Kpis, compute_kpis, previous_period
from parley.analytics.reading import ReadStats, Source, check_source, read_events, read_unrecognised
from parley.analytics.report import render_report
from parley.config.reports import DEFAULT_MIN_CUSTOMERS, DEFAULT_PRICE_PER_MILLION


@dataclass(frozen=True)
class PeriodReport:
    kpis: Kpis
    files: list[Path]
    stats: ReadStats


def kpis_for_period(
    source: Source,
    start: datetime,
    end: datetime,
    price_per_million: float = DEFAULT_PRICE_PER_MILLION,
    stats: ReadStats | None = None,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
) -> Kpis:
    """The KPIs of [start, end), with the previous period of the same length for the change section."""
    stats = stats if stats is not None else ReadStats()
    before_start, before_end = previous_period(start, end)
    before = compute_kpis(
        read_events(source, before_start, before_end, ReadStats()),
        before_start,
        before_end,
        read_unrecognised(source, before_start, before_end, ReadStats()),
        price_per_million=price_per_million,
        min_customers=min_customers,
    )
    kpis = compute_kpis(
        read_events(source, start, end, stats),
        start,
        end,
        read_unrecognised(source, start, end, stats),
        previous=before,
        price_per_million=price_per_million,
        min_customers=min_customers,
    )
    return replace(kpis, skipped_lines=stats.skipped)


def report_period(
    source: Source,
    start: datetime,
    end: datetime,
    out_dir: Path,
    locale: str = "en",
    price_per_million: float = DEFAULT_PRICE_PER_MILLION,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
) -> PeriodReport:
    """Read, compute and write the report of [start, end) into out_dir; raises SourceError when the source
    cannot be read at all. An empty period is a report that says so."""
    check_source(source)
    stats = ReadStats()
    kpis = kpis_for_period(source, start, end, price_per_million, stats, min_customers)
    return PeriodReport(kpis, render_report(kpis, out_dir, locale), stats)
