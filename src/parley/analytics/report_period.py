"""Report periods: the last complete day or ISO week in the report's time zone, or one named for a re-run.

A period is a run of whole local calendar days, so its bounds are local midnights: a day across a daylight-saving
change lasts 23 or 25 hours, and consecutive periods meet exactly (one's end is the next one's start). Events
are stored by UTC day; the period's bounds are handed to the reader as aware datetimes, which pick the partitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum


class PeriodError(ValueError):
    """A report period that cannot be: the message says what is wrong and what would do."""


class PeriodKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


_LENGTH = {PeriodKind.DAILY: 1, PeriodKind.WEEKLY: 7}


@dataclass(frozen=True)
class ReportPeriod:
    """Whole local days first_day..last_day (both included) in timezone."""

    kind: PeriodKind
    first_day: date
    last_day: date
    timezone: tzinfo = UTC

    def __post_init__(self) -> None:
        days = (self.last_day - self.first_day).days + 1
        if days != _LENGTH[self.kind]:
            raise PeriodError(f"a {self.kind} period is {_LENGTH[self.kind]} day(s) long, not {days}")
        if self.kind is PeriodKind.WEEKLY and self.first_day.weekday() != 0:
            raise PeriodError(f"a weekly period starts on a Monday; {self.first_day.isoformat()} is not one")

    @property
    def start(self) -> datetime:
        """The first moment of the period, in UTC."""
        return _local_midnight(self.first_day, self.timezone)

    @property
    def end(self) -> datetime:
        """The first moment after the period, in UTC (the period is [start, end))."""
        return _local_midnight(self.last_day + timedelta(days=1), self.timezone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> ReportPeriod:
        """The period of the same kind just before this one, for the change against it."""
        step = timedelta(days=self.days)
        return ReportPeriod(self.kind, self.first_day - step, self.last_day - step, self.timezone)

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    # Where a zone skips midnight (its clocks jump 00:00 → 01:00), fold=0 reads the skipped time with the offset
    # before the jump, which lands on the day's real first moment.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def last_complete(kind: PeriodKind, now: datetime, zone: tzinfo) -> ReportPeriod:
    """The last whole day, or ISO week (Monday to Sunday), that ended before now in zone."""
    if now.tzinfo is None:
        raise PeriodError("the invocation time must carry its time zone")
    today = now.astimezone(zone).date()
    if kind is PeriodKind.DAILY:
        day = today - timedelta(days=1)
        return ReportPeriod(kind, day, day, zone)
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    return ReportPeriod(kind, monday, monday + timedelta(days=6), zone)


def named(kind: PeriodKind | None, first_day: date, last_day: date | None, zone: tzinfo) -> ReportPeriod:
    """A period named by its dates (a re-run). Without a kind it is read from the dates: one day is daily, Monday
    to Sunday weekly; without a last day it is the kind's length from the first."""
    if last_day is not None and last_day < first_day:
        raise PeriodError(f'"to" {last_day.isoformat()} is before "from" {first_day.isoformat()}')
    if kind is None:
        if last_day is None:
            raise PeriodError('name the period ("daily" or "weekly") or give both "from" and "to"')
        days = (last_day - first_day).days + 1
        kinds = [k for k, length in _LENGTH.items() if length == days]
        if not kinds:
            raise PeriodError(
                f'"from" {first_day.isoformat()} to "to" {last_day.isoformat()} is neither one day nor one '
                "Monday-to-Sunday week; scheduled reports cover one or the other"
            )
        kind = kinds[0]
    if last_day is None:
        last_day = first_day + timedelta(days=_LENGTH[kind] - 1)
    return ReportPeriod(kind, first_day, last_day, zone)
