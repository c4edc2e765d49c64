"""Webhook payloads in Meta's documented shapes, signed as Meta signs them: for the demo, chat and tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from parley.channels.meta import sign

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "15550783881"
PAGE_ID = "110938475629384"


def whatsapp_text(wa_id: str, text: str, name: str = "", message_id: str | None = None) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DISPLAY_PHONE_NUMBER,
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": message_id or f"wamid.{uuid.uuid4().hex.upper()}",
                                    "timestamp": str(int(time.time())),
                                    "text": {"body": text},
                                    "type": "text",
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def whatsapp_tap(wa_id: str, choice_id: str, title: str, list_row: bool = False) -> dict[str, Any]:
    """A tapped reply button (or list row) of an interactive message, as WhatsApp delivers it."""
    payload = whatsapp_text(wa_id, title)
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    kind = "list_reply" if list_row else "button_reply"
    message["type"] = "interactive"
    message["interactive"] = {"type": kind, kind: {"id": choice_id, "title": title}}
    return payload


def messenger_tap(psid: str, choice_id: str, title: str) -> dict[str, Any]:
    """A tapped quick reply, as Messenger delivers it."""
    payload = messenger_text(psid, title)
    payload["entry"][0]["messaging"][0]["message"]["quick_reply"] = {"payload": choice_id}
    return payload


def messenger_text(psid: str, text: str, message_id: str | None = None) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": now,
                        "message": {"mid": message_id or f"m_{uuid.uuid4().hex}", "text": text},
                    }
                ],
            }
        ],
    }


@dataclass(frozen=True)
class PostResult:
    status: int
    body: str


def post_signed(url: str, payload: dict[str, Any] | bytes, app_secret: str | None, timeout: float = 10) -> PostResult:
    """POST as Meta does: the raw bytes, with X-Hub-Signature-256 over them (none when app_secret is None)."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if app_secret is not None:
        headers["X-Hub-Signature-256"] = sign(raw, app_secret)
    request = urllib.request.Request(url, data=raw, method="POST", headers=headers)  # noqa: S310 - local URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return PostResult(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        return PostResult(exc.code, exc.read().decode())
