"""The inbound queue between webhook and fulfillment: SQS FIFO on AWS and locally, in memory in tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from parley.channels.model import InboundMessage, queueable

SQS_BATCH_LIMIT = 10
# SQS refuses a batch whose bodies add up to more than this (the size of one message too): batches are cut by size
# as well as by count.
SQS_BATCH_BYTES = 256 * 1024


class QueueError(RuntimeError):
    """The queue did not accept a message; the webhook answers 500 so that Meta redelivers."""


class InboundQueue(Protocol):
    def put(self, messages: Sequence[InboundMessage]) -> None: ...


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def message_group_id(conversation_key: str) -> str:
    """The FIFO group of a conversation: its customer's messages and its agent commands share it, so they are
    handled one at a time, in the order they came."""
    return _digest(conversation_key)


def _batches(messages: Sequence[InboundMessage]) -> list[list[tuple[InboundMessage, str]]]:
    """The messages with their bodies, in order, in batches SQS takes: SQS_BATCH_LIMIT at most, SQS_BATCH_BYTES at
    most in all."""
    batches: list[list[tuple[InboundMessage, str]]] = []
    size = 0
    for message in messages:
        body = queueable(message.to_json())  # the webhook cleaned its fields; nothing else gets by
        length = len(body.encode())
        if not batches or len(batches[-1]) == SQS_BATCH_LIMIT or size + length > SQS_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append((message, body))
        size += length
    return batches


class SqsInboundQueue:
    """FIFO: the group is one user (their messages stay in order, others' run in parallel) and the
    deduplication id is the platform message id, so Meta's redeliveries within SQS's 5-minute window vanish.
    Both are hashed: SQS metadata should not carry phone numbers."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def put(self, messages: Sequence[InboundMessage]) -> None:
        for chunk in _batches(messages):
            entries = [
                {
                    "Id": str(i),
                    "MessageBody": body,
                    "MessageGroupId": message_group_id(m.conversation_key),
                    "MessageDeduplicationId": _digest(f"{m.channel}:{m.message_id}"),
                }
                for i, (m, body) in enumerate(chunk)
            ]
            try:
                response = self._client.send_message_batch(QueueUrl=self._queue_url, Entries=entries)
            except (BotoCoreError, ClientError) as exc:
                raise QueueError("inbound queue unavailable") from exc
            if response.get("Failed"):
                codes = sorted({f.get("Code", "?") for f in response["Failed"]})
                raise QueueError(f"inbound queue refused {len(response['Failed'])} message(s): {codes}")
