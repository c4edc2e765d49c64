"""The rules around sending: messaging windows, the reply model, and how Graph API errors are classified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.channels.meta import ErrorReason, GraphApiError, classify
from parley.channels.replies import Choice, Link, Reply
from parley.channels.window import (
    MessagingWindow,
    last_customer_message_at,
    may_send_free_form,
    messaging_window,
)
from parley.config import DEFAULT_PAGE_INBOX_APP_ID, ConfigError, load_settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "window"),
    [
        (timedelta(0), MessagingWindow.OPEN),
        (timedelta(hours=23, minutes=59, seconds=59), MessagingWindow.OPEN),
        (timedelta(hours=24), MessagingWindow.HUMAN_AGENT),
        (timedelta(days=6, hours=23), MessagingWindow.HUMAN_AGENT),
        (timedelta(days=7), MessagingWindow.CLOSED),
        (timedelta(days=30), MessagingWindow.CLOSED),
        (-timedelta(minutes=2), MessagingWindow.OPEN),  # the platform's clock a little ahead of ours
    ],
)
def test_the_window_depends_on_the_time_since_the_customers_last_message(age, window):
    assert messaging_window(NOW - age, NOW) is window
    assert may_send_free_form(NOW - age, NOW) is (window is MessagingWindow.OPEN)


def test_a_message_without_a_timestamp_counts_as_written_now():
    assert last_customer_message_at(0, NOW) == NOW
    assert last_customer_message_at(1_795_000_000, NOW) == datetime.fromtimestamp(1_795_000_000, UTC)


def test_reply_text_alone_still_works():
    reply = Reply("Hello")
    assert reply.choices == ()
    assert reply.link is None


def test_choice_ids_are_unique_within_a_reply():
    with pytest.raises(ValueError, match="unique"):
        Reply("Pick one", (Choice("a", "First"), Choice("a", "Second")))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Choice("", "Title"),
        lambda: Choice("id", "  "),
        lambda: Choice("x" * 201, "Title"),
        lambda: Link("javascript:alert(1)", "Open"),
        lambda: Link("https://example.com", ""),
    ],
)
def test_a_malformed_choice_or_link_is_refused(build):
    with pytest.raises(ValueError):
        build()


def test_a_numbered_answer_picks_the_choice():
    reply = Reply("Which order?", (Choice("ORD-1", "ORD-1"), Choice("ORD-2", "ORD-2"), Choice("ORD-3", "ORD-3")))

    assert reply.choice_for("2") == Choice("ORD-2", "ORD-2")
    assert reply.choice_for(" 3. ") == Choice("ORD-3", "ORD-3")
    assert reply.choice_for("#1") == Choice("ORD-1", "ORD-1")
    assert reply.choice_for("ord-2") == Choice("ORD-2", "ORD-2")
    assert reply.choice_for("4") is None
    assert reply.choice_for("where is it?") is None


@pytest.mark.parametrize(
    ("status", "code", "subcode", "message", "reason"),
    [
        (429, None, None, "", ErrorReason.RATE_LIMITED),
        (400, 4, None, "Application request limit reached", ErrorReason.RATE_LIMITED),
        (400, 80007, None, "", ErrorReason.RATE_LIMITED),
        (400, 130429, None, "Rate limit hit", ErrorReason.RATE_LIMITED),
        (400, 131056, None, "pair rate limit hit", ErrorReason.RATE_LIMITED),
        (400, 613, None, "Calls to this API have exceeded the rate limit", ErrorReason.RATE_LIMITED),
        (503, None, None, "", ErrorReason.SERVER),
        (500, 131000, None, "Something went wrong", ErrorReason.SERVER),
        (500, 2, None, "Please retry your request later", ErrorReason.SERVER),
        (400, 131047, None, "Re-engagement message", ErrorReason.WINDOW_CLOSED),
        (400, 10, 2018278, "This message is sent outside of allowed window.", ErrorReason.WINDOW_CLOSED),
        (400, 131026, None, "Message undeliverable", ErrorReason.INVALID_RECIPIENT),
        (400, 551, 1545041, "This person isn't available right now.", ErrorReason.INVALID_RECIPIENT),
        (400, 100, 2018001, "No matching user found", ErrorReason.INVALID_RECIPIENT),
        (401, 190, None, "Error validating access token: Session has expired", ErrorReason.AUTH),
        (403, 10, None, "Permission denied", ErrorReason.AUTH),
        (400, 132001, None, "Template name does not exist in the translation", ErrorReason.TEMPLATE),
        (400, 132015, None, "Template is paused", ErrorReason.TEMPLATE),
        (400, 368, None, "Temporarily blocked for policies violations", ErrorReason.POLICY),
        (400, 100, None, "Invalid parameter", ErrorReason.BAD_REQUEST),
        (400, 131009, None, "Parameter value is not valid", ErrorReason.BAD_REQUEST),
        (0, None, None, "unreachable: TimeoutError", ErrorReason.UNREACHABLE),
    ],
)
def test_graph_errors_are_classified_by_meta_code_then_status(status, code, subcode, message, reason):
    assert classify(status, code, subcode, message) is reason


@pytest.mark.parametrize(
    ("reason_code", "retryable"),
    [(130429, True), (131000, True), (131047, False), (131026, False), (190, False), (132001, False)],
)
def test_only_throttling_and_server_errors_are_retryable(reason_code, retryable):
    assert GraphApiError(400, reason_code, "").retryable is retryable


def test_an_error_message_never_carries_a_phone_number_or_email():
    error = GraphApiError(400, 100, "(#100) Invalid parameter to=+1 415 555 0123, contact ana@example.com")

    assert "415" not in str(error)
    assert "ana@example.com" not in str(error)
    assert "bad_request" in str(error)


def test_send_settings_have_defaults_and_are_configurable():
    defaults = load_settings({})
    assert defaults.whatsapp_template_name == ""
    assert defaults.whatsapp_template_language == "en"
    assert defaults.messenger_page_inbox_app_id == DEFAULT_PAGE_INBOX_APP_ID == "263902037430900"
    assert (defaults.graph_max_attempts, defaults.graph_deadline_seconds) == (3, 12.0)

    configured = load_settings({
        "WHATSAPP_TEMPLATE_NAME": "service_followup", "WHATSAPP_TEMPLATE_LANGUAGE": "es",
        "MESSENGER_PAGE_INBOX_APP_ID": "1234567890", "GRAPH_API_MAX_ATTEMPTS": "5",
        "GRAPH_API_DEADLINE_SECONDS": "20",
    })  # fmt: skip
    assert configured.whatsapp_template_name == "service_followup"
    assert configured.whatsapp_template_language == "es"
    assert configured.messenger_page_inbox_app_id == "1234567890"
    assert (configured.graph_max_attempts, configured.graph_deadline_seconds) == (5, 20.0)


@pytest.mark.parametrize("env", [{"MESSENGER_PAGE_INBOX_APP_ID": "page-inbox"}, {"GRAPH_API_MAX_ATTEMPTS": "0"}])
def test_malformed_send_settings_fail_fast(env):
    with pytest.raises(ConfigError):
        load_settings(env)


def test_a_message_stamped_long_before_it_reached_us_counts_from_when_it_arrived():
    from datetime import UTC, datetime, timedelta

    from parley.channels.window import MessagingWindow, last_customer_message_at, messaging_window

    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    arrived = int((now - timedelta(seconds=2)).timestamp())
    replayed = int(datetime(2023, 11, 14, tzinfo=UTC).timestamp())
    late = int((now - timedelta(days=2)).timestamp())

    assert messaging_window(last_customer_message_at(replayed, now, arrived), now) is MessagingWindow.OPEN
    # A genuine late delivery (Meta retried for two days) is still two days old: the window is closed.
    assert messaging_window(last_customer_message_at(late, now, arrived), now) is MessagingWindow.HUMAN_AGENT
