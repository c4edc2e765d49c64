"""The webhook's parts: Meta's ingress and the agents' endpoint on one SQS client, and where analytics events go.
Imported by the webhook at its cold start: nothing of the language stack, pynamodb or the dialogue here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.config import Config

from parley.channels.events import EventSink, LoggingEventSink
from parley.config import Settings, load_agent_token, load_settings
from parley.ingress import WebhookIngress
from parley.queue import SqsInboundQueue
from parley.wiring.aws import (
    FIREHOSE_CONFIG,
    WEBHOOK_AWS_CONFIG,
    WEBHOOK_FIREHOSE_CONFIG,
    LazyClient,
    aws_client,
    credentials_provider,
    install_log_hash_key,
    secret_fetcher,
)

if TYPE_CHECKING:
    from parley.agents.api import AgentApi


def analytics_sinks(
    settings: Settings, firehose_config: Config = FIREHOSE_CONFIG, attempts: int | None = None
) -> tuple[EventSink, EventSink | None]:
    """Where conversation events and unrecognised messages go, counted as CloudWatch metrics on the way: their
    Firehose streams (EVENTS_STREAM_NAME, UNRECOGNISED_STREAM_NAME, as deployed); else the same layout written
    straight into EVENTS_BUCKET (the local stack: moto's Firehose ignores the partition prefix); else events to the
    log, and unrecognised messages nowhere (their words never go to a log, however redacted). `attempts`: how often
    a Firehose sink sends records that failed (its default when None)."""
    from parley.analytics.sinks import DEFAULT_ATTEMPTS, FirehoseEventSink, MeteredEventSink, S3PartitionSink

    events: EventSink = LoggingEventSink()
    unrecognised: EventSink | None = None
    if settings.events_stream_name or settings.unrecognised_stream_name:
        firehose = LazyClient("firehose", settings, firehose_config)
        tries = DEFAULT_ATTEMPTS if attempts is None else attempts
        if settings.events_stream_name:
            events = FirehoseEventSink(firehose, settings.events_stream_name, attempts=tries)
        if settings.unrecognised_stream_name:
            unrecognised = FirehoseEventSink(firehose, settings.unrecognised_stream_name, attempts=tries)
    elif settings.events_bucket:
        s3 = LazyClient("s3", settings)
        events = S3PartitionSink(s3, settings.events_bucket, "events")
        unrecognised = S3PartitionSink(s3, settings.events_bucket, "unrecognised")
    return MeteredEventSink(events), unrecognised


def build_webhook(settings: Settings | None = None) -> tuple[WebhookIngress, AgentApi]:
    """Meta's webhook and the agents' endpoint, sharing one SQS client and one cached reader of the app secret: a
    boto3 client costs tens of milliseconds of the webhook's cold start."""
    from parley.agents.api import AgentApi
    from parley.agents.commands import SqsAgentCommandQueue
    from parley.agents.ledger import DynamoRequestLedger
    from parley.privacy.pseudonyms import DynamoKeyReader, Pseudonyms

    settings = settings or load_settings()
    # Every AWS call here gives up in time for an answer inside the function's timeout (see WEBHOOK_AWS_CONFIG).
    fetch_secret = secret_fetcher(settings, WEBHOOK_AWS_CONFIG)
    install_log_hash_key(settings, fetch_secret)
    sqs = aws_client("sqs", settings, WEBHOOK_AWS_CONFIG)
    commands = SqsAgentCommandQueue(sqs, settings.inbound_queue_url)
    # Channel events go to the log; delivery statuses also become analytics events, under the pseudonyms
    # fulfillment made (read with plain boto3, never created here). A Messenger thread the Page Inbox passes back
    # becomes a hand-back command on the same queue.
    dynamodb = LazyClient("dynamodb", settings, WEBHOOK_AWS_CONFIG)
    keys = DynamoKeyReader(dynamodb, settings.tables.pseudonym_keys)
    ingress = WebhookIngress(
        credentials_provider(settings, fetch_secret),
        SqsInboundQueue(sqs, settings.inbound_queue_url),
        events=LoggingEventSink(),
        commands=commands,
        analytics=analytics_sinks(settings, WEBHOOK_FIREHOSE_CONFIG, attempts=1)[0],
        pseudonyms=Pseudonyms(keys, create=False),
    )
    # The agents' bearer token: AGENT_API_TOKEN from the environment, else the app secret. The Idempotency-Keys they
    # choose are remembered beside fulfillment's idempotency records, as long as those are kept.
    agents = AgentApi(
        lambda: load_agent_token(settings, fetch_secret=fetch_secret),
        commands,
        ledger=DynamoRequestLedger(dynamodb, settings.tables.processed_messages),
        remember_seconds=settings.idempotency_days * 86_400,
    )
    return ingress, agents
