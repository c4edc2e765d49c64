"""Fulfillment of one queued message: understand, answer from the data, send, exactly once per platform message."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from parley.channels.base import HandsOver, Sender
from parley.channels.meta import GraphApiError
from parley.channels.model import Channel, InboundMessage, message_ref
from parley.dialogue.engine import SILENT_KINDS, DialogueEngine
from parley.observability import logger, message_keys

if TYPE_CHECKING:
    from parley.agents.commands import AgentCommand
    from parley.agents.notify import HandoffNotifier
    from parley.analytics.recording import EventRecorder


class MessageProcessor:
    def __init__(
        self,
        service: DialogueEngine,
        senders: Mapping[Channel, Sender],
        recorder: EventRecorder | None = None,
        notifier: HandoffNotifier | None = None,
    ) -> None:
        self._service = service
        self._senders = senders
        self._recorder = recorder
        self._notifier = notifier

    def process(self, message: InboundMessage) -> dict[str, Any]:
        """Answer one message. Raises to have it retried (storage or a transient send failure); a permanent
        send failure is recorded as an event and not retried, since retrying would never deliver it. Analytics
        events go out once the message is handled, so a retried message is counted once."""
        sender = self._senders[message.channel]
        turn = self._service.respond(message)
        answered_ms = self._recorder.now_ms() if self._recorder is not None else 0
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
        send_error = ""
        try:
            if turn.reply is not None:
                sender.send(message, turn.reply)
        except GraphApiError as exc:
            if exc.retryable:
                raise
            outcome = "send_failed"
            logger.warning(
                "reply not deliverable", extra={"status": exc.status, "code": exc.code, "reason": exc.reason.value}
            )
            send_error = exc.reason.value
        if self._recorder is not None:
            sent_ms = self._recorder.now_ms() if outcome == "sent" else 0
            self._recorder.turn(message, turn, answered_ms=answered_ms, sent_ms=sent_ms, send_error=send_error)
        if turn.handoff and outcome == "sent":
            self._hand_over(message, sender, turn.handoff)
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
            extra={"channel": message.channel.value, **summary},
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
                extra={"status": exc.status, "code": exc.code},
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
            command = AgentCommand.from_body(data)
            request = hashlib.sha256(command.idempotency_key.encode()).hexdigest()[:24]
            with message_keys(command.conversation.sender_hash, request):
                return command_once(command)
        message = InboundMessage.from_json(record.body)
        with message_keys(message.sender_hash, message_ref(message.channel, message.message_id)):
            return process_once(message)

    return handle
