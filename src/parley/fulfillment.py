"""Fulfillment of one queued message: understand, answer from the data, send, exactly once per platform message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from parley.channels.model import Channel, InboundMessage
from parley.channels.senders import Sender
from parley.dialogue.service import ConversationService
from parley.graph import GraphApiError
from parley.observability import logger


class MessageProcessor:
    def __init__(self, service: ConversationService, senders: Mapping[Channel, Sender]) -> None:
        self._service = service
        self._senders = senders

    def process(self, message: InboundMessage) -> dict[str, Any]:
        """Answer one message. Raises to have it retried (storage or a transient send failure); a permanent
        send failure is logged and not retried, since retrying would never deliver it."""
        turn = self._service.respond(message)
        outcome = "sent"
        try:
            self._senders[message.channel].send(message, turn.reply)
        except GraphApiError as exc:
            if exc.retryable:
                raise
            outcome = "send_failed"
            logger.warning(
                "reply not deliverable",
                extra={"status": exc.status, "code": exc.code, "sender": message.sender_hash},
            )
        summary = {
            "outcome": outcome,
            "intent": turn.intent.value,
            "confidence": turn.confidence,
            "language": turn.language,
            "known_customer": turn.known_customer,
        }
        logger.info(
            "message answered",
            extra={"channel": message.channel.value, "sender": message.sender_hash, **summary},
        )
        return summary


def record_handler(
    process_once: Callable[[InboundMessage], dict[str, Any]],
) -> Callable[[Any], dict[str, Any]]:
    """Adapt the processor to Powertools' batch record handler (an SQSRecord in, raise to fail it)."""

    def handle(record: Any) -> dict[str, Any]:
        return process_once(InboundMessage.from_json(record.body))

    return handle
