"""The analytics adapters against moto: Firehose takes the sink's batches and delivers them to S3; the pseudonym keys
written through pynamodb are the ones the webhook reads with plain boto3; and why the local stack writes to S3
itself."""

from __future__ import annotations

import json
from typing import Any

import boto3

from parley.analytics.schema import Event, EventType
from parley.analytics.sinks import FirehoseEventSink
from parley.data.dynamo_pseudonyms import DynamoPseudonymKeys
from parley.privacy.pseudonyms import DynamoKeyReader, Pseudonyms, subject_id

BUCKET = "parley-events-test"
PREFIX = "events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"


def firehose_to(bucket: str) -> tuple[Any, Any]:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    firehose = boto3.client("firehose", region_name="us-east-1")
    firehose.create_delivery_stream(
        DeliveryStreamName="parley-events",
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/parley-events-delivery",
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": PREFIX,
            "ErrorOutputPrefix": "errors/events/!{firehose:error-output-type}/",
        },
    )
    return firehose, s3


def test_the_firehose_sink_delivers_every_event_to_s3_as_json_lines(aws) -> None:
    firehose, s3 = firehose_to(BUCKET)
    events = [Event(EventType.MESSAGE_RECEIVED, 1_772_409_600_000 + n, "whatsapp", f"{n:016x}") for n in range(700)]

    FirehoseEventSink(firehose, "parley-events").emit(events)

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    lines = b"".join(s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in keys).decode().splitlines()
    assert [json.loads(line) for line in lines] == [e.to_dict() for e in events]


def test_moto_ignores_firehoses_partition_prefix_which_is_why_the_local_stack_writes_to_s3_itself(aws) -> None:
    # On AWS this prefix gives events/year=2026/month=03/day=02/…; moto keeps the expression as written and adds its
    # own hour folders. When this test fails, moto has learnt the expressions and the local stack could use Firehose.
    firehose, s3 = firehose_to(BUCKET)

    FirehoseEventSink(firehose, "parley-events").emit(
        [Event(EventType.MESSAGE_RECEIVED, 1_772_409_600_000, "whatsapp", "0123456789abcdef")]
    )

    [key] = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert key.startswith(PREFIX)


def test_keys_made_by_fulfillment_are_the_ones_the_webhook_reads_and_erasure_deletes(aws) -> None:
    fulfillment = Pseudonyms(DynamoPseudonymKeys())
    emily = fulfillment.names("whatsapp#14155550123", "CUST-1001")
    bob = fulfillment.names("whatsapp#14155550456", "CUST-1002")
    # Another environment making the same key at the same moment gets the first one (a conditional write).
    racing = DynamoPseudonymKeys().create(subject_id("conversation#whatsapp#14155550123"), b"\x00" * 32)
    assert racing != b"\x00" * 32

    webhook = Pseudonyms(DynamoKeyReader(boto3.client("dynamodb", region_name="us-east-1"), aws.tables.pseudonym_keys))
    assert webhook.conversations(["whatsapp#14155550123"])["whatsapp#14155550123"].conversation == emily.conversation

    fulfillment.forget("CUST-1001", ["whatsapp#14155550123"])

    table = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=aws.tables.pseudonym_keys)["Items"]
    assert len(table) == 2  # Bob's two keys
    dump = json.dumps(table)
    assert "14155550" not in dump and "CUST-" not in dump
    assert Pseudonyms(DynamoPseudonymKeys()).names("whatsapp#14155550456", "CUST-1002") == bob
    assert Pseudonyms(DynamoPseudonymKeys()).names("whatsapp#14155550123", "CUST-1001") != emily
