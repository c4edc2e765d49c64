"""The scheduled report: which period, its KPIs against the period before, the files in S3, and the mail.

EventBridge Scheduler invokes the analytics function with {"period": "daily"|"weekly", "scheduled_time": "…"}:
the time the run was due, so a retry hours later still reports the period it was meant for. Someone re-running
a period by hand names it: {"period": "weekly", "from": "2025-03-03"}, or {"from": "2025-03-09", "to":
"2025-03-09"}. Either way the report replaces any earlier one of the same period.

The KPI engine (compute_kpis, render_report) and the event reader are ports, given in the constructor; the
composition root (parley.wiring) passes the real ones from parley.analytics.kpis, .report and .reading.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from parley.analytics.mail import ReportFiles, ReportMailError, report_email
from parley.analytics.report_period import PeriodError, PeriodKind, ReportPeriod, last_complete, named
from parley.analytics.store import report_prefix
from parley.config import ReportSettings
from parley.observability import logger

REQUEST_KEYS = frozenset({"period", "scheduled_time", "from", "to"})


class EventSource(Protocol):
    """The stored events and unrecognised-message records of [start, end), streamed."""

    def events(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]: ...

    def unrecognised(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]: ...


ReadRecords = Callable[[Any, datetime, datetime], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class StoredEvents:
    """An EventSource over the contract's readers (parley.analytics.reading's read_events and read_unrecognised)
    bound to one source: the events bucket, or a directory with the same layout."""

    source: Any
    read_events: ReadRecords
    read_unrecognised: ReadRecords

    def events(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]:
        return self.read_events(self.source, start, end)

    def unrecognised(self, start: datetime, end: datetime) -> Iterable[dict[str, Any]]:
        return self.read_unrecognised(self.source, start, end)


class ComputeKpis(Protocol):
    """parley.analytics.kpis.compute_kpis, as the shared contract defines it."""

    def __call__(
        self,
        events: Iterable[dict[str, Any]],
        start: datetime,
        end: datetime,
        unrecognised: Iterable[dict[str, Any]] = ...,
        previous: Any = ...,
    ) -> Any: ...


RenderReport = Callable[[Any, Path], list[Path]]


class ReportStore(Protocol):
    def publish(self, prefix: str, root: Path, files: Sequence[Path]) -> list[str]: ...


class ReportMailer(Protocol):
    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> str: ...


@dataclass(frozen=True)
class ReportOutcome:
    period: ReportPeriod
    prefix: str
    keys: tuple[str, ...]
    mailed_to: int

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "period": self.period.kind.value,
            "from": self.period.first_day.isoformat(),
            "to": self.period.last_day.isoformat(),
            "prefix": self.prefix,
            "files": len(self.keys),
            "mailed_to": self.mailed_to,
        }


def _date(request: Mapping[str, Any], name: str) -> date | None:
    raw = request.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise PeriodError(f'"{name}" must be a date like 2025-03-09, got {raw!r}') from exc


def _scheduled_time(request: Mapping[str, Any], clock: Callable[[], datetime]) -> datetime:
    raw = request.get("scheduled_time")
    if raw is None:
        return clock()
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise PeriodError(f'"scheduled_time" must be an ISO 8601 time like 2025-03-10T06:00:00Z, got {raw!r}') from exc
    if when.tzinfo is None:
        raise PeriodError('"scheduled_time" must carry its offset (…Z or …+01:00)')
    return when


def requested_period(request: Any, zone: Any, clock: Callable[[], datetime]) -> ReportPeriod:
    """The period an invocation asks for; PeriodError, saying what would do, for anything else."""
    if not isinstance(request, Mapping):
        raise PeriodError('the input must be a JSON object like {"period": "daily"}')
    unknown = sorted(set(request) - REQUEST_KEYS)
    if unknown:
        allowed = ", ".join(sorted(REQUEST_KEYS))
        raise PeriodError(f"unknown field(s) {', '.join(unknown)}; the input may have {allowed}")
    raw_kind = request.get("period")
    try:
        kind = PeriodKind(raw_kind) if raw_kind is not None else None
    except ValueError as exc:
        raise PeriodError(f'"period" must be "daily" or "weekly", got {raw_kind!r}') from exc
    first, last = _date(request, "from"), _date(request, "to")
    if first is None and last is not None:
        raise PeriodError('"to" needs a "from"')
    if first is not None:
        return named(kind, first, last, zone)
    if kind is None:
        raise PeriodError('say which period: {"period": "daily"} or {"period": "weekly"}, or "from" and "to"')
    return last_complete(kind, _scheduled_time(request, clock), zone)


class ReportJob:
    def __init__(
        self,
        settings: ReportSettings,
        source: EventSource,
        compute_kpis: ComputeKpis,
        render_report: RenderReport,
        store: ReportStore,
        mailer: ReportMailer | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self._source = source
        self._compute_kpis = compute_kpis
        self._render_report = render_report
        self._store = store
        self._mailer = mailer
        self._clock = clock

    def handle(self, request: Any) -> dict[str, Any]:
        """One invocation: a request that names no valid period gets a clear answer and changes nothing; a
        failure to read, write or mail raises, so the scheduler's retries and the alarms see it."""
        try:
            period = requested_period(request, self._settings.timezone, self._clock)
        except PeriodError as exc:
            logger.error("report request rejected", extra={"error": str(exc)})
            return {"ok": False, "error": str(exc)}
        return self.run(period).to_json()

    def run(self, period: ReportPeriod) -> ReportOutcome:
        before = period.previous()
        previous = self._compute_kpis(self._source.events(before.start, before.end), before.start, before.end)
        kpis = self._compute_kpis(
            self._source.events(period.start, period.end),
            period.start,
            period.end,
            unrecognised=self._source.unrecognised(period.start, period.end),
            previous=previous,
        )
        prefix = report_prefix(period.kind.value, period.first_day.isoformat())
        with tempfile.TemporaryDirectory(prefix="parley-report-") as scratch:
            root = Path(scratch)
            files = self._render_report(kpis, root)
            keys = self._store.publish(prefix, root, files)
            logger.info("report written", extra={**_described(period), "prefix": prefix, "files": len(keys)})
            mailed = self._mail(period, prefix, root, files)
        return ReportOutcome(period, prefix, tuple(keys), mailed)

    def _mail(self, period: ReportPeriod, prefix: str, root: Path, files: Sequence[Path]) -> int:
        recipients = self._settings.recipients
        if not recipients or self._mailer is None:
            logger.info("report not mailed: REPORT_RECIPIENTS is empty", extra=_described(period))
            return 0
        message = report_email(
            ReportFiles.of(root, files),
            subject=f"Parley {period.kind.value} report: {period.label}",
            sender=self._settings.sender,
            recipients=recipients,
            plain_text=self._plain_text(period, prefix),
        )
        try:
            self._mailer.send(message, self._settings.sender, recipients)
        except ReportMailError as exc:
            # Logged and raised: the retry writes the same files again and mails once more.
            logger.error("report not mailed", extra={**_described(period), "error": str(exc)})
            raise
        logger.info("report mailed", extra={**_described(period), "recipients": len(recipients)})
        return len(recipients)

    def _plain_text(self, period: ReportPeriod, prefix: str) -> str:
        zone = getattr(period.timezone, "key", str(period.timezone))
        return (
            f"Parley's {period.kind.value} report for {period.label} ({zone}).\n\n"
            "Open this message in a mail client that shows HTML to read it with its charts; the figures are "
            "attached as kpis.csv.\n"
            f"The report is also kept in s3://{self._settings.reports_bucket}/{prefix}\n"
        )


def _described(period: ReportPeriod) -> dict[str, str]:
    return {"period": period.kind.value, "from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
