"""Start the whole system on this machine: AWS (embedded moto unless AWS_ENDPOINT_URL), webhook, queue, fulfillment."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from parley.config import Settings, load_local_settings, load_meta_credentials, load_report_settings, load_settings
from parley.data.tables import create_missing_tables
from parley.local.gateway import ApiGatewayServer
from parley.local.lambda_runtime import invoke, load_handler_module
from parley.local.sqs_poller import SqsPoller

QUEUE_NAME = "parley-inbound.fifo"
# Conversation events and unrecognised messages, in the layout Firehose gives them on AWS (see ensure_bucket).
EVENTS_BUCKET = "parley-events-local"
DLQ_NAME = "parley-inbound-dlq.fifo"
TOPIC_NAME = "parley-handoff"
REPORTS_BUCKET = "parley-reports"
# Locally, a message whose invocation crashed comes back after a few seconds rather than Lambda's minutes (one that
# failed comes back when the retry schedule says: parley.fulfillment.retrying).
LOCAL_VISIBILITY_TIMEOUT = 5


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def use_local_aws_defaults(env: MutableMapping[str, str]) -> None:
    """moto accepts any credentials; set harmless ones so boto3 never looks for real ones. The intent model is
    kept in the user's cache between runs, as the layer keeps it in Lambda (retrained when the catalogs change)."""
    if not load_settings(env).intent_model_path:
        env["PARLEY_INTENT_MODEL"] = str(load_local_settings(env).intent_model_cache)
        env.setdefault("PARLEY_INTENT_MODEL_SAVE", "1")
    env.setdefault("AWS_ACCESS_KEY_ID", "testing")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    env.pop("AWS_PROFILE", None)
    env.setdefault("POWERTOOLS_SERVICE_NAME", "parley")
    # No CloudWatch here: the handlers' metrics would only be JSON blobs in the terminal.
    env.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


def start_moto() -> tuple[Any, str]:
    from moto.server import ThreadedMotoServer

    from parley.local.atomic_moto import serialise_dynamodb

    # The server answers each request on a thread of its own: its DynamoDB must be as atomic as the real one.
    serialise_dynamodb()
    # moto's server logs every request through werkzeug; the stack's own logs are what matter here.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def ensure_queue(settings: Settings, sqs: Any) -> str:
    """The FIFO queue and its dead-letter queue, as the template makes them (maxReceiveCount from the retry schedule
    the settings give); only on a local endpoint."""
    from parley.fulfillment.retrying import RetrySchedule

    if not settings.is_local_endpoint:
        raise StackError("queues are created by the SAM template on AWS; set INBOUND_QUEUE_URL instead")
    dlq_url = sqs.create_queue(QueueName=DLQ_NAME, Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    receives = RetrySchedule.from_settings(settings).receives
    attributes = {
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
        "VisibilityTimeout": str(LOCAL_VISIBILITY_TIMEOUT),
    }
    url = str(sqs.create_queue(QueueName=QUEUE_NAME, Attributes=attributes)["QueueUrl"])
    # Set apart from the creation: a queue left from an earlier start (the schedule may have changed since) would
    # refuse a create naming another policy (QueueAlreadyExists), and keep its old policy otherwise.
    policy = f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"{receives}"}}'
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    return url


def ensure_topic(settings: Settings, sns: Any) -> str:
    """The topic agents are notified on when a customer needs a person, as the template makes it; local only."""
    if not settings.is_local_endpoint:
        raise StackError("the handoff topic is created by the SAM template on AWS; set HANDOFF_TOPIC_ARN instead")
    return str(sns.create_topic(Name=TOPIC_NAME)["TopicArn"])


def ensure_bucket(settings: Settings, s3: Any, name: str, setting: str) -> str:
    """A bucket the template makes (the events or the reports bucket); local only. Returns its name.

    The events bucket has no Firehose streams in front of it here: moto's Firehose delivers to S3 but ignores the
    prefix's !{timestamp:…} expressions, so the functions write the same day partitions straight to the bucket
    (analytics.sinks.S3PartitionSink), where `parley report` reads them."""
    if not settings.is_local_endpoint:
        raise StackError(f"buckets are created by the SAM template on AWS; set {setting} instead")
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if name not in existing:
        s3.create_bucket(Bucket=name)
    return name


def prepare_local_aws(env: MutableMapping[str, str]) -> Settings:
    """Create the tables, queue, handoff topic, events and reports buckets on the local endpoint named by env and
    record the queue URL, topic ARN and bucket names in env."""
    from parley.wiring import aws_client

    settings = load_settings(env)
    create_missing_tables(settings, aws_client("dynamodb", settings))
    if not settings.inbound_queue_url:
        env["INBOUND_QUEUE_URL"] = ensure_queue(settings, aws_client("sqs", settings))
    if not settings.handoff_topic_arn:
        env["HANDOFF_TOPIC_ARN"] = ensure_topic(settings, aws_client("sns", settings))
    s3 = aws_client("s3", settings)
    reports_bucket = load_report_settings(env).reports_bucket or REPORTS_BUCKET
    env["EVENTS_BUCKET"] = ensure_bucket(settings, s3, settings.events_bucket or EVENTS_BUCKET, "EVENTS_BUCKET")
    env["REPORTS_BUCKET"] = ensure_bucket(settings, s3, reports_bucket, "REPORTS_BUCKET")
    return load_settings(env)


@dataclass
class LocalStack:
    host: str = "127.0.0.1"
    port: int = 0
    env: MutableMapping[str, str] = field(default_factory=lambda: os.environ)
    moto: Any = None
    gateway: ApiGatewayServer | None = None
    poller: SqsPoller | None = None
    settings: Settings | None = None

    def start(self) -> LocalStack:
        use_local_aws_defaults(self.env)
        if not load_settings(self.env).aws_endpoint_url:
            self.moto, self.env["AWS_ENDPOINT_URL"] = start_moto()
        settings = load_settings(self.env)
        if not settings.is_local_endpoint:
            raise StackError("AWS_ENDPOINT_URL must point at this machine (a moto server) for the local stack")
        credentials = load_meta_credentials(settings)
        for name, value in (
            ("META_APP_SECRET", credentials.app_secret),
            ("META_VERIFY_TOKEN", credentials.verify_token),
        ):
            if not value:
                raise StackError(f"{name} is not set: the webhook needs it to check Meta's requests")
        # Customers' ids in the functions' logs are hashed under one key, as a stack's two functions share theirs: a
        # fixed LOG_HASH_KEY when set (to compare logs across runs), else one made for this run.
        self.env.setdefault("LOG_HASH_KEY", secrets.token_urlsafe(32))
        # The Graph API stand-in does not check tokens; real Graph does, and then these must be real.
        for name in ("WHATSAPP_ACCESS_TOKEN", "MESSENGER_PAGE_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
            self.env.setdefault(name, "local")
        self.settings = prepare_local_aws(self.env)
        # The handlers read configuration when imported, as in a Lambda cold start: import them now.
        webhook = load_handler_module("webhook")
        fulfillment = load_handler_module("fulfillment")
        from parley.wiring import aws_client

        self.gateway = ApiGatewayServer(
            lambda event: invoke(webhook, event, "parley-webhook", timeout_seconds=10), self.host, self.port
        ).start()
        self.poller = SqsPoller(
            aws_client("sqs", self.settings),
            self.settings.inbound_queue_url,
            lambda event: invoke(fulfillment, event, "parley-fulfillment", timeout_seconds=30),
            self.settings.region,
        ).start()
        return self

    @property
    def url(self) -> str:
        if self.gateway is None:
            raise StackError("the stack is not started")
        return self.gateway.url

    def stop(self) -> None:
        if self.poller:
            self.poller.stop()
        if self.gateway:
            self.gateway.stop()
        if self.moto:
            self.moto.stop()
