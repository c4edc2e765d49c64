"""The scheduled report job with S3 and SES in moto, and stand-ins for the KPI engine's contract: which periods it
reads, where the files land, how a re-run replaces them, and the mail SES is asked to send."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws

from parley.analytics.job import ReportJob
from parley.analytics.mail import ReportMailError, SesReportMailer
from parley.analytics.store import S3ReportStore
from parley.config import ReportSettings
from parley.observability import logger
from support.scheduled_report import PNG, InMemoryEvents, PageRenderer, counted_kpis, event

REGION = "us-east-1"
SENDER = "reports@example.com"
RECIPIENTS = ("ops@example.com", "head.of.service@example.com")
MADRID = ZoneInfo("Europe/Madrid")
# Monday 10 March 2025, 06:00 in Madrid: the daily run reports Sunday 9 March, the weekly one 3-9 March.
MONDAY_SIX = "2025-03-10T05:00:00Z"


def madrid(*args: int) -> datetime:
    return datetime(*args, tzinfo=MADRID)


@pytest.fixture
def aws_report() -> Iterator[dict[str, Any]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="parley-reports")
        sesv2 = boto3.client("sesv2", region_name=REGION)
        sesv2.create_email_identity(EmailIdentity=SENDER)
        yield {"s3": s3, "sesv2": sesv2}


@pytest.fixture
def info_logs() -> Iterator[None]:
    before = logger.log_level
    logger.setLevel("INFO")
    try:
        yield
    finally:
        logger.setLevel(before)


def sent_mail() -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def stored(s3: Any, prefix: str = "reports/") -> dict[str, bytes]:
    objects = s3.list_objects_v2(Bucket="parley-reports", Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket="parley-reports", Key=o["Key"])["Body"].read() for o in objects}


def job(
    clients: dict[str, Any],
    source: InMemoryEvents | None = None,
    renderer: PageRenderer | None = None,
    recipients: tuple[str, ...] = RECIPIENTS,
    sender: str = SENDER,
) -> ReportJob:
    settings = ReportSettings(reports_bucket="parley-reports", timezone=MADRID, sender=sender, recipients=recipients)
    return ReportJob(
        settings,
        source or InMemoryEvents(),
        counted_kpis,
        renderer or PageRenderer(),
        S3ReportStore(clients["s3"], "parley-reports"),
        SesReportMailer(clients["sesv2"]) if recipients else None,
        clock=lambda: datetime(2030, 1, 1, tzinfo=UTC),  # never the right answer: the request says when
    )


def conversation(name: str, when: datetime, messages: int = 2) -> list[dict[str, Any]]:
    return [event("message_received", when + timedelta(minutes=i), name) for i in range(messages)]


def test_the_daily_report_compares_yesterday_with_the_day_before_and_lands_under_its_date(aws_report):
    source = InMemoryEvents(
        events_=[
            *conversation("c-sunday-morning", madrid(2025, 3, 9, 0, 10), messages=3),
            *conversation("c-sunday-night", madrid(2025, 3, 9, 23, 50)),
            *conversation("c-saturday", madrid(2025, 3, 8, 12)),
            *conversation("c-monday", madrid(2025, 3, 10, 0, 0)),  # today, not in the report
        ],
        unrecognised_=[{"at_ms": int(madrid(2025, 3, 9, 9).timestamp() * 1000), "language": "en", "text": "x"}],
    )

    outcome = job(aws_report, source).handle({"period": "daily", "scheduled_time": MONDAY_SIX})

    assert outcome == {
        "ok": True,
        "period": "daily",
        "from": "2025-03-09",
        "to": "2025-03-09",
        "prefix": "reports/daily/2025-03-09/",
        "files": 5,
        "mailed_to": 2,
    }
    files = stored(aws_report["s3"])
    assert set(files) == {
        "reports/daily/2025-03-09/kpis.json",
        "reports/daily/2025-03-09/kpis.csv",
        "reports/daily/2025-03-09/report.html",
        "reports/daily/2025-03-09/messages.png",
        "reports/daily/2025-03-09/charts/languages.png",
    }
    # Sunday in Madrid: two conversations, five messages, one unrecognised text; Saturday had one conversation.
    assert json.loads(files["reports/daily/2025-03-09/kpis.json"]) == {
        "conversations": 2,
        "messages_in": 5,
        "unrecognised": 1,
        "change": {"conversations": 1},
    }
    assert files["reports/daily/2025-03-09/messages.png"] == PNG + b"messages.png"
    head = aws_report["s3"].head_object(Bucket="parley-reports", Key="reports/daily/2025-03-09/report.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert source.asked == [
        ("events", madrid(2025, 3, 8), madrid(2025, 3, 9)),
        ("events", madrid(2025, 3, 9), madrid(2025, 3, 10)),
        ("unrecognised", madrid(2025, 3, 9), madrid(2025, 3, 10)),
    ]


def test_the_weekly_report_lands_under_its_monday(aws_report):
    outcome = job(aws_report, recipients=()).handle({"period": "weekly", "scheduled_time": MONDAY_SIX})

    assert (outcome["from"], outcome["to"]) == ("2025-03-03", "2025-03-09")
    assert outcome["prefix"] == "reports/weekly/2025-03-03/"
    assert "reports/weekly/2025-03-03/report.html" in stored(aws_report["s3"])


def test_running_a_period_again_replaces_its_report_and_leaves_the_others(aws_report):
    s3 = aws_report["s3"]
    first = InMemoryEvents(events_=conversation("c1", madrid(2025, 3, 9, 10)))
    job(aws_report, first, PageRenderer(("messages.png", "charts/old.png")), recipients=()).handle(
        {"period": "daily", "scheduled_time": MONDAY_SIX}
    )
    job(aws_report, recipients=()).handle({"period": "daily", "from": "2025-03-08"})
    s3.put_object(Bucket="parley-reports", Key="reports/daily/2025-03-091/keep.txt", Body=b"not this period")

    two = [*conversation("c1", madrid(2025, 3, 9, 10)), *conversation("c2", madrid(2025, 3, 9, 11))]
    later = InMemoryEvents(events_=two)
    outcome = job(aws_report, later, PageRenderer(("messages.png",)), recipients=()).handle(
        {"from": "2025-03-09", "to": "2025-03-09"}
    )

    files = stored(s3)
    assert sorted(k for k in files if k.startswith("reports/daily/2025-03-09/")) == [
        "reports/daily/2025-03-09/kpis.csv",
        "reports/daily/2025-03-09/kpis.json",
        "reports/daily/2025-03-09/messages.png",
        "reports/daily/2025-03-09/report.html",
    ]
    assert json.loads(files["reports/daily/2025-03-09/kpis.json"])["conversations"] == 2
    assert "reports/daily/2025-03-08/report.html" in files
    assert files["reports/daily/2025-03-091/keep.txt"] == b"not this period"
    assert outcome["files"] == 4


def test_the_report_is_mailed_through_ses_with_inline_charts_and_the_csv(aws_report):
    job(aws_report, InMemoryEvents(events_=conversation("c1", madrid(2025, 3, 9, 10)))).handle(
        {"period": "daily", "scheduled_time": MONDAY_SIX}
    )

    (mail,) = sent_mail()
    # moto lists an address once from Destination and once from the To header.
    assert set(mail.destinations) == set(RECIPIENTS)
    message = email.message_from_bytes(mail.raw_data.encode(), policy=default)
    assert message["Subject"] == "Parley daily report: 2025-03-09"
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    html, *images = related.iter_parts()
    assert "1 conversations" in html.get_content()
    assert {f"cid:{i['Content-ID'].strip().strip('<>')}" for i in images} == {
        src.split('"')[1] for src in html.get_content().split("src=")[1:]
    }
    csv = next(p for p in message.walk() if p.get_filename() == "kpis.csv")
    assert csv.get_content_disposition() == "attachment"


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as the JSON logger would write it: message and extra fields."""
    return " ".join(str(record.__dict__) for record in caplog.records)


def test_without_recipients_nothing_is_mailed_and_the_log_says_so(aws_report, info_logs, caplog):
    outcome = job(aws_report, recipients=()).handle({"period": "daily", "scheduled_time": MONDAY_SIX})

    assert outcome["mailed_to"] == 0
    assert sent_mail() == []
    assert "reports/daily/2025-03-09/report.html" in stored(aws_report["s3"])
    assert "report not mailed: REPORT_RECIPIENTS is empty" in [r.getMessage() for r in caplog.records]


def test_a_mail_ses_refuses_is_logged_and_raised_after_the_report_is_stored(aws_report, caplog):
    with pytest.raises(ReportMailError, match="MessageRejected"):
        job(aws_report, sender="unverified@example.org").handle({"period": "daily", "scheduled_time": MONDAY_SIX})

    assert "reports/daily/2025-03-09/report.html" in stored(aws_report["s3"])
    (failure,) = [r for r in caplog.records if r.getMessage() == "report not mailed"]
    assert failure.levelname == "ERROR" and "MessageRejected" in failure.__dict__["error"]
    for address in ("unverified@example.org", *RECIPIENTS):
        assert address not in logged(caplog)


def test_logs_name_no_address_and_no_content(aws_report, info_logs, caplog):
    source = InMemoryEvents(
        unrecognised_=[{"at_ms": int(madrid(2025, 3, 9, 9).timestamp() * 1000), "language": "en", "text": "refund pls"}]
    )
    job(aws_report, source).handle({"period": "daily", "scheduled_time": MONDAY_SIX})

    (mailed,) = [r for r in caplog.records if r.getMessage() == "report mailed"]
    assert mailed.__dict__["recipients"] == 2
    for private in (SENDER, *RECIPIENTS, "refund pls"):
        assert private not in logged(caplog)


def test_a_request_for_no_valid_period_is_answered_and_writes_nothing(aws_report):
    outcome = job(aws_report).handle({"period": "fortnightly"})

    assert outcome == {"ok": False, "error": '"period" must be "daily" or "weekly", got \'fortnightly\''}
    assert stored(aws_report["s3"]) == {}
    assert sent_mail() == []
