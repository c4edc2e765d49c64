"""What the WhatsApp and Messenger payload readers share: values read defensively from untrusted JSON (a wrong
type or a huge number becomes "nothing", never an exception), and the gathering of one payload's messages and events.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from parley.channels.events import ChannelEvent, EventType
from parley.channels.model import (
    Channel,
    InboundMessage,
    MessageKind,
    PlatformError,
    message_ref,
    user_hash,
    without_personal,
)


class PayloadError(ValueError):
    """The body is not a Meta webhook payload of the expected channel."""


@dataclass(frozen=True)
class ThreadReturn:
    """Messenger: the Page Inbox passed a conversation back to us (pass_thread_control): the person is done."""

    sender_id: str  # the customer's PSID
    timestamp_ms: int  # with the PSID, names this event on every redelivery


@dataclass(frozen=True)
class Delivery:
    """A delivery status of one of our messages, with the raw ids the webhook needs to pseudonymise it for analytics.
    Held in memory only: never logged or queued (the ChannelEvent of the same status is the loggable one)."""

    conversation_key: str  # "whatsapp#<wa_id>" or "messenger#<psid>": the customer's conversation
    message_id: str  # our message's platform id ("" for a Messenger read, which names none)
    status: str  # sent, delivered, read, failed
    occurred_at: int  # seconds
    error_code: int = 0


@dataclass(frozen=True)
class ParsedPayload:
    messages: tuple[InboundMessage, ...] = ()  # customer messages to answer, in payload order
    events: tuple[ChannelEvent, ...] = ()  # everything else, for the log
    thread_returns: tuple[ThreadReturn, ...] = ()  # conversations a person handed back to the assistant
    deliveries: tuple[Delivery, ...] = ()  # delivery statuses, for analytics


# Words from Meta's vocabulary (status names, types, field names) are kept; anything else becomes "unknown",
# so a free-text value can never smuggle content into an event.
_WORD = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")


def as_str(value: Any) -> str:
    """A string field; ids Meta sometimes sends as numbers become text, anything else is empty."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return ""
    try:
        text.encode()
    except UnicodeEncodeError:
        # JSON may escape a lone surrogate; it is not UTF-8 and would break hashing and SQS further on.
        return text.encode("utf-8", "replace").decode()
    return text


def as_word(value: Any) -> str:
    text = as_str(value)
    return text if not text or _WORD.fullmatch(text) else "unknown"


# The latest moment a platform's timestamp may name, in seconds (the year 2106): past it, or at or before the epoch,
# a stamp is no time at all ("99999999999999999999", 1e308, a negative one) and counts as unknown (0), so the
# message is dated when it was received; a WhatsApp stamp in milliseconds by mistake is read as one.
_LATEST = 2**32


def as_seconds(value: Any) -> int:
    """A timestamp in seconds since the epoch, or 0 when it names no plausible moment (see _LATEST)."""
    stamp = as_int(value)
    if 0 < stamp < _LATEST:
        return stamp
    return stamp // 1000 if _LATEST <= stamp < _LATEST * 1000 else 0


def as_milliseconds(value: Any) -> int:
    """A timestamp in milliseconds since the epoch (Messenger's), or 0 when it names no plausible moment."""
    stamp = as_int(value)
    return stamp if 0 < stamp < _LATEST * 1000 else 0


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return 0
    return 0


def as_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def as_price(value: Any) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return as_str(value)


def as_obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Items of a list that are objects; anything else in a payload is skipped, never fatal."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def errors_of(value: Any) -> tuple[PlatformError, ...]:
    # Meta's titles may name the recipient ("Message undeliverable to 34699887766"): events are logged.
    return tuple(PlatformError(as_int(e.get("code")), without_personal(as_str(e.get("title")))) for e in dicts(value))


def synthetic_id(kind: MessageKind, *parts: str) -> str:
    """Messenger gives reactions, referrals and some postbacks no message id. Derived from the event itself,
    the id is the same on every redelivery, so exactly-once still holds."""
    return f"{kind}.{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


class Found:
    """What one payload holds, gathered in payload order."""

    def __init__(self, channel: Channel, received_at: int) -> None:
        self.channel = channel
        self.received_at = received_at
        self.messages: list[InboundMessage] = []
        self.events: list[ChannelEvent] = []
        self.thread_returns: list[ThreadReturn] = []
        self.deliveries: list[Delivery] = []

    def event(self, type_: EventType, occurred_at: int, user: str = "", message_id: str = "", **extra: Any) -> None:
        self.events.append(
            ChannelEvent(
                channel=self.channel,
                type=type_,
                occurred_at=occurred_at or self.received_at,
                user_hash=user_hash(self.channel, user) if user else "",
                message_ref=message_ref(self.channel, message_id) if message_id else "",
                **extra,
            )
        )

    def delivery(
        self,
        occurred_at: int,
        user: str,
        message_id: str,
        status: str,
        errors: tuple[PlatformError, ...] = (),
        **extra: Any,
    ) -> None:
        """A status of a message we sent: a channel event for the log, and a Delivery for analytics."""
        self.event(EventType.DELIVERY_STATUS, occurred_at, user, message_id, status=status, errors=errors, **extra)
        if user:
            self.deliveries.append(
                Delivery(
                    f"{self.channel}#{user}", message_id, status, occurred_at or self.received_at,
                    errors[0].code if errors else 0,
                )
            )  # fmt: skip

    def unhandled(self, what: Any, occurred_at: int = 0, user: str = "") -> None:
        self.event(EventType.UNHANDLED, occurred_at, user, detail=as_word(what) or "unknown")

    def result(self) -> ParsedPayload:
        stamped = tuple(replace(m, received_at=self.received_at) for m in self.messages)
        return ParsedPayload(stamped, tuple(self.events), tuple(self.thread_returns), tuple(self.deliveries))
