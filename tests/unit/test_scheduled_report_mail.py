"""The report mail: HTML with its charts inline as cid: parts, the CSV attached; who may receive it."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from parley.analytics.mail import ReportFiles, report_email
from parley.config import MAX_RECIPIENTS, ConfigError, load_report_settings, load_settings, parse_recipients

# Enough of a PNG for a mail client to recognise it; the bytes must arrive unchanged.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
PAGE = """<!doctype html><html><body style="margin:0">
<h1 style="font-size:20px">Daily report</h1>
<img src="messages.png" alt="Messages per hour" width="600">
<p>Languages</p><img alt="Languages" src='charts/languages.png'>
<img src="./messages.png" alt="Messages again">
<a href="https://example.com/help">help</a>
</body></html>"""


@pytest.fixture
def rendered(tmp_path: Path) -> ReportFiles:
    (tmp_path / "charts").mkdir()
    (tmp_path / "report.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "kpis.csv").write_text("name,value,previous,change\nconversations,3,2,0.5\n", encoding="utf-8")
    (tmp_path / "kpis.json").write_text('{"conversations": 3}', encoding="utf-8")
    (tmp_path / "messages.png").write_bytes(PNG)
    (tmp_path / "charts" / "languages.png").write_bytes(PNG[::-1])
    files = [tmp_path / n for n in ("report.html", "kpis.csv", "kpis.json", "messages.png", "charts/languages.png")]
    return ReportFiles.of(tmp_path, files)


def build(files: ReportFiles, recipients: tuple[str, ...] = ("ops@example.com", "ceo@example.com")) -> EmailMessage:
    built = report_email(
        files,
        subject="Parley daily report: 2025-03-09",
        sender="reports@example.com",
        recipients=recipients,
        plain_text="Parley's daily report for 2025-03-09.",
    )
    # What a mail client gets: the bytes SES sends, parsed back.
    parsed = email.message_from_bytes(built.as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_mail_is_html_with_a_text_alternative_and_the_csv_attached(rendered):
    message = build(rendered)

    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    plain, related = body.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert "2025-03-09" in plain.get_content()
    assert related.get_content_type() == "multipart/related"
    assert next(related.iter_parts()).get_content_type() == "text/html"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "kpis.csv"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_content().replace("\r\n", "\n") == rendered.csv.read_text()
    assert message["Subject"] == "Parley daily report: 2025-03-09"
    assert message["From"].addresses[0].addr_spec == "reports@example.com"
    assert [a.addr_spec for a in message["To"].addresses] == ["ops@example.com", "ceo@example.com"]


def test_every_chart_travels_inline_with_a_content_id_its_img_names(rendered):
    message = build(rendered)
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    html_part, *images = related.iter_parts()
    html = html_part.get_content()

    assert [i.get_content_type() for i in images] == ["image/png", "image/png"]
    by_cid = {i["Content-ID"].strip().strip("<>"): i for i in images}
    assert all(i.get_content_disposition() == "inline" for i in images)
    sources = html.split("src=")[1:]
    cids = [s[1 : s.index(s[0], 1)] for s in sources]
    assert all(c.startswith("cid:") for c in cids), cids
    # messages.png is named twice (once as ./messages.png) and travels once.
    assert cids[0] == cids[2] and cids[0] != cids[1]
    assert {c.removeprefix("cid:") for c in cids} == set(by_cid)
    assert by_cid[cids[0].removeprefix("cid:")].get_content() == PNG
    assert by_cid[cids[1].removeprefix("cid:")].get_content() == PNG[::-1]
    # Everything else in the page is as rendered: the alt texts, the styles and a link that is not an image.
    assert 'alt="Messages per hour"' in html and 'style="font-size:20px"' in html
    assert 'href="https://example.com/help"' in html


def test_the_page_kept_in_s3_keeps_its_relative_images(rendered):
    build(rendered)

    assert rendered.html.read_text(encoding="utf-8") == PAGE


def test_a_report_without_a_page_cannot_be_mailed(tmp_path):
    (tmp_path / "kpis.csv").write_text("name,value\n")

    with pytest.raises(ValueError, match=r"report\.html"):
        ReportFiles.of(tmp_path, [tmp_path / "kpis.csv"])


# ------------------------------------------------------------------------------------------------ recipients


def test_recipients_are_comma_separated_addresses_each_once():
    assert parse_recipients("") == ()
    assert parse_recipients("  ") == ()
    assert parse_recipients("ops@example.com") == ("ops@example.com",)
    assert parse_recipients(" ops@example.com , Ceo@Example.co.uk,ops@EXAMPLE.com ") == (
        "ops@example.com",
        "Ceo@Example.co.uk",
    )


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ("ops@example.com,,ceo@example.com", "entry 2 is empty"),
        ("ops@example.com; ceo@example.com", "entry 1 is not an email address"),
        ("ops@example.com, Jane Doe", "entry 2 is not an email address"),
        ("ops@example", "entry 1 is not an email address"),
        ("<ops@example.com>", "entry 1 is not an email address"),
    ],
)
def test_a_bad_recipient_list_is_refused_by_position_without_repeating_addresses(raw, complaint):
    with pytest.raises(ConfigError) as refused:
        parse_recipients(raw)

    assert complaint in str(refused.value)
    assert "example" not in str(refused.value)


def test_more_recipients_than_ses_takes_are_refused():
    many = ",".join(f"person{i}@example.com" for i in range(MAX_RECIPIENTS + 1))

    with pytest.raises(ConfigError, match="mailing list"):
        parse_recipients(many)
    assert len(parse_recipients(many.rsplit(",", 1)[0])) == MAX_RECIPIENTS


def test_report_settings_are_read_and_checked_up_front():
    env = {"EVENTS_BUCKET": "events", "REPORTS_BUCKET": "reports"}
    plain = load_report_settings(env, scheduled=True)
    assert (load_settings(env).events_bucket, plain.reports_bucket, plain.recipients, plain.sender) == (
        "events",
        "reports",
        (),
        "",
    )
    assert str(plain.timezone) == "UTC"

    mailed = load_report_settings(
        env
        | {"REPORT_TIMEZONE": "Europe/Madrid", "REPORT_SENDER": "reports@example.com", "REPORT_RECIPIENTS": "a@b.io"},
        scheduled=True,
    )
    assert str(mailed.timezone) == "Europe/Madrid"
    assert (mailed.sender, mailed.recipients) == ("reports@example.com", ("a@b.io",))


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"EVENTS_BUCKET": ""}, "EVENTS_BUCKET must name"),
        ({"EVENTS_BUCKET": "events", "REPORTS_BUCKET": " "}, "REPORTS_BUCKET"),
        ({"REPORT_TIMEZONE": "Europe/Atlantis"}, "REPORT_TIMEZONE"),
        ({"REPORT_RECIPIENTS": "ops@example.com"}, "REPORT_SENDER is not"),
        ({"REPORT_SENDER": "Reports <reports@example.com>"}, "REPORT_SENDER is not an email address"),
    ],
)
def test_report_settings_fail_fast_with_a_clear_message(env, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_report_settings({"EVENTS_BUCKET": "events", "REPORTS_BUCKET": "reports"} | env, scheduled=True)
