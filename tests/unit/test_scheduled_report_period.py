"""Which period a scheduled or re-run report covers: whole local days and ISO weeks in the report's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parley.analytics.job import requested_period
from parley.analytics.report_period import PeriodError, PeriodKind, ReportPeriod, last_complete
from parley.config import ConfigError
from parley.config.reports import report_timezone

MADRID = ZoneInfo("Europe/Madrid")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# Chile moves its clocks at midnight: on 7 September 2025, 00:00 never happens (it is 01:00 at once).
SANTIAGO = ZoneInfo("America/Santiago")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def never() -> datetime:
    raise AssertionError("the clock was read although the request said when it was due")


def hours(period: ReportPeriod) -> float:
    return (period.end - period.start) / timedelta(hours=1)


def test_a_daily_run_reports_yesterday_from_midnight_to_midnight_utc():
    period = requested_period({"period": "daily", "scheduled_time": "2025-03-10T06:00:00Z"}, UTC, never)

    assert (period.kind, period.first_day, period.last_day) == (PeriodKind.DAILY, date(2025, 3, 9), date(2025, 3, 9))
    assert (period.start, period.end) == (utc(2025, 3, 9), utc(2025, 3, 10))


def test_a_daily_run_in_madrid_covers_the_madrid_calendar_day():
    # 06:00 in Madrid on Monday 10 March 2025 is 05:00 UTC; the day reported is Sunday 9 March, Madrid time (UTC+1).
    period = requested_period({"period": "daily", "scheduled_time": "2025-03-10T05:00:00Z"}, MADRID, never)

    assert period.first_day == period.last_day == date(2025, 3, 9)
    assert (period.start, period.end) == (utc(2025, 3, 8, 23), utc(2025, 3, 9, 23))


def test_the_same_instant_is_a_different_yesterday_in_another_time_zone():
    instant = utc(2025, 3, 10, 2)  # Monday 03:00 in Madrid, still Sunday 19:00 in Los Angeles

    assert last_complete(PeriodKind.DAILY, instant, MADRID).first_day == date(2025, 3, 9)
    assert last_complete(PeriodKind.DAILY, instant, LOS_ANGELES).first_day == date(2025, 3, 8)


def test_a_weekly_run_reports_the_last_complete_iso_week():
    monday_morning = requested_period({"period": "weekly", "scheduled_time": "2025-03-10T06:00:00Z"}, UTC, never)
    sunday_night = last_complete(PeriodKind.WEEKLY, utc(2025, 3, 16, 23, 59), UTC)
    at_midnight = last_complete(PeriodKind.WEEKLY, utc(2025, 3, 17), UTC)

    assert (monday_morning.first_day, monday_morning.last_day) == (date(2025, 3, 3), date(2025, 3, 9))
    # Until the current week is over, the report is still of the one before.
    assert (sunday_night.first_day, sunday_night.last_day) == (date(2025, 3, 3), date(2025, 3, 9))
    assert (at_midnight.first_day, at_midnight.last_day) == (date(2025, 3, 10), date(2025, 3, 16))
    assert monday_morning.start == utc(2025, 3, 3) and monday_morning.end == utc(2025, 3, 10)


def test_the_week_is_a_local_week():
    # Monday 00:30 in Madrid is still Sunday 23:30 UTC: in Madrid the week just ended, in UTC it has not.
    instant = utc(2025, 3, 9, 23, 30)

    assert last_complete(PeriodKind.WEEKLY, instant, MADRID).first_day == date(2025, 3, 3)
    assert last_complete(PeriodKind.WEEKLY, instant, UTC).first_day == date(2025, 2, 24)


def test_days_across_daylight_saving_changes_last_23_and_25_hours():
    spring = requested_period({"period": "daily", "scheduled_time": "2025-03-31T04:00:00Z"}, MADRID, never)
    autumn = requested_period({"period": "daily", "scheduled_time": "2025-10-27T05:00:00Z"}, MADRID, never)

    assert spring.first_day == date(2025, 3, 30) and hours(spring) == 23
    assert (spring.start, spring.end) == (utc(2025, 3, 29, 23), utc(2025, 3, 30, 22))
    assert autumn.first_day == date(2025, 10, 26) and hours(autumn) == 25
    week = last_complete(PeriodKind.WEEKLY, utc(2025, 3, 31, 4), MADRID)
    assert (week.first_day, hours(week)) == (date(2025, 3, 24), 7 * 24 - 1)


def test_a_day_whose_midnight_never_happens_starts_at_its_first_real_moment():
    day = ReportPeriod(PeriodKind.DAILY, date(2025, 9, 7), date(2025, 9, 7), SANTIAGO)

    assert day.start == utc(2025, 9, 7, 4)  # 01:00 in Santiago (UTC-3), the clocks having jumped from 00:00 (UTC-4)
    assert hours(day) == 23


@pytest.mark.parametrize("zone", [UTC, MADRID, LOS_ANGELES, SANTIAGO], ids=str)
def test_consecutive_periods_meet_without_gap_or_overlap(zone):
    for kind in PeriodKind:
        period = last_complete(kind, utc(2026, 1, 5, 12), zone)
        for _ in range(60 if kind is PeriodKind.WEEKLY else 400):
            before = period.previous()
            assert before.kind is kind
            assert before.end == period.start, (before, period)
            assert before.start < before.end
            period = before


def test_the_previous_period_is_the_same_kind_just_before():
    day = ReportPeriod(PeriodKind.DAILY, date(2025, 3, 1), date(2025, 3, 1))
    week = ReportPeriod(PeriodKind.WEEKLY, date(2025, 3, 3), date(2025, 3, 9))

    assert (day.previous().first_day, day.previous().last_day) == (date(2025, 2, 28), date(2025, 2, 28))
    assert (week.previous().first_day, week.previous().last_day) == (date(2025, 2, 24), date(2025, 3, 2))


def test_without_a_scheduled_time_the_clock_says_when():
    period = requested_period({"period": "daily"}, UTC, lambda: utc(2025, 3, 12, 9))

    assert period.first_day == date(2025, 3, 11)


def test_a_late_retry_still_reports_the_period_it_was_scheduled_for():
    # The run due on 10 March is retried after midnight: it must not skip 9 March for 10 March.
    period = requested_period(
        {"period": "daily", "scheduled_time": "2025-03-10T06:00:00+00:00"}, UTC, lambda: utc(2025, 3, 11, 0, 30)
    )

    assert period.first_day == date(2025, 3, 9)


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"from": "2025-03-09", "to": "2025-03-09"}, (PeriodKind.DAILY, date(2025, 3, 9), date(2025, 3, 9))),
        ({"from": "2025-03-03", "to": "2025-03-09"}, (PeriodKind.WEEKLY, date(2025, 3, 3), date(2025, 3, 9))),
        ({"period": "weekly", "from": "2025-03-03"}, (PeriodKind.WEEKLY, date(2025, 3, 3), date(2025, 3, 9))),
        ({"period": "daily", "from": "2024-02-29"}, (PeriodKind.DAILY, date(2024, 2, 29), date(2024, 2, 29))),
    ],
)
def test_a_re_run_names_its_period(request_, expected):
    period = requested_period(request_, MADRID, never)

    assert (period.kind, period.first_day, period.last_day) == expected
    assert period.start == datetime(*expected[1].timetuple()[:3], tzinfo=MADRID)


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        ({}, "say which period"),
        ({"period": "monthly"}, '"period" must be "daily" or "weekly"'),
        ({"period": "weekly", "from": "2025-03-04"}, "starts on a Monday"),
        ({"from": "2025-03-01", "to": "2025-03-05"}, "neither one day nor one"),
        ({"from": "2025-03-09", "to": "2025-03-08"}, "is before"),
        ({"period": "daily", "from": "2025-03-09", "to": "2025-03-10"}, "1 day(s) long, not 2"),
        ({"to": "2025-03-09"}, '"to" needs a "from"'),
        ({"from": "9 March"}, "must be a date like 2025-03-09"),
        ({"period": "daily", "scheduled_time": "<aws.scheduler.scheduled-time>"}, "ISO 8601"),
        ({"period": "daily", "scheduled_time": "2025-03-10T06:00:00"}, "must carry its offset"),
        ({"period": "daily", "form": "2025-03-09"}, "unknown field(s) form"),
        (["daily"], "must be a JSON object"),
    ],
)
def test_a_request_naming_no_valid_period_is_refused_with_what_would_do(request_, complaint):
    with pytest.raises(PeriodError) as refused:
        requested_period(request_, UTC, lambda: utc(2025, 3, 10))

    assert complaint in str(refused.value)


def test_an_unknown_time_zone_is_refused_by_name():
    assert report_timezone(" Europe/Madrid ") == MADRID
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        report_timezone("Mars/Olympus")
