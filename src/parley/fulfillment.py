"""Fulfillment of one queued message: understand, answer from the data, send, exactly once per platform message."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from parley.channels.model import Channel, InboundMessage, PlatformError, message_ref
from parley.channels.senders import HandsOver, Sender
from parley.dialogue.service import SILENT_KINDS, ConversationService
from parley.events import ChannelEvent, ConversationEvent, EventSink, EventType, LoggingEventSink
from parley.graph import GraphApiError
from parley.observability import logger

if TYPE_CHECKING:
    from parley.agents.commands import AgentCommand
    from parley.agents.notify import HandoffNotifier


class MessageProcessor:
    def __init__(
        self,
        service: ConversationService,
        senders: Mapping[Channel, Sender],
        events: EventSink | None = None,
        notifier: HandoffNotifier | None = None,
    ) -> None:
        self._service = service
        self._senders = senders
        self._events = events or LoggingEventSink()
        self._notifier = notifier

    def process(self, message: InboundMessage) -> dict[str, Any]:
        """Answer one message. Raises to have it retried (storage or a transient send failure); a permanent
        send failure is recorded as an event and not retried, since retrying would never deliver it."""
        sender = self._senders[message.channel]
        turn = self._service.respond(message)
        if self._notifier is not None:
            # Before the reply: a failed publish raises and the message is retried, with nothing sent yet.
            if turn.handoff:
                self._notifier.handoff(message, turn.handoff, turn.language)
            elif turn.with_person and message.kind not in SILENT_KINDS:
                self._notifier.customer_message(message, turn.language)
        # Read receipt and typing indicator before the reply is sent (a send may take a while through retries).
        # Not when there is no answer (a reaction, a number change, a conversation a person has taken over):
        # "typing…" and then nothing would mislead.
        if turn.reply is not None and message.kind not in SILENT_KINDS:
            sender.acknowledge(message)
        outcome = "sent" if turn.reply is not None else "no_reply"
        try:
            if turn.reply is not None:
                sender.send(message, turn.reply)
        except GraphApiError as exc:
            if exc.retryable:
                raise
            outcome = "send_failed"
            logger.warning(
                "reply not deliverable",
                extra={
                    "status": exc.status,
                    "code": exc.code,
                    "reason": exc.reason.value,
                    "sender": message.sender_hash,
                },
            )
            self._events.emit(
                [
                    ChannelEvent(
                        channel=message.channel,
                        type=EventType.SEND_FAILED,
                        occurred_at=int(time.time()),
                        user_hash=message.sender_hash,
                        message_ref=message_ref(message.channel, message.message_id),
                        status=exc.reason.value,
                        errors=(PlatformError(exc.code or 0, exc.reason.value),),
                    )
                ]
            )
        if turn.handoff and outcome == "sent":
            self._hand_over(message, sender, turn.handoff)
        if turn.rating is not None:
            self._events.emit(
                [
                    ConversationEvent(
                        channel=message.channel,
                        type=EventType.RATING_COMMENTED if turn.commented else EventType.RATING_SUBMITTED,
                        occurred_at=message.timestamp or int(time.time()),
                        user_hash=message.sender_hash,
                        message_ref=message_ref(message.channel, message.message_id),
                        rating=turn.rating,
                        commented=turn.commented,
                    )
                ]
            )
        summary = {
            "outcome": outcome,
            "intent": turn.intent.value,
            "confidence": turn.confidence,
            "language": turn.language,
            "known_customer": turn.known_customer,
            "handoff": turn.handoff,
        }
        logger.info(
            "message answered",
            extra={"channel": message.channel.value, "sender": message.sender_hash, **summary},
        )
        return summary

    @staticmethod
    def _hand_over(message: InboundMessage, sender: Sender, reason: str) -> None:
        """Messenger: the thread goes to the Page Inbox, where the business's people answer. Best effort: the
        customer has been told already, and raising now would have the message retried and told twice."""
        if not isinstance(sender, HandsOver):
            return
        try:
            sender.hand_over(message, note=f"Parley: customer handed over ({reason})")
        except GraphApiError as exc:
            logger.warning(
                "thread not handed to the inbox",
                extra={"status": exc.status, "code": exc.code, "sender": message.sender_hash},
            )


def record_handler(
    process_once: Callable[[InboundMessage], dict[str, Any]],
    command_once: Callable[[AgentCommand], dict[str, Any]] | None = None,
) -> Callable[[Any], dict[str, Any]]:
    """Adapt the processor (and the agents' desk, for agent commands) to Powertools' batch record handler (an
    SQSRecord in, raise to fail it: a body neither can read ends in the dead-letter queue, never dropped)."""
    from parley.agents.commands import AgentCommand, is_command

    def handle(record: Any) -> dict[str, Any]:
        data = json.loads(record.body)
        if is_command(data):
            if command_once is None:
                raise ValueError("an agent command, and no desk to carry it out")
            return command_once(AgentCommand.from_body(data))
        return process_once(InboundMessage.from_json(record.body))

    return handle
