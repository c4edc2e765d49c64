"""The composition root: the one place that builds real adapters from configuration, for each function and the
local face (webhook, fulfillment, the scheduled report, `parley nlu classify`)."""

from parley.wiring.aws import LazyClient, aws_client, credentials_provider, install_log_hash_key, secret_fetcher
from parley.wiring.fulfillment import FulfillmentRuntime, fulfillment_runtime
from parley.wiring.reports import report_job
from parley.wiring.understanding import (
    UnderstandingParts,
    build_understanding,
    configured_account_help,
    configured_guides,
    translation_pivot,
    understanding_parts,
)
from parley.wiring.webhook import analytics_sinks, build_webhook

__all__ = [
    "FulfillmentRuntime",
    "LazyClient",
    "UnderstandingParts",
    "analytics_sinks",
    "aws_client",
    "build_understanding",
    "build_webhook",
    "configured_account_help",
    "configured_guides",
    "credentials_provider",
    "fulfillment_runtime",
    "install_log_hash_key",
    "report_job",
    "secret_fetcher",
    "translation_pivot",
    "understanding_parts",
]
