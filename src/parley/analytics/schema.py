"""The conversation event record (schema version 1): what webhook and fulfillment emit and the KPI engine reads.

One record is one JSON object on one line. Every field is always written, so a reader never guesses a default. No
field may hold message text, a phone number, a PSID, an email or a name: ids are pseudonyms (16 hex characters of an
HMAC-SHA256 under a per-subject key, see parley.privacy.pseudonyms), and every other string is a code from a
fixed vocabulary (an intent, a flow, a language, a status, a reason) that validation holds to a short word.

| field | type | meaning |
|---|---|---|
| v | int | schema version, 1 |
| type | str | one of EventType |
| at_ms | int | epoch milliseconds: when it happened (message_received: when our webhook received the message) |
| channel | str | whatsapp, messenger, or agent (something a person at the business did) |
| conversation | str | the conversation's pseudonym; every event of one conversation shares it |
| customer | str | the customer's pseudonym, "" when the sender is not a known customer |
| message | str | the message's pseudonym, "" when not tied to one message |
| language | str | the conversation's language, "" unknown |
| intent, confidence | str, float | intent_recognised: what the message asked for, and how sure the model was |
| | | clarification_asked: the likeliest of the two requests Parley asked about, and its confidence |
| flow | str | intent_recognised: the flow the intent opens ("" answered in one turn); flow_*: the flow that ended |
| reason | str | handoff_started/ended, flow_failed/abandoned: why |
| rating | int | rating_submitted/commented: 1-5 (0 none) |
| latency_ms | int | reply_sent: from our receipt of the customer's message to the reply's send |
| status | str | delivery_status: sent/delivered/read/failed; send_error: the error reason code |
| provider_calls, cache_hits, characters | int | translation_used: provider calls, cache hits, characters sent |
| known_customer, translated | bool | the sender is a customer on file; the reply went through machine translation |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from parley.channels.model import Channel
from parley.privacy.pseudonyms import PSEUDONYM_LENGTH

SCHEMA_VERSION = 1


class EventType(StrEnum):
    MESSAGE_RECEIVED = "message_received"
    REPLY_SENT = "reply_sent"
    INTENT_RECOGNISED = "intent_recognised"
    CLARIFICATION_ASKED = "clarification_asked"  # unsure between two requests, Parley asked which (no request yet)
    FALLBACK = "fallback"  # a message Parley did not understand
    FLOW_COMPLETED = "flow_completed"  # the customer got what the flow is for
    FLOW_FAILED = "flow_failed"  # it ended in a handoff, or could not do what was asked
    FLOW_ABANDONED = "flow_abandoned"  # left by "never mind", another request, or a "no"
    HANDOFF_STARTED = "handoff_started"
    HANDOFF_ENDED = "handoff_ended"
    RATING_REQUESTED = "rating_requested"  # the rating question was asked (the response rate's base)
    RATING_SUBMITTED = "rating_submitted"
    RATING_COMMENTED = "rating_commented"  # a comment followed the rating (its words are never in an event)
    TRANSLATION_USED = "translation_used"
    DELIVERY_STATUS = "delivery_status"
    SEND_ERROR = "send_error"  # a reply the platform refused for good


# Where an event happened: one of Parley's channels (channels.model.Channel), or something a person at the business
# did. A new channel is a valid event channel as soon as it is one of Parley's.
AGENT_CHANNEL = "agent"
EVENT_CHANNELS = frozenset({*(channel.value for channel in Channel), AGENT_CHANNEL})


class FlowReason(StrEnum):
    """Reasons a flow_failed or flow_abandoned gives (a handoff's own reason is used when it ended in one)."""

    NEVER_MIND = "never_mind"  # abandoned: the customer said "never mind"
    SWITCHED = "switched"  # abandoned: the customer asked for something else
    DECLINED = "declined"  # abandoned: the customer answered "no" to the flow's question
    UNRESOLVED = "unresolved"  # failed: the flow could not do it (no such order, not allowed…)
    NOT_VERIFIED = "not_verified"  # failed: the sender could not prove who they are


_PSEUDONYM = re.compile(rf"[0-9a-f]{{{PSEUDONYM_LENGTH}}}")
# Codes are words: an intent, a flow name, a language tag, a status, a reason. Never a sentence.
_CODE = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
_PSEUDONYMS = ("conversation", "customer", "message")
_CODES = ("language", "intent", "flow", "reason", "status")
_COUNTS = ("at_ms", "rating", "latency_ms", "provider_calls", "cache_hits", "characters")


class SchemaError(ValueError):
    """A record that is not a valid event of this schema."""


@dataclass(frozen=True)
class Event:
    """One conversation event. Construction validates it (SchemaError), so an invalid event is never written."""

    type: EventType
    at_ms: int
    channel: str
    conversation: str
    customer: str = ""
    message: str = ""
    language: str = ""
    intent: str = ""
    confidence: float = 0.0
    flow: str = ""
    reason: str = ""
    rating: int = 0
    latency_ms: int = 0
    status: str = ""
    provider_calls: int = 0
    cache_hits: int = 0
    characters: int = 0
    known_customer: bool = False
    translated: bool = False
    v: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.v != SCHEMA_VERSION:
            raise SchemaError(f"schema version {self.v!r} is not {SCHEMA_VERSION}")
        if not isinstance(self.type, EventType):
            raise SchemaError("type must be an EventType member")
        if not isinstance(self.channel, str) or self.channel not in EVENT_CHANNELS:
            raise SchemaError(f"channel must be one of {', '.join(sorted(EVENT_CHANNELS))}")
        for name in _PSEUDONYMS:
            value = getattr(self, name)
            if not isinstance(value, str) or (value and not _PSEUDONYM.fullmatch(value)):
                raise SchemaError(f"{name} must be a {PSEUDONYM_LENGTH}-hex-digit pseudonym or empty")
        for name in _CODES:
            value = getattr(self, name)
            if not isinstance(value, str) or (value and not _CODE.fullmatch(value)):
                raise SchemaError(f"{name} must be a short code (letters, digits, _ . : -) or empty")
        for name in _COUNTS:
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise SchemaError(f"{name} must be a whole number ≥ 0")
        if not 0 <= self.rating <= 5:
            raise SchemaError("rating must be 1-5, or 0 for none")
        if not isinstance(self.confidence, int | float) or isinstance(self.confidence, bool):
            raise SchemaError("confidence must be a number")
        if not 0.0 <= self.confidence <= 1.0:
            raise SchemaError("confidence must be between 0 and 1")
        for name in ("known_customer", "translated"):
            if not isinstance(getattr(self, name), bool):
                raise SchemaError(f"{name} must be true or false")

    def to_dict(self) -> dict[str, Any]:
        """The record as written: every field, enums as their values, the version first."""
        data: dict[str, Any] = {"v": self.v}
        for f in fields(self):
            if f.name != "v":
                data[f.name] = getattr(self, f.name)
        data["type"] = self.type.value
        data["channel"] = str(self.channel)
        data["confidence"] = round(float(self.confidence), 4)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """A record read back; raises SchemaError for a missing or malformed field. Unknown fields are ignored
        (a later minor addition does not break an older reader)."""
        if not isinstance(data, dict):
            raise SchemaError("an event is a JSON object")
        try:
            values = {f.name: data[f.name] for f in fields(cls)}
            values["type"] = EventType(data["type"])
        except KeyError as exc:
            raise SchemaError(f"missing field {exc.args[0]!r}") from exc
        except ValueError as exc:
            raise SchemaError(str(exc)) from exc
        return cls(**values)


FIELD_NAMES = ("v", *(f.name for f in fields(Event) if f.name != "v"))
