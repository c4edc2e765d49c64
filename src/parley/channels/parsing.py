"""Turn a webhook payload into normalised inbound messages: every entry, every change, every message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parley.channels.model import Channel, InboundMessage, MessageKind


class PayloadError(ValueError):
    """The body is not a Meta webhook payload of the expected channel."""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Items of a list that are objects; anything else in a payload is skipped, never fatal."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def parse_whatsapp(payload: Any) -> list[InboundMessage]:
    """Messages of a WhatsApp Cloud API webhook (object = whatsapp_business_account).

    Status callbacks (sent/delivered/read/failed) carry no customer text and produce no message here.
    """
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise PayloadError("not a WhatsApp Business Account webhook")
    found: list[InboundMessage] = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = _obj(value.get("metadata"))
            names = {
                str(c.get("wa_id")): str((c.get("profile") or {}).get("name", ""))
                for c in _dicts(value.get("contacts"))
                if isinstance(c.get("profile", {}), dict)
            }
            for msg in _dicts(value.get("messages")):
                sender, message_id = str(msg.get("from", "")), str(msg.get("id", ""))
                text_obj = msg.get("text")
                if msg.get("type") != "text" or not sender or not message_id or not isinstance(text_obj, dict):
                    continue
                context = _obj(msg.get("context"))
                found.append(
                    InboundMessage(
                        channel=Channel.WHATSAPP,
                        sender_id=sender,
                        message_id=message_id,
                        timestamp=_int(msg.get("timestamp")),
                        kind=MessageKind.TEXT,
                        text=str(text_obj.get("body", "")),
                        recipient_id=str(metadata.get("phone_number_id", "")),
                        profile_name=names.get(sender, ""),
                        reply_to=str(context.get("id", "")),
                    )
                )
    return found


def parse_messenger(payload: Any) -> list[InboundMessage]:
    """Text messages of a Messenger Platform webhook (object = page); echoes of our own sends are skipped."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise PayloadError("not a Messenger page webhook")
    found: list[InboundMessage] = []
    for entry in _dicts(payload.get("entry")):
        for event in _dicts(entry.get("messaging")):
            message = event.get("message")
            sender = _obj(event.get("sender"))
            recipient = _obj(event.get("recipient"))
            if not isinstance(message, dict) or message.get("is_echo"):
                continue
            text, mid, psid = message.get("text"), str(message.get("mid", "")), str(sender.get("id", ""))
            if not isinstance(text, str) or not mid or not psid:
                continue
            reply_to = _obj(message.get("reply_to"))
            found.append(
                InboundMessage(
                    channel=Channel.MESSENGER,
                    sender_id=psid,
                    message_id=mid,
                    # Messenger stamps milliseconds; WhatsApp seconds. Normalise to seconds.
                    timestamp=_int(event.get("timestamp")) // 1000,
                    kind=MessageKind.TEXT,
                    text=text,
                    recipient_id=str(recipient.get("id", "")),
                    reply_to=str(reply_to.get("mid", "")),
                )
            )
    return found


PARSERS = {Channel.WHATSAPP: parse_whatsapp, Channel.MESSENGER: parse_messenger}
