"""Random periods of conversations, counted two ways: by the simulation that made them (what happened) and by the
KPI engine from the events alone. They must agree."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from parley.analytics.kpis import compute_kpis
from support.analytics import event, period

LANGUAGES = ["en", "es", "pt", "fr", "de", "ar", "zh", "nl"]


@dataclass
class Truth:
    conversations: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    handed: set[str] = field(default_factory=set)
    messages: int = 0
    replies: int = 0
    fallbacks: int = 0
    ratings: list[int] = field(default_factory=list)
    completed: int = 0
    waits: list[int] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)


def simulate(seed: int) -> tuple[list[dict], Truth]:
    rng = random.Random(seed)
    truth = Truth()
    events: list[dict] = []
    for n in range(rng.randint(40, 80)):
        conversation = f"conv{n}"
        customer = f"cust{rng.randint(0, 30)}" if rng.random() < 0.7 else ""
        language, channel = rng.choice(LANGUAGES), rng.choice(["whatsapp", "messenger"])
        truth.conversations.add(conversation)
        truth.languages[language] += 1
        truth.channels[channel] += 1
        if customer:
            truth.customers.add(customer)
        common = {"customer": customer, "language": language, "channel": channel}
        minute = rng.uniform(0, 20 * 60)  # conversations end well before the day does
        for turn in range(rng.randint(2, 6)):
            message = f"{conversation}-m{turn}"
            minute += rng.uniform(1, 5)
            events.append(event("message_received", minute, conversation, message=message, **common))
            truth.messages += 1
            wait = rng.randint(300, 4000)
            if rng.random() < 0.2:
                events.append(event("fallback", minute + 0.001, conversation, message=message, **common))
                truth.fallbacks += 1
            else:
                intent = rng.choice(["order_status", "cancel_order"])
                flow = "cancel_order" if intent == "cancel_order" else ""
                events.append(event("intent_recognised", minute + 0.001, conversation, intent=intent, flow=flow))
                if flow:
                    ending = rng.choice(["flow_completed", "flow_failed", "flow_abandoned"])
                    events.append(event(ending, minute + 0.002, conversation, flow=flow))
                    kind = {"flow_completed": "success", "flow_failed": "failed", "flow_abandoned": "dropped"}[ending]
                    truth.outcomes[intent, kind] += 1
                    truth.completed += ending == "flow_completed"
                else:
                    truth.outcomes[intent, "success"] += 1
            reply_at = minute + wait / 60_000
            events.append(event("reply_sent", reply_at, conversation, message=message, latency_ms=wait))
            truth.replies += 1
            truth.waits.append(wait)
            minute = reply_at
        if rng.random() < 0.3:
            rating = rng.randint(1, 5)
            events.append(event("rating_submitted", minute + 0.5, conversation, rating=rating))
            truth.ratings.append(rating)
        if rng.random() < 0.15:
            events.append(event("handoff_started", minute + 1, conversation, reason="asked_for_person"))
            truth.handed.add(conversation)
    events.sort(key=lambda e: e["at_ms"])  # interleaved across conversations, as storage holds them
    return events, truth


def nearest_rank(values: list[int], p: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * p // 100)) - 1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kpis_match_what_happened(seed: int) -> None:
    events, truth = simulate(seed)

    data = compute_kpis(events, *period()).to_json()

    assert data["conversations"] == len(truth.conversations)
    assert data["customers"] == len(truth.customers)
    assert (data["messages_in"], data["messages_out"]) == (truth.messages, truth.replies)
    assert data["containment_rate"] == pytest.approx(1 - len(truth.handed) / len(truth.conversations))
    assert data["fallback_rate"] == pytest.approx(truth.fallbacks / truth.messages)
    assert data["first_response_p50_ms"] == nearest_rank(truth.waits, 50)
    assert data["first_response_p95_ms"] == nearest_rank(truth.waits, 95)
    assert data["csat_responses"] == len(truth.ratings)
    assert data["csat_average"] == pytest.approx(sum(truth.ratings) / len(truth.ratings))
    assert data["csat_response_rate"] == pytest.approx(len(truth.ratings) / truth.completed)
    assert data["languages"] == dict(truth.languages)
    assert data["channels"] == dict(truth.channels)
    counted = Counter({(i, k): n for i, o in data["intent_outcomes"].items() for k, n in o.items() if n})
    assert counted == truth.outcomes
