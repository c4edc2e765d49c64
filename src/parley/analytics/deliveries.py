"""delivery_status events from the webhook: what became of our messages, under the pseudonyms fulfillment gave
their conversations. Light on purpose (the webhook imports it): schema, pseudonyms and plain data only."""

from __future__ import annotations

from collections.abc import Sequence

from parley.analytics.schema import Event, EventType
from parley.channels.model import Channel
from parley.channels.payload_reading import Delivery
from parley.observability import logger
from parley.privacy.pseudonyms import KeyStoreError, Names, Pseudonyms


def delivery_events(channel: Channel, deliveries: Sequence[Delivery], pseudonyms: Pseudonyms) -> list[Event]:
    """One delivery_status event per status. A conversation whose key cannot be read (never made, erased, the table
    unreachable) still counts, without its pseudonym."""
    try:
        names = pseudonyms.conversations(d.conversation_key for d in deliveries)
    except KeyStoreError as exc:
        logger.warning("pseudonym keys unavailable", extra={"error": type(exc.__cause__).__name__})
        names = {}
    return [_event(channel, d, names.get(d.conversation_key, Names())) for d in deliveries]


def _event(channel: Channel, delivery: Delivery, names: Names) -> Event:
    return Event(
        EventType.DELIVERY_STATUS,
        delivery.occurred_at * 1000,
        channel.value,
        names.conversation,
        message=names.message(delivery.message_id),
        status=delivery.status,
        reason=str(delivery.error_code) if delivery.error_code else "",
    )
