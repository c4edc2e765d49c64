"""Lambda's SQS event source mapping, locally: receive batches, invoke fulfillment, delete what succeeded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from parley.local.lambda_runtime import InvocationError
from parley.observability import logger


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": _lambda_attributes(m.get("MessageAttributes", {})),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def _lambda_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as Lambda's SQS event writes them (camelCase), not as ReceiveMessage returns them."""
    return {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
        for name, value in attributes.items()
    }


class SqsPoller:
    def __init__(
        self,
        client: Any,
        queue_url: str,
        invoke: Callable[[dict[str, Any]], dict[str, Any] | None],
        region: str,
        batch_size: int = 10,
    ) -> None:
        self._client = client
        self._queue_url = queue_url
        self._invoke = invoke
        self._region = region
        self._batch_size = batch_size
        self._queue_arn = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqs-poller", daemon=True)
        self.errors = 0

    def start(self) -> SqsPoller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def poll_once(self, wait_seconds: int = 1) -> int:
        response = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._invoke(sqs_event(messages, self._queue_arn, self._region)) or {}
        except InvocationError as exc:  # the invocation failed: SQS delivers the whole batch again
            self.errors += 1
            logger.warning(
                "fulfillment invocation failed", extra={"records": len(messages), "error": type(exc).__name__}
            )
            return len(messages)
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._client.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return len(messages)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except (BotoCoreError, ClientError) as exc:
                # The local endpoint is starting or stopping: say so, and try again shortly.
                self.errors += 1
                logger.warning("queue not polled", extra={"error": type(exc).__name__})
                self._stopping.wait(0.5)
