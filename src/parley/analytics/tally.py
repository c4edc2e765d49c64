"""The KPI engine's one pass: each conversation event updates counters and a little per-conversation state.

Memory is bounded whatever the volume: distinct counts turn into HyperLogLog sketches past a size, percentiles
into a 2 % histogram, and per-conversation state (the message waiting for an answer, the flow under way, whether a
person has the conversation) is dropped as soon as it is settled, or after a day without news.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parley.analytics.schema import EventType, FlowReason
from parley.analytics.sketches import CappedCounter, DistinctCounter, KeyedDistinct, Quantiles, TopTexts
from parley.privacy.scrubbing import normalise

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
OUTCOMES = ("success", "failed", "switched", "dropped")
# Flow endings an event may report; "switched" is the reason a flow_abandoned gives when the customer moved on to
# another intent (the engine also works that out itself from the next intent_recognised).
_ENDINGS: dict[str, str] = {
    EventType.FLOW_COMPLETED: "success",
    EventType.FLOW_FAILED: "failed",
    EventType.FLOW_ABANDONED: "dropped",
}


# Events only counted: rating questions and comments, and "which of these do you mean?" asked. rating_requested is
# the response rate's base (a stream without it falls back on completed flows, see kpis).
_TALLIED = frozenset({EventType.RATING_COMMENTED, EventType.RATING_REQUESTED, EventType.CLARIFICATION_ASKED})


@dataclass
class _OpenFlow:
    intent: str
    flow: str
    last_ms: int


@dataclass
class Tally:
    """Running totals of one period [start_ms, end_ms). Feed events in the order they happened (as the storage
    layout keeps them, file by file); `finish()` settles what is still open at the end."""

    start_ms: int
    end_ms: int
    bucket_ms: int
    min_customers: int = 3
    conversations: DistinctCounter = field(default_factory=DistinctCounter)
    customers: DistinctCounter = field(default_factory=DistinctCounter)
    handoff_conversations: DistinctCounter = field(default_factory=DistinctCounter)
    languages: KeyedDistinct = field(default_factory=KeyedDistinct)
    channels: KeyedDistinct = field(default_factory=KeyedDistinct)
    intents: CappedCounter = field(default_factory=CappedCounter)
    handoff_reasons: CappedCounter = field(default_factory=CappedCounter)
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    response_ms: Quantiles = field(default_factory=Quantiles)
    ratings: Counter[int] = field(default_factory=Counter)
    unrecognised: TopTexts = field(init=False)
    counts: Counter[str] = field(default_factory=Counter)
    volume_in: list[int] = field(default_factory=list)
    volume_out: list[int] = field(default_factory=list)
    now_ms: int = 0
    _seen: int = field(init=False, default=0)
    # Per-conversation state, oldest activity first so a day-old entry is found at the front.
    _waiting: OrderedDict[str, tuple[int, str]] = field(init=False, default_factory=OrderedDict)
    _with_person: OrderedDict[str, int] = field(init=False, default_factory=OrderedDict)
    _flows: OrderedDict[str, _OpenFlow] = field(init=False, default_factory=OrderedDict)
    _answering: OrderedDict[str, tuple[str, int]] = field(init=False, default_factory=OrderedDict)
    _switched: OrderedDict[str, tuple[str, int]] = field(init=False, default_factory=OrderedDict)
    _flow_intents: dict[str, str] = field(init=False, default_factory=dict)  # flow name → the intent that opens it
    _handlers: dict[str, Callable[[dict[str, Any], int, str], None]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.unrecognised = TopTexts(min_senders=self.min_customers)
        buckets = max(1, -(-(self.end_ms - self.start_ms) // self.bucket_ms))
        self.volume_in = [0] * buckets
        self.volume_out = [0] * buckets
        self._handlers = {
            EventType.MESSAGE_RECEIVED: self._message_received,
            EventType.REPLY_SENT: self._reply_sent,
            EventType.INTENT_RECOGNISED: self._intent_recognised,
            EventType.FALLBACK: self._fallback,
            EventType.FLOW_COMPLETED: self._flow_ended,
            EventType.FLOW_FAILED: self._flow_ended,
            EventType.FLOW_ABANDONED: self._flow_ended,
            EventType.HANDOFF_STARTED: self._handoff_started,
            EventType.HANDOFF_ENDED: self._handoff_ended,
            EventType.RATING_SUBMITTED: self._rating_submitted,
            EventType.TRANSLATION_USED: self._translation_used,
            EventType.DELIVERY_STATUS: self._delivery_status,
            EventType.SEND_ERROR: self._send_error,
        }

    def feed(self, event: dict[str, Any]) -> None:
        at = event.get("at_ms")
        if type(at) is not int or not self.start_ms <= at < self.end_ms:
            return
        kind = event.get("type")
        if kind in _TALLIED:
            self.counts[f"events.{kind}"] += 1
        self._seen += 1
        if at > self.now_ms:
            self.now_ms = at
            if self._seen % 4096 == 0:
                self._expire(at - DAY_MS)
        handler = self._handlers.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(event, at, _text(event, "conversation"))

    def feed_unrecognised(self, record: dict[str, Any]) -> None:
        at, text = record.get("at_ms"), record.get("text")
        if type(at) is not int or not self.start_ms <= at < self.end_ms or not isinstance(text, str):
            return
        language = _text(record, "language") or "unknown"
        key = normalise(text, language=language)
        if key:
            # Senders are counted by the pseudonym the record carries (the customer's, else the conversation's);
            # a record without one (written before they carried one) never makes a text shown.
            self.unrecognised.add(key, language, _text(record, "customer"))
            self.counts["unrecognised"] += 1

    def outcome(self, intent: str, kind: str) -> None:
        self.outcomes.setdefault(intent or "unknown", Counter())[kind] += 1

    @property
    def exact(self) -> bool:
        """False when a sketch stood in for exact counting somewhere (very large periods)."""
        distinct = (self.conversations, self.customers, self.handoff_conversations, self.languages, self.channels)
        return all(d.exact for d in distinct) and self.response_ms.exact and not self.unrecognised.pruned

    def finish(self) -> None:
        """Flows idle for a day by the end of the period were dropped; younger ones may still finish next period
        and are not counted. A one-turn answer still pending is not counted either."""
        self._expire(self.end_ms - DAY_MS)

    # Event handlers -----------------------------------------------------------------------------------------

    def _message_received(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self.counts["messages_in"] += 1
        self.volume_in[(at - self.start_ms) // self.bucket_ms] += 1
        customer = _text(event, "customer")
        if customer:
            self.customers.add(customer)
        if not conversation:
            return
        self.conversations.add(conversation)
        self.languages.add(_text(event, "language") or "unknown", conversation)
        self.channels.add(_text(event, "channel") or "unknown", conversation)
        # A customer waiting for a person is not waiting for Parley; and the earliest unanswered message counts.
        if conversation not in self._with_person and conversation not in self._waiting:
            self._waiting[conversation] = (at, _text(event, "message"))

    def _reply_sent(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self.counts["messages_out"] += 1
        self.counts["send_attempts"] += 1
        self.volume_out[(at - self.start_ms) // self.bucket_ms] += 1
        waiting = self._waiting.pop(conversation, None)
        if waiting is not None:
            received_at, message = waiting
            latency = event.get("latency_ms")
            exact = type(latency) is int and latency > 0 and message and _text(event, "message") == message
            self.response_ms.add(latency if exact else at - received_at)  # type: ignore[arg-type]
        answering = self._answering.pop(conversation, None)
        if answering is not None:
            self.outcome(answering[0], "success")

    def _intent_recognised(self, event: dict[str, Any], at: int, conversation: str) -> None:
        intent, flow = _text(event, "intent"), _text(event, "flow")
        self.intents.bump(intent or "unknown")
        if not conversation:
            return
        open_flow = self._flows.get(conversation)
        if open_flow is not None and open_flow.intent != intent:
            self.outcome(open_flow.intent, "switched")
            del self._flows[conversation]
            self._switched[conversation] = (open_flow.flow, at)
            self._switched.move_to_end(conversation)
            open_flow = None
        answering = self._answering.pop(conversation, None)
        if answering is not None:  # the earlier one-turn question was answered (no fallback came)
            self.outcome(answering[0], "success")
        if flow:
            if len(self._flow_intents) < 256:
                self._flow_intents.setdefault(flow, intent)
            if open_flow is None:
                self._flows[conversation] = _OpenFlow(intent, flow, at)
            else:
                open_flow.last_ms = at
                self._flows.move_to_end(conversation)
        else:
            self._answering[conversation] = (intent, at)

    def _fallback(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self.counts["fallbacks"] += 1
        answering = self._answering.pop(conversation, None)
        if answering is not None:
            self.outcome(answering[0], "failed")

    def _flow_ended(self, event: dict[str, Any], at: int, conversation: str) -> None:
        flow = _text(event, "flow")
        kind = _ENDINGS[str(event["type"])]
        if kind == "success":
            self.counts["flows_completed"] += 1
        open_flow = self._flows.get(conversation)
        if open_flow is not None and flow and open_flow.flow != flow:
            open_flow = None  # an ending of some other flow (one started without an intent of its own)
        switched = self._switched.get(conversation)
        if kind == "dropped" and switched is not None and switched[0] in {flow, ""}:
            del self._switched[conversation]  # already counted as switched when the new intent came
            return
        if kind == "dropped" and _text(event, "reason") == FlowReason.SWITCHED:
            kind = "switched"
        intent = _text(event, "intent") or (open_flow.intent if open_flow else "") or self._flow_intents.get(flow, flow)
        self.outcome(intent, kind)
        if open_flow is not None:
            del self._flows[conversation]

    def _handoff_started(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self.counts["handoffs"] += 1
        self.handoff_reasons.bump(_text(event, "reason") or "unspecified")
        if conversation:
            self.handoff_conversations.add(conversation)
            self._waiting.pop(conversation, None)
            self._with_person[conversation] = at
            self._with_person.move_to_end(conversation)

    def _handoff_ended(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self._with_person.pop(conversation, None)

    def _rating_submitted(self, event: dict[str, Any], at: int, conversation: str) -> None:
        rating = event.get("rating")
        if type(rating) is int and 1 <= rating <= 5:
            self.ratings[rating] += 1

    def _translation_used(self, event: dict[str, Any], at: int, conversation: str) -> None:
        for name in ("provider_calls", "cache_hits", "characters"):
            value = event.get(name)
            if type(value) is int and value > 0:
                self.counts[f"translation.{name}"] += value

    def _delivery_status(self, event: dict[str, Any], at: int, conversation: str) -> None:
        if _text(event, "status") == "failed":
            self.counts["delivery_failures"] += 1

    def _send_error(self, event: dict[str, Any], at: int, conversation: str) -> None:
        self.counts["send_attempts"] += 1
        self.counts["delivery_failures"] += 1

    # Per-conversation state past its day ------------------------------------------------------------------

    def _expire(self, before_ms: int) -> None:
        waiting, flows, answering = self._waiting, self._flows, self._answering
        while waiting and next(iter(waiting.values()))[0] < before_ms:
            waiting.popitem(last=False)
            self.counts["unanswered"] += 1
        while flows and next(iter(flows.values())).last_ms < before_ms:
            _, flow = flows.popitem(last=False)
            self.outcome(flow.intent, "dropped")
        while answering and next(iter(answering.values()))[1] < before_ms:
            answering.popitem(last=False)
        with_person, switched = self._with_person, self._switched
        while with_person and next(iter(with_person.values())) < before_ms:
            with_person.popitem(last=False)
        while switched and next(iter(switched.values()))[1] < before_ms:
            switched.popitem(last=False)


def _text(event: dict[str, Any], name: str) -> str:
    value = event.get(name)
    return value if isinstance(value, str) else ""
