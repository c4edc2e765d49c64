"""Channel events (what a platform tells us that is not a customer message, content-free) and the sinks that events
go to: these, and the analytics records of parley.analytics.schema."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Protocol

from parley.channels.model import Channel, PlatformError


class EventType(StrEnum):
    DELIVERY_STATUS = "delivery_status"  # WhatsApp sent/delivered/read/failed; Messenger delivery and read
    HANDOVER = "handover"  # Messenger handover protocol: pass, take, request thread control; app roles
    STANDBY = "standby"  # Messenger traffic of a thread another app (e.g. the Page Inbox) owns
    PLATFORM_ERROR = "platform_error"  # WhatsApp errors not tied to a message (e.g. rate limit hit)
    MESSAGE_DELETED = "message_deleted"  # the customer deleted a message they sent (WhatsApp revoke): not answered
    MESSAGE_EDITED = "message_edited"  # the customer edited a message they sent: not answered again
    CALL = "call"  # WhatsApp calls and answers to a call-permission request: Parley takes no calls
    OPTIN = "optin"  # Messenger: the customer opted in to (or out of) notification messages
    GROUP_MESSAGE = "group_message"  # WhatsApp: a message in a group the business is in: Parley answers one person
    UNHANDLED = "unhandled"  # a field or event kind Parley does not handle: acknowledged, counted


@dataclass(frozen=True)
class ChannelEvent:
    """One platform event for analytics. It never holds a phone number, PSID, email or message text:
    the user is a hash (the same as InboundMessage.sender_hash), the message a hashed reference, and every
    other field a code, a time, an app id or a word from Meta's fixed vocabulary."""

    channel: Channel
    type: EventType
    occurred_at: int  # seconds since the epoch: the platform's time, or when we received it if it gives none
    user_hash: str = ""
    message_ref: str = ""  # model.message_ref(), never the raw id: a wamid is base64 around a phone number
    status: str = ""  # delivery: sent, delivered, read, failed; handover: pass/take/request_thread_control…
    errors: tuple[PlatformError, ...] = ()
    watermark_ms: int = 0  # Messenger: everything sent before this instant was delivered or read
    owner_app_id: str = ""  # handover: the app that owns (or asks to own) the thread now
    pricing_category: str = ""  # WhatsApp statuses: service, utility, marketing, authentication…
    detail: str = ""  # standby: what the underlying event was; unhandled: its field or key name

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (enums as their values, tuples as lists): what a log line holds."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["channel"] = self.channel.value
        data["type"] = self.type.value
        data["errors"] = [{"code": e.code, "title": e.title} for e in self.errors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChannelEvent:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["channel"] = Channel(data["channel"])
        values["type"] = EventType(data["type"])
        values["errors"] = tuple(PlatformError(int(e["code"]), str(e.get("title", ""))) for e in data.get("errors", ()))
        return cls(**values)


class Record(Protocol):
    """Anything a sink takes: a channel event or an analytics event, each content-free and JSON-ready."""

    def to_dict(self) -> dict[str, Any]: ...


class EventSinkError(RuntimeError):
    """The sink could not take the events. The webhook still answers 200: analytics is not worth a redelivery."""


class EventSink(Protocol):
    def emit(self, events: Sequence[Record]) -> None: ...


class LoggingEventSink:
    """One structured log line per event; safe because an event holds no content. What analytics events become
    when no stream is configured (EVENTS_STREAM_NAME unset)."""

    def emit(self, events: Sequence[Record]) -> None:
        from parley.observability import logger

        for event in events:
            logger.info("channel event", extra={"event": event.to_dict()})
