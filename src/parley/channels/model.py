"""The normalised inbound message every platform event becomes, and the reply the dialogue produces."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"


class MessageKind(StrEnum):
    TEXT = "text"


@dataclass(frozen=True)
class InboundMessage:
    channel: Channel
    sender_id: str  # WhatsApp wa_id (digits) or Messenger PSID
    message_id: str  # the platform's id: wamid.… or m_…; the unit of exactly-once
    timestamp: int  # seconds since the epoch, as the platform stamped it
    kind: MessageKind = MessageKind.TEXT
    text: str = ""
    recipient_id: str = ""  # our WhatsApp phone number id or Messenger page id
    profile_name: str = ""
    locale_hint: str = ""
    reply_to: str = ""

    @property
    def conversation_key(self) -> str:
        """One conversation per channel and user; also the FIFO group, so one user's messages stay in order."""
        return f"{self.channel}#{self.sender_id}"

    @property
    def sender_hash(self) -> str:
        """What logs may say about the sender: a short one-way hash, never the number itself."""
        return hashlib.sha256(self.conversation_key.encode()).hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> InboundMessage:
        data: dict[str, Any] = json.loads(raw)
        data["channel"] = Channel(data["channel"])
        data["kind"] = MessageKind(data.get("kind", MessageKind.TEXT))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})
