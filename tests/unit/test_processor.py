"""Processing one queued message: acknowledge, answer, and record what happened as analytics events (what could not
be delivered, ratings, how long the customer waited), never the customer's words or numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley.channels.meta import GraphApiError
from parley.channels.model import Channel, InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.dialogue.turn import Turn
from parley.fulfillment import MessageProcessor
from parley.nlu.intents import Intent
from support.factories import inbound
from support.recording import Recording


class RecordingSender:
    channel = Channel.WHATSAPP

    def __init__(self, error: GraphApiError | None = None) -> None:
        self.acknowledged: list[str] = []
        self.sent: list[Reply] = []
        self.error = error

    def acknowledge(self, to: InboundMessage) -> bool:
        self.acknowledged.append(to.message_id)
        return True

    def send(self, to: InboundMessage, reply: Reply, progress: Any = None) -> None:
        if self.error:
            raise self.error
        self.sent.append(reply)


class FixedService:
    def __init__(self, reply: Reply | None) -> None:
        self.reply = reply

    def respond(self, message: InboundMessage) -> Turn:
        return Turn(self.reply, "en", Intent.ORDER_STATUS, 0.9, True)


def processor(reply: Reply | None, sender: RecordingSender, events: Recording) -> MessageProcessor:
    return MessageProcessor(FixedService(reply), {Channel.WHATSAPP: sender}, events.recorder)  # type: ignore[arg-type]


def test_a_message_is_acknowledged_then_answered():
    sender, events = RecordingSender(), Recording()
    message = inbound("where is my order")

    summary = processor(Reply("Your order has shipped."), sender, events).process(message)

    assert sender.acknowledged == [message.message_id]
    assert [r.text for r in sender.sent] == ["Your order has shipped."]
    assert summary["outcome"] == "sent"


def test_a_reaction_is_neither_acknowledged_nor_answered_nor_counted_as_a_message():
    sender, events = RecordingSender(), Recording()

    summary = processor(None, sender, events).process(inbound("", kind=MessageKind.REACTION))

    assert sender.acknowledged == [] and sender.sent == []
    assert summary["outcome"] == "no_reply"
    assert "message_received" not in events.types() and "reply_sent" not in events.types()


def test_the_reply_is_recorded_with_how_long_the_customer_waited_since_the_webhook_received_the_message():
    moments = iter([1_772_409_601.2, 1_772_409_601.9])  # answered, then sent
    sender, events = RecordingSender(), Recording(clock=lambda: next(moments))
    message = inbound("where is my order", received_at_ms=1_772_409_600_500)

    processor(Reply("Your order has shipped."), sender, events).process(message)

    [received] = events.of("message_received")
    [sent] = events.of("reply_sent")
    assert (received.at_ms, sent.at_ms, sent.latency_ms) == (1_772_409_600_500, 1_772_409_601_900, 1400)
    assert received.message == sent.message != ""  # the KPI engine pairs them by the message's pseudonym


def test_a_permanent_send_failure_is_recorded_as_an_event_without_personal_data():
    error = GraphApiError(400, 131047, "Re-engagement message", retryable=False)
    sender, events = RecordingSender(error), Recording()
    message = inbound("where is my order", sender="14155550123")

    summary = processor(Reply("hi"), sender, events).process(message)

    assert summary["outcome"] == "send_failed"
    [event] = events.of("send_error")
    assert event.status == "window_closed"
    assert events.of("reply_sent") == []
    recorded = json.dumps([e.to_dict() for e in events.events])
    assert "14155550123" not in recorded and message.message_id not in recorded


def test_a_transient_send_failure_is_raised_so_the_message_is_retried():
    sender, events = RecordingSender(GraphApiError(503, None, "busy", retryable=True)), Recording()

    with pytest.raises(GraphApiError):
        processor(Reply("hi"), sender, events).process(inbound("where is my order"))
    assert events.events == []  # counted when the retry is answered, once


class RatingService(FixedService):
    def __init__(self, rating: int, commented: bool) -> None:
        super().__init__(Reply("Thank you!"))
        self.rating, self.commented = rating, commented

    def respond(self, message: InboundMessage) -> Turn:
        return Turn(self.reply, "en", Intent.OUT_OF_SCOPE, 0.5, True, rating=self.rating, commented=self.commented)


@pytest.mark.parametrize(("commented", "kind"), [(False, "rating_submitted"), (True, "rating_commented")])
def test_a_rating_is_recorded_as_an_event_without_the_customers_words(commented, kind):
    sender, events = RecordingSender(), Recording()
    message = inbound("the courier was rude, otherwise fine")
    service = RatingService(2, commented)

    MessageProcessor(service, {Channel.WHATSAPP: sender}, events.recorder).process(message)  # type: ignore[arg-type]

    [event] = events.of(kind)
    assert event.rating == 2
    recorded = json.dumps([e.to_dict() for e in events.events])
    assert "courier" not in recorded and message.sender_id not in recorded
