"""One customer, one name in every function's logs: the webhook and fulfillment, each started cold in an execution
environment of its own, hash a customer's id under the same key of the stack (the secret the template generates for
it), and nobody without that key can reproduce the name from the phone number."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest

from fakes import WrittenLines
from parley.data.dynamo import DynamoRecordWriter
from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from parley.local.payloads import whatsapp_text
from parley.observability import use_log_hash_key
from support.events import http_api_event, raw, signed_post
from support.fulfillment import BOB, BOB_ORDER, EMILY, EMILY_ORDER

APP_SECRET = "the-stacks-meta-app-secret"
AGENT_TOKEN = "agent-token-0123456789abcdef"
LOG_HASH_KEY = "GeneratedByCloudFormation0123456789abcdefghijklmnopqrstuvwxyzABCD"


@pytest.fixture
def written() -> Iterator[list[dict]]:
    from parley.observability import logger

    before = logger.log_level
    logger.setLevel("INFO")
    handler = WrittenLines(logger.registered_formatter)
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(before)


@pytest.fixture
def stack(aws, graph, monkeypatch: pytest.MonkeyPatch) -> str:
    """The deployed arrangement: credentials in the Meta secret, the log hash key in a secret of its own, the
    inbound queue, the Graph API stand-in, Emily and Bob on file."""
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    values = {"META_APP_SECRET": APP_SECRET, "META_VERIFY_TOKEN": "vt", "AGENT_API_TOKEN": AGENT_TOKEN}
    arn = secrets.create_secret(Name="parley/meta", SecretString=json.dumps(values))["ARN"]
    key_arn = secrets.create_secret(Name="parley/log-hash-key", SecretString=LOG_HASH_KEY)["ARN"]
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for name, value in {
        "META_SECRET_NAME": arn,
        "LOG_HASH_KEY_SECRET_NAME": key_arn,
        "INBOUND_QUEUE_URL": url,
        "GRAPH_API_URL": graph.url,
        "WHATSAPP_ACCESS_TOKEN": "wa-token",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "MESSENGER_PAGE_ACCESS_TOKEN": "page-token",
    }.items():
        monkeypatch.setenv(name, value)
    writer = DynamoRecordWriter()
    writer.replace_all([EMILY, BOB])
    writer.replace_all([EMILY_ORDER, BOB_ORDER])
    return url


def queued_as_lambda_gets_them(queue_url: str) -> dict:
    """What the webhook queued, as the SQS event source hands it to fulfillment."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    records = []
    while True:
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"])
        if not received.get("Messages"):
            return {"Records": records}
        for m in received["Messages"]:
            records.append(
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m["Attributes"],
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:inbound.fifo",
                    "awsRegion": "us-east-1",
                }
            )


def another_execution_environment() -> None:
    """What a process that has not started yet knows of the key: nothing (a random one until a cold start says)."""
    use_log_hash_key(None)


def test_a_full_turn_names_one_customer_alike_in_both_functions_and_never_by_number(stack, written):
    """Emily writes, her last reply's status comes back, an agent releases her conversation: the webhook's lines;
    then fulfillment, cold in another execution environment, answers what was queued: its lines. Every line names
    her by one keyed hash; none holds her number, or the plain SHA-256 an attacker could compute from it."""
    webhook = load_handler_module("webhook")
    context = LocalLambdaContext("webhook")
    text = json.dumps(whatsapp_text(EMILY.phone, "where is ORD-104233?", "Emily")).encode()
    assert webhook.handler(signed_post("whatsapp", text, APP_SECRET), context)["statusCode"] == 200
    status = raw("whatsapp_status_failed.json")  # a status of a message sent to Emily's number
    assert webhook.handler(signed_post("whatsapp", status, APP_SECRET), context)["statusCode"] == 200
    agent = http_api_event(
        "POST",
        f"/agent/conversations/whatsapp:{EMILY.phone}/release",
        headers={"Authorization": f"Bearer {AGENT_TOKEN}", "Idempotency-Key": "release-1"},
    )
    assert webhook.handler(agent, context)["statusCode"] == 202
    [status_hash] = [line["event"]["user_hash"] for line in written if "user_hash" in line.get("event", {})]
    [released] = [line["conversation"] for line in written if line.get("message") == "agent request"]

    another_execution_environment()
    fulfillment = load_handler_module("fulfillment")
    result = fulfillment.handler(queued_as_lambda_gets_them(stack), LocalLambdaContext("fulfillment"))
    assert result["batchItemFailures"] == []
    answered = {line["conversation"] for line in written if line.get("message") == "message answered"}

    assert answered == {status_hash} == {released}
    everything = json.dumps(written)
    assert EMILY.phone not in everything and APP_SECRET not in everything and LOG_HASH_KEY not in everything
    for plain in (f"whatsapp#{EMILY.phone}", EMILY.phone, f"+{EMILY.phone}"):
        assert hashlib.sha256(plain.encode()).hexdigest()[:8] not in everything, plain


_HASH_IN_A_NEW_PROCESS = """
import sys
from parley.channels.model import Channel, user_hash
from parley.config import load_settings
from parley.wiring import install_log_hash_key
install_log_hash_key(load_settings())
print(user_hash(Channel.WHATSAPP, sys.argv[1]))
"""


def hash_in_a_new_process(environment: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", _HASH_IN_A_NEW_PROCESS, EMILY.phone],
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_a_cold_start_hashes_as_every_other_one_of_the_stack_and_a_process_without_a_key_as_none():
    stack = hash_in_a_new_process({"LOG_HASH_KEY": LOG_HASH_KEY, "META_APP_SECRET": APP_SECRET})

    assert hash_in_a_new_process({"LOG_HASH_KEY": LOG_HASH_KEY}) == stack
    # Another stack, even one on the same Meta app: another generated key, other names.
    assert (
        hash_in_a_new_process(
            {"LOG_HASH_KEY": "another stack's generated key, 32+ chars", "META_APP_SECRET": APP_SECRET}
        )
        != stack
    )
    # No secret at all (a shell): a random key per process, documented, agreeing with nothing else.
    assert hash_in_a_new_process({}) != hash_in_a_new_process({})
