"""The KPI report's settings: the locale numbers and dates are written for, the translation price, and for the
scheduled report where reports go, the time zone of its periods and who gets the mail.

Read once and checked up front, so a typo in a recipient fails the first run loudly rather than every mail
quietly. Error messages never repeat an address (they are personal data). The events bucket is Settings'.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parley.config.settings import ConfigError, translation_provider

# What a million characters of machine translation cost (USD, list prices), by TRANSLATION_PROVIDER.
PRICE_PER_MILLION = {"google": 20.0, "deepl": 25.0, "microsoft": 10.0}
DEFAULT_PRICE_PER_MILLION = PRICE_PER_MILLION["google"]
# k-anonymity of the report's unrecognised texts: a text is shown once this many different customers sent it
# (REPORT_MIN_CUSTOMERS); fewer than MIN_CUSTOMERS_FLOOR would let one customer's words through too easily.
DEFAULT_MIN_CUSTOMERS = 3
MIN_CUSTOMERS_FLOOR = 3
# SES takes at most 50 recipients per message; a wider audience belongs on a mailing list.
MAX_RECIPIENTS = 50
# One address, as infra/template.yaml's ReportSender and ReportRecipients patterns accept it.
_ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+")


@dataclass(frozen=True)
class ReportSettings:
    """REPORT_LOCALE, TRANSLATION_PRICE_PER_MILLION (USD; by default the list price of TRANSLATION_PROVIDER),
    REPORT_MIN_CUSTOMERS (how many different customers must have sent an unrecognised text before it is shown), and
    for the scheduled report REPORTS_BUCKET, REPORT_TIMEZONE (IANA), REPORT_SENDER and REPORT_RECIPIENTS (no
    recipients: the report is only written to the bucket)."""

    locale: str = "en"
    price_per_million: float = DEFAULT_PRICE_PER_MILLION
    reports_bucket: str = ""
    timezone: tzinfo = UTC
    sender: str = ""
    recipients: tuple[str, ...] = field(default_factory=tuple)
    min_customers: int = DEFAULT_MIN_CUSTOMERS


def parse_recipients(raw: str) -> tuple[str, ...]:
    """Comma-separated addresses, each checked, duplicates dropped (first kept); "" is no recipient at all."""
    entries = [entry.strip() for entry in raw.split(",")]
    if entries == [""]:
        return ()
    recipients: list[str] = []
    for position, entry in enumerate(entries, start=1):
        if not _ADDRESS.fullmatch(entry):
            what = "is empty" if not entry else "is not an email address"
            raise ConfigError(f"REPORT_RECIPIENTS: entry {position} {what}; write addresses separated by commas")
        if entry.lower() not in {r.lower() for r in recipients}:
            recipients.append(entry)
    if len(recipients) > MAX_RECIPIENTS:
        raise ConfigError(
            f"REPORT_RECIPIENTS names {len(recipients)} addresses; SES takes {MAX_RECIPIENTS} at most, "
            "use a mailing list instead"
        )
    return tuple(recipients)


def min_customers(raw: str) -> int:
    """REPORT_MIN_CUSTOMERS: a whole number, MIN_CUSTOMERS_FLOOR at least; "" is the default."""
    raw = raw.strip()
    if not raw:
        return DEFAULT_MIN_CUSTOMERS
    if not raw.isascii() or not raw.isdigit() or int(raw) < MIN_CUSTOMERS_FLOOR:
        raise ConfigError(
            f"REPORT_MIN_CUSTOMERS must be a whole number of customers, {MIN_CUSTOMERS_FLOOR} at least, got {raw!r}"
        )
    return int(raw)


def report_timezone(name: str) -> ZoneInfo:
    """An IANA time zone by name ("Europe/Madrid", "UTC"); ConfigError for one that does not exist."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"REPORT_TIMEZONE: {name!r} is not an IANA time zone name like Europe/Madrid or UTC") from exc


def load_report_settings(env: Mapping[str, str] | None = None, *, scheduled: bool = False) -> ReportSettings:
    """The report's settings; `scheduled`: for the scheduled function, which needs both buckets."""
    env = os.environ if env is None else env
    from babel import Locale, UnknownLocaleError  # here, not at import: the webhook reads its settings too

    locale = (env.get("REPORT_LOCALE") or "en").strip()
    try:
        Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError(f"REPORT_LOCALE must be a locale like en, de or pt_BR, got {locale!r}") from exc
    # With translation switched off ("none") the period's calls came from an earlier provider: Google's price.
    default_price = PRICE_PER_MILLION.get(translation_provider(env), DEFAULT_PRICE_PER_MILLION)
    raw_price = (env.get("TRANSLATION_PRICE_PER_MILLION") or "").strip()
    try:
        price = float(raw_price) if raw_price else default_price
    except ValueError as exc:
        raise ConfigError(f"TRANSLATION_PRICE_PER_MILLION must be a number, got {raw_price!r}") from exc
    if price <= 0:
        raise ConfigError(f"TRANSLATION_PRICE_PER_MILLION must be positive, got {raw_price!r}")
    if scheduled:
        buckets = {name: (env.get(name) or "").strip() for name in ("EVENTS_BUCKET", "REPORTS_BUCKET")}
        missing = [name for name, value in buckets.items() if not value]
        if missing:
            raise ConfigError(f"{' and '.join(missing)} must name the S3 bucket(s) the report reads and writes")
    recipients = parse_recipients(env.get("REPORT_RECIPIENTS") or "")
    sender = (env.get("REPORT_SENDER") or "").strip()
    if sender and not _ADDRESS.fullmatch(sender):
        raise ConfigError("REPORT_SENDER is not an email address (write the bare address SES verified)")
    if recipients and not sender:
        raise ConfigError("REPORT_RECIPIENTS is set but REPORT_SENDER is not: name the SES identity to send from")
    return ReportSettings(
        min_customers=min_customers(env.get("REPORT_MIN_CUSTOMERS") or ""),
        locale=locale,
        price_per_million=price,
        reports_bucket=(env.get("REPORTS_BUCKET") or "").strip(),
        timezone=report_timezone(env.get("REPORT_TIMEZONE") or "UTC"),
        sender=sender,
        recipients=recipients,
    )
