"""`parley serve`'s stand-in for the agents' inbox: the handoff topic's notifications, printed as they come."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from parley.observability import logger

FEED_QUEUE = "parley-local-agent-feed"


def describe(document: dict[str, Any]) -> str:
    """One notification as a few lines for a person at the terminal."""
    conversation = document.get("conversation_id", "?")
    kind = document.get("type")
    if kind == "handoff":
        lines = [f"[handoff] {conversation} needs a person ({document.get('reason')})"]
        lines += [f"    {line['speaker']}: {line['text']}" for line in document.get("transcript", [])]
        lines.append(f'    reply: parley agent reply {conversation} "…"')
        lines.append(f"    hand back: parley agent release {conversation}")
        return "\n".join(lines)
    if kind == "customer_message":
        message = document.get("message", {})
        attachment = f"[{message['attachment']}] " if message.get("attachment") else ""
        return f"[message] {conversation}: {attachment}{message.get('text', '')}".rstrip()
    return f"[{kind}] {conversation}: {document.get('problem')}: {document.get('detail')}"


class AgentFeed:
    """An SQS queue subscribed to the topic on the local endpoint, polled in the background."""

    def __init__(self, sns: Any, sqs: Any, topic_arn: str, show: Callable[[str], None] = print) -> None:
        self._sqs = sqs
        self._queue = sqs.create_queue(QueueName=FEED_QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self._queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        self._show = show
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agent-feed", daemon=True)

    def start(self) -> AgentFeed:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def poll_once(self, wait_seconds: int = 1) -> int:
        batch = self._sqs.receive_message(QueueUrl=self._queue, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
        messages = batch.get("Messages", [])
        for message in messages:
            try:
                self._show(describe(json.loads(json.loads(message["Body"])["Message"])))
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("handoff notification not readable", extra={"error": type(exc).__name__})
            self._sqs.delete_message(QueueUrl=self._queue, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except (BotoCoreError, ClientError) as exc:
                # The local endpoint may be stopping: say so, and try again shortly.
                logger.warning("handoff notifications not polled", extra={"error": type(exc).__name__})
                self._stopping.wait(0.5)
