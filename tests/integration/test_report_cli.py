"""`parley report --from --to --out [--events DIR]`: the report's files from a folder or the events bucket (moto),
and clear answers for bad dates, a missing bucket and an empty period."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

from parley.cli import main
from support.analytics import DAY0, conversation_turn, event, write_events, write_partition


@pytest.fixture(autouse=True)
def _no_report_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EVENTS_BUCKET", "REPORT_LOCALE", "TRANSLATION_PRICE_PER_MILLION"):
        monkeypatch.delenv(name, raising=False)


def week_of_events():
    events = []
    for day in range(7):
        for n in range(day + 1):
            conversation = f"d{day}c{n}"
            events += conversation_turn(conversation, 60 * n + day * 1440, f"{conversation}m", language="fr")
    events.append(event("handoff_started", 6 * 1440 + 5, "d6c0", reason="asked_for_person"))
    return events


def test_a_week_from_a_folder_gives_the_three_files_and_charts(tmp_path, capsys) -> None:
    write_events(tmp_path / "bucket", week_of_events())
    out = tmp_path / "report"

    code = main(["report", "--from", "2026-03-02", "--to", "2026-03-08", "--events", str(tmp_path / "bucket"),
                 "--out", str(out)])  # fmt: skip

    assert code == 0
    data = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert data["conversations"] == 1 + 2 + 3 + 4 + 5 + 6 + 7
    assert data["handoff_rate"] == pytest.approx(1 / 28)
    assert data["languages"] == {"fr": 28}
    assert data["period"] == {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}
    assert (out / "kpis.csv").is_file() and (out / "report.html").is_file()
    assert len(list(out.glob("chart-*.png"))) == 2  # volume and languages: nobody rated, no intents
    printed = capsys.readouterr().out
    assert "28 conversations" in printed and "report.html and 2 charts" in printed


def test_to_is_included_so_one_day_is_from_equal_to(tmp_path) -> None:
    write_events(tmp_path / "bucket", week_of_events())

    main(["report", "--from", "2026-03-04", "--to", "2026-03-04", "--events", str(tmp_path / "bucket"),
          "--out", str(tmp_path / "out")])  # fmt: skip

    assert json.loads((tmp_path / "out" / "kpis.json").read_text(encoding="utf-8"))["conversations"] == 3


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-03-08", "2026-03-02", "--to 2026-03-02 is before --from 2026-03-08"),
        ("2026-03-02", "next week", "dates are written YYYY-MM-DD"),
        ("02/03/2026", "2026-03-08", "dates are written YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_a_clear_error(tmp_path, capsys, first, last, message) -> None:
    code = main(["report", "--from", first, "--to", last, "--events", str(tmp_path), "--out", str(tmp_path / "o")])

    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_without_a_folder_or_a_bucket_it_says_what_to_set(tmp_path, capsys) -> None:
    assert main(["report", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(tmp_path)]) == 2
    assert "pass --events DIR or set EVENTS_BUCKET" in capsys.readouterr().err


def test_a_folder_that_is_not_an_events_folder_is_a_clear_error(tmp_path, capsys) -> None:
    args = ["report", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(tmp_path / "o")]

    assert main([*args, "--events", str(tmp_path / "nowhere")]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert main([*args, "--events", str(tmp_path)]) == 2
    assert "no events/ folder" in capsys.readouterr().err


def test_an_empty_period_is_a_report_that_says_no_conversations(tmp_path, capsys) -> None:
    (tmp_path / "bucket" / "events").mkdir(parents=True)

    code = main(["report", "--from", "2026-03-02", "--to", "2026-03-08", "--events", str(tmp_path / "bucket"),
                 "--out", str(tmp_path / "out")])  # fmt: skip

    assert code == 0
    assert "No conversations in this period." in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "No conversations in this period" in capsys.readouterr().out


def test_the_events_bucket_is_read_from_s3(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("EVENTS_BUCKET", "parley-events-test")
    monkeypatch.setenv("REPORT_LOCALE", "es")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="parley-events-test")
        lines = "\n".join(json.dumps(e) for e in week_of_events() if e["at_ms"] < (DAY0.timestamp() + 86400) * 1000)
        s3.put_object(Bucket="parley-events-test", Key="events/year=2026/month=03/day=02/part-1.gz",
                      Body=gzip.compress((lines + "\nnot a record\n").encode()))  # fmt: skip

        code = main(["report", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(tmp_path)])

    assert code == 0
    assert json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))["conversations"] == 1
    assert '<html lang="es">' in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Skipped 1 malformed lines" in capsys.readouterr().err


def test_a_missing_bucket_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("EVENTS_BUCKET", "no-such-bucket")
    with mock_aws():
        code = main(["report", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(tmp_path)])

    assert code == 2 and "bucket no-such-bucket does not exist" in capsys.readouterr().err


def test_an_unknown_report_locale_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("REPORT_LOCALE", "klingon")
    write_partition(tmp_path, "events", DAY0 - timedelta(days=1), "a.json", [])

    assert main(["report", "--from", "2026-03-02", "--to", "2026-03-02", "--events", str(tmp_path),
                 "--out", str(tmp_path / "o")]) == 2  # fmt: skip
    assert "REPORT_LOCALE must be a locale" in capsys.readouterr().err
