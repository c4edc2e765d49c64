"""The analytics Lambda handler end to end, S3 and SES in moto: events stored in the contract's layout go in, the
period's report comes out in the reports bucket and in the recipients' mail, its figures matching a count made
here by hand."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import datetime
from email.policy import default
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws

from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.scheduled_report import event, write_partitioned

REGION = "us-east-1"
SENDER = "reports@example.com"
RECIPIENTS = "ops@example.com, service.lead@example.com"
MADRID = ZoneInfo("Europe/Madrid")


def madrid(*args: int) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def stored_events() -> list[dict[str, Any]]:
    """Sunday 9 March 2025 in Madrid has three conversations (one begun at 00:30, which is still Saturday in UTC,
    one handed to a person, one at 23:50); Saturday has one; Monday's first minutes are not Sunday's."""
    a, b, c = "c0a1b2c3d4e5f601", "c0a1b2c3d4e5f602", "c0a1b2c3d4e5f603"
    return sorted(
        [
            event("message_received", madrid(2025, 3, 8, 15), "c0a1b2c3d4e5f600", language="en"),
            event("reply_sent", madrid(2025, 3, 8, 15, 0, 2), "c0a1b2c3d4e5f600", latency_ms=2000),
            # Sunday
            event("message_received", madrid(2025, 3, 9, 0, 30), a, language="es", customer="a1b2c3d4e5f60708"),
            event("intent_recognised", madrid(2025, 3, 9, 0, 30, 1), a, intent="order_status", confidence=0.93),
            event("reply_sent", madrid(2025, 3, 9, 0, 30, 2), a, latency_ms=1200, language="es"),
            event("flow_completed", madrid(2025, 3, 9, 0, 30, 2), a, intent="order_status", flow="order_status"),
            event("message_received", madrid(2025, 3, 9, 14), b, language="en", channel="messenger"),
            event("fallback", madrid(2025, 3, 9, 14, 0, 1), b, channel="messenger", language="en"),
            event("reply_sent", madrid(2025, 3, 9, 14, 0, 3), b, channel="messenger", latency_ms=3000),
            event("message_received", madrid(2025, 3, 9, 14, 1), b, channel="messenger", language="en"),
            event("handoff_started", madrid(2025, 3, 9, 14, 1, 1), b, channel="messenger", reason="asked"),
            event("message_received", madrid(2025, 3, 9, 23, 50), c, language="en"),
            event("reply_sent", madrid(2025, 3, 9, 23, 50, 1), c, latency_ms=900),
            # Monday 10 March, not in Sunday's report
            event("message_received", madrid(2025, 3, 10, 0, 10), "c0a1b2c3d4e5f604", language="en"),
        ],
        key=lambda e: e["at_ms"],
    )


@pytest.fixture
def analytics(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, Any]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in ("parley-events", "parley-reports"):
            s3.create_bucket(Bucket=bucket)
        boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=SENDER)
        write_partitioned(s3, "parley-events", stored_events())
        unrecognised = [{"at_ms": int(madrid(2025, 3, 9, 14).timestamp() * 1000), "language": "en", "text": "hmm"}]
        write_partitioned(s3, "parley-events", unrecognised, root="unrecognised")
        for name, value in {
            "EVENTS_BUCKET": "parley-events",
            "REPORTS_BUCKET": "parley-reports",
            "REPORT_TIMEZONE": "Europe/Madrid",
            "REPORT_SENDER": SENDER,
            "REPORT_RECIPIENTS": RECIPIENTS,
        }.items():
            monkeypatch.setenv(name, value)
        yield load_handler_module("analytics"), s3


def invoke(module: ModuleType, payload: Any) -> dict[str, Any]:
    result: dict[str, Any] = module.handler(payload, LocalLambdaContext("parley-analytics", timeout_seconds=900))
    return result


def sent_mail() -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def test_the_scheduled_daily_run_stores_and_mails_sundays_report(analytics):
    module, s3 = analytics

    # What the daily schedule sends at 06:00 Madrid time on Monday 10 March 2025.
    result = invoke(module, {"period": "daily", "scheduled_time": "2025-03-10T05:00:00Z"})

    assert result["ok"] and result["prefix"] == "reports/daily/2025-03-09/" and result["mailed_to"] == 2
    listed = s3.list_objects_v2(Bucket="parley-reports", Prefix="reports/daily/2025-03-09/")["Contents"]
    keys = {o["Key"].removeprefix("reports/daily/2025-03-09/") for o in listed}
    assert {"kpis.json", "kpis.csv", "report.html"} <= keys
    charts = {k for k in keys if k.endswith(".png")}
    assert charts, keys

    def read(name: str) -> str:
        body = s3.get_object(Bucket="parley-reports", Key=f"reports/daily/2025-03-09/{name}")["Body"]
        return str(body.read(), "utf-8")

    kpis = json.loads(read("kpis.json"))
    assert (kpis["conversations"], kpis["messages_in"], kpis["messages_out"]) == (3, 4, 3)
    assert kpis["customers"] == 1
    assert kpis["change"]["conversations"]["previous"] == 1  # Saturday
    page = read("report.html")
    assert all(f'src="{chart}"' in page for chart in charts)

    (mail,) = sent_mail()
    message = email.message_from_bytes(mail.raw_data.encode(), policy=default)
    assert message["Subject"] == "Parley daily report: 2025-03-09"
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    html, *images = related.iter_parts()
    assert len(images) == len(charts)
    assert all(f"cid:{i['Content-ID'].strip().strip('<>')}" in html.get_content() for i in images)
    csv = next(p for p in message.walk() if p.get_filename() == "kpis.csv")
    assert csv.get_content().replace("\r\n", "\n") == read("kpis.csv").replace("\r\n", "\n")


def test_a_request_naming_no_period_gets_a_clear_answer(analytics):
    module, s3 = analytics

    result = invoke(module, {"from": "2025-03-09", "to": "2025-03-12"})

    assert result == {"ok": False, "error": result["error"]} and "neither one day nor one" in result["error"]
    assert s3.list_objects_v2(Bucket="parley-reports").get("KeyCount") == 0
    assert sent_mail() == []
