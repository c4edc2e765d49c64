"""CloudWatch metrics from analytics events, through Powertools Metrics (namespace Parley): the figures a dashboard
and alarms watch between two reports. The handlers' log_metrics decorator flushes them once per invocation."""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from parley.channels.events import Record
from parley.observability import metrics

MESSAGES_IN = "MessagesIn"
REPLIES_SENT = "RepliesSent"
HANDOFFS = "Handoffs"
FALLBACKS = "Fallbacks"
FIRST_RESPONSE_MS = "FirstResponseMs"
TRANSLATION_CALLS = "TranslationCalls"
DELIVERY_FAILURES = "DeliveryFailures"
EVENTS_LOST = "EventsLost"  # analytics records a sink could not deliver

_COUNTED = {
    "message_received": MESSAGES_IN,
    "reply_sent": REPLIES_SENT,
    "handoff_started": HANDOFFS,
    "fallback": FALLBACKS,
    "send_error": DELIVERY_FAILURES,
}


def record_metrics(events: Sequence[Record]) -> None:
    """Add the metrics these events stand for (nothing when POWERTOOLS_METRICS_DISABLED is set, as locally)."""
    if is_metrics_disabled():
        return
    counts: dict[str, int] = {}
    for event in events:
        data = event.to_dict()
        kind = data.get("type")
        name = _COUNTED.get(kind) if isinstance(kind, str) else None
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
        if kind == "delivery_status" and data.get("status") == "failed":
            counts[DELIVERY_FAILURES] = counts.get(DELIVERY_FAILURES, 0) + 1
        if kind == "translation_used" and data.get("provider_calls"):
            counts[TRANSLATION_CALLS] = counts.get(TRANSLATION_CALLS, 0) + int(data["provider_calls"])
        if kind == "reply_sent" and data.get("channel") != "agent" and data.get("latency_ms"):
            metrics.add_metric(name=FIRST_RESPONSE_MS, unit=MetricUnit.Milliseconds, value=int(data["latency_ms"]))
    for name, count in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)


def count_lost(records: int) -> None:
    if records and not is_metrics_disabled():
        metrics.add_metric(name=EVENTS_LOST, unit=MetricUnit.Count, value=records)
