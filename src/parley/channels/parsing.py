"""Turn a webhook payload into normalised inbound messages and content-free channel events.

Every entry, change, message, status, messaging and standby item is read, never only the first. Anything odd
inside a payload is skipped or counted as an unhandled event, never fatal: the only error raised is PayloadError,
for a body that is not the channel's webhook at all. The readers: whatsapp_parsing and messenger_parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parley.channels.messenger_parsing import read_messenger
from parley.channels.model import Channel, InboundMessage
from parley.channels.payload_reading import ParsedPayload, PayloadError, ThreadReturn
from parley.channels.whatsapp_parsing import read_whatsapp

__all__ = ["PARSERS", "ParsedPayload", "PayloadError", "ThreadReturn", "parse_messenger", "parse_whatsapp",
           "read_messenger", "read_whatsapp"]  # fmt: skip


def parse_whatsapp(payload: Any) -> list[InboundMessage]:
    """The customer messages of a WhatsApp payload alone (statuses are events, see read_whatsapp)."""
    return list(read_whatsapp(payload).messages)


def parse_messenger(payload: Any) -> list[InboundMessage]:
    """The customer messages of a Messenger payload alone (see read_messenger for its events)."""
    return list(read_messenger(payload).messages)


PARSERS: dict[Channel, Callable[[Any, int], ParsedPayload]] = {
    Channel.WHATSAPP: read_whatsapp,
    Channel.MESSENGER: read_messenger,
}
