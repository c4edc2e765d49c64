"""Agent commands (reply, hand back to the bot) as they travel on the inbound queue, and conversation ids.

Light on purpose: the webhook imports this module, so nothing here loads the language stack or pynamodb.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from parley.channels.model import Channel, InboundMessage, queueable, user_hash
from parley.observability import hashed_id
from parley.queue import QueueError, message_group_id

# The queue body's key that tells an agent command from a customer message.
COMMAND_KEY = "agent_command"
# A request id the caller may choose (Idempotency-Key header): repeating it with the same body is one command, reusing
# it with another is refused (see agents.ledger).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
# A conversation is named only in the form it is keyed by. WhatsApp wa_ids and Messenger PSIDs are ASCII digits (a
# regular expression's \d would also take Arabic-Indic or full-width ones, naming a conversation that cannot exist);
# WhatsApp's business-scoped user ids are a country code, a dot and letters or digits ("US.13491208655302741918"),
# "ENT." before the digits for a parent id, and exist on WhatsApp only. A wa_id starts with its country code and a PSID
# is a number, so neither starts with 0: "014155550123" is no one, not Emily written another way.
_DIGITS = re.compile(r"[1-9][0-9]{4,31}")
_BSUID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}")
_SENDER_IDS: dict[Channel, tuple[re.Pattern[str], ...]] = {Channel.WHATSAPP: (_DIGITS, _BSUID)}


class AgentAction(StrEnum):
    REPLY = "reply"  # a person's message to the customer
    RELEASE = "release"  # the person is done: the bot answers again


class CommandSource(StrEnum):
    AGENT_API = "agent_api"  # POST /agent/...
    PAGE_INBOX = "page_inbox"  # Messenger: the Page Inbox passed the thread back to us


@dataclass(frozen=True)
class ConversationRef:
    """A conversation as agents name it: channel and the customer's id there, as the conversation is keyed (a
    WhatsApp business-scoped user id when the customer has one, else their number; a Messenger PSID)."""

    channel: Channel
    sender_id: str

    @classmethod
    def of(cls, message: InboundMessage) -> ConversationRef:
        """The conversation a customer's message belongs to (the same key as InboundMessage.conversation_key)."""
        return cls(message.channel, message.user_id or message.sender_id)

    @property
    def key(self) -> str:
        """The conversation's key everywhere else (state, message log, FIFO group): "whatsapp#14155550123"."""
        return f"{self.channel}#{self.sender_id}"

    @property
    def public_id(self) -> str:
        """The id agents type and URLs carry ("whatsapp:14155550123"): no "#", which a URL would cut off."""
        return f"{self.channel}:{self.sender_id}"

    @property
    def sender_hash(self) -> str:
        return user_hash(self.channel, self.sender_id)


_SEPARATOR = re.compile(r"%3A|%23", re.IGNORECASE)


def parse_conversation_id(raw: str) -> ConversationRef | None:
    """ "whatsapp:14155550123" or "whatsapp#14155550123", the separator URL-encoded or not (a client may write
    %3A, and must write %23); None when it is not one, exactly: any other encoded character ("whatsapp:4860010020%30"),
    or a space or line break around it, names no conversation."""
    text = _SEPARATOR.sub(lambda found: unquote(found.group()), raw or "")
    match = re.fullmatch(r"([a-z]+)[:#]([^%]+)", text)
    if not match:
        return None
    try:
        channel = Channel(match.group(1))
    except ValueError:
        return None
    sender = match.group(2)
    if not any(form.fullmatch(sender) for form in _SENDER_IDS.get(channel, (_DIGITS,))):
        return None
    return ConversationRef(channel, sender)


def valid_request_id(value: str) -> bool:
    return bool(_REQUEST_ID.fullmatch(value))


def new_request_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class AgentCommand:
    action: AgentAction
    conversation_id: str  # ConversationRef.key
    request_id: str  # the unit of exactly-once, as a platform message id is for customer messages
    at: int  # seconds since the epoch when it was accepted: the time the reply is logged under
    text: str = ""  # reply: the agent's words, as written
    language: str = ""  # reply: the language they are written in; empty means AGENT_LANGUAGE
    source: CommandSource = CommandSource.AGENT_API

    @property
    def idempotency_key(self) -> str:
        """Exactly-once per conversation and request id: two agents' "retry-1" never meet."""
        return f"agent:{self.conversation_id}:{self.request_id}"

    @property
    def log_ref(self) -> str:
        """The command as log lines name it: its key names the conversation, so it is hashed like a user id."""
        return hashed_id(self.idempotency_key, 24)

    @property
    def fingerprint(self) -> str:
        """What makes two commands under one idempotency key the same request: what they do and say. A key reused
        with another fingerprint is another request under a used key (the endpoint refuses it: 409)."""
        said = json.dumps([self.action.value, self.text, self.language], ensure_ascii=False)
        return hashlib.sha256(said.encode()).hexdigest()

    @property
    def conversation(self) -> ConversationRef:
        ref = parse_conversation_id(self.conversation_id)
        if ref is None:
            raise ValueError("an agent command names a conversation that is not one")
        return ref

    def to_json(self) -> str:
        return json.dumps({COMMAND_KEY: asdict(self)}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_body(cls, data: dict[str, Any]) -> AgentCommand:
        values = dict(data[COMMAND_KEY])
        values["action"] = AgentAction(values["action"])
        values["source"] = CommandSource(values.get("source") or CommandSource.AGENT_API)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


def is_command(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get(COMMAND_KEY), dict)


class AgentCommandQueue(Protocol):
    def put_commands(self, commands: Sequence[AgentCommand]) -> None: ...


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SqsAgentCommandQueue:
    """The inbound FIFO queue, for agent commands: the same message group as the customer's messages (so an agent's
    reply, a hand-back and the customer's words are handled in the order they came) and the request id with the
    command's fingerprint as the deduplication id. Both hashed, as for messages: SQS metadata carries no phone
    numbers."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def put_commands(self, commands: Sequence[AgentCommand]) -> None:
        for command in commands:
            try:
                self._client.send_message(
                    QueueUrl=self._queue_url,
                    MessageBody=queueable(command.to_json()),
                    MessageGroupId=message_group_id(command.conversation_id),
                    # The key and what it carries: SQS never merges two different commands as one.
                    MessageDeduplicationId=_digest(f"{command.idempotency_key}|{command.fingerprint}"),
                )
            except (BotoCoreError, ClientError) as exc:
                raise QueueError("inbound queue unavailable") from exc
