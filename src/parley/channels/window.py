"""The messaging windows: what a business may still send, given when the customer last wrote.

Pure functions, so the dialogue and a human-agent console can apply the same rule as the senders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

# WhatsApp's customer-service window and Messenger's standard messaging window.
CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)
# Messenger's HUMAN_AGENT tag lets a person answer for up to 7 days after the customer's last message.
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Meta stops redelivering a webhook after about 7 days. A message stamped longer before it reached us is not a
# late delivery but a replay or a wrong clock: the time we received it is then the better evidence.
MAX_REDELIVERY = timedelta(days=7)


class MessagingWindow(StrEnum):
    OPEN = "open"  # within 24 hours: free-form messages of any kind
    HUMAN_AGENT = "human_agent"  # 24 hours to 7 days: on Messenger only a person's reply, tagged HUMAN_AGENT
    CLOSED = "closed"  # beyond 7 days: no free-form message at all (WhatsApp: approved templates only)


def utc_now() -> datetime:
    return datetime.now(UTC)


def last_customer_message_at(timestamp: int, now: datetime, received_at: int = 0) -> datetime:
    """When the customer wrote, from the platform's timestamp in seconds and when our webhook received it.

    A message without a timestamp (0) counts as written when received (or now, if that is unknown too)."""
    received = datetime.fromtimestamp(received_at, UTC) if received_at > 0 else None
    if timestamp <= 0:
        return received or now
    written = datetime.fromtimestamp(timestamp, UTC)
    if received is not None and received - written > MAX_REDELIVERY:
        return received
    return written


def messaging_window(last_customer_message: datetime, now: datetime) -> MessagingWindow:
    """Which window is open now. A timestamp slightly in the future (clock skew) counts as just now."""
    age = now - last_customer_message
    if age < CUSTOMER_SERVICE_WINDOW:
        return MessagingWindow.OPEN
    if age < HUMAN_AGENT_WINDOW:
        return MessagingWindow.HUMAN_AGENT
    return MessagingWindow.CLOSED


def may_send_free_form(last_customer_message: datetime, now: datetime) -> bool:
    """WhatsApp's rule: free-form messages only within 24 hours of the customer's last message."""
    return messaging_window(last_customer_message, now) is MessagingWindow.OPEN
