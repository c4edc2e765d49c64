"""Channel events: what a platform tells us that is not a customer message, content-free, and where they go."""

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
    UNHANDLED = "unhandled"  # a field or event kind Parley does not handle: acknowledged, counted
    SEND_FAILED = "send_failed"  # a reply the platform refused for good (window closed, invalid recipient…)
    RATING_SUBMITTED = "rating_submitted"  # a customer rated the conversation 1-5
    RATING_COMMENTED = "rating_commented"  # …and then left a comment on that rating (its words are not in the event)


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
        """JSON-ready (enums as their values, tuples as lists): what a log line or Firehose record holds."""
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


@dataclass(frozen=True)
class ConversationEvent:
    """Something that happened in a conversation, for analytics: codes and numbers, never the customer's words
    (a rating's comment stays in the conversation's message log; the event says only that there was one)."""

    channel: Channel
    type: EventType
    occurred_at: int
    user_hash: str = ""
    message_ref: str = ""
    rating: int | None = None
    commented: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["channel"] = self.channel.value
        data["type"] = self.type.value
        return data


Event = ChannelEvent | ConversationEvent


class EventSinkError(RuntimeError):
    """The sink could not take the events. The webhook still answers 200: analytics is not worth a redelivery."""


class EventSink(Protocol):
    def emit(self, events: Sequence[Event]) -> None: ...


class LoggingEventSink:
    """One structured log line per event; safe because an event holds no content."""

    def emit(self, events: Sequence[Event]) -> None:
        from parley.observability import logger

        for event in events:
            logger.info("channel event", extra={"event": event.to_dict()})


class InMemoryEventSink:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, events: Sequence[Event]) -> None:
        self.events.extend(events)
