"""What one turn leaves in the conversation's message log: the customer's message and Parley's reply, for the
transcript a person reads when they take the conversation over.

Both entries are keyed by the platform's message id and stamped with the platform's time, so a redelivery or a
retry writes the same two items again instead of adding two more.
"""

from __future__ import annotations

from datetime import UTC, datetime

from parley.channels.model import InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.domain.records import LoggedMessage, MessageDirection

# Parley's reply to message X is logged as X + this suffix: it sorts right after the message it answers.
REPLY_SUFFIX = ":out"


def message_text(message: InboundMessage) -> str:
    """The customer's words as they wrote them; a short marker for what carries none (a photo, a reaction)."""
    if message.text.strip():
        return message.text
    if message.kind is MessageKind.REACTION and message.reaction is not None:
        return f"[{message.kind.value} {message.reaction.emoji}]" if message.reaction.emoji else "[reaction removed]"
    return f"[{message.kind.value}]"


def reply_text(reply: Reply) -> str:
    """What the customer was shown: the text, and the options offered as [buttons]."""
    lines = [part for part in (reply.header, reply.text, reply.footer) if part]
    if reply.link is not None:
        lines.append(f"[{reply.link.label}] {reply.link.url}")
    if reply.choices:
        lines.append(" ".join(f"[{choice.title}]" for choice in reply.choices))
    return "\n".join(lines)


def logged_at(message: InboundMessage) -> datetime:
    """When the log says a message (and its reply) happened: the platform's time, the same at every delivery (when
    received if the platform's names no moment a clock can hold: the channels read such a stamp as 0)."""
    for stamp in (message.timestamp, message.received_at):
        if stamp:
            try:
                return datetime.fromtimestamp(stamp, UTC)
            except (OverflowError, OSError, ValueError):
                continue
    return datetime.now(UTC)


def turn_entries(
    message: InboundMessage, reply: Reply | None, language: str | None, reply_language: str | None, keep_message: bool
) -> list[LoggedMessage]:
    """The message and the reply; with no reply, the message alone when `keep_message` (a person has the
    conversation and reads it there), else nothing (a reaction to one of Parley's messages, say)."""
    at = logged_at(message)
    conversation = message.conversation_key
    entries: list[LoggedMessage] = []
    if reply is not None or keep_message:
        text = message_text(message)
        entries.append(LoggedMessage(conversation, message.message_id, MessageDirection.IN, text, at, language))
    if reply is not None:
        out = LoggedMessage(
            conversation, message.message_id + REPLY_SUFFIX, MessageDirection.OUT, reply_text(reply), at, reply_language
        )
        entries.append(out)
    return entries
