"""Office hours: when the business's people answer, and when they next will (a weekly schedule in one time zone).

Read from OFFICE_HOURS ("mon-fri 09:00-18:00; sat 10:00-14:00"; empty: always open) and OFFICE_TIMEZONE (IANA).
Wall-clock times in that zone: an opening at 09:00 stays at 09:00 across a daylight-saving change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 24 * 60
_DAY = r"[a-z]+"
_DAYS = re.compile(rf"^({_DAY})(?:-({_DAY}))?$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class OfficeHoursError(ValueError):
    """OFFICE_HOURS or OFFICE_TIMEZONE cannot be read; the message says what is wrong and how it should look."""


@dataclass(frozen=True)
class OfficeHours:
    """Opening intervals per weekday (0 = Monday), as minutes since local midnight; none at all: always open."""

    timezone: tzinfo = UTC
    intervals: tuple[tuple[int, int, int], ...] = ()  # (weekday, start minute, end minute), end up to 24:00

    @property
    def always_open(self) -> bool:
        return not self.intervals

    def is_open(self, at: datetime) -> bool:
        if self.always_open:
            return True
        local = at.astimezone(self.timezone)
        minute = local.hour * 60 + local.minute
        return any(day == local.weekday() and start <= minute < end for day, start, end in self.intervals)

    def next_opening(self, at: datetime) -> datetime | None:
        """When the team is next in, in the office's time zone; None while it is open (or always is)."""
        if self.is_open(at):
            return None
        today = at.astimezone(self.timezone).date()
        for offset in range(8):  # a week ahead and today's later hours cover every weekly schedule
            day = today + timedelta(days=offset)
            for opening in self._openings(day):
                if opening > at:
                    return opening
        return None  # unreachable with at least one interval: every weekday recurs within eight days

    def _openings(self, day: date) -> list[datetime]:
        starts = sorted(start for weekday, start, _ in self.intervals if weekday == day.weekday())
        # Combining with the zone gives each date its own offset: 09:00 in summer and in winter alike.
        return [datetime.combine(day, time(start // 60, start % 60), tzinfo=self.timezone) for start in starts]


def parse_office_hours(spec: str, timezone: str = "UTC") -> OfficeHours:
    """OfficeHours from "mon-fri 09:00-18:00; sat 10:00-14:00" (days: mon…sun, ranges of days, lists with commas;
    several time ranges with commas). Raises OfficeHoursError with a message naming the faulty part."""
    zone = _zone(timezone)
    intervals: set[tuple[int, int, int]] = set()
    for entry in (part.strip() for part in re.split(r"[;\n]", spec or "")):
        if not entry:
            continue
        words = entry.lower().split(None, 1)
        if len(words) != 2:
            raise OfficeHoursError(f"OFFICE_HOURS entry {entry!r} needs days and hours, like 'mon-fri 09:00-18:00'")
        days, ranges = words
        for weekday in _weekdays(days, entry):
            for text in ranges.replace(" ", "").split(","):
                start, end = _minutes(text, entry)
                intervals.add((weekday, start, end))
    return OfficeHours(zone, tuple(sorted(intervals)))


def _zone(name: str) -> tzinfo:
    name = (name or "UTC").strip()
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise OfficeHoursError(f"OFFICE_TIMEZONE must be an IANA time zone like Europe/Madrid, got {name!r}") from exc


def _weekday(word: str, entry: str) -> int:
    key = word[:3]
    if len(word) < 3 or key not in DAYS or not _full_name(word):
        days = ", ".join(DAYS)
        raise OfficeHoursError(f"OFFICE_HOURS entry {entry!r}: {word!r} is not a day ({days})")
    return DAYS.index(key)


def _full_name(word: str) -> bool:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(name.startswith(word) for name in names)


def _weekdays(days: str, entry: str) -> list[int]:
    found: list[int] = []
    for part in days.split(","):
        match = _DAYS.match(part.strip())
        if not match:
            raise OfficeHoursError(f"OFFICE_HOURS entry {entry!r}: cannot read the days {part!r} (like mon-fri)")
        first = _weekday(match.group(1), entry)
        last = _weekday(match.group(2), entry) if match.group(2) else first
        span = (last - first) % 7  # "fri-mon" runs over the weekend
        found += [(first + i) % 7 for i in range(span + 1)]
    return found


def _minutes(text: str, entry: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if not match:
        raise OfficeHoursError(f"OFFICE_HOURS entry {entry!r}: cannot read the hours {text!r} (like 09:00-18:00)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise OfficeHoursError(f"OFFICE_HOURS entry {entry!r}: {text!r} is not a time of day (00:00 to 24:00)")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise OfficeHoursError(
            f"OFFICE_HOURS entry {entry!r}: {text!r} ends before it starts; split a night across two days "
            "(like 'fri 22:00-24:00; sat 00:00-02:00')"
        )
    return start, min(end, _MINUTES_PER_DAY)
