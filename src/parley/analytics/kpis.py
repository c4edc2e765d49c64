"""The KPIs of one period of conversation events, and how they changed against the period before.

Definitions (what kpis.json and the report mean; events are counted when start ≤ at_ms < end, UTC):

- conversations: different conversation ids with at least one `message_received` in the period.
- customers (active customers): different non-empty `customer` ids on `message_received` (known customers who
  wrote; senders not on file are in conversations only).
- messages_in / messages_out: `message_received` / `reply_sent` events (agents' replies included).
- handoff_rate: conversations with a `handoff_started` ÷ conversations; containment_rate = 1 - handoff_rate
  (resolved without a person). handoff_reasons counts `handoff_started` events by `reason`.
- fallback_rate: `fallback` events ÷ messages_in (the share of customer messages Parley did not understand).
- intents: `intent_recognised` events by intent. intent_outcomes, per intent: a flow is open from the
  `intent_recognised` that names it (`flow` set) until it ends. success: `flow_completed`, or, for an intent
  answered in one turn (`flow` empty), a `reply_sent` before any `fallback`; failed: `flow_failed`, or a
  `fallback` after such a one-turn intent; switched: an `intent_recognised` for another intent while the flow was
  open (a `flow_abandoned` of that flow right after is not counted again; one with reason "switched" counts as
  switched); dropped: `flow_abandoned`, or a flow open with no news for 24 hours. A flow still open at the end of
  the period, and younger than that, is not counted: it may finish in the next period.
- first_response_p50_ms / p95_ms: per turn, the time a customer waited for Parley: from the earliest customer
  message not yet answered in the conversation to the next `reply_sent` in it. When that reply answers that very
  message, its `latency_ms` (measured from the platform's receipt) is the figure; otherwise the difference of the
  two events' `at_ms`. Messages sent while a person has the conversation (from `handoff_started` to
  `handoff_ended`, or a day) do not count. Nearest-rank percentiles.
- csat_average, csat_distribution, csat_responses: `rating_submitted` ratings 1-5. csat_response_rate: ratings ÷
  `rating_requested` events when the stream has them, else ÷ `flow_completed` events (each completed flow is
  followed by the rating question, at most once a day per conversation, so this reads low rather than high).
- languages, channels: conversations per language / channel of their customer messages (a conversation that
  changed language counts in both).
- top_unrecognised: the 20 most frequent unrecognised texts of the period, anonymised (only words common in the
  conversation's language, the text's own or English kept; names, addresses, numbers, emails, cards and bank
  numbers replaced) and normalised, among those that at least `min_customers` different customers sent
  (k-anonymity, REPORT_MIN_CUSTOMERS, 3 at least).
- translation_calls / translation_cache_hits / translation_characters: sums over `translation_used`;
  cache hit rate = hits ÷ (hits + calls); estimated cost = characters * price per million characters.
- delivery_failure_rate: (`delivery_status` failed + `send_error`) ÷ (`reply_sent` + `send_error`).
- change: for every metric, the previous period's value and the difference (rates in fractions, not points).
Rates and averages without a denominator are null ("no data"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from parley.analytics.schema import EventType
from parley.analytics.tally import DAY_MS, HOUR_MS, OUTCOMES, Tally
from parley.config.reports import DEFAULT_MIN_CUSTOMERS, DEFAULT_PRICE_PER_MILLION, MIN_CUSTOMERS_FLOOR

# Published list prices per million characters (USD): Google Cloud Translation, DeepL API Pro, Azure Translator.
TOP_UNRECOGNISED = 20

Number = int | float | None


@dataclass(frozen=True)
class Kpis:
    """The figures of one period; `to_json()` is kpis.json."""

    start: datetime
    end: datetime
    conversations: int = 0
    customers: int = 0
    messages_in: int = 0
    messages_out: int = 0
    handoffs: int = 0
    handoff_conversations: int = 0
    handoff_reasons: Mapping[str, int] = field(default_factory=dict)
    fallbacks: int = 0
    intents: Mapping[str, int] = field(default_factory=dict)
    intent_outcomes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    first_responses: int = 0
    first_response_p50_ms: int | None = None
    first_response_p95_ms: int | None = None
    csat_distribution: Mapping[int, int] = field(default_factory=dict)
    csat_comments: int = 0
    rating_asks: int = 0
    rating_asks_counted: bool = False  # True: from rating_requested events; False: completed flows stand in
    languages: Mapping[str, int] = field(default_factory=dict)
    channels: Mapping[str, int] = field(default_factory=dict)
    top_unrecognised: tuple[tuple[str, int, str], ...] = ()
    unrecognised_min_customers: int = DEFAULT_MIN_CUSTOMERS  # a text is shown once this many customers sent it
    unrecognised_messages: int = 0
    translation_calls: int = 0
    translation_cache_hits: int = 0
    translation_characters: int = 0
    translation_price_per_million: float = DEFAULT_PRICE_PER_MILLION
    delivery_failures: int = 0
    send_attempts: int = 0
    volume_unit: str = "day"
    volume: tuple[tuple[datetime, int, int], ...] = ()  # (bucket start, messages in, messages out)
    estimated: bool = False  # True when a count came from a sketch (very large periods): within about 1 %
    skipped_lines: int = 0
    previous: Kpis | None = None

    @property
    def containment_rate(self) -> float | None:
        rate = self.handoff_rate
        return None if rate is None else 1.0 - rate

    @property
    def handoff_rate(self) -> float | None:
        return _ratio(min(self.handoff_conversations, self.conversations), self.conversations)

    @property
    def fallback_rate(self) -> float | None:
        return _ratio(self.fallbacks, self.messages_in)

    @property
    def csat_responses(self) -> int:
        return sum(self.csat_distribution.values())

    @property
    def csat_average(self) -> float | None:
        total = sum(rating * count for rating, count in self.csat_distribution.items())
        return _ratio(total, self.csat_responses)

    @property
    def csat_response_rate(self) -> float | None:
        return _ratio(self.csat_responses, self.rating_asks)

    @property
    def translation_cache_hit_rate(self) -> float | None:
        return _ratio(self.translation_cache_hits, self.translation_cache_hits + self.translation_calls)

    @property
    def translation_cost_usd(self) -> float:
        return round(self.translation_characters * self.translation_price_per_million / 1_000_000, 4)

    @property
    def delivery_failure_rate(self) -> float | None:
        return _ratio(self.delivery_failures, self.send_attempts)

    def scalars(self) -> dict[str, Number]:
        """Every single-number metric, by its kpis.json name."""
        return {
            "conversations": self.conversations,
            "customers": self.customers,
            "messages_in": self.messages_in,
            "messages_out": self.messages_out,
            "containment_rate": self.containment_rate,
            "handoff_rate": self.handoff_rate,
            "handoffs": self.handoffs,
            "fallbacks": self.fallbacks,
            "fallback_rate": self.fallback_rate,
            "first_response_p50_ms": self.first_response_p50_ms,
            "first_response_p95_ms": self.first_response_p95_ms,
            "first_responses": self.first_responses,
            "csat_average": self.csat_average,
            "csat_responses": self.csat_responses,
            "csat_response_rate": self.csat_response_rate,
            "csat_comments": self.csat_comments,
            "unrecognised_messages": self.unrecognised_messages,
            "translation_calls": self.translation_calls,
            "translation_cache_hits": self.translation_cache_hits,
            "translation_cache_hit_rate": self.translation_cache_hit_rate,
            "translation_characters": self.translation_characters,
            "translation_cost_usd": self.translation_cost_usd,
            "delivery_failures": self.delivery_failures,
            "delivery_failure_rate": self.delivery_failure_rate,
        }

    def maps(self) -> dict[str, Mapping[str, int]]:
        """The metrics that map a name to a count."""
        return {
            "languages": self.languages,
            "channels": self.channels,
            "intents": self.intents,
            "handoff_reasons": self.handoff_reasons,
            "csat_distribution": {str(r): self.csat_distribution.get(r, 0) for r in range(1, 6)},
        }

    def rows(self) -> list[tuple[str, Number]]:
        """One (name, value) per metric, maps flattened as `languages.es` and outcomes as
        `intent_outcomes.order_status.success`: kpis.csv's rows."""
        rows: list[tuple[str, Number]] = list(self.scalars().items())
        for name, mapping in self.maps().items():
            rows += [(f"{name}.{key}", value) for key, value in sorted(mapping.items())]
        for intent, outcomes in sorted(self.intent_outcomes.items()):
            rows += [(f"intent_outcomes.{intent}.{kind}", outcomes.get(kind, 0)) for kind in OUTCOMES]
        return rows

    def changes(self) -> list[tuple[str, Number, Number, Number]]:
        """(name, value, previous value, value - previous) for every row; None where a side has no data. A name
        only one period has (a language not seen in the other) counts from 0 in the other."""
        if self.previous is None:
            return [(name, value, None, None) for name, value in self.rows()]
        current, previous = dict(self.rows()), dict(self.previous.rows())
        names = list(current) + [name for name in previous if name not in current]
        out = []
        for name in names:
            value = current.get(name, 0)
            before = previous.get(name, 0 if "." in name else None)
            out.append((name, value, before, _difference(value, before)))
        return out

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": 1, "period": _period(self.start, self.end)}
        data.update(self.scalars())
        data.update({name: dict(mapping) for name, mapping in self.maps().items()})
        data["intent_outcomes"] = {
            intent: {kind: outcomes.get(kind, 0) for kind in OUTCOMES}
            for intent, outcomes in sorted(self.intent_outcomes.items())
        }
        data["csat_response_rate_basis"] = "rating_requested" if self.rating_asks_counted else "flow_completed"
        data["top_unrecognised"] = [
            {"text": text, "count": count, "language": language} for text, count, language in self.top_unrecognised
        ]
        data["top_unrecognised_min_customers"] = self.unrecognised_min_customers
        data["translation_price_per_million_usd"] = self.translation_price_per_million
        data["volume"] = {
            "unit": self.volume_unit,
            "points": [
                {"start": _iso(at), "messages_in": received, "messages_out": sent} for at, received, sent in self.volume
            ],
        }
        data["estimated"] = self.estimated
        data["skipped_lines"] = self.skipped_lines
        data["previous_period"] = _period(self.previous.start, self.previous.end) if self.previous else None
        data["change"] = (
            {name: {"previous": before, "change": change} for name, _, before, change in self.changes()}
            if self.previous is not None
            else {}
        )
        return data


def compute_kpis(
    events: Iterable[dict[str, Any]],
    start: datetime,
    end: datetime,
    unrecognised: Iterable[dict[str, Any]] = (),
    previous: Kpis | None = None,
    *,
    price_per_million: float = DEFAULT_PRICE_PER_MILLION,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
) -> Kpis:
    """The KPIs of [start, end) in one pass over `events` (in the order they happened; see the module's
    definitions). Memory stays bounded at any volume. `previous` is the period before, for the change section;
    `min_customers`: how many different customers must have sent an unrecognised text before it is shown."""
    start_ms, end_ms = _epoch_ms(start), _epoch_ms(end)
    if end_ms <= start_ms:
        raise ValueError("the period must end after it starts")
    if min_customers < MIN_CUSTOMERS_FLOOR:
        raise ValueError(f"an unrecognised text is shown once {MIN_CUSTOMERS_FLOOR} customers sent it, at least")
    length = end_ms - start_ms
    unit, bucket_ms = ("hour", HOUR_MS) if length <= 2 * DAY_MS else ("day", DAY_MS)
    if length > 93 * DAY_MS:
        unit, bucket_ms = "week", 7 * DAY_MS
    tally = Tally(start_ms, end_ms, bucket_ms, min_customers)
    for event in events:
        tally.feed(event)
    tally.finish()
    for record in unrecognised:
        tally.feed_unrecognised(record)
    counts = tally.counts
    requested = counts[f"events.{EventType.RATING_REQUESTED.value}"]
    step = timedelta(milliseconds=bucket_ms)
    start_utc = start.astimezone(UTC)
    return Kpis(
        start=start_utc,
        end=end.astimezone(UTC),
        conversations=tally.conversations.count(),
        customers=tally.customers.count(),
        messages_in=counts["messages_in"],
        messages_out=counts["messages_out"],
        handoffs=counts["handoffs"],
        handoff_conversations=tally.handoff_conversations.count(),
        handoff_reasons=dict(tally.handoff_reasons),
        fallbacks=counts["fallbacks"],
        intents=dict(tally.intents),
        intent_outcomes={intent: dict(outcomes) for intent, outcomes in tally.outcomes.items()},
        first_responses=len(tally.response_ms),
        first_response_p50_ms=tally.response_ms.percentile(50),
        first_response_p95_ms=tally.response_ms.percentile(95),
        csat_distribution=dict(tally.ratings),
        csat_comments=counts[f"events.{EventType.RATING_COMMENTED.value}"],
        rating_asks=requested or counts["flows_completed"],
        rating_asks_counted=requested > 0,
        languages=tally.languages.counts(),
        channels=tally.channels.counts(),
        top_unrecognised=tuple(tally.unrecognised.top(TOP_UNRECOGNISED)),
        unrecognised_min_customers=min_customers,
        unrecognised_messages=counts["unrecognised"],
        translation_calls=counts["translation.provider_calls"],
        translation_cache_hits=counts["translation.cache_hits"],
        translation_characters=counts["translation.characters"],
        translation_price_per_million=price_per_million,
        delivery_failures=counts["delivery_failures"],
        send_attempts=counts["send_attempts"],
        volume_unit=unit,
        volume=tuple(
            (start_utc + i * step, received, sent)
            for i, (received, sent) in enumerate(zip(tally.volume_in, tally.volume_out, strict=True))
        ),
        estimated=not tally.exact,
        previous=previous,
    )


def previous_period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The period of the same length just before [start, end)."""
    return start - (end - start), start


def _epoch_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("period bounds must carry a time zone (UTC)")
    return round(moment.timestamp() * 1000)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _difference(value: Number, before: Number) -> Number:
    if value is None or before is None:
        return None
    return round(value - before, 6) if isinstance(value, float) or isinstance(before, float) else value - before


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _period(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": _iso(start), "end": _iso(end)}
