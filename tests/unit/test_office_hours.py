"""Office hours: when the team is in, when it next will be, and what a customer handed over after hours is told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.config import ConfigError, load_settings
from parley.dialogue.composing import after_hours_notice
from parley.domain.office_hours import OfficeHoursError, parse_office_hours
from support.dialogue import catalogs

WEEKDAYS = "mon-fri 09:00-18:00; sat 10:00-14:00"
CATALOGS = catalogs()


def madrid(*args: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.fixture
def office():
    return parse_office_hours(WEEKDAYS, "Europe/Madrid")


def test_open_in_the_middle_of_a_weekday_and_no_next_opening_then(office):
    # Tuesday 24 November 2026, 11:30 in Madrid.
    assert office.is_open(madrid(2026, 11, 24, 11, 30))
    assert office.next_opening(madrid(2026, 11, 24, 11, 30)) is None


def test_after_closing_the_next_opening_is_the_next_morning(office):
    assert not office.is_open(madrid(2026, 11, 24, 18, 0))  # closing time itself is closed
    assert office.next_opening(madrid(2026, 11, 24, 18, 0)) == madrid(2026, 11, 25, 9, 0)


def test_before_opening_the_next_opening_is_the_same_morning(office):
    assert office.next_opening(madrid(2026, 11, 24, 7, 15)) == madrid(2026, 11, 24, 9, 0)


def test_saturday_afternoon_waits_for_monday(office):
    assert office.is_open(madrid(2026, 11, 28, 13, 59))
    assert office.next_opening(madrid(2026, 11, 28, 14, 0)) == madrid(2026, 11, 30, 9, 0)
    assert office.next_opening(madrid(2026, 11, 29, 12, 0)) == madrid(2026, 11, 30, 9, 0)


def test_the_clock_change_keeps_opening_at_nine_local_time():
    office = parse_office_hours("mon-fri 09:00-18:00", "Europe/Berlin")
    # Saturday 28 March 2026, 20:00 in Berlin (CET, UTC+1); summer time starts that night (CEST, UTC+2).
    saturday_evening = datetime(2026, 3, 28, 19, 0, tzinfo=UTC)

    opening = office.next_opening(saturday_evening)

    assert opening == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST, not 08:00
    assert office.is_open(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    assert not office.is_open(datetime(2026, 3, 30, 6, 59, tzinfo=UTC))


def test_an_instant_in_another_zone_is_judged_by_the_offices_clock(office):
    # 02:00 in New York on a Wednesday is 08:00 in Madrid: still closed, opening in an hour.
    from zoneinfo import ZoneInfo

    new_york = datetime(2026, 11, 25, 2, 0, tzinfo=ZoneInfo("America/New_York"))

    assert office.next_opening(new_york) == madrid(2026, 11, 25, 9, 0)


def test_empty_office_hours_are_always_open():
    always = parse_office_hours("", "UTC")

    assert always.always_open
    assert always.is_open(datetime(2026, 11, 29, 3, 0, tzinfo=UTC))
    assert always.next_opening(datetime(2026, 11, 29, 3, 0, tzinfo=UTC)) is None


def test_day_lists_wrapping_ranges_and_split_days_are_understood():
    office = parse_office_hours("Mon,Wed 08:00-12:00,13:00-17:00; fri-sun 10:00-24:00", "UTC")

    assert office.is_open(datetime(2026, 11, 23, 13, 30, tzinfo=UTC))  # Monday afternoon
    assert not office.is_open(datetime(2026, 11, 23, 12, 30, tzinfo=UTC))  # Monday lunch
    assert not office.is_open(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # Tuesday
    assert office.is_open(datetime(2026, 11, 29, 23, 59, tzinfo=UTC))  # Sunday night, until midnight
    assert office.next_opening(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)) == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "zone", "complaint"),
    [
        ("mon-fri", "UTC", "needs days and hours"),
        ("weekdays 09:00-18:00", "UTC", "'weekdays' is not a day"),
        ("mon-fri 9-18", "UTC", "cannot read the hours '9-18'"),
        ("mon 18:00-09:00", "UTC", "ends before it starts"),
        ("mon 09:00-25:00", "UTC", "not a time of day"),
        ("mon 09:00-18:00", "Mars/Olympus_Mons", "OFFICE_TIMEZONE must be an IANA time zone"),
    ],
)
def test_a_schedule_that_cannot_be_read_is_refused_with_the_reason(spec, zone, complaint):
    with pytest.raises(OfficeHoursError) as refused:
        parse_office_hours(spec, zone)

    assert complaint in str(refused.value)


def test_settings_check_office_hours_when_they_are_loaded():
    with pytest.raises(ConfigError, match="OFFICE_HOURS entry 'mon-fri 9-5'"):
        load_settings({"OFFICE_HOURS": "mon-fri 9-5"})
    with pytest.raises(ConfigError, match="OFFICE_TIMEZONE"):
        load_settings({"OFFICE_HOURS": WEEKDAYS, "OFFICE_TIMEZONE": "Europe/Nowhere"})

    settings = load_settings({"OFFICE_HOURS": WEEKDAYS, "OFFICE_TIMEZONE": "Europe/Madrid"})
    assert settings.office_hours == parse_office_hours(WEEKDAYS, "Europe/Madrid")
    assert load_settings({}).office_hours.always_open


def test_the_after_hours_notice_names_day_time_and_zone_in_the_customers_language(office):
    friday_night = madrid(2026, 11, 27, 21, 0)

    english = after_hours_notice(office, CATALOGS["en"], friday_night)
    spanish = after_hours_notice(office, CATALOGS["es"], friday_night)
    german = after_hours_notice(office, CATALOGS["de"], friday_night)

    # CLDR keeps "AM" on the line of its time (a narrow no-break space).
    assert english is not None and "Saturday" in english and "10:00\u202fAM" in english
    assert "Central European Standard Time" in english
    assert spanish is not None and "sábado" in spanish and "10:00" in spanish and "Europa central" in spanish
    assert german is not None and "Samstag" in german and "10:00 Uhr" in german


def test_the_after_hours_notice_says_today_when_the_team_comes_in_later_today(office):
    early = madrid(2026, 11, 24, 7, 0)

    notice = after_hours_notice(office, CATALOGS["fr"], early)

    assert notice is not None and "aujourd’hui" in notice and "09:00" in notice
    assert "mardi" not in notice


def test_no_after_hours_notice_while_the_office_is_open(office):
    assert after_hours_notice(office, CATALOGS["en"], madrid(2026, 11, 24, 11, 0)) is None
