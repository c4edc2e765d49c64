"""Processing one queued message: acknowledge, answer, and record what could not be delivered."""

from __future__ import annotations

import json

import pytest

from parley.channels.model import Channel, InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.dialogue.service import Turn
from parley.events import EventType, InMemoryEventSink
from parley.fulfillment import MessageProcessor
from parley.graph import GraphApiError
from parley.nlu.intents import Intent
from support.factories import inbound


class RecordingSender:
    channel = Channel.WHATSAPP

    def __init__(self, error: GraphApiError | None = None) -> None:
        self.acknowledged: list[str] = []
        self.sent: list[Reply] = []
        self.error = error

    def acknowledge(self, to: InboundMessage) -> bool:
        self.acknowledged.append(to.message_id)
        return True

    def send(self, to: InboundMessage, reply: Reply) -> None:
        if self.error:
            raise self.error
        self.sent.append(reply)


class FixedService:
    def __init__(self, reply: Reply | None) -> None:
        self.reply = reply

    def respond(self, message: InboundMessage) -> Turn:
        return Turn(self.reply, "en", Intent.ORDER_STATUS, 0.9, True)


def processor(reply: Reply | None, sender: RecordingSender, events: InMemoryEventSink) -> MessageProcessor:
    return MessageProcessor(FixedService(reply), {Channel.WHATSAPP: sender}, events)  # type: ignore[arg-type]


def test_a_message_is_acknowledged_then_answered():
    sender, events = RecordingSender(), InMemoryEventSink()
    message = inbound("where is my order")

    summary = processor(Reply("Your order has shipped."), sender, events).process(message)

    assert sender.acknowledged == [message.message_id]
    assert [r.text for r in sender.sent] == ["Your order has shipped."]
    assert summary["outcome"] == "sent"


def test_a_reaction_is_neither_acknowledged_nor_answered():
    sender, events = RecordingSender(), InMemoryEventSink()

    summary = processor(None, sender, events).process(inbound("", kind=MessageKind.REACTION))

    assert sender.acknowledged == [] and sender.sent == []
    assert summary["outcome"] == "no_reply"


def test_a_permanent_send_failure_is_recorded_as_an_event_without_personal_data():
    error = GraphApiError(400, 131047, "Re-engagement message", retryable=False)
    sender, events = RecordingSender(error), InMemoryEventSink()
    message = inbound("where is my order", sender="14155550123")

    summary = processor(Reply("hi"), sender, events).process(message)

    assert summary["outcome"] == "send_failed"
    [event] = events.events
    assert event.type is EventType.SEND_FAILED
    assert event.status == "window_closed"
    recorded = json.dumps(event.to_dict())
    assert "14155550123" not in recorded and message.message_id not in recorded


def test_a_transient_send_failure_is_raised_so_the_message_is_retried():
    sender, events = RecordingSender(GraphApiError(503, None, "busy", retryable=True)), InMemoryEventSink()

    with pytest.raises(GraphApiError):
        processor(Reply("hi"), sender, events).process(inbound("where is my order"))
    assert events.events == []


class RatingService(FixedService):
    def __init__(self, rating: int, commented: bool) -> None:
        super().__init__(Reply("Thank you!"))
        self.rating, self.commented = rating, commented

    def respond(self, message: InboundMessage) -> Turn:
        return Turn(self.reply, "en", Intent.OUT_OF_SCOPE, 0.5, True, rating=self.rating, commented=self.commented)


@pytest.mark.parametrize(
    ("commented", "kind"), [(False, EventType.RATING_SUBMITTED), (True, EventType.RATING_COMMENTED)]
)
def test_a_rating_is_recorded_as_an_event_without_the_customers_words(commented, kind):
    sender, events = RecordingSender(), InMemoryEventSink()
    message = inbound("the courier was rude, otherwise fine")
    service = RatingService(2, commented)

    MessageProcessor(service, {Channel.WHATSAPP: sender}, events).process(message)  # type: ignore[arg-type]

    [event] = events.events
    assert event.type is kind and event.rating == 2 and event.commented is commented
    recorded = json.dumps(event.to_dict())
    assert "courier" not in recorded and message.sender_id not in recorded
