"""The composition root: the one place that builds real adapters from configuration."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from parley.channels.events import EventSink, LoggingEventSink
from parley.channels.model import InboundMessage
from parley.config import (
    CredentialsUnavailableError,
    MetaCredentials,
    Settings,
    load_agent_token,
    load_meta_credentials,
    load_settings,
    load_translation_key,
)
from parley.ingress import WebhookIngress
from parley.queue import SqsInboundQueue

if TYPE_CHECKING:  # the webhook imports this module and must not load the language stack
    from parley.agents.api import AgentApi
    from parley.agents.commands import AgentCommand
    from parley.analytics.job import ReportJob
    from parley.analytics.sinks import BufferedEventSink
    from parley.dialogue.language_policy import ConversationLanguage
    from parley.i18n import Catalogs
    from parley.language.detector import LangdetectDetector
    from parley.language.lexicon import Lexicon
    from parley.language.translation import TranslationPivot
    from parley.nlu.entities import OrderIdFinder
    from parley.nlu.intents import LinearIntents
    from parley.support.guides import Guides

# botocore retries a throttled or failing call for seconds by default; inside a webhook Meta is waiting.
_AWS_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=5)
# Firehose: the sink retries the records that failed itself, and analytics must never hold a reply up for long.
_FIREHOSE_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1, read_timeout=3)


def aws_client(service: str, settings: Settings, config: Config = _AWS_CONFIG) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint_url,
        config=config,
    )


class LazyClient:
    """A boto3 client made on first use: a cold start does not pay for a client its requests may never need."""

    def __init__(self, service: str, settings: Settings, config: Config = _AWS_CONFIG) -> None:
        self._make = lambda: aws_client(service, settings, config)
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = self._make()
        return getattr(self._client, name)


def analytics_sinks(settings: Settings) -> tuple[EventSink, EventSink | None]:
    """Where conversation events and unrecognised messages go, counted as CloudWatch metrics on the way: their
    Firehose streams (EVENTS_STREAM_NAME, UNRECOGNISED_STREAM_NAME, as deployed); else the same layout written
    straight into EVENTS_BUCKET (the local stack: moto's Firehose ignores the partition prefix); else events to the
    log, and unrecognised messages nowhere (their words never go to a log, however redacted)."""
    from parley.analytics.sinks import FirehoseEventSink, MeteredEventSink, S3PartitionSink

    events: EventSink = LoggingEventSink()
    unrecognised: EventSink | None = None
    if settings.events_stream_name or settings.unrecognised_stream_name:
        firehose = LazyClient("firehose", settings, _FIREHOSE_CONFIG)
        if settings.events_stream_name:
            events = FirehoseEventSink(firehose, settings.events_stream_name)
        if settings.unrecognised_stream_name:
            unrecognised = FirehoseEventSink(firehose, settings.unrecognised_stream_name)
    elif settings.events_bucket:
        s3 = LazyClient("s3", settings)
        events = S3PartitionSink(s3, settings.events_bucket, "events")
        unrecognised = S3PartitionSink(s3, settings.events_bucket, "unrecognised")
    return MeteredEventSink(events), unrecognised


def _secret_fetcher(settings: Settings) -> Callable[[str], str]:
    """Reads a secret through Powertools' parameters utility, cached for five minutes so a rotation is seen."""
    provider: Any = None

    def fetch_secret(name: str) -> str:
        nonlocal provider
        from aws_lambda_powertools.utilities.parameters import SecretsProvider
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        if provider is None:
            provider = SecretsProvider(boto3_client=aws_client("secretsmanager", settings))
        try:
            value = provider.get(name, max_age=300)
        except GetParameterError as exc:
            raise CredentialsUnavailableError(f"cannot read secret {name}") from exc
        return value if isinstance(value, str) else bytes(value).decode()

    return fetch_secret


def secret_fetcher(settings: Settings) -> Callable[[str], str] | None:
    """One reader of the app secret (Meta credentials and the translation key share it); None without one."""
    return _secret_fetcher(settings) if settings.meta_secret_name else None


def credentials_provider(
    settings: Settings, fetch_secret: Callable[[str], str] | None = None
) -> Callable[[], MetaCredentials]:
    """Meta credentials, fetched lazily and cached for five minutes so a rotated secret is picked up; those set in the
    environment were read with the settings, at start-up."""
    fetch_secret = fetch_secret or secret_fetcher(settings)

    def provide() -> MetaCredentials:
        return load_meta_credentials(settings, fetch_secret=fetch_secret)

    return provide


def translation_pivot(
    settings: Settings, order_ids: OrderIdFinder, fetch_secret: Callable[[str], str] | None = None
) -> TranslationPivot | None:
    """The translation pivot for languages without a catalog; None when TRANSLATION_PROVIDER is "none".

    Nothing here reaches the provider or Secrets Manager: the key is read when a first translation needs it."""
    from parley.data.dynamo_translation_cache import DynamoTranslationCache
    from parley.language.protect import Protector
    from parley.language.providers import build_translation_pivot

    if settings.translation_provider == "none":
        return None
    fetch_secret = fetch_secret or secret_fetcher(settings)
    return build_translation_pivot(
        settings.translation_provider,
        lambda: load_translation_key(settings, fetch_secret=fetch_secret),
        DynamoTranslationCache(),
        Protector(order_ids),
        deadline_seconds=settings.translation_deadline_seconds,
        ttl_days=settings.translation_cache_days,
        region=settings.translation_region or None,
    )


def build_webhook(settings: Settings | None = None) -> tuple[WebhookIngress, AgentApi]:
    """Meta's webhook and the agents' endpoint, sharing one SQS client and one cached reader of the app secret: a
    boto3 client costs tens of milliseconds of the webhook's cold start."""
    from parley.agents.api import AgentApi
    from parley.agents.commands import SqsAgentCommandQueue
    from parley.privacy.pseudonyms import DynamoKeyReader, Pseudonyms

    settings = settings or load_settings()
    fetch_secret = secret_fetcher(settings)
    sqs = aws_client("sqs", settings)
    commands = SqsAgentCommandQueue(sqs, settings.inbound_queue_url)
    # Channel events go to the log; delivery statuses also become analytics events, under the pseudonyms
    # fulfillment made (read with plain boto3, never created here). A Messenger thread the Page Inbox passes back
    # becomes a hand-back command on the same queue.
    keys = DynamoKeyReader(LazyClient("dynamodb", settings), settings.tables.pseudonym_keys)
    ingress = WebhookIngress(
        credentials_provider(settings, fetch_secret),
        SqsInboundQueue(sqs, settings.inbound_queue_url),
        events=LoggingEventSink(),
        commands=commands,
        analytics=analytics_sinks(settings)[0],
        pseudonyms=Pseudonyms(keys, create=False),
    )
    # The agents' bearer token: AGENT_API_TOKEN from the environment, else the app secret.
    agents = AgentApi(lambda: load_agent_token(settings, fetch_secret=fetch_secret), commands)
    return ingress, agents


@dataclass(frozen=True)
class UnderstandingParts:
    catalogs: Catalogs
    detector: LangdetectDetector
    lexicon: Lexicon
    language: ConversationLanguage
    intents: LinearIntents
    order_ids: OrderIdFinder


def understanding_parts(settings: Settings) -> UnderstandingParts:
    """Catalogs, language detector, intent model and entity finders: loaded once per execution environment."""
    from parley.dialogue.language_policy import ConversationLanguage
    from parley.i18n import load_catalogs
    from parley.language.detector import LangdetectDetector
    from parley.nlu.artifact import load_or_train
    from parley.nlu.entities import OrderIdFinder

    catalogs = load_catalogs(
        Path(settings.locales_dir) if settings.locales_dir else None, default_language=settings.default_language
    )
    detector, lexicon = LangdetectDetector(catalogs.languages), catalogs.lexicon()
    return UnderstandingParts(
        catalogs=catalogs,
        detector=detector,
        lexicon=lexicon,
        language=ConversationLanguage(detector, lexicon, catalogs.languages, catalogs.default_language),
        intents=load_or_train(
            catalogs.examples(),
            Path(settings.intent_model_path) if settings.intent_model_path else None,
            save=settings.intent_model_save,
        ),
        order_ids=OrderIdFinder(settings.order_id_pattern),
    )


def configured_guides(settings: Settings) -> Guides:
    """The troubleshooting guides: PARLEY_GUIDES_DIR's (the layer's, in Lambda), else the repository's."""
    from parley.support.guides import load_guides

    return load_guides(Path(settings.guides_dir) if settings.guides_dir else None)


def build_understanding(settings: Settings) -> Callable[[str], dict[str, Any]]:
    """What `parley nlu classify` prints for one text: language, intent, confidence and entities."""
    from parley.nlu.extraction import EntityExtractor

    parts = understanding_parts(settings)
    extractor = EntityExtractor(parts.order_ids, parts.catalogs.languages)

    def understand(text: str) -> dict[str, Any]:
        guess = parts.detector.guess(text)
        language = parts.language.identify(text) or (guess.language if guess else None)
        classification = parts.intents.classify(text)
        entities = extractor.extract(text)
        return {
            "language": language,
            "intent": classification.intent.value,
            "confidence": classification.confidence,
            "entities": entities,
        }

    return understand


class FulfillmentRuntime:
    """Everything fulfillment needs, built once per execution environment."""

    def __init__(self, settings: Settings) -> None:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        from parley.agents.commands import AgentCommand
        from parley.agents.desk import AgentDesk
        from parley.agents.notify import HandoffNotifier, SnsPublisher
        from parley.agents.translating import AgentTranslator
        from parley.analytics.recording import EventRecorder
        from parley.analytics.sinks import BufferedEventSink
        from parley.channels.meta import GraphClient
        from parley.channels.registry import build_senders
        from parley.data.dynamo import (
            DynamoCustomers,
            DynamoInvoices,
            DynamoOrders,
            DynamoProducts,
            DynamoReturns,
            DynamoSubscriptions,
        )
        from parley.data.dynamo_conversations import DynamoConversations, DynamoMessageLog
        from parley.data.dynamo_pseudonyms import DynamoPseudonymKeys
        from parley.data.tables import bind_models
        from parley.dialogue.engine import DialogueEngine
        from parley.dialogue.interpreting import Interpreter
        from parley.dialogue.ports import BillingLinks, DialoguePorts
        from parley.dialogue.understanding import Understanding
        from parley.fulfillment import MessageProcessor
        from parley.observability import logger
        from parley.privacy.pseudonyms import Pseudonyms

        self.settings = settings
        bind_models(settings)
        parts = understanding_parts(settings)
        # One cached reader of the app secret: Meta credentials and the translation key come from the same JSON.
        fetch_secret = secret_fetcher(settings)
        catalogs = parts.catalogs
        pivot = translation_pivot(settings, parts.order_ids, fetch_secret)
        conversations = DynamoConversations(settings.conversation_ttl_days)
        message_log = DynamoMessageLog(settings.conversation_ttl_days)
        # One set of pseudonym keys for events and for erasure, so an erased key leaves this cache at once.
        pseudonyms = Pseudonyms(DynamoPseudonymKeys())
        ports = DialoguePorts(
            customers=DynamoCustomers(),
            orders=DynamoOrders(),
            conversations=conversations,
            message_log=message_log,
            returns=DynamoReturns(),
            invoices=DynamoInvoices(),
            subscriptions=DynamoSubscriptions(),
            products=DynamoProducts(),
            pseudonyms=pseudonyms,
            return_window_days=settings.return_window_days,
            billing_links=BillingLinks(settings.payment_url_template, settings.payment_method_url_template),
            office_hours=settings.office_hours,
            guides=configured_guides(settings),
        )
        interpreter = Interpreter(catalogs.languages, catalogs.apologies(), pivot)
        service = DialogueEngine(
            ports, Understanding(catalogs, parts.language, parts.intents, parts.order_ids, interpreter)
        )
        credentials = credentials_provider(settings, fetch_secret)
        senders = build_senders(settings, GraphClient.from_settings(settings), credentials)
        # Agents read and write AGENT_LANGUAGE; customers theirs. The same translation as the customers' messages.
        translator = AgentTranslator(pivot)
        notifier = None
        if settings.handoff_topic_arn:
            publisher = SnsPublisher(aws_client("sns", settings), settings.handoff_topic_arn)
            notifier = HandoffNotifier(publisher, conversations, translator, settings.agent_language, message_log)
        else:
            logger.warning("HANDOFF_TOPIC_ARN is not set: nobody is notified when a customer needs a person")
        # A batch's events go out together when the handler flushes them, after the batch.
        events, unrecognised = analytics_sinks(settings)
        self.sinks: list[BufferedEventSink] = [BufferedEventSink(events)]
        if unrecognised is not None:
            self.sinks.append(BufferedEventSink(unrecognised))
        recorder = EventRecorder(
            self.sinks[0],
            pseudonyms,
            unrecognised=self.sinks[1] if unrecognised is not None else None,
            translation=pivot.stats if pivot is not None else None,
        )
        self.processor = MessageProcessor(service, senders, recorder, notifier)
        self.desk = AgentDesk(
            conversations, senders, catalogs, translator, settings.agent_language, notifier, message_log,
            recorder=recorder,
        )  # fmt: skip
        # Meta redelivers for days and SQS deduplicates for five minutes only: a record per platform
        # message id, kept for idempotency_days, makes every message answered at most once.
        self.idempotency = IdempotencyConfig(
            event_key_jmespath="key",
            expires_after_seconds=settings.idempotency_days * 86_400,
            raise_on_no_idempotency_key=True,
        )
        self.idempotency_store = store = DynamoDBPersistenceLayer(
            table_name=settings.tables.processed_messages,
            boto3_client=aws_client("dynamodb", settings),
        )

        @idempotent_function(data_keyword_argument="envelope", persistence_store=store, config=self.idempotency)
        def process_once(envelope: dict[str, str]) -> dict[str, Any]:
            return self.processor.process(InboundMessage.from_json(envelope["message"]))

        @idempotent_function(data_keyword_argument="envelope", persistence_store=store, config=self.idempotency)
        def command_once(envelope: dict[str, str]) -> dict[str, Any]:
            return self.desk.handle(AgentCommand.from_body(json.loads(envelope["command"])))

        self._process_once = process_once
        self._command_once = command_once

    def process(self, message: InboundMessage) -> dict[str, Any]:
        key = f"{message.channel.value}:{message.message_id}"
        result: dict[str, Any] = self._process_once(envelope={"key": key, "message": message.to_json()})
        return result

    def process_agent_command(self, command: AgentCommand) -> dict[str, Any]:
        # Per conversation and request id: the webhook's SQS deduplication lasts five minutes, this for days.
        result: dict[str, Any] = self._command_once(
            envelope={"key": command.idempotency_key, "command": command.to_json()}
        )
        return result

    def register_context(self, context: Any) -> None:
        self.idempotency.register_lambda_context(context)

    def flush_events(self) -> None:
        """Send the analytics events of the batch just handled (the handler calls this at the end of each)."""
        for sink in self.sinks:
            sink.flush()


def fulfillment_runtime() -> FulfillmentRuntime:
    """Built once per execution environment, by the fulfillment handler module at import."""
    return FulfillmentRuntime(load_settings())


# Batch work reading and writing S3 for minutes: more patience than the webhook's calls, still bounded.
_BATCH_AWS_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)


def report_job(settings: Settings | None = None) -> ReportJob:
    """The scheduled report, built once per execution environment by the analytics handler module at import:
    events from EVENTS_BUCKET, reports to REPORTS_BUCKET, mail through SES when REPORT_RECIPIENTS names anyone;
    the report's locale and translation price as `parley report` reads them."""
    from functools import partial

    from parley.analytics.job import ReportJob, StoredEvents
    from parley.analytics.kpis import compute_kpis
    from parley.analytics.mail import SesReportMailer
    from parley.analytics.reading import S3Source, read_events, read_unrecognised
    from parley.analytics.report import render_report
    from parley.analytics.store import S3ReportStore
    from parley.config import load_report_settings

    settings = settings or load_settings()
    report = load_report_settings(scheduled=True)

    def client(service: str) -> Any:
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            region_name=settings.region,
            endpoint_url=settings.aws_endpoint_url,
            config=_BATCH_AWS_CONFIG,
        )

    s3 = client("s3")
    return ReportJob(
        report,
        StoredEvents(S3Source(s3, settings.events_bucket), read_events, read_unrecognised),
        partial(compute_kpis, price_per_million=report.price_per_million),
        partial(render_report, locale=report.locale),
        S3ReportStore(s3, report.reports_bucket),
        SesReportMailer(client("sesv2")) if report.recipients else None,
    )
