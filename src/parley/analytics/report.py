"""The KPI report's files: kpis.json, kpis.csv, and report.html with its charts, for people to read in email.

The HTML is built for email clients: nested tables 640 pixels wide, inline styles only (clients drop <style>
blocks and never run scripts), no web fonts or links to anything outside, charts as PNG files beside the page
with alt text that says what they show. Nothing in it identifies a customer: only counts, codes and the
unrecognised texts, which are anonymised once more here.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

from parley.analytics import charts
from parley.analytics.kpis import Kpis
from parley.analytics.numbers import NO_DATA, Numbers
from parley.analytics.tally import OUTCOMES
from parley.privacy.scrubbing import anonymise, folded

JSON_FILE, CSV_FILE, HTML_FILE = "kpis.json", "kpis.csv", "report.html"
CHART_PREFIX = "chart-"
TOP_LANGUAGES = 12
TOP_INTENTS = 12

# name: (label, kind, which way is better)
METRICS: dict[str, tuple[str, str, str]] = {
    "conversations": ("Conversations", "count", ""),
    "customers": ("Active customers", "count", ""),
    "messages_in": ("Messages received", "count", ""),
    "messages_out": ("Replies sent", "count", ""),
    "containment_rate": ("Resolved without a person", "rate", "up"),
    "handoff_rate": ("Handed to a person", "rate", "down"),
    "handoffs": ("Handoffs", "count", ""),
    "fallback_rate": ("Messages not understood", "rate", "down"),
    "fallbacks": ("Fallback answers", "count", ""),
    "first_response_p50_ms": ("First response, median", "ms", "down"),
    "first_response_p95_ms": ("First response, 95th percentile", "ms", "down"),
    "first_responses": ("Turns measured", "count", ""),
    "csat_average": ("Average rating (1–5)", "average", "up"),
    "csat_responses": ("Ratings received", "count", ""),
    "csat_response_rate": ("Rating response rate", "rate", "up"),
    "csat_comments": ("Comments left", "count", ""),
    "unrecognised_messages": ("Unrecognised messages", "count", "down"),
    "translation_calls": ("Translation calls", "count", ""),
    "translation_cache_hits": ("Translations from the cache", "count", ""),
    "translation_cache_hit_rate": ("Cache hit rate", "rate", "up"),
    "translation_characters": ("Characters translated", "count", ""),
    "translation_cost_usd": ("Estimated translation cost", "money", "down"),
    "delivery_failures": ("Failed deliveries", "count", "down"),
    "delivery_failure_rate": ("Delivery failure rate", "rate", "down"),
}
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Conversations", ("conversations", "customers", "messages_in", "messages_out")),
    ("Resolution", ("containment_rate", "handoff_rate", "handoffs", "fallback_rate", "fallbacks")),
    ("Response time", ("first_response_p50_ms", "first_response_p95_ms", "first_responses")),
    ("Satisfaction", ("csat_average", "csat_responses", "csat_response_rate", "csat_comments")),
    (
        "Translation",
        (
            "translation_calls",
            "translation_cache_hits",
            "translation_cache_hit_rate",
            "translation_characters",
            "translation_cost_usd",
        ),
    ),
    ("Delivery", ("delivery_failure_rate", "delivery_failures")),
)
_ENGLISH = Numbers("en")
HEADLINE = ("conversations", "containment_rate", "csat_average", "first_response_p95_ms")

FONT = "font-family:Arial,Helvetica,sans-serif;"
INK, MUTED, LINE, GOOD, BAD = "#222831", "#6e7681", "#e1e5ea", "#15803d", "#b91c1c"
CELL = f"padding:6px 8px;border-bottom:1px solid {LINE};font-size:14px;{FONT}"
HEAD = f"padding:6px 8px;border-bottom:2px solid {LINE};font-size:12px;color:{MUTED};text-align:left;{FONT}"
H2 = f"margin:0 0 8px 0;font-size:18px;color:{INK};{FONT}"


def render_report(kpis: Kpis, out_dir: Path, locale: str = "en") -> list[Path]:
    """Write kpis.json, kpis.csv, report.html and its charts into out_dir (created if needed), replacing the
    files of an earlier run; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob(f"{CHART_PREFIX}*.png"), *(out_dir / n for n in (JSON_FILE, CSV_FILE, HTML_FILE))]:
        old.unlink(missing_ok=True)
    # Anonymised again here: the texts are keys the KPI engine made, but a report is mailed, and must hold nothing
    # personal whatever produced its figures.
    top = tuple((folded(anonymise(t, language=lang)), c, lang) for t, c, lang in kpis.top_unrecognised)
    kpis = replace(kpis, top_unrecognised=top)
    numbers = Numbers(locale)
    written = [
        _write(out_dir / JSON_FILE, json.dumps(kpis.to_json(), ensure_ascii=False, indent=2) + "\n"),
        _write(out_dir / CSV_FILE, _csv(kpis)),
    ]
    images = _charts(kpis, out_dir, numbers)
    written.append(_write(out_dir / HTML_FILE, _html(kpis, numbers, images)))
    return written + [path for path, _ in images.values()]


def _write(path: Path, text: str) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a file
    return path


def _csv(kpis: Kpis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "value", "previous", "change"])
    for name, value, previous, change in kpis.changes():
        writer.writerow([name, _plain(value), _plain(previous), _plain(change)])
    return out.getvalue()


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return repr(round(value, 6)) if isinstance(value, float) else str(value)


# Charts -----------------------------------------------------------------------------------------------------


def _charts(kpis: Kpis, out_dir: Path, numbers: Numbers) -> dict[str, tuple[Path, str]]:
    """The chart files that have something to show, each with its alt text (in the report's locale)."""
    images: dict[str, tuple[Path, str]] = {}
    count = numbers.count

    # Pillow's bundled font has ASCII glyphs only, and Lambda has no others: text drawn into a chart falls back
    # to a locale-neutral form when the locale's is not ASCII ("2. März" → "03-02", "1 234" → "1234").
    def drawn(value: float) -> str:
        text = count(value)
        return text if text.isascii() else str(round(value))

    def language(code: str) -> str:
        name = numbers.language(code)
        return name if name.isascii() else _ENGLISH.language(code)

    if kpis.messages_in or kpis.messages_out:
        label = numbers.hour if kpis.volume_unit == "hour" else numbers.day
        neutral = "%H:%M" if kpis.volume_unit == "hour" else "%m-%d"
        starts = [at for at, _, _ in kpis.volume]
        labels = [label(at) for at in starts]
        values = [received for _, received, _ in kpis.volume]
        busiest = max(range(len(values)), key=values.__getitem__)
        alt = (f"Messages received per {kpis.volume_unit}: {count(sum(values))} in all, most on {labels[busiest]}"
               f" ({count(values[busiest])})")  # fmt: skip
        axis = [text if text.isascii() else at.strftime(neutral) for text, at in zip(labels, starts, strict=True)]
        path = charts.columns(out_dir / f"{CHART_PREFIX}volume.png", axis, values, drawn, every=_every(len(axis)))
        images["volume"] = (path, alt)
    if kpis.languages:
        rows = _top(kpis.languages, TOP_LANGUAGES)
        alt = "Conversations by language: " + ", ".join(f"{numbers.language(k)} {count(v)}" for k, v in rows)
        named = [(language(k), v) for k, v in rows]
        images["languages"] = (charts.horizontal_bars(out_dir / f"{CHART_PREFIX}languages.png", named, drawn), alt)
    if kpis.csat_responses:
        ratings = [kpis.csat_distribution.get(r, 0) for r in range(1, 6)]
        alt = "Ratings from 1 to 5 stars: " + ", ".join(
            f"{r}: {count(n)}" for r, n in zip(range(1, 6), ratings, strict=True)
        )
        stars = [str(r) for r in range(1, 6)]
        images["ratings"] = (charts.columns(out_dir / f"{CHART_PREFIX}ratings.png", stars, ratings, drawn), alt)
    outcomes = _outcome_rows(kpis)
    if outcomes:
        alt = "Intent outcomes: " + "; ".join(
            f"{intent} " + ", ".join(f"{kind} {count(v)}" for kind, v in zip(OUTCOMES, values, strict=True))
            for intent, values in outcomes
        )
        path = charts.stacked_bars(out_dir / f"{CHART_PREFIX}intents.png", outcomes, OUTCOMES, drawn)
        images["intents"] = (path, alt)
    return images


def _every(n: int) -> int:
    """Label every k-th bar so that at most about 12 labels share the axis."""
    return max(1, -(-n // 12))


def _top(mapping: Any, n: int) -> list[tuple[str, int]]:
    return sorted(mapping.items(), key=lambda item: (-item[1], item[0]))[:n]


def _outcome_rows(kpis: Kpis) -> list[tuple[str, list[float]]]:
    totals = {intent: sum(o.values()) for intent, o in kpis.intent_outcomes.items()}
    ranked = sorted((i for i in totals if totals[i]), key=lambda i: (-totals[i], i))[:TOP_INTENTS]
    return [(intent, [float(kpis.intent_outcomes[intent].get(kind, 0)) for kind in OUTCOMES]) for intent in ranked]


# HTML -------------------------------------------------------------------------------------------------------


def _html(kpis: Kpis, numbers: Numbers, images: dict[str, tuple[Path, str]]) -> str:
    period = _period_text(kpis, numbers)
    parts = [_headline(kpis, numbers)]
    if not kpis.conversations and not kpis.messages_in:
        parts.append(
            f'<tr><td style="padding:4px 24px;{FONT}"><p style="margin:0;padding:12px;background:#f3f4f6;'
            f'font-size:15px;color:{INK};{FONT}">No conversations in this period.</p></td></tr>'
        )
    values, previous = kpis.scalars(), kpis.previous.scalars() if kpis.previous else None
    extras: dict[str, Callable[[], str]] = {
        "Conversations": lambda: _image(images, "volume"),
        "Resolution": lambda: _counts_table("Handoff reason", kpis.handoff_reasons, numbers),
        "Satisfaction": lambda: _image(images, "ratings"),
    }
    for title, names in SECTIONS:
        body = _metrics_table(names, values, previous, numbers) + extras.get(title, str)()
        if title == "Translation":
            body += _note(
                f"Cost estimated at {numbers.money(kpis.translation_price_per_million)} per million characters."
            )
        parts.append(_section(title, body))
        if title == "Satisfaction":
            languages = {numbers.language(k): v for k, v in kpis.languages.items()}
            mix = _counts_table("Language", languages, numbers) + _counts_table("Channel", kpis.channels, numbers)
            mix = mix or _note("No customer messages in this period.")
            parts.append(_section("Languages and channels", _image(images, "languages") + mix))
            parts.append(_section("Intents", _image(images, "intents") + _intents_table(kpis, numbers)))
            parts.append(_section("Top unrecognised messages", _unrecognised_table(kpis, numbers)))
    footer = ["Every figure follows the KPI definitions in Parley's README (Analytics)."]
    if kpis.previous:
        footer.append(f"Changes compare with {_period_text(kpis.previous, numbers)}.")
    if kpis.estimated:
        footer.append("Some counts in this period were estimated (within about 1 %) because of its volume.")
    if kpis.skipped_lines:
        footer.append(f"{numbers.count(kpis.skipped_lines)} malformed event lines were skipped.")
    parts.append(
        f'<tr><td style="padding:16px 24px;font-size:12px;color:{MUTED};{FONT}">{escape(" ".join(footer))}</td></tr>'
    )
    lang = escape(str(numbers.locale.language))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Parley report: {escape(period)}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#f3f4f6;">\n'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="background:#f3f4f6;">'
        f'<tr><td align="center" style="padding:16px 0;">\n'
        f'<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" '
        f'style="width:640px;max-width:640px;background:#ffffff;border-collapse:collapse;color:{INK};{FONT}">\n'
        f'<tr><td style="padding:20px 24px 4px 24px;{FONT}"><h1 style="margin:0;font-size:22px;color:{INK};{FONT}">'
        f'Parley report</h1><p style="margin:4px 0 0 0;font-size:14px;color:{MUTED};{FONT}">'
        f"{escape(period)}</p></td></tr>\n" + "\n".join(parts) + "\n</table>\n</td></tr></table>\n</body></html>\n"
    )


def _period_text(kpis: Kpis, numbers: Numbers) -> str:
    last = kpis.end - (kpis.end - kpis.start) / 10**9  # the end is exclusive: show the last day included
    first, final = numbers.date(kpis.start), numbers.date(last)
    return first if first == final else f"{first} – {final}"


def _headline(kpis: Kpis, numbers: Numbers) -> str:
    values = kpis.scalars()
    previous = kpis.previous.scalars() if kpis.previous else None
    cells = []
    for name in HEADLINE:
        label, kind, _ = METRICS[name]
        change = _change(name, values[name], previous[name] if previous else None, numbers)
        cells.append(
            f'<td width="25%" valign="top" style="width:25%;padding:12px 8px;border:1px solid {LINE};{FONT}">'
            f'<div style="font-size:12px;color:{MUTED};{FONT}">{escape(label)}</div>'
            f'<div style="font-size:22px;font-weight:bold;color:{INK};padding:4px 0;{FONT}">'
            f"{escape(_value(kind, values[name], numbers))}</div>{change}</td>"
        )
    return (
        f'<tr><td style="padding:16px 24px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'border="0" style="border-collapse:collapse;"><tr>{"".join(cells)}</tr></table></td></tr>'
    )


def _section(title: str, body: str) -> str:
    return f'<tr><td style="padding:12px 24px;{FONT}"><h2 style="{H2}">{escape(title)}</h2>{body}</td></tr>'


def _note(text: str) -> str:
    return f'<p style="margin:8px 0;font-size:13px;color:{MUTED};{FONT}">{escape(text)}</p>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: int = 1) -> str:
    """A data table; cells from column `right` on are right-aligned numbers. Cells are HTML already."""
    head = "".join(
        f'<th style="{HEAD}{"text-align:right;" if i >= right else ""}">{escape(h)}</th>' for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f'<td style="{CELL}{"text-align:right;" if i >= right else ""}">{c}</td>' for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="border-collapse:collapse;margin:0 0 8px 0;"><tr>{head}</tr>{body}</table>'
    )


def _metrics_table(
    names: Sequence[str], values: dict[str, Any], previous: dict[str, Any] | None, numbers: Numbers
) -> str:
    rows = []
    for name in names:
        label, kind, _ = METRICS[name]
        before = previous[name] if previous else None
        rows.append([escape(label), escape(_value(kind, values[name], numbers)),
                     escape(_value(kind, before, numbers)) if previous else NO_DATA,
                     _change(name, values[name], before, numbers)])  # fmt: skip
    return _table(["Metric", "This period", "Previous", "Change"], rows)


def _counts_table(heading: str, mapping: Any, numbers: Numbers) -> str:
    if not mapping:
        return ""
    total = sum(mapping.values()) or 1
    rows = [
        [escape(str(k)), escape(numbers.count(v)), escape(numbers.percent(v / total))] for k, v in _top(mapping, 20)
    ]
    return _table([heading, "Count", "Share"], rows)


def _intents_table(kpis: Kpis, numbers: Numbers) -> str:
    names = sorted(set(kpis.intents) | set(kpis.intent_outcomes), key=lambda i: (-kpis.intents.get(i, 0), i))
    if not names:
        return _note("No intents were recognised in this period.")
    rows = [
        [escape(i), escape(numbers.count(kpis.intents.get(i, 0)))]
        + [escape(numbers.count(kpis.intent_outcomes.get(i, {}).get(kind, 0))) for kind in OUTCOMES]
        for i in names[:20]
    ]
    return _table(["Intent", "Asked", *(k.capitalize() for k in OUTCOMES)], rows)


def _unrecognised_table(kpis: Kpis, numbers: Numbers) -> str:
    k = numbers.count(kpis.unrecognised_min_customers)
    if not kpis.top_unrecognised:
        if kpis.unrecognised_messages:
            return _note(f"No unrecognised message was sent by {k} different customers or more in this period.")
        return _note("No unrecognised messages in this period.")
    rows = [
        [escape(numbers.count(rank)), escape(text), escape(numbers.language(language)), escape(numbers.count(count))]
        for rank, (text, count, language) in enumerate(kpis.top_unrecognised, start=1)
    ]
    heading = f"Message (common words only: names, addresses, numbers, emails, links removed; from {k}+ customers)"
    return _table(["#", escape(heading), "First seen in", "Times"], rows, right=3)


def _image(images: dict[str, tuple[Path, str]], key: str) -> str:
    if key not in images:
        return ""
    path, alt = images[key]
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
    shown_w, shown_h = width // charts.SCALE, height // charts.SCALE
    return (
        f'<img src="{escape(path.name)}" width="{shown_w}" height="{shown_h}" alt="{escape(alt)}" '
        f'style="display:block;width:{shown_w}px;max-width:100%;height:auto;border:0;margin:4px 0 12px 0;">'
    )


def _value(kind: str, value: Any, numbers: Numbers) -> str:
    if kind == "rate":
        return numbers.percent(value)
    if kind == "ms":
        return numbers.seconds(value)
    if kind == "average":
        return numbers.decimal(value)
    if kind == "money":
        return numbers.money(value)
    return numbers.count(value)


def _change(name: str, value: Any, before: Any, numbers: Numbers) -> str:
    """The change as people read it: points for rates, a difference for the rating, percent for the rest;
    green when it went the good way, red when the bad way."""
    if value is None or before is None:
        return f'<span style="color:{MUTED};font-size:12px;">{NO_DATA}</span>'
    _, kind, better = METRICS[name]
    difference = value - before
    if not difference:
        return f'<span style="color:{MUTED};font-size:12px;">no change</span>'
    if kind == "rate":
        text = numbers.signed(difference * 100) + " pp"
    elif kind == "average":
        text = numbers.signed(difference, 2)
    elif before:
        text = numbers.signed_percent(difference / before)
    else:
        text = "new"
    colour = MUTED
    if difference and better:
        colour = GOOD if (difference > 0) == (better == "up") else BAD
    return f'<span style="color:{colour};font-size:12px;">{escape(text)}</span>'
