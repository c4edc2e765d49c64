"""Analytics events through the deployed handlers on moto: a fulfillment turn's events and its unrecognised words land
in the events bucket's day partitions, where the report reads them; the webhook's delivery statuses join them under
the same conversation pseudonym; metrics are flushed once per invocation; and nothing in the bucket names, reaches
or quotes the customer."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from parley.analytics.reading import S3Source, read_events, read_unrecognised
from parley.channels.model import Channel
from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.events import APP_SECRET, load, raw, signed_post
from support.factories import inbound
from support.fulfillment import EMILY, invoke

BUCKET = "parley-events-test"


@pytest.fixture
def bucket(aws, monkeypatch: pytest.MonkeyPatch) -> str:
    """The events bucket, named to both functions as the local stack names it (no Firehose on moto)."""
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("EVENTS_BUCKET", BUCKET)
    return BUCKET


@pytest.fixture
def handler(bucket: str, fulfillment: ModuleType) -> ModuleType:
    return fulfillment


@pytest.fixture
def webhook(bucket: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    queue = boto3.client("sqs", region_name="us-east-1").create_queue(
        QueueName="inbound.fifo", Attributes={"FifoQueue": "true"}
    )
    monkeypatch.setenv("INBOUND_QUEUE_URL", queue["QueueUrl"])
    monkeypatch.setenv("META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("META_VERIFY_TOKEN", "vt")
    return load_handler_module("webhook")


def today() -> tuple[datetime, datetime]:
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def objects() -> dict[str, bytes]:
    s3 = boto3.client("s3", region_name="us-east-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    return {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


def events() -> list[dict[str, Any]]:
    return list(read_events(S3Source(boto3.client("s3", region_name="us-east-1"), BUCKET), *today()))


def test_a_fulfillment_batch_lands_its_events_in_todays_partition(handler) -> None:
    where = inbound("where is ORD-104233?", sender=EMILY.phone)
    odd = inbound("Emily Carter here: what's the capital of Mongolia", sender=EMILY.phone)

    assert invoke(handler, where, odd) == []

    day = datetime.now(UTC)
    partition = f"events/year={day:%Y}/month={day:%m}/day={day:%d}/"
    stored = objects()
    assert [key for key in stored if key.startswith("events/")] and all(
        key.startswith((partition, partition.replace("events/", "unrecognised/"))) for key in stored
    )
    assert len([key for key in stored if key.startswith("events/")]) == 1  # the batch's events in one object
    assert [e["type"] for e in events()] == [
        "message_received", "intent_recognised", "reply_sent",
        "message_received", "intent_recognised", "fallback", "reply_sent",
    ]  # fmt: skip
    s3 = S3Source(boto3.client("s3", region_name="us-east-1"), BUCKET)
    assert [u["text"] for u in read_unrecognised(s3, *today())] == ["[name] here: what's the capital of Mongolia"]


def test_no_stored_event_holds_a_number_a_psid_an_email_a_name_or_the_customers_words(handler, webhook) -> None:
    invoke(handler, inbound("Hi, I am Emily Carter, where is ORD-104233?", sender=EMILY.phone))
    invoke(handler, inbound("mail me at emily.carter@example.com", sender=EMILY.phone))
    invoke(handler, inbound("what's the capital of Mongolia, asks Emily", sender=EMILY.phone))
    invoke(handler, inbound("hello", sender=EMILY.messenger_psid, channel=Channel.MESSENGER))
    webhook.handler(signed_post("whatsapp", raw("whatsapp_status_failed.json")), LocalLambdaContext("parley-webhook"))

    stored = b"".join(body for key, body in objects().items() if key.startswith("events/")).decode()
    assert stored.count("\n") > 10
    for private in (EMILY.phone, EMILY.messenger_psid, "emily", "Emily", "Carter", "ORD-104233", "Mongolia", "wamid"):
        assert private not in stored, private
    kept = b"".join(body for key, body in objects().items() if key.startswith("unrecognised/")).decode()
    assert "Mongolia" in kept and "Emily" not in kept


def test_delivery_statuses_join_the_conversation_under_its_pseudonym(handler, webhook) -> None:
    invoke(handler, inbound("where is ORD-104233?", sender=EMILY.phone))

    # The status of the reply just sent arrives seconds later: stamped now, it lands in today's partition too.
    status = load("whatsapp_status_failed.json")
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["timestamp"] = str(int(time.time()))
    response = webhook.handler(
        signed_post("whatsapp", json.dumps(status).encode()), LocalLambdaContext("parley-webhook")
    )

    assert response["statusCode"] == 200
    recorded = events()
    [status] = [e for e in recorded if e["type"] == "delivery_status"]
    assert (status["status"], status["reason"]) == ("failed", "131047")
    assert status["conversation"] == recorded[0]["conversation"] != ""


def test_metrics_are_flushed_once_per_invocation(handler, monkeypatch, capsys) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED")
    capsys.readouterr()

    invoke(handler, inbound("where is ORD-104233?", sender=EMILY.phone), inbound("thanks!", sender=EMILY.phone))

    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert len(blobs) == 1
    [declared] = blobs[0]["_aws"]["CloudWatchMetrics"]
    assert declared["Namespace"] == "Parley"
    assert sum(blobs[0]["MessagesIn"]) == 2 and sum(blobs[0]["RepliesSent"]) == 2
    assert len(blobs[0]["FirstResponseMs"]) == 2


WEBHOOK_ALONE = """
import json, os, sys
import boto3
from moto import mock_aws
with mock_aws():
    url = boto3.client("sqs", region_name="us-east-1").create_queue(
        QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    os.environ["INBOUND_QUEUE_URL"] = url
    from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
    from support.events import raw, signed_post
    webhook = load_handler_module("webhook")
    for name in ("whatsapp_status_failed.json", "whatsapp_text.json"):
        webhook.handler(signed_post("whatsapp", raw(name)), LocalLambdaContext("parley-webhook"))
print(json.dumps(sorted(m for m in ("pynamodb", "langdetect", "deep_translator", "numpy") if m in sys.modules)))
"""


def test_the_webhook_stays_free_of_pynamodb_and_the_language_stack_while_counting_statuses(bucket) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    env = {**os.environ, "META_APP_SECRET": APP_SECRET, "META_VERIFY_TOKEN": "vt",
           "PYTHONPATH": os.pathsep.join([str(tests.parent / "src"), str(tests)])}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", WEBHOOK_ALONE], env=env, capture_output=True, text=True, check=False)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
