"""The report's files: kpis.json with the agreed names, kpis.csv one row per metric, report.html fit for an email
client (no scripts, nothing fetched from outside, inline styles, charts beside it) and free of personal data."""

from __future__ import annotations

import csv
import json
import re

import pytest
from PIL import Image

from parley.analytics.kpis import compute_kpis
from parley.analytics.report import render_report
from support.analytics import at, event, period

REQUIRED = ["conversations", "customers", "messages_in", "messages_out", "containment_rate", "handoff_rate",
            "fallback_rate", "csat_average", "csat_responses", "first_response_p50_ms", "first_response_p95_ms",
            "languages", "channels", "intents"]  # fmt: skip
CUSTOMER = "9f2c4e1ab37d5c60"  # a customer's pseudonym: never in a report
CONVERSATION = "5d41402abc4b2a76"


def busy_period():
    events = []
    for i in range(1234):
        conversation = CONVERSATION if i == 0 else f"conv{i:05d}"
        language = ["es", "en", "de"][i % 3]
        events += [
            event("message_received", i % 1400, conversation, customer=CUSTOMER, language=language, message=f"m{i}"),
            event("intent_recognised", i % 1400, conversation, intent="cancel_order", flow="cancel_order"),
            event("reply_sent", i % 1400 + 0.02, conversation, message=f"m{i}", latency_ms=1000 + i),
        ]
        if i % 2:
            events.append(event("flow_completed", i % 1400 + 0.03, conversation, flow="cancel_order"))
        if i % 8 == 0:
            events.append(event("rating_submitted", i % 1400 + 0.04, conversation, rating=1 + i % 5))
        if i % 10 == 0:
            events.append(event("handoff_started", i % 1400 + 0.05, conversation, reason="asked_for_person"))
    events.sort(key=lambda e: e["at_ms"])
    # Each asked by three customers: the report shows an unrecognised text only once that many sent it.
    unrecognised = [
        {"at_ms": at(1), "language": "es", "text": "escríbeme a maria.garcia@example.com o al 612 345 678"},
        {"at_ms": at(2), "language": "en", "text": "see https://example.com/track/ABC"},
    ]
    unrecognised = [record | {"customer": f"k{i}"} for i in range(3) for record in unrecognised]
    start, end = period()
    previous = compute_kpis([event("message_received", 5, "old", day=-1)], *period(first=-1))
    return compute_kpis(events, start, end, unrecognised, previous=previous)


@pytest.fixture(scope="module")
def kpis():
    return busy_period()


def test_kpis_json_has_the_agreed_names_and_maps(kpis, tmp_path) -> None:
    render_report(kpis, tmp_path)

    data = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))

    assert all(name in data for name in REQUIRED)
    assert data["conversations"] == 1234
    assert data["languages"] == {"es": 412, "en": 411, "de": 411}
    assert data["channels"] == {"whatsapp": 1234} and data["intents"] == {"cancel_order": 1234}
    assert data["change"]["conversations"] == {"previous": 1, "change": 1233}


def test_kpis_csv_is_one_row_per_metric_with_previous_and_change(kpis, tmp_path) -> None:
    render_report(kpis, tmp_path)

    with (tmp_path / "kpis.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))

    assert rows[0] == ["name", "value", "previous", "change"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_name) == len(rows) - 1  # no metric twice
    assert by_name["conversations"] == ["1234", "1", "1233"]
    assert by_name["languages.es"] == ["412", "0", "412"]
    assert by_name["csat_average"][1:] == ["", ""]  # no ratings last period: no previous, no change
    assert float(by_name["handoff_rate"][0]) == pytest.approx(124 / 1234, abs=1e-6)


def test_report_html_is_fit_for_an_email_client(kpis, tmp_path) -> None:
    written = render_report(kpis, tmp_path)

    html = (tmp_path / "report.html").read_text(encoding="utf-8")

    assert "<script" not in html.lower() and "<style" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"(https?:)?//", html), "nothing may be fetched from outside"
    assert not re.search(r"\bon[a-z]+=", html), "no event handlers"
    for tag in re.findall(r"<(table|td|th|h1|h2|p|img)\b([^>]*)>", html):
        assert 'style="' in tag[1], f"<{tag[0]}> without inline style"
    widths = [int(w) for w in re.findall(r'width[:=]"?(\d+)(?:px)?', html)]
    assert max(widths) <= 640
    images = re.findall(r'<img src="([^"]+)"[^>]*alt="([^"]+)"', html)
    assert {src for src, _ in images} == {"chart-volume.png", "chart-languages.png", "chart-ratings.png",
                                          "chart-intents.png"}  # fmt: skip
    for src, alt in images:
        assert (tmp_path / src).is_file() and (tmp_path / src) in written and len(alt) > 20
        with Image.open(tmp_path / src) as image:
            assert image.format == "PNG" and image.width <= 2 * 600


def test_nothing_in_the_report_identifies_a_customer(kpis, tmp_path) -> None:
    render_report(kpis, tmp_path)

    for name in ("report.html", "kpis.json", "kpis.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "maria.garcia" not in text and "@example.com" not in text
        assert "612" not in text and "345 678" not in text and "example.com/track" not in text
        assert CUSTOMER not in text and CONVERSATION not in text
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # What customers write stays readable ("escríbeme" is in the Spanish examples); the email and number do not.
    assert "escríbeme a [email] o al #" in html and "see [link]" in html


def test_numbers_are_written_for_the_report_locale(kpis, tmp_path) -> None:
    render_report(kpis, tmp_path / "en")
    render_report(kpis, tmp_path / "de", locale="de")

    english = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    german = (tmp_path / "de" / "report.html").read_text(encoding="utf-8")

    assert ">1,234<" in english and ">90.0%<" in english
    assert ">1.234<" in german and ">90,0\xa0%<" in german
    assert '<html lang="de">' in german


def test_rerunning_replaces_the_files_and_drops_charts_that_no_longer_apply(kpis, tmp_path) -> None:
    render_report(kpis, tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")

    render_report(compute_kpis([], *period()), tmp_path)

    assert not list(tmp_path.glob("chart-*.png"))
    assert json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))["conversations"] == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"  # not ours: left alone


def test_an_empty_period_is_a_report_that_says_so(tmp_path) -> None:
    written = render_report(compute_kpis([], *period()), tmp_path)

    html = (tmp_path / "report.html").read_text(encoding="utf-8")

    assert "No conversations in this period." in html
    assert sorted(p.name for p in written) == ["kpis.csv", "kpis.json", "report.html"]


def test_text_drawn_into_charts_falls_back_to_ascii_where_the_locale_needs_other_glyphs(monkeypatch, tmp_path) -> None:
    from parley.analytics import charts

    drawn: dict[str, list[str]] = {}
    real_columns, real_bars = charts.columns, charts.horizontal_bars

    def columns(path, labels, values, number, every=1):
        drawn.setdefault(path.name, []).extend([*labels, *(number(v) for v in values)])
        return real_columns(path, labels, values, number, every)

    def bars(path, rows, number):
        drawn.setdefault(path.name, []).extend([label for label, _ in rows] + [number(v) for _, v in rows])
        return real_bars(path, rows, number)

    monkeypatch.setattr(charts, "columns", columns)
    monkeypatch.setattr(charts, "horizontal_bars", bars)
    events = [event("message_received", i, f"c{i}", language="fr") for i in range(1500)]
    start, end = period(days=7)

    render_report(compute_kpis(events, start, end), tmp_path, locale="fr")

    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "français (fr)" in html and "1\u202f500" in html  # the page itself is in French
    assert drawn["chart-languages.png"] == ["French (fr)", "1500"]  # the bundled font draws ASCII only
    assert all(text.isascii() for text in drawn["chart-volume.png"])
    assert "2 mars" in drawn["chart-volume.png"]  # French that is ASCII stays French
