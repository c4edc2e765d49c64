"""The agents' endpoint's memory of the Idempotency-Keys it accepted and what each one carried, so that a key reused
for another request is refused (409) instead of being silently swallowed as a repeat further on.

Each Lambda invocation starts with nothing in memory, so the memory is a DynamoDB record in the processed-messages
table (fulfillment's idempotency records live there too, under ids of their own): one conditional write per request
that names its key, plain boto3 (no pynamodb on the webhook's path). It is kept as long as fulfillment keeps its own
record of the command, so for as long as a repeat is recognised as one, a reuse is too.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

RECORD_PREFIX = "agent-request#"


class RequestLedgerError(RuntimeError):
    """The ledger could not be read or written now; the caller may try again."""


class RequestLedger(Protocol):
    def claim(self, key: str, fingerprint: str, now: int, expires_at: int) -> str:
        """Record `fingerprint` under `key` unless an unexpired record holds one already; return the fingerprint the
        key holds now (the one given when this call claimed it). Raises RequestLedgerError."""
        ...


def record_id(key: str) -> str:
    """The record's id: a SHA-256 of the key, which names the conversation (a phone number or PSID)."""
    return RECORD_PREFIX + hashlib.sha256(key.encode()).hexdigest()


class DynamoRequestLedger:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def claim(self, key: str, fingerprint: str, now: int, expires_at: int) -> str:
        id_ = {"S": record_id(key)}
        try:
            self._client.put_item(
                TableName=self._table,
                Item={"id": id_, "fingerprint": {"S": fingerprint}, "expiration": {"N": str(expires_at)}},
                # DynamoDB's TTL deletes an expired record only eventually: until then it is as good as gone.
                ConditionExpression="attribute_not_exists(id) OR expiration < :now",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
            return fingerprint
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise RequestLedgerError("agent request records unavailable") from exc
        except BotoCoreError as exc:
            raise RequestLedgerError("agent request records unavailable") from exc
        try:
            item = self._client.get_item(TableName=self._table, Key={"id": id_}, ConsistentRead=True).get("Item", {})
        except (BotoCoreError, ClientError) as exc:
            raise RequestLedgerError("agent request records unavailable") from exc
        return str(item.get("fingerprint", {}).get("S", ""))
