"""The agents' endpoint remembers the Idempotency-Keys it accepted across invocations and cold starts, with what each
carried: the same request again is accepted and carried out once; another request under a used key is 409."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest

from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.events import APP_SECRET, http_api_event

TOKEN = "agent-token-0123456789abcdef"
EMILY = "whatsapp:14155550123"


@pytest.fixture
def queue_url(aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    monkeypatch.setenv("INBOUND_QUEUE_URL", url)
    monkeypatch.setenv("META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("AGENT_API_TOKEN", TOKEN)
    yield url


def cold_start() -> ModuleType:
    """A new execution environment of the webhook function: nothing in memory from the one before."""
    return load_handler_module("webhook")


def reply(module: ModuleType, text: str, key: str | None, conversation: str = EMILY) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"} | ({"Idempotency-Key": key} if key else {})
    event = http_api_event(
        "POST", f"/agent/conversations/{conversation}/messages", json.dumps({"text": text}).encode(), headers
    )
    result: dict[str, Any] = module.handler(event, LocalLambdaContext("parley-webhook"))
    return result


def queued_texts(queue_url: str) -> list[str]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    texts = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            texts.append(json.loads(message["Body"])["agent_command"]["text"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return texts


def test_a_key_reused_with_another_text_in_a_later_invocation_is_409_and_nothing_more_is_queued(queue_url):
    first = reply(cold_start(), "Your refund was approved.", "refund-42")
    later = cold_start()
    reused = reply(later, "Sorry, your refund was declined.", "refund-42")

    assert (first["statusCode"], reused["statusCode"]) == (202, 409)
    assert "Idempotency-Key" in json.loads(reused["body"])["error"]
    assert queued_texts(queue_url) == ["Your refund was approved."]


def test_the_same_request_again_in_another_invocation_is_accepted_and_queued_once(queue_url):
    assert reply(cold_start(), "Your refund was approved.", "refund-43")["statusCode"] == 202
    assert reply(cold_start(), "Your refund was approved.", "refund-43")["statusCode"] == 202

    assert queued_texts(queue_url) == ["Your refund was approved."]  # SQS's deduplication: one command


def test_keys_are_per_conversation_and_requests_without_one_are_never_refused(queue_url):
    module = cold_start()
    assert reply(module, "Hello Emily", "hello-1")["statusCode"] == 202
    assert reply(module, "Hola Lucía", "hello-1", conversation="whatsapp:34612345678")["statusCode"] == 202
    assert reply(module, "One", None)["statusCode"] == reply(module, "Two", None)["statusCode"] == 202

    assert sorted(queued_texts(queue_url)) == ["Hello Emily", "Hola Lucía", "One", "Two"]


def test_the_record_names_no_one_and_expires_with_fulfillments_idempotency_records(queue_url, aws):
    module = cold_start()
    module.agents._clock = lambda: 1_795_500_000.0
    reply(module, "Your refund was approved.", "refund-44")

    table = boto3.client("dynamodb", region_name="us-east-1")
    [item] = table.scan(TableName=aws.tables.processed_messages)["Items"]
    assert item["id"]["S"].startswith("agent-request#") and "14155550123" not in json.dumps(item)
    assert int(item["expiration"]["N"]) == 1_795_500_000 + aws.idempotency_days * 86_400


def test_when_the_records_cannot_be_read_the_agent_is_told_to_try_again_and_nothing_is_queued(queue_url, monkeypatch):
    module = cold_start()
    monkeypatch.setattr(module.agents._ledger, "_table", "no-such-table")

    assert reply(module, "Your refund was approved.", "refund-45")["statusCode"] == 500
    assert queued_texts(queue_url) == []
