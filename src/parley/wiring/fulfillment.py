"""Fulfillment's runtime: the dialogue engine over DynamoDB, the senders, the agents' desk, analytics and exactly-once
processing, built once per execution environment."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from parley.channels.model import InboundMessage
from parley.config import Settings, load_settings
from parley.wiring.aws import aws_client, credentials_provider, install_log_hash_key, secret_fetcher
from parley.wiring.understanding import (
    configured_account_help,
    configured_guides,
    translation_pivot,
    understanding_parts,
)
from parley.wiring.webhook import analytics_sinks

if TYPE_CHECKING:
    from parley.agents.commands import AgentCommand
    from parley.analytics.sinks import BufferedEventSink
    from parley.fulfillment.processing import Delivery


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
            DynamoProofAttempts,
            DynamoReturns,
            DynamoSubscriptions,
        )
        from parley.data.dynamo_conversations import DynamoConversations, DynamoMessageLog
        from parley.data.dynamo_pseudonyms import DynamoPseudonymKeys
        from parley.data.tables import bind_models
        from parley.dialogue.engine import DialogueEngine
        from parley.dialogue.interpreting import Interpreter
        from parley.dialogue.outbox import Outbox
        from parley.dialogue.ports import BillingLinks, DialoguePorts
        from parley.dialogue.understanding import Understanding
        from parley.fulfillment import MessageProcessor
        from parley.fulfillment.lateness import LateReplies
        from parley.fulfillment.processing import Delivery
        from parley.fulfillment.retrying import BackoffFifoProcessor, RetrySchedule
        from parley.observability import logger
        from parley.privacy.pseudonyms import Pseudonyms

        self.settings = settings
        bind_models(settings)
        # The understanding parts, kept for `make bench` to measure them as the runtime holds them.
        self.understanding = parts = understanding_parts(settings)
        # One cached reader of the app secret: Meta credentials and the translation key come from the same JSON.
        fetch_secret = secret_fetcher(settings)
        install_log_hash_key(settings, fetch_secret)  # this function's log lines name customers as the webhook's do
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
            account_help=configured_account_help(settings),
            proof_attempts=DynamoProofAttempts(),
            proof_limits=settings.proof_limits,
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
        late = LateReplies(catalogs, settings.reply_late_seconds, _translator(pivot), settings.default_language)
        self.processor = MessageProcessor(service, senders, recorder, notifier, Outbox(message_log), late)
        # Failed records come back after a delay that grows with their receive count (see fulfillment.retrying).
        self.batch_processor = BackoffFifoProcessor(
            aws_client("sqs", settings), RetrySchedule.from_settings(settings), settings.inbound_queue_url
        )
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
        def process_once(envelope: dict[str, Any]) -> dict[str, Any]:
            message = InboundMessage.from_json(envelope["message"])
            delivery = Delivery(int(envelope.get("receive_count", 1)), bool(envelope.get("replayed", False)))
            answered = self.processor.process(message, delivery)
            envelope["answered"] = True
            return answered

        @idempotent_function(data_keyword_argument="envelope", persistence_store=store, config=self.idempotency)
        def command_once(envelope: dict[str, str]) -> dict[str, Any]:
            return self.desk.handle(AgentCommand.from_body(json.loads(envelope["command"])))

        self._process_once = process_once
        self._command_once = command_once

    def process(self, message: InboundMessage, delivery: Delivery | None = None) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyPersistenceLayerError

        from parley.fulfillment.processing import Delivery

        delivery = delivery or Delivery()
        key = f"{message.channel.value}:{message.message_id}"
        # Only `key` makes the idempotency key; the rest tells the processor how this copy arrived.
        envelope: dict[str, Any] = {
            "key": key, "message": message.to_json(),
            "receive_count": delivery.receive_count, "replayed": delivery.replayed,
        }  # fmt: skip
        try:
            result: dict[str, Any] = self._process_once(envelope=envelope)
        except IdempotencyPersistenceLayerError:
            if not envelope.get("answered"):
                raise
            # Answered, and only the record saying so failed to save: retrying would answer twice.
            from parley.observability import logger

            logger.warning("message answered but not recorded as processed")
            return {"outcome": "sent_unrecorded"}
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


def _translator(pivot: Any) -> Any:
    """English to a language without a catalog through the pivot (None when it failed), or None without one."""
    if pivot is None:
        return None

    def translate(text: str, language: str) -> str | None:
        result = pivot.from_english(text, language)
        return result.text if result.translated else None

    return translate


def fulfillment_runtime() -> FulfillmentRuntime:
    """Built once per execution environment, by the fulfillment handler module at import."""
    return FulfillmentRuntime(load_settings())
