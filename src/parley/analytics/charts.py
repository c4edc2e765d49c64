"""The report's charts: small PNG bar charts drawn with Pillow, sized for a 600-pixel email column.

Pillow rather than matplotlib: bars, labels and a legend are all the report needs, Pillow draws them in a few
lines with its bundled font, imports in milliseconds and weighs a fraction of matplotlib with its dependencies.
Images are drawn at twice their displayed size so they stay sharp on high-density screens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

WIDTH = 600  # CSS pixels, as the <img> shows it
SCALE = 2
INK = (34, 40, 49)
MUTED = (110, 118, 129)
GRID = (225, 229, 234)
BAR = (37, 99, 235)
BACKGROUND = (255, 255, 255)
OUTCOME_COLOURS = ((22, 163, 74), (220, 38, 38), (217, 119, 6), (148, 163, 184))

Format = Callable[[float], str]


def _canvas(height: int) -> tuple[Any, Any]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), BACKGROUND)
    return image, ImageDraw.Draw(image)


def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.load_default(size=size * SCALE)


def _save(image: Any, path: Path) -> Path:
    image.save(path, format="PNG", optimize=True)
    return path


def _fit(draw: Any, text: str, font: Any, width: int) -> str:
    """The text, shortened with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def horizontal_bars(path: Path, rows: Sequence[tuple[str, float]], number: Format) -> Path:
    """One labelled bar per row, longest first as given, with its value at the bar's end."""
    row_height, label_width, value_width = 26, 150, 80
    image, draw = _canvas(row_height * len(rows) + 12)
    font = _font(12)
    top = max((value for _, value in rows), default=0) or 1
    span = WIDTH - label_width - value_width - 16
    for i, (label, value) in enumerate(rows):
        y = (6 + i * row_height) * SCALE
        draw.text((8 * SCALE, y + 4 * SCALE), _fit(draw, label, font, (label_width - 12) * SCALE), fill=INK, font=font)
        length = max(1, round(span * value / top)) if value else 0
        x0 = label_width * SCALE
        draw.rectangle([x0, y + 3 * SCALE, x0 + length * SCALE, y + (row_height - 5) * SCALE], fill=BAR)
        draw.text((x0 + (length + 6) * SCALE, y + 4 * SCALE), number(value), fill=MUTED, font=font)
    return _save(image, path)


def columns(path: Path, labels: Sequence[str], values: Sequence[float], number: Format, every: int = 1) -> Path:
    """Vertical bars over time (or over ratings), every `every`-th label written under its bar, values on top
    when there is room for them."""
    height, bottom, top_margin, left = 200, 28, 22, 10
    image, draw = _canvas(height)
    font = _font(11)
    top = max(values, default=0) or 1
    slot = (WIDTH - 2 * left) / max(1, len(values))
    gap = max(1.0, slot * 0.18)
    plot = height - bottom - top_margin
    draw.line([left * SCALE, (height - bottom) * SCALE, (WIDTH - left) * SCALE, (height - bottom) * SCALE],
              fill=GRID, width=SCALE)  # fmt: skip
    show_values = slot >= 34
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x0 = left + i * slot + gap / 2
        x1 = left + (i + 1) * slot - gap / 2
        bar = plot * value / top
        y0 = height - bottom - bar
        if value:
            draw.rectangle([x0 * SCALE, y0 * SCALE, x1 * SCALE, (height - bottom) * SCALE], fill=BAR)
        centre = (x0 + x1) / 2 * SCALE
        if show_values:
            draw.text((centre, (y0 - 4) * SCALE), number(value), fill=MUTED, font=font, anchor="md")
        if i % every == 0:
            draw.text((centre, (height - bottom + 6) * SCALE), label, fill=INK, font=font, anchor="ma")
    if not show_values:
        draw.text(((WIDTH - left) * SCALE, 4 * SCALE), f"max {number(top)}", fill=MUTED, font=font, anchor="ra")
    return _save(image, path)


def stacked_bars(
    path: Path, rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], number: Format
) -> Path:
    """One bar per row split into its series (intent outcomes), with the total at the end and a legend below."""
    row_height, label_width, value_width, legend = 26, 150, 60, 30
    image, draw = _canvas(row_height * len(rows) + legend + 8)
    font = _font(12)
    top = max((sum(values) for _, values in rows), default=0) or 1
    span = WIDTH - label_width - value_width - 16
    for i, (label, values) in enumerate(rows):
        y = (6 + i * row_height) * SCALE
        draw.text((8 * SCALE, y + 4 * SCALE), _fit(draw, label, font, (label_width - 12) * SCALE), fill=INK, font=font)
        x = float(label_width)
        for value, colour in zip(values, OUTCOME_COLOURS, strict=False):
            width = span * value / top
            if value:
                draw.rectangle([x * SCALE, y + 3 * SCALE, (x + width) * SCALE, y + (row_height - 5) * SCALE],
                               fill=colour)  # fmt: skip
            x += width
        draw.text(((x + 6) * SCALE, y + 4 * SCALE), number(sum(values)), fill=MUTED, font=font)
    y = (row_height * len(rows) + 14) * SCALE
    x = label_width * SCALE
    for name, colour in zip(series, OUTCOME_COLOURS, strict=False):
        draw.rectangle([x, y + 2 * SCALE, x + 12 * SCALE, y + 14 * SCALE], fill=colour)
        draw.text((x + 18 * SCALE, y + 1 * SCALE), name, fill=INK, font=font)
        x += round(draw.textlength(name, font=font)) + 40 * SCALE
    return _save(image, path)
