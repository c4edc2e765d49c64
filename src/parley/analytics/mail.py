"""The report as an email: the HTML page with its charts inline (cid: parts) and the CSV attached, sent through SES.

Mail clients do not load images from relative paths (and should not load them from the web), so the charts
travel inside the message: each image becomes a part of a multipart/related body with its own Content-ID, and
the HTML's src attributes are rewritten to cid: references for the mail only; the copy in S3 keeps its files.

  multipart/mixed
    multipart/alternative
      text/plain                 a few lines for clients that show no HTML
      multipart/related
        text/html                report.html, img src="cid:…"
        image/png (inline)       one per chart, Content-ID matching the src
    text/csv (attachment)        kpis.csv
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

REPORT_HTML = "report.html"
REPORT_CSV = "kpis.csv"
IMAGE_TYPES = {".png": "png", ".gif": "gif", ".jpg": "jpeg", ".jpeg": "jpeg"}
_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


class ReportMailError(RuntimeError):
    """SES did not take the report; retrying later may work (the upload before it is idempotent)."""


@dataclass(frozen=True)
class ReportFiles:
    """What render_report wrote, found by role: the page, the CSV and the images, by their path under root."""

    root: Path
    html: Path
    csv: Path | None
    images: tuple[Path, ...]

    @classmethod
    def of(cls, root: Path, files: Sequence[Path]) -> ReportFiles:
        by_name = {f.name: f for f in files}
        if REPORT_HTML not in by_name:
            raise ValueError(f"the rendered report has no {REPORT_HTML}")
        images = tuple(f for f in files if f.suffix.lower() in IMAGE_TYPES)
        return cls(root, by_name[REPORT_HTML], by_name.get(REPORT_CSV), images)


def inline_images(html: str, root: Path, html_path: Path, images: Sequence[Path]) -> tuple[str, dict[Path, str]]:
    """html with every <img src> naming one of the images rewritten to cid:, and the Content-ID of each image used.

    A src is matched by the file it names relative to the page (`chart.png`, `./images/chart.png`), so an image
    referenced twice shares one part; a src naming no image of the report is left as it is."""
    by_path = {image.resolve(): image for image in images}
    cids: dict[Path, str] = {}

    def rewrite(match: re.Match[str]) -> str:
        src = match.group(3).strip()
        if ":" in src or src.startswith(("/", "#")):
            return match.group(0)  # data:, cid:, http(s): or absolute: not one of our files
        image = by_path.get((html_path.parent / src).resolve())
        if image is None or not image.resolve().is_relative_to(root.resolve()):
            return match.group(0)
        if image not in cids:
            # Unique within the message and short enough that the header is never folded.
            cids[image] = f"{image.stem}.{secrets.token_hex(6)}@report.parley"
        return f"{match.group(1)}{match.group(2)}cid:{cids[image]}{match.group(2)}"

    return _SRC.sub(rewrite, html), cids


def report_email(
    files: ReportFiles, *, subject: str, sender: str, recipients: Sequence[str], plain_text: str
) -> EmailMessage:
    """The whole message, ready for SES's raw content."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = formataddr(("Parley reports", sender))
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="report.parley")
    message.set_content(plain_text)
    html, cids = inline_images(files.html.read_text(encoding="utf-8"), files.root, files.html, files.images)
    message.add_alternative(html, subtype="html")
    html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
    for image, cid in cids.items():
        html_part.add_related(
            image.read_bytes(),
            maintype="image",
            subtype=IMAGE_TYPES[image.suffix.lower()],
            cid=f"<{cid}>",
            disposition="inline",
            filename=image.name,
        )
    if files.csv is not None:
        message.add_attachment(
            files.csv.read_bytes(),
            maintype="text",
            subtype="csv",
            filename=files.csv.name,
            disposition="attachment",
            params={"charset": "utf-8"},
        )
    return message


class SesReportMailer:
    """Sends a built message through SES v2 (raw content), from the verified sender identity."""

    def __init__(self, sesv2: Any) -> None:
        self._ses = sesv2

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> str:
        try:
            response = self._ses.send_email(
                FromEmailAddress=sender,
                Destination={"ToAddresses": list(recipients)},
                Content={"Raw": {"Data": message.as_bytes()}},
            )
        except (ClientError, BotoCoreError) as exc:
            code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else type(exc).__name__
            raise ReportMailError(f"SES refused the report ({code})") from exc
        return str(response.get("MessageId", ""))
