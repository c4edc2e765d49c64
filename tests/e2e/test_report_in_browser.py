"""report.html in a real browser: headless Chromium renders it, charts included, from the folder alone.

Chromium comes from Debian (`make browser` installs it where it can). Without it this test fails and says so: a
skipped browser check would hide a report that does not render.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageStat

from parley.analytics.period import report_period
from support.analytics import DAY0, conversation_turn, event, period, write_events, write_partition

BAR_BLUE = (37, 99, 235)  # the charts' bars (parley.analytics.charts.BAR)


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.fail(
        "Chromium is not installed, and the report's browser check needs it: run `make browser` (as root, it "
        "installs Debian's chromium package) or `apt-get install chromium`, or set CHROMIUM to a browser."
    )


def test_report_renders_in_headless_chromium_with_its_charts_and_no_personal_data(tmp_path) -> None:
    events = []
    for n in range(40):
        events += conversation_turn(f"c{n}", 30 * n, f"m{n}", language=["es", "en", "ar", "zh"][n % 4],
                                    customer="9f2c4e1ab37d5c60")  # fmt: skip
        events.append(event("rating_submitted", 30 * n + 1, f"c{n}", rating=1 + n % 5))
    write_events(tmp_path / "bucket", events)
    write_partition(tmp_path / "bucket", "unrecognised", DAY0, "a.json", [
        {"at_ms": events[0]["at_ms"], "language": "es", "text": "llamadme al 612 345 678, soy ana@example.com"},
    ])  # fmt: skip
    out = tmp_path / "report"
    report_period(tmp_path / "bucket", *period(), out)
    html = (out / "report.html").read_text(encoding="utf-8")
    shot = tmp_path / "shot.png"

    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={shot}", "--window-size=800,2000", (out / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert shot.is_file(), f"Chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (800, 2000)
        assert max(ImageStat.Stat(rgb).stddev) > 20, "the page rendered blank"
        blue = next((count for count, colour in rgb.getcolors(maxcolors=1 << 24) if colour == BAR_BLUE), 0)
    assert blue > 2000, "the charts did not show: their images were not found beside the page"
    assert not re.search(r"(https?:)?//", html) and "<script" not in html.lower()
    assert "612" not in html and "example.com" not in html and "9f2c4e1ab37d5c60" not in html
