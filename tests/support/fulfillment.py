"""Invoking the fulfillment handler as Lambda does, with SQS records built from inbound messages."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from parley.channels.model import InboundMessage
from parley.local.lambda_runtime import LocalLambdaContext
from support.factories import customer, order

EMILY = customer(name="Emily Carter", phone="14155550123", messenger_psid="5512345678901234")
BOB = customer(name="Bob Stone", phone="14155550456", messenger_psid=None)
EMILY_ORDER = order(EMILY, order_id="ORD-104233", carrier="UPS", tracking_number="1Z999AA10123456784")
BOB_ORDER = order(BOB, order_id="ORD-104999", carrier="FedEx", tracking_number="7777")


def sqs_event(*messages: InboundMessage, attempt: int = 0) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"sqs-{i}-{m.message_id}" + (f"-retry{attempt}" if attempt else ""),
                "receiptHandle": f"rh-{i}",
                "body": m.to_json(),
                "attributes": {"MessageGroupId": m.conversation_key, "ApproximateReceiveCount": str(attempt + 1)},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:parley-inbound.fifo",
                "awsRegion": "us-east-1",
            }
            for i, m in enumerate(messages)
        ]
    }


def invoke(module: ModuleType, *messages: InboundMessage, attempt: int = 0) -> list[str]:
    """Run one batch; return the SQS message ids that SQS will deliver again."""
    event = sqs_event(*messages, attempt=attempt)
    try:
        result = module.handler(event, LocalLambdaContext("parley-fulfillment"))
    except BatchProcessingError:
        # Every record failed: Lambda reports an error and SQS redelivers the whole batch.
        return [r["messageId"] for r in event["Records"]]
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]
