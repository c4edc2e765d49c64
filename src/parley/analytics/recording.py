"""Conversation events from what fulfillment did: one customer message's turn, a person's reply, a hand-back.

Each event carries pseudonyms, codes and counts only (analytics.schema). A turn's events come in the order things
happened, which the KPI engine relies on: the message, the end of a flow it left, the request it made (or the
question which of two it meant), a fallback, the end of the flow it opened (a message of several requests: each
request and the end of its flow, in the order answered), a handoff, a rating, translation, and the reply (or the
error that stopped it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parley.analytics.schema import AGENT_CHANNEL, Event, EventType, SchemaError
from parley.analytics.sinks import note_lost
from parley.channels.events import EventSink
from parley.channels.model import InboundMessage, MessageKind
from parley.dialogue.flow_report import Outcome
from parley.dialogue.interpreting import TranslationUse
from parley.observability import logger
from parley.privacy.pseudonyms import KeyStoreError, Names, Pseudonyms

if TYPE_CHECKING:
    from parley.dialogue.turn import Turn
    from parley.language.translation import TranslationStats

# Reactions, number changes and returns through a link are not messages a customer wrote.
NOT_MESSAGES = frozenset({MessageKind.REACTION, MessageKind.SYSTEM, MessageKind.REFERRAL})
_ENDINGS = {
    Outcome.COMPLETED: EventType.FLOW_COMPLETED,
    Outcome.FAILED: EventType.FLOW_FAILED,
    Outcome.ABANDONED: EventType.FLOW_ABANDONED,
}
_TRANSLATION_COUNTS = ("provider_calls", "cache_hits", "characters")


@dataclass(frozen=True)
class Unrecognised:
    """The record of a message Parley did not understand: its redacted words, for the report only, with the
    pseudonym of who sent it (the customer's, else the conversation's), so the report can show a text only once
    several customers sent it."""

    at_ms: int
    language: str
    text: str
    customer: str = ""

    def to_dict(self) -> dict[str, int | str]:
        return {"at_ms": self.at_ms, "language": self.language, "text": self.text, "customer": self.customer}


def received_ms(message: InboundMessage) -> int:
    """When our webhook received the message (the platform's own time when that is unknown)."""
    return message.received_at_ms or message.received_at * 1000 or message.timestamp * 1000


class EventRecorder:
    def __init__(
        self,
        events: EventSink,
        pseudonyms: Pseudonyms,
        *,
        unrecognised: EventSink | None = None,
        translation: TranslationStats | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._events = events
        self._pseudonyms = pseudonyms
        self._unrecognised = unrecognised
        self._translation = translation
        self._clock = clock
        self._counted = self._translation_counts()

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def turn(
        self, message: InboundMessage, turn: Turn, *, answered_ms: int, sent_ms: int = 0, send_error: str = ""
    ) -> None:
        """The events of one answered message: `sent_ms` when its reply went out, `send_error` when the platform
        refused it for good. Never raises: the reply is out, and a retry would send it again."""
        names = self._names(message.conversation_key, turn.customer_id)
        try:
            events = turn_events(
                message, turn, names,
                answered_ms=answered_ms, sent_ms=sent_ms, send_error=send_error, translation=self._translation_delta(),
            )  # fmt: skip
        except SchemaError as exc:
            note_lost(1, f"SchemaError: {exc}", "turn")
            return
        self._events.emit(events)
        if turn.unrecognised and self._unrecognised is not None:
            sender = names.customer or names.conversation
            self._unrecognised.emit([Unrecognised(answered_ms, turn.language, turn.unrecognised, sender)])

    def agent_reply(self, conversation_key: str, customer_id: str | None, language: str) -> None:
        """A person's message went to the customer (it counts among the messages sent)."""
        names = self._names(conversation_key, customer_id)
        try:
            events = [self._agent(EventType.REPLY_SENT, names, language, customer_id)]
            translation = self._translation_delta()
            if any(translation.values()):
                events.append(self._agent(EventType.TRANSLATION_USED, names, language, customer_id, **translation))
        except SchemaError as exc:
            note_lost(1, f"SchemaError: {exc}", "agent")
            return
        self._events.emit(events)

    def handoff_ended(self, conversation_key: str, customer_id: str | None, language: str, reason: str) -> None:
        """The person handed the conversation back to the assistant."""
        names = self._names(conversation_key, customer_id)
        try:
            event = self._agent(EventType.HANDOFF_ENDED, names, language, customer_id, reason=reason)
        except SchemaError as exc:
            note_lost(1, f"SchemaError: {exc}", "agent")
            return
        self._events.emit([event])

    def _agent(self, kind: EventType, names: Names, language: str, customer_id: str | None, **fields: Any) -> Event:
        return Event(
            kind, self.now_ms(), AGENT_CHANNEL, names.conversation, names.customer,
            language=language, known_customer=bool(customer_id), **fields,
        )  # fmt: skip

    def _names(self, conversation_key: str, customer_id: str | None) -> Names:
        try:
            return self._pseudonyms.names(conversation_key, customer_id)
        except KeyStoreError as exc:
            # The counts still go out; only these events cannot be tied to their conversation.
            logger.warning("pseudonym keys unavailable", extra={"error": type(exc.__cause__).__name__})
            return Names()

    def _translation_counts(self) -> dict[str, int]:
        if self._translation is None:
            return dict.fromkeys(_TRANSLATION_COUNTS, 0)
        snapshot = self._translation.snapshot()
        return {name: snapshot[name] for name in _TRANSLATION_COUNTS}

    def _translation_delta(self) -> dict[str, int]:
        """What translation did since the last event that told (messages are handled one at a time)."""
        now = self._translation_counts()
        delta = {name: max(0, now[name] - self._counted[name]) for name in _TRANSLATION_COUNTS}
        self._counted = now
        return delta


def turn_events(
    message: InboundMessage,
    turn: Turn,
    names: Names,
    *,
    answered_ms: int,
    sent_ms: int = 0,
    send_error: str = "",
    translation: dict[str, int] | None = None,
) -> list[Event]:
    """The events of one message's turn, in the order they happened (see the module)."""
    base: dict[str, Any] = {
        "channel": message.channel.value,
        "conversation": names.conversation,
        "customer": names.customer,
        "language": turn.language,
        "known_customer": turn.known_customer,
        "translated": turn.translation is TranslationUse.USED,
    }
    ref = names.message(message.message_id)
    at = answered_ms
    events: list[Event] = []
    if message.kind not in NOT_MESSAGES:
        events.append(Event(EventType.MESSAGE_RECEIVED, received_ms(message), message=ref, **base))

    def add(kind: EventType, **fields: Any) -> None:
        events.append(Event(kind, at, **(base | fields)))

    flows = turn.flows
    if not turn.with_person:
        if flows.earlier is not None:
            add(_ENDINGS[flows.earlier.outcome], flow=flows.earlier.flow, reason=flows.earlier.reason)
        if flows.request:
            add(
                EventType.INTENT_RECOGNISED, message=ref, intent=turn.intent.value, flow=flows.opened,
                confidence=min(1.0, max(0.0, round(turn.confidence, 4))),
            )  # fmt: skip
        if flows.clarified:
            add(EventType.CLARIFICATION_ASKED, message=ref, intent=turn.intent.value,
                confidence=min(1.0, max(0.0, round(turn.confidence, 4))))  # fmt: skip
        if turn.unrecognised is not None:
            add(EventType.FALLBACK, message=ref, intent=turn.intent.value)
        if flows.opened_end is not None:
            add(_ENDINGS[flows.opened_end.outcome], flow=flows.opened_end.flow, reason=flows.opened_end.reason)
        for request in flows.requests:  # a message of several requests: each, in the order answered
            add(
                EventType.INTENT_RECOGNISED, message=ref, intent=request.intent.value, flow=request.opened,
                confidence=min(1.0, max(0.0, round(request.confidence, 4))),
            )  # fmt: skip
            if request.opened_end is not None:
                end = request.opened_end
                add(_ENDINGS[end.outcome], flow=end.flow, reason=end.reason)
        if turn.handoff:
            add(EventType.HANDOFF_STARTED, reason=turn.handoff)
        if turn.rating is not None:
            kind = EventType.RATING_COMMENTED if turn.commented else EventType.RATING_SUBMITTED
            add(kind, message=ref, rating=turn.rating)
        if turn.rating_requested:
            add(EventType.RATING_REQUESTED)
    counts = translation or {}
    if any(counts.values()) or turn.translation is not TranslationUse.NOT_NEEDED:
        add(EventType.TRANSLATION_USED, **{name: counts.get(name, 0) for name in _TRANSLATION_COUNTS})
    if send_error:
        add(EventType.SEND_ERROR, message=ref, status=send_error)
    elif sent_ms and turn.reply is not None:
        latency = max(0, sent_ms - received_ms(message)) if received_ms(message) else 0
        events.append(Event(EventType.REPLY_SENT, sent_ms, message=ref, latency_ms=latency, **base))
    return events
