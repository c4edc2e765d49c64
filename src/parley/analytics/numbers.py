"""Numbers, percentages, durations, money and dates written for the report's locale (Babel)."""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

NO_DATA = "–"


def parse_locale(name: str) -> Locale:
    """A Babel locale from `en`, `pt_BR` or `pt-BR`; ValueError for anything Babel does not know."""
    try:
        return Locale.parse(name.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown locale {name!r}") from exc


class Numbers:
    """Formatting in one locale. None always reads as NO_DATA."""

    def __init__(self, locale: str | Locale = "en") -> None:
        self.locale = locale if isinstance(locale, Locale) else parse_locale(locale)
        # The locale's own percent pattern ("#,##0 %" in German, "%#,##0" in Turkish) with one decimal added.
        pattern = self.locale.percent_formats[None].pattern.split(";")[0]
        last = pattern.rfind("0")
        self._percent = pattern[: last + 1] + ".0" + pattern[last + 1 :]

    def count(self, value: float | None) -> str:
        return NO_DATA if value is None else format_decimal(value, format="#,##0", locale=self.locale)

    def decimal(self, value: float | None, places: int = 2) -> str:
        if value is None:
            return NO_DATA
        return format_decimal(value, format="#,##0." + "0" * places, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return NO_DATA if value is None else format_percent(value, format=self._percent, locale=self.locale)

    def signed_percent(self, value: float) -> str:
        """A relative change: +12.5 %, -3.0 %."""
        return format_percent(value, format=f"+{self._percent};-{self._percent}", locale=self.locale)

    def seconds(self, milliseconds: float | None) -> str:
        if milliseconds is None:
            return NO_DATA
        places = "#,##0.0" if milliseconds < 100_000 else "#,##0"
        return format_unit(milliseconds / 1000, "duration-second", length="short", format=places, locale=self.locale)

    def money(self, value: float | None, currency: str = "USD") -> str:
        return NO_DATA if value is None else format_currency(value, currency, locale=self.locale)

    def signed(self, value: float, places: int = 1) -> str:
        digits = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=f"+{digits};-{digits}", locale=self.locale)

    def date(self, moment: datetime) -> str:
        return format_date(moment, "medium", locale=self.locale)

    def day(self, moment: datetime) -> str:
        return format_skeleton("MMMd", moment, locale=self.locale)

    def hour(self, moment: datetime) -> str:
        return format_skeleton("Hm", moment, locale=self.locale)

    def language(self, code: str) -> str:
        """A language's name in the report's locale, with its code: "Spanish (es)"."""
        name = self.locale.languages.get(code.replace("-", "_").split("_")[0])
        return f"{name} ({code})" if name else code
