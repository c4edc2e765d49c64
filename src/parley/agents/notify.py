"""Notifying the business's people (an SNS topic): a conversation handed to them, with its recent transcript in
their language; each later message of the customer; and a reply of theirs that did not go as written.

Subscribers choose the form: email gets readable text, SQS, Lambda and HTTP(S) a JSON document. A subject never
holds a phone number or an email; logs hold neither, nor any message text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from parley.agents.commands import AgentCommand, ConversationRef
from parley.agents.translating import AgentTranslator
from parley.channels.model import MEDIA_KINDS, InboundMessage
from parley.domain.conversation import handoff_brief
from parley.domain.ports import ConversationRepository, MessageLog
from parley.domain.records import LoggedMessage, MessageDirection
from parley.observability import logger

# A line of the transcript is cut here: agents read the rest in their inbox, and SNS takes 256 KB at most.
LINE_LIMIT = 1000
TRANSCRIPT_LENGTH = 20
# Translating a transcript line by line must end well within the function's timeout; past this the remaining
# lines go as written (and say so).
TRANSLATION_BUDGET_SECONDS = 8.0
_SPEAKERS = {MessageDirection.IN: "customer", MessageDirection.OUT: "assistant", MessageDirection.AGENT: "agent"}
_REASONS = {
    "asked": "the customer asked for a person",
    "misunderstood": "the assistant did not understand the customer twice in a row",
    "frustrated": "the customer seems frustrated",
    "complaint": "the customer is complaining",
    "faq": "the customer asked about the business's policies, which the assistant cannot answer yet",
    "no_guide": "no troubleshooting guide fits the customer's problem",
    "guide_failed": "the troubleshooting guide did not solve the customer's problem",
    "account_closure": (
        "the customer confirmed they want their account closed; please close it in the shop's system and confirm it"
        " to them (this is not a request to erase their personal data)"
    ),
    "change_order": "the customer wants a change to an order that the assistant cannot make itself",
    "damaged_item": "the customer received a damaged item, and the returns rules do not settle it",
    "wrong_item": "the customer received the wrong item, and the returns rules do not settle it",
    "missing_item": "an item is missing from what the customer received",
}
# What a flow leaves for the person taking over (domain.conversation.BRIEF_SLOT), labelled; `request` holds the
# customer's own words, translated like the transcript.
_BRIEF_LABELS = {
    "order_id": "Order",
    "status": "Order status",
    "problem": "Problem reported",
    "item": "Item",
    "change": "Change asked for",
    "address": "New delivery address (as the customer wrote it)",
    "request": "In the customer's words",
    "why": "Why the assistant could not settle it",
}
_CUSTOMER_WORDS = "request"
# Brief values that are codes (shipped, damaged_item, window_passed), read as words.
_BRIEF_CODES = frozenset({"status", "problem", "change", "why"})


class NotificationError(RuntimeError):
    """The topic did not take the notification. Raised before any reply is sent, so the message is retried."""


class Publisher(Protocol):
    def publish(self, subject: str, text: str, document: dict[str, Any]) -> None:
        """Raises NotificationError."""
        ...


class SnsPublisher:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def publish(self, subject: str, text: str, document: dict[str, Any]) -> None:
        machine = json.dumps(document, ensure_ascii=False)
        per_protocol = {"default": text, "email": text, **dict.fromkeys(("sqs", "lambda", "http", "https"), machine)}
        # For subscription filter policies: an email per handoff, say, and a webhook for every message.
        attributes = {
            name: {"DataType": "String", "StringValue": str(document[name])}
            for name in ("type", "channel")
            if document.get(name)
        }
        try:
            self._client.publish(
                TopicArn=self._topic_arn,
                Subject=sns_subject(subject),
                Message=json.dumps({**per_protocol, "email-json": machine}, ensure_ascii=False),
                MessageStructure="json",
                MessageAttributes=attributes,
            )
        except (BotoCoreError, ClientError) as exc:
            raise NotificationError("handoff topic unavailable") from exc


def sns_subject(subject: str) -> str:
    """What SNS takes as a subject: printable ASCII on one line, under 100 characters."""
    ascii_only = "".join(c if " " <= c <= "~" else "?" for c in " ".join(subject.split()))
    return ascii_only[:99] or "Parley"


@dataclass(frozen=True)
class Line:
    """One message of a transcript, in the agents' language when it could be translated."""

    speaker: str  # customer, assistant, agent
    at: str  # ISO 8601, UTC
    text: str
    language: str | None  # of the message as written
    original: str | None = None  # the message as written, when `text` is its translation
    untranslated: bool = False  # in another language than the agents', translation off or failed
    attachment: str | None = None  # a photo, voice note, file… came with it (agents on WhatsApp cannot see it)


class HandoffNotifier:
    def __init__(
        self,
        publisher: Publisher,
        conversations: ConversationRepository,
        translator: AgentTranslator,
        agent_language: str,
        message_log: MessageLog | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._publisher = publisher
        self._conversations = conversations
        self._translator = translator
        self._agent_language = agent_language
        self._log = message_log
        self._clock = clock

    def handoff(self, message: InboundMessage, reason: str, language: str, order_id: str | None = None) -> None:
        """A person is needed: who, why, about which order (a complaint's), and what was said so far."""
        ref = ConversationRef.of(message)
        lines = self._transcript(message, language)
        state = self._conversations.get(ref.key)
        customer_id = (state.customer_id or state.verified_customer_id) if state else None
        brief = handoff_brief(state.slots) if state else {}
        order_id = order_id or brief.get("order_id")
        why = f"{reason}, {order_id}" if order_id else reason
        subject = f"Parley: {customer_id or 'a customer'} on {message.channel} needs a person ({why})"
        document = {
            "type": "handoff",
            **self._about(ref, customer_id, language),
            "reason": reason,
            "order_id": order_id,
            "brief": brief,
            "transcript": [asdict(line) for line in lines],
        }
        said = self._brief_words(brief, language)
        if said is not None:
            document["brief_translated"] = {_CUSTOMER_WORDS: asdict(said)}
        about = f" about order {order_id}" if order_id else ""
        text = "\n".join(
            [
                f"A customer needs a person: {_REASONS.get(reason, reason)}{about}.",
                *_brief_text(brief, said),
                "",
                *self._header(ref, customer_id, language),
                "",
                f"Recent messages (in {self._agent_language}; the original below a translated one):",
                *(_line_text(line) for line in lines),
            ]
        )
        self._publish(subject, text, document, ref, lines)

    def customer_message(self, message: InboundMessage, language: str) -> None:
        """A new message in a conversation a person has: WhatsApp has no inbox that would show it."""
        ref = ConversationRef.of(message)
        [line] = self._lines([_logged(message, language)], deadline=self._clock() + TRANSLATION_BUDGET_SECONDS)
        line = _with_attachment(line, message)
        customer_id = self._customer_id(ref)
        subject = f"Parley: new message from {customer_id or 'a customer'} on {message.channel}"
        document = {"type": "customer_message", **self._about(ref, customer_id, language), "message": asdict(line)}
        text = "\n".join([*self._header(ref, customer_id, language), "", _line_text(line)])
        self._publish(subject, text, document, ref, [line])

    def agent_reply_problem(self, command: AgentCommand, problem: str, detail: str) -> None:
        """A reply (or hand-back) of theirs that did not go as written: untranslated, undeliverable, no such
        conversation. Raises NotificationError like the others; callers after a send catch it."""
        ref = command.conversation
        subject = f"Parley: your {command.action} for a {ref.channel} conversation: {problem.replace('_', ' ')}"
        document = {
            "type": "agent_reply",
            "conversation_id": ref.public_id,
            "channel": ref.channel.value,
            "action": command.action.value,
            "request_id": command.request_id,
            "problem": problem,
            "detail": detail,
        }
        text = "\n".join([f"Conversation: {ref.public_id}", f"Request: {command.request_id}", "", detail])
        self._publish(subject, text, document, ref, [])

    # ------------------------------------------------------------------------------------------------ parts

    def _brief_words(self, brief: dict[str, str], language: str) -> Line | None:
        """The customer's own words in the brief, in the agents' language when they could be translated."""
        words = brief.get(_CUSTOMER_WORDS, "")
        if not words.strip():
            return None
        at = datetime.fromtimestamp(time.time(), UTC)
        logged = LoggedMessage("", "", MessageDirection.IN, words, at, language)
        return self._lines([logged], deadline=self._clock() + TRANSLATION_BUDGET_SECONDS)[0]

    def _customer_id(self, ref: ConversationRef) -> str | None:
        state = self._conversations.get(ref.key)
        return (state.customer_id or state.verified_customer_id) if state else None

    def _about(self, ref: ConversationRef, customer_id: str | None, language: str) -> dict[str, Any]:
        return {
            "conversation_id": ref.public_id,
            "channel": ref.channel.value,
            "customer_id": customer_id,
            "customer_language": language,
            "agent_language": self._agent_language,
            "reply_path": f"/agent/conversations/{ref.public_id}/messages",
            "release_path": f"/agent/conversations/{ref.public_id}/release",
        }

    def _header(self, ref: ConversationRef, customer_id: str | None, language: str) -> list[str]:
        return [
            f"Conversation: {ref.public_id}",
            f"Customer: {customer_id or 'not on file'}; writes in {language}",
            f'Reply: parley agent reply {ref.public_id} "…" (POST /agent/conversations/{ref.public_id}/messages)',
            f"Hand back to the assistant: parley agent release {ref.public_id}",
        ]

    def _transcript(self, message: InboundMessage, language: str) -> list[Line]:
        logged = self._log.recent(message.conversation_key, TRANSCRIPT_LENGTH) if self._log is not None else []
        if not any(m.message_id == message.message_id for m in logged):
            logged = [*logged, _logged(message, language)][-TRANSCRIPT_LENGTH:]
        lines = self._lines(logged, deadline=self._clock() + TRANSLATION_BUDGET_SECONDS)
        return [
            _with_attachment(line, message) if entry.message_id == message.message_id else line
            for entry, line in zip(logged, lines, strict=True)
        ]

    def _lines(self, logged: list[LoggedMessage], deadline: float) -> list[Line]:
        lines = []
        for entry in logged:
            text = entry.text[:LINE_LIMIT]
            at = (entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
            speaker = _SPEAKERS.get(entry.direction, entry.direction.value)
            if entry.language == self._agent_language or not text.strip():
                lines.append(Line(speaker, at, text, entry.language))
                continue
            if self._clock() > deadline:
                lines.append(Line(speaker, at, text, entry.language, untranslated=True))
                continue
            result = self._translator.translate(text, entry.language, self._agent_language)
            if result.untranslated or not result.needed:
                lines.append(Line(speaker, at, text, entry.language, untranslated=result.untranslated))
            else:
                lines.append(Line(speaker, at, result.text, entry.language, original=text))
        return lines

    def _publish(
        self, subject: str, text: str, document: dict[str, Any], ref: ConversationRef, lines: list[Line]
    ) -> None:
        self._publisher.publish(subject, text, document)
        logger.info(
            "agents notified",
            extra={
                "type": document["type"],
                "channel": ref.channel.value,
                "lines": len(lines),
                "untranslated": sum(line.untranslated for line in lines),
            },
        )


def _logged(message: InboundMessage, language: str) -> LoggedMessage:
    """The message being handled, as the log would hold it (it may not be logged yet)."""
    at = datetime.fromtimestamp(message.timestamp or time.time(), UTC)
    return LoggedMessage(message.conversation_key, message.message_id, MessageDirection.IN, message.text, at, language)


def _with_attachment(line: Line, message: InboundMessage) -> Line:
    if message.kind in MEDIA_KINDS or not message.text.strip():
        return replace(line, attachment=message.kind.value)
    return line


def _brief_text(brief: dict[str, str], said: Line | None) -> list[str]:
    """The brief as lines of the email: what the customer came for, labelled; their words as the transcript shows
    them (translated, the original below)."""
    if not brief:
        return []
    lines = ["", "What the customer came for:"]
    for name, value in brief.items():
        label = _BRIEF_LABELS.get(name, name.replace("_", " ").capitalize())
        if name == _CUSTOMER_WORDS and said is not None:
            lines.append(f"  {label}: {said.text}")
            if said.original is not None:
                lines.append(f"    ({said.language}) {said.original}")
            elif said.untranslated:
                lines.append(f"    (untranslated, {said.language or 'language unknown'})")
        else:
            lines.append(f"  {label}: {value.replace('_', ' ') if name in _BRIEF_CODES else value}")
    return lines


def _line_text(line: Line) -> str:
    stamp = line.at[:16].replace("T", " ") + " UTC"
    attachment = f"[{line.attachment}] " if line.attachment else ""
    said = f"{stamp}  {line.speaker}: {attachment}{line.text}".rstrip()
    if line.original is not None:
        said += f"\n    ({line.language}) {line.original}"
    elif line.untranslated:
        said += f"\n    (untranslated, {line.language or 'language unknown'})"
    return said
