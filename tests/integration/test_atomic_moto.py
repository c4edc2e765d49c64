"""The embedded stack's DynamoDB claims a key for one writer only, as DynamoDB does: exactly-once rests on it."""

from __future__ import annotations

import threading
from typing import Any

import boto3


def _claim(client: Any, table: str, key: str, start: threading.Barrier, winners: list[Any]) -> None:
    start.wait()
    try:
        client.put_item(TableName=table, Item={"id": {"S": key}}, ConditionExpression="attribute_not_exists(id)")
        winners.append(client)
    except client.exceptions.ConditionalCheckFailedException:
        pass


def test_two_concurrent_conditional_puts_of_one_key_let_exactly_one_win(aws) -> None:
    clients = [boto3.client("dynamodb", region_name="us-east-1") for _ in range(2)]
    double_claims = 0
    for round_ in range(200):
        winners: list[Any] = []
        start = threading.Barrier(2)
        key = f"whatsapp:wamid.{round_}"
        threads = [
            threading.Thread(target=_claim, args=(c, aws.tables.processed_messages, key, start, winners))
            for c in clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert winners, "neither claim won"
        double_claims += len(winners) - 1
    assert double_claims == 0
