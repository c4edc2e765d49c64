"""The scheduled report's job: events from the events bucket, reports to the reports bucket, mail through SES."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3

from parley.config import Settings, load_settings
from parley.wiring.aws import BATCH_AWS_CONFIG

if TYPE_CHECKING:
    from parley.analytics.job import ReportJob


def report_job(settings: Settings | None = None) -> ReportJob:
    """The scheduled report, built once per execution environment by the analytics handler module at import:
    events from EVENTS_BUCKET, reports to REPORTS_BUCKET, mail through SES when REPORT_RECIPIENTS names anyone;
    the report's locale and translation price as `parley report` reads them."""
    from functools import partial

    from parley.analytics.job import ReportJob, StoredEvents
    from parley.analytics.kpis import compute_kpis
    from parley.analytics.mail import SesReportMailer
    from parley.analytics.reading import S3Source, read_events, read_unrecognised
    from parley.analytics.report import render_report
    from parley.analytics.store import S3ReportStore
    from parley.config import load_report_settings

    settings = settings or load_settings()
    report = load_report_settings(scheduled=True)

    def client(service: str) -> Any:
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            region_name=settings.region,
            endpoint_url=settings.aws_endpoint_url,
            config=BATCH_AWS_CONFIG,
        )

    s3 = client("s3")
    return ReportJob(
        report,
        StoredEvents(S3Source(s3, settings.events_bucket), read_events, read_unrecognised),
        partial(compute_kpis, price_per_million=report.price_per_million, min_customers=report.min_customers),
        partial(render_report, locale=report.locale),
        S3ReportStore(s3, report.reports_bucket),
        SesReportMailer(client("sesv2")) if report.recipients else None,
    )
