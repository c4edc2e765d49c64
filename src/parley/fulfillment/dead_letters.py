"""The inbound dead-letter queue: messages that failed every attempt over the retry horizon, moved back to the inbound
queue once the cause is fixed (`parley dlq replay`), so every customer is answered in the end.

SQS has no redrive of its own for FIFO queues (StartMessageMoveTask serves standard queues only), hence this. Each
message goes back to its own message group, in the order it was parked, marked as replayed: fulfillment then looks
for the reply its first attempt may have composed (parley.dialogue.outbox) before answering it anew, and a message
answered meanwhile is not answered again (the idempotency record). Its deduplication id is new but fixed for that
parked message, so running the command twice after an interruption does not queue it twice (within SQS's five
minutes; past them, the idempotency record still answers it once). A message is deleted from the dead-letter queue
only once it is on the inbound queue: an interrupted replay loses nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from parley.fulfillment.processing import REPLAYED_ATTRIBUTE

SQS_BATCH = 10
# How long a message received for moving stays hidden from another reader: ample for one batch.
MOVING_SECONDS = 60
NO_SUCH_QUEUE = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "UnrecognizedClientException"}
)


class DeadLetterError(RuntimeError):
    """The queues could not be read or written. `moved`: None when it happened before any message was touched,
    else how many had been moved back when the replay stopped."""

    def __init__(self, message: str, moved: int | None = None) -> None:
        super().__init__(message)
        self.moved = moved


@dataclass(frozen=True)
class Replay:
    queue: str  # names, not URLs: what the operator recognises
    dead_letter_queue: str
    moved: int  # moved back; with a dry run, how many would be (SQS's approximate count)
    dry_run: bool = False


def queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


class DeadLetters:
    def __init__(self, sqs: Any, queue_url: str) -> None:
        """`queue_url`: the inbound queue; its dead-letter queue is the one its redrive policy names."""
        self._sqs = sqs
        self._queue_url = queue_url

    def dead_letter_queue_url(self) -> str:
        try:
            attributes = self._sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["RedrivePolicy"])
            policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
            _, _, _, _, account, name = str(policy["deadLetterTargetArn"]).split(":")
            return str(self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])
        except KeyError as exc:
            raise DeadLetterError(f"{queue_name(self._queue_url)} has no dead-letter queue") from exc
        except (BotoCoreError, ClientError) as exc:
            raise DeadLetterError(f"cannot read {queue_name(self._queue_url)}: {_why(exc)}") from exc

    def replay(self, limit: int | None = None, dry_run: bool = False, wait_seconds: int = 1) -> Replay:
        """Move up to `limit` parked messages back (all of them by default); a dry run only counts them. Stopped
        part way (an AWS error, Ctrl-C), it raises DeadLetterError saying how many had moved: the messages of the
        batch in hand not yet moved are given back to the dead-letter queue, where a second run finds them."""
        dlq = self.dead_letter_queue_url()
        names = queue_name(self._queue_url), queue_name(dlq)
        if dry_run:
            return Replay(*names, min(self._waiting(dlq), limit if limit is not None else 10**9), dry_run=True)
        moved = 0
        batch: list[dict[str, Any]] = []
        try:
            while limit is None or moved < limit:
                wanted = SQS_BATCH if limit is None else min(SQS_BATCH, limit - moved)
                batch = self._sqs.receive_message(
                    QueueUrl=dlq, MaxNumberOfMessages=wanted, WaitTimeSeconds=wait_seconds,
                    VisibilityTimeout=MOVING_SECONDS, MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])  # fmt: skip
                if not batch:
                    break
                while batch:
                    self._move(batch[0], dlq)
                    batch.pop(0)
                    moved += 1
        except (BotoCoreError, ClientError) as exc:
            self._give_back(batch, dlq)
            raise DeadLetterError(f"stopped: {_why(exc)}", moved) from exc
        except KeyboardInterrupt as exc:
            self._give_back(batch, dlq)
            raise DeadLetterError("interrupted", moved) from exc
        return Replay(*names, moved)

    def _give_back(self, batch: list[dict[str, Any]], dlq: str) -> None:
        """Make the messages received but not moved visible again at once (best effort: otherwise they are after
        MOVING_SECONDS). The first of them may already be on the inbound queue: its fixed deduplication id and the
        idempotency record have it answered once all the same."""
        for message in batch:
            try:
                self._sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"],
                                                    VisibilityTimeout=0)  # fmt: skip
            except (BotoCoreError, ClientError):
                return

    def _move(self, message: dict[str, Any], dlq: str) -> None:
        system = message.get("Attributes", {})
        parked = f"{system.get('MessageDeduplicationId', '')}:replayed:{message['MessageId']}"
        attributes = {
            name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
            for name, value in (message.get("MessageAttributes") or {}).items()
        }
        attributes[REPLAYED_ATTRIBUTE] = {"DataType": "String", "StringValue": "1"}
        self._sqs.send_message(
            QueueUrl=self._queue_url,
            MessageBody=message["Body"],
            MessageGroupId=system["MessageGroupId"],
            MessageDeduplicationId=hashlib.sha256(parked.encode()).hexdigest(),
            MessageAttributes=attributes,
        )
        self._sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])

    def _waiting(self, dlq: str) -> int:
        try:
            attributes = self._sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
        except (BotoCoreError, ClientError) as exc:
            raise DeadLetterError(f"cannot read {queue_name(dlq)}: {_why(exc)}") from exc
        return int(attributes["Attributes"].get("ApproximateNumberOfMessages", 0))


def _why(exc: BotoCoreError | ClientError) -> str:
    """What went wrong, in words an operator acts on (never a traceback)."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "error"))
        if code in NO_SUCH_QUEUE:
            return "no such queue (check INBOUND_QUEUE_URL or --queue-url, and the region)"
        if code in ACCESS_DENIED:
            return f"access denied ({code}): these credentials may not use the queue"
        return code
    if isinstance(exc, EndpointConnectionError):
        return (
            f"cannot reach {exc.kwargs.get('endpoint_url', 'the endpoint')} (is it running, is AWS_ENDPOINT_URL right?)"
        )
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials (set AWS_PROFILE or the AWS_* variables)"
    return type(exc).__name__
