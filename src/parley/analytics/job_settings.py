"""The scheduled report's settings: where events are read and reports written, the time zone, who gets the mail.

Read once, at the analytics function's cold start, and checked up front so a typo in a recipient fails the first
run loudly rather than every mail quietly. Error messages never repeat an address (they are personal data).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from parley.analytics.report_period import PeriodError, report_timezone
from parley.config import ConfigError

# SES takes at most 50 recipients per message; a wider audience belongs on a mailing list.
MAX_RECIPIENTS = 50
# One address, as infra/template.yaml's ReportSender and ReportRecipients patterns accept it.
_ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+")


@dataclass(frozen=True)
class JobSettings:
    events_bucket: str = ""
    reports_bucket: str = ""
    timezone: tzinfo = UTC
    # The SES identity the report is sent from (REPORT_SENDER), and to whom (REPORT_RECIPIENTS, comma-separated);
    # no recipients: the report is only written to the bucket.
    sender: str = ""
    recipients: tuple[str, ...] = field(default_factory=tuple)


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


def load_job_settings(env: Mapping[str, str] | None = None) -> JobSettings:
    """EVENTS_BUCKET, REPORTS_BUCKET, REPORT_TIMEZONE (IANA, default UTC), REPORT_SENDER, REPORT_RECIPIENTS."""
    env = os.environ if env is None else env
    buckets = {name: (env.get(name) or "").strip() for name in ("EVENTS_BUCKET", "REPORTS_BUCKET")}
    missing = [name for name, value in buckets.items() if not value]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} must name the S3 bucket(s) the report reads and writes")
    try:
        zone = report_timezone(env.get("REPORT_TIMEZONE") or "UTC")
    except PeriodError as exc:
        raise ConfigError(f"REPORT_TIMEZONE: {exc}") from exc
    recipients = parse_recipients(env.get("REPORT_RECIPIENTS") or "")
    sender = (env.get("REPORT_SENDER") or "").strip()
    if sender and not _ADDRESS.fullmatch(sender):
        raise ConfigError("REPORT_SENDER is not an email address (write the bare address SES verified)")
    if recipients and not sender:
        raise ConfigError("REPORT_RECIPIENTS is set but REPORT_SENDER is not: name the SES identity to send from")
    return JobSettings(
        events_bucket=buckets["EVENTS_BUCKET"],
        reports_bucket=buckets["REPORTS_BUCKET"],
        timezone=zone,
        sender=sender,
        recipients=recipients,
    )
