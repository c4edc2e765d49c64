"""The KPI engine on small, hand-built periods: every figure is counted by hand in the test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.analytics.kpis import compute_kpis
from support.analytics import DAY0, at, event, period

START, END = period()


def kpis_of(events, unrecognised=(), **kwargs):
    return compute_kpis(events, START, END, unrecognised, **kwargs)


def test_conversations_customers_and_messages_are_counted_once_each() -> None:
    events = [
        event("message_received", 1, "c1", customer="k1", message="m1"),
        event("message_received", 2, "c1", customer="k1", message="m2"),
        event("message_received", 3, "c2", customer="k1", channel="messenger", message="m3"),  # same customer
        event("message_received", 4, "c3", customer="", message="m4"),  # a sender not on file
        event("reply_sent", 5, "c1", message="m2"),
        event("reply_sent", 6, "c4", message="x"),  # a reply alone does not make a conversation
    ]

    kpis = kpis_of(events)

    assert (kpis.conversations, kpis.customers, kpis.messages_in, kpis.messages_out) == (3, 1, 4, 2)


def test_only_events_inside_the_period_count_start_included_end_excluded() -> None:
    events = [
        {**event("message_received", 0, "before"), "at_ms": at(0) - 1},
        event("message_received", 0, "first"),
        {**event("message_received", 0, "last"), "at_ms": at(0, day=1) - 1},
        event("message_received", 0, "after", day=1),
    ]

    kpis = kpis_of(events)

    assert kpis.conversations == 2 and kpis.messages_in == 2


def test_containment_is_the_share_of_conversations_no_person_was_needed_in() -> None:
    events = [event("message_received", i, c) for i, c in enumerate(["c1", "c2", "c3", "c4"])]
    events += [
        event("handoff_started", 10, "c1", reason="asked_for_person"),
        event("handoff_started", 11, "c1", reason="frustrated"),  # the same conversation again
        event("handoff_started", 12, "c2", reason="asked_for_person"),
    ]

    kpis = kpis_of(events)

    assert kpis.handoff_rate == pytest.approx(2 / 4)
    assert kpis.containment_rate == pytest.approx(2 / 4)
    assert kpis.handoffs == 3
    assert kpis.handoff_reasons == {"asked_for_person": 2, "frustrated": 1}


def test_fallback_rate_is_the_share_of_customer_messages_not_understood() -> None:
    events = [event("message_received", i, "c1", message=f"m{i}") for i in range(5)]
    events += [event("fallback", 1, "c1", message="m1"), event("fallback", 3, "c1", message="m3")]

    assert kpis_of(events).fallback_rate == pytest.approx(2 / 5)


def test_first_response_counts_from_the_earliest_unanswered_message() -> None:
    events = [
        # c1: two messages, then one reply (to the second): the customer waited 3 s since the first.
        event("message_received", 0, "c1", message="m1"),
        event("message_received", 2 / 60, "c1", message="m2"),
        event("reply_sent", 3 / 60, "c1", message="m2", latency_ms=1000),
        # c2: the reply answers the message itself: its latency (from the platform's receipt) is the figure.
        event("message_received", 0, "c2", message="m3"),
        event("reply_sent", 1.5 / 60, "c2", message="m3", latency_ms=1200),
        event("reply_sent", 5 / 60, "c2", message="m3", latency_ms=5000),  # a second reply: nobody was waiting
        # c3: while a person has it, the customer does not wait for Parley; afterwards they do again (800 ms).
        event("message_received", 10, "c3", message="m4"),
        event("handoff_started", 10, "c3", reason="asked_for_person"),
        event("message_received", 11, "c3", message="m5"),
        event("reply_sent", 12, "c3", message="m5"),
        event("handoff_ended", 20, "c3"),
        event("message_received", 30, "c3", message="m6"),
        event("reply_sent", 30 + 0.8 / 60, "c3", message="m6"),
    ]

    kpis = kpis_of(events)

    # Waits: 3000, 1200, 800 → sorted 800, 1200, 3000; nearest rank: p50 the 2nd, p95 the 3rd.
    assert kpis.first_responses == 3
    assert (kpis.first_response_p50_ms, kpis.first_response_p95_ms) == (1200, 3000)


def test_ratings_give_average_distribution_and_response_rate_per_completed_flow() -> None:
    events = [event("flow_completed", i, f"c{i}", flow="cancel_order", intent="cancel_order") for i in range(3)]
    events += [
        event("rating_submitted", 5, "c0", rating=5),
        event("rating_submitted", 6, "c1", rating=4),
        event("rating_submitted", 7, "c2", rating=0),  # no rating
        event("rating_submitted", 8, "c2", rating=9),  # not a rating
        event("rating_commented", 9, "c1"),
    ]

    data = kpis_of(events).to_json()

    assert data["csat_average"] == pytest.approx(4.5)
    assert data["csat_responses"] == 2
    assert data["csat_distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert data["csat_response_rate"] == pytest.approx(2 / 3)
    assert data["csat_response_rate_basis"] == "flow_completed"
    assert data["csat_comments"] == 1


def test_rating_requests_are_the_denominator_when_they_are_recorded() -> None:
    events = [event("rating_requested", i, f"c{i}") for i in range(4)]
    events += [event("flow_completed", 1, "c1", flow="returns"), event("rating_submitted", 2, "c1", rating=3)]

    kpis = kpis_of(events)

    assert kpis.csat_response_rate == pytest.approx(1 / 4) and kpis.rating_asks_counted


def test_language_and_channel_mix_counts_conversations_and_intent_mix_counts_requests() -> None:
    events = [
        event("message_received", 1, "c1", language="es"),
        event("message_received", 2, "c1", language="es"),
        event("message_received", 3, "c2", language="en", channel="messenger"),
        event("message_received", 4, "c3", language="es"),
        event("message_received", 5, "c3", language="en"),  # switched language: counts in both
        event("message_received", 6, "c4", language=""),
        event("intent_recognised", 1, "c1", intent="order_status"),
        event("intent_recognised", 2, "c1", intent="order_status"),
        event("intent_recognised", 3, "c2", intent="greeting"),
    ]

    kpis = kpis_of(events)

    assert kpis.languages == {"es": 2, "en": 2, "unknown": 1}
    assert kpis.channels == {"whatsapp": 3, "messenger": 1}
    assert kpis.intents == {"order_status": 2, "greeting": 1}


def test_intent_outcomes_success_failed_switched_and_dropped() -> None:
    start, end = period(days=3)
    events = [
        # c1 completes a cancellation: success.
        event("intent_recognised", 0, "c1", intent="cancel_order", flow="cancel_order"),
        event("flow_completed", 2, "c1", flow="cancel_order"),
        # c2 starts a return, then asks where an order is: the return was switched, the answer a success; the
        # flow_abandoned that follows the switch is the same flow ending, not counted twice.
        event("intent_recognised", 0, "c2", intent="return_refund", flow="returns"),
        event("intent_recognised", 1, "c2", intent="order_status"),
        event("flow_abandoned", 1, "c2", flow="returns"),
        event("reply_sent", 1.1, "c2"),
        # c3 says "never mind" in a subscription change: dropped.
        event("intent_recognised", 0, "c3", intent="subscription", flow="subscriptions"),
        event("flow_abandoned", 1, "c3", flow="subscriptions", intent="subscription"),
        # c4: an invoice question Parley then could not answer, and a troubleshooting guide that failed.
        event("intent_recognised", 0, "c4", intent="invoice"),
        event("fallback", 0.1, "c4"),
        event("intent_recognised", 5, "c4", intent="tech_support", flow="tech_support"),
        event("flow_failed", 9, "c4", flow="tech_support"),
        # c5 opens a payment flow on day 0 and never comes back: dropped after a day without news.
        event("intent_recognised", 60, "c5", intent="payment", flow="billing"),
        # c6 opens one an hour before the period ends: it may still finish, so it is not counted.
        event("intent_recognised", 23 * 60, "c6", intent="product_info", flow="products", day=2),
    ]

    outcomes = compute_kpis(events, start, end).to_json()["intent_outcomes"]

    zero = dict.fromkeys(("success", "failed", "switched", "dropped"), 0)
    assert outcomes == {
        "cancel_order": zero | {"success": 1},
        "return_refund": zero | {"switched": 1},
        "order_status": zero | {"success": 1},
        "subscription": zero | {"dropped": 1},
        "invoice": zero | {"failed": 1},
        "tech_support": zero | {"failed": 1},
        "payment": zero | {"dropped": 1},
    }


def test_top_unrecognised_messages_are_normalised_counted_and_scrubbed() -> None:
    # Every text is sent by three customers (k1-k3), as the report needs before it shows one.
    unrecognised = [
        {"at_ms": at(1), "language": "en", "text": "Where is my parcel?", "customer": "k1"},
        {"at_ms": at(2), "language": "en", "text": "where is   my parcel", "customer": "k2"},
        {"at_ms": at(3), "language": "en", "text": "WHERE IS MY PARCEL?!", "customer": "k3"},
        {"at_ms": at(3), "language": "en", "text": "where is my parcel??", "customer": "k1"},
        {"at_ms": at(4), "language": "es", "text": "llámame al +34 612 345 678", "customer": "k1"},
        {"at_ms": at(5), "language": "es", "text": "llámame al 699112233", "customer": "k2"},
        {"at_ms": at(5), "language": "es", "text": "Llámame al 612-000-111", "customer": "k3"},
        {"at_ms": at(6), "language": "en", "text": "write to ana.lopez@example.com", "customer": "k1"},
        {"at_ms": at(0, day=1), "language": "en", "text": "next period", "customer": "k1"},
    ]
    unrecognised += [
        {"at_ms": at(10 + i), "language": "fr", "text": f"question {chr(97 + i)}", "customer": f"k{k}"}
        for i in range(25)
        for k in (1, 2, 3)
    ]

    kpis = kpis_of([], unrecognised)

    assert kpis.top_unrecognised[:3] == (
        ("where is my parcel", 4, "en"),
        ("llámame al #", 3, "es"),
        ("question a", 3, "fr"),
    )
    assert len(kpis.top_unrecognised) == 20
    assert kpis.unrecognised_messages == 83
    texts = " ".join(text for text, _, _ in kpis.top_unrecognised)
    assert "612" not in texts and "@" not in texts and "next period" not in texts


def test_translation_calls_cache_hit_rate_and_estimated_cost() -> None:
    events = [
        event("translation_used", 1, provider_calls=2, characters=1000),
        event("translation_used", 2, cache_hits=3),
        event("translation_used", 3, provider_calls=1, cache_hits=1, characters=500_000),
    ]

    google, deepl = kpis_of(events), kpis_of(events, price_per_million=25.0)

    assert (google.translation_calls, google.translation_cache_hits) == (3, 4)
    assert google.translation_cache_hit_rate == pytest.approx(4 / 7)
    assert google.translation_cost_usd == pytest.approx(501_000 * 20 / 1_000_000)
    assert deepl.translation_cost_usd == pytest.approx(501_000 * 25 / 1_000_000)


def test_delivery_failure_rate_counts_failed_statuses_and_send_errors_among_sends() -> None:
    events = [event("reply_sent", i, "c1") for i in range(4)]
    events += [
        event("send_error", 5, "c1", status="131047"),
        event("delivery_status", 6, "c1", status="failed"),
        event("delivery_status", 6, "c1", status="delivered"),
        event("delivery_status", 7, "c1", status="read"),
    ]

    kpis = kpis_of(events)

    assert kpis.delivery_failures == 2 and kpis.delivery_failure_rate == pytest.approx(2 / 5)


def test_change_against_the_previous_period() -> None:
    before_start, before_end = period(first=-1)
    previous = compute_kpis(
        [event("message_received", 1, "a", day=-1, language="en"), event("message_received", 2, "b", day=-1)],
        before_start,
        before_end,
    )
    current = [event("message_received", i, f"c{i}", language="es") for i in range(3)]
    current.append(event("handoff_started", 5, "c0"))

    data = kpis_of(current, previous=previous).to_json()

    assert data["previous_period"] == {"start": "2026-03-01T00:00:00Z", "end": "2026-03-02T00:00:00Z"}
    assert data["change"]["conversations"] == {"previous": 2, "change": 1}
    assert data["change"]["handoff_rate"] == {"previous": 0.0, "change": pytest.approx(1 / 3)}
    assert data["change"]["languages.es"] == {"previous": 0, "change": 3}
    assert data["change"]["languages.en"] == {"previous": 1, "change": -1}  # seen then, not now


def test_an_empty_period_has_zero_counts_and_no_rates() -> None:
    data = kpis_of([]).to_json()

    assert data["conversations"] == 0 and data["messages_in"] == 0
    for rate in ("containment_rate", "handoff_rate", "fallback_rate", "csat_average", "first_response_p50_ms"):
        assert data[rate] is None
    assert data["languages"] == {} and data["channels"] == {} and data["intents"] == {}


def test_a_period_must_end_after_it_starts_and_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="end after"):
        compute_kpis([], END, START)
    with pytest.raises(ValueError, match="time zone"):
        compute_kpis([], datetime(2026, 3, 2), datetime(2026, 3, 3))


def test_records_with_missing_or_wrong_fields_are_ignored_not_fatal() -> None:
    events = [
        {"type": "message_received", "at_ms": "yesterday", "conversation": "c1"},
        {"type": "message_received", "conversation": "c1"},
        {"type": "message_received", "at_ms": at(1), "conversation": 7, "language": None},
        {"type": "rating_submitted", "at_ms": at(2), "rating": "5"},
        {"type": "translation_used", "at_ms": at(3), "provider_calls": -4, "characters": "many"},
        event("message_received", 4, "c2"),
    ]

    kpis = kpis_of(events)

    assert kpis.messages_in == 2 and kpis.conversations == 1
    assert kpis.csat_responses == 0 and kpis.translation_calls == 0


def test_volume_is_per_hour_for_a_day_and_per_day_for_a_week() -> None:
    events = [event("message_received", 30, "c1"), event("message_received", 45, "c2"), event("reply_sent", 61)]

    hourly = kpis_of(events)
    daily = compute_kpis([*events, event("message_received", 0, "c3", day=3)], *period(days=7))

    assert hourly.volume_unit == "hour" and len(hourly.volume) == 24
    assert hourly.volume[0] == (DAY0, 2, 0) and hourly.volume[1][1:] == (0, 1)
    assert daily.volume_unit == "day" and [v[1] for v in daily.volume] == [2, 0, 0, 1, 0, 0, 0]
    assert daily.volume[3][0] == datetime(2026, 3, 5, tzinfo=UTC)
