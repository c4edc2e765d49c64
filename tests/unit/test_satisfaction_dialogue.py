"""Satisfaction: after a flow that got the customer what they came for, a 1-5 rating with buttons, an optional
comment, and the rating reported for analytics (never the comment's words)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.flows.satisfaction import typed_rating
from parley.domain.records import OrderStatus
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN = CATALOGS["en"]
EMILY = customer(name="Emily Carter", language="en")


def build(*people, clock=None) -> tuple[DialogueEngine, InMemoryOrders, InMemoryConversations]:
    orders = InMemoryOrders(
        [
            order(person, order_id=f"ORD-{700100 + i * 10 + n}", status=OrderStatus.PROCESSING)
            for i, person in enumerate(people)
            for n in range(2)
        ]
    )
    conversations = InMemoryConversations()
    service = conversation_service(
        customers=InMemoryCustomers(list(people)),
        orders=orders,
        conversations=conversations,
        clock=clock or (lambda: NOW),
    )
    return service, orders, conversations


def say(service, who, text="", **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def tap(service, who, payload):
    return say(service, who, "", kind=MessageKind.LIST_REPLY, payload=payload)


def cancel_one(service, who, order_id: str, yes: str = "yes"):
    say(service, who, f"please cancel {order_id}")
    return say(service, who, yes)


def test_a_completed_flow_ends_with_a_rating_question_with_five_buttons():
    service, orders, _ = build(EMILY)

    done = cancel_one(service, EMILY, "ORD-700100")

    assert orders.get("ORD-700100").status is OrderStatus.CANCELLED
    assert done.reply.text.endswith(EN.render("csat.ask"))
    assert [c.id for c in done.reply.choices] == [f"rating:{n}" for n in (5, 4, 3, 2, 1)]
    assert done.reply.choices[0].title == "⭐⭐⭐⭐⭐" and done.reply.menu_label == EN.render("menu.rating")
    assert done.rating is None


def test_a_tapped_rating_is_reported_and_a_comment_invited_then_reported_too():
    service, _, _ = build(EMILY)
    cancel_one(service, EMILY, "ORD-700100")

    rated = tap(service, EMILY, "rating:4")
    commented = say(service, EMILY, "the website could show the cancel button")

    assert rated.rating == 4 and not rated.commented
    assert rated.reply.text == EN.render("csat.comment")
    assert [c.title for c in rated.reply.choices] == [EN.render("choice.skip")]
    assert commented.rating == 4 and commented.commented
    assert commented.reply.text == EN.render("csat.thanks")


@pytest.mark.parametrize("skip", ["tap", "no thanks", "Skip"])
def test_skipping_the_comment_thanks_without_a_comment(skip):
    service, _, _ = build(EMILY)
    cancel_one(service, EMILY, "ORD-700100")
    tap(service, EMILY, "rating:5")

    turn = tap(service, EMILY, "csat:skip") if skip == "tap" else say(service, EMILY, skip)

    assert turn.reply.text == EN.render("csat.thanks") and not turn.commented and turn.rating is None


def test_a_customer_who_ignores_the_question_is_simply_answered_and_not_asked_again_that_day():
    service, _, _ = build(EMILY)
    cancel_one(service, EMILY, "ORD-700100")

    moved_on = say(service, EMILY, "where is my order ORD-700101?")
    second = cancel_one(service, EMILY, "ORD-700101")

    assert "ORD-700101" in moved_on.reply.text and moved_on.rating is None
    assert EN.render("csat.ask") not in moved_on.reply.text
    assert EN.render("csat.ask") not in second.reply.text and second.reply.choices == ()


def test_asked_again_on_another_day():
    clock = Clock()
    service, _, _ = build(EMILY, clock=clock)
    cancel_one(service, EMILY, "ORD-700100")
    clock.now = NOW + timedelta(days=1, minutes=1)

    later = cancel_one(service, EMILY, "ORD-700101")

    assert later.reply.text.endswith(EN.render("csat.ask"))


def test_a_clear_new_request_in_place_of_a_comment_is_answered_as_one():
    service, _, _ = build(EMILY)
    cancel_one(service, EMILY, "ORD-700100")
    tap(service, EMILY, "rating:2")

    turn = say(service, EMILY, "where is my order ORD-700101?")

    assert "ORD-700101" in turn.reply.text and not turn.commented


def test_a_rating_is_only_read_while_one_was_asked_for():
    service, _, _ = build(EMILY)
    say(service, EMILY, "hello")

    turn = tap(service, EMILY, "rating:5")

    assert turn.rating is None


@pytest.mark.parametrize(
    ("text", "score"),
    [("5", 5), ("4/5", 4), (" 3 ", 3), ("⭐⭐⭐", 3), ("٤", 4), ("४", 4), ("五星", 5), ("2 estrellas", 2), ("1 ★", 1)],
)
def test_typed_ratings_in_any_script(text, score):
    assert typed_rating(text) == score


@pytest.mark.parametrize("text", ["ORD-104233", "10/10", "6", "0", "where is my order", "4/10", ""])
def test_what_is_not_a_rating(text):
    assert typed_rating(text) is None


YES = {
    "en": "yes", "es": "sí", "pt": "sim", "fr": "oui", "de": "ja", "it": "sì", "hi": "हाँ", "id": "ya",
    "ar": "نعم", "tr": "evet", "ru": "да", "zh": "是的",
}  # fmt: skip
CANCEL = {
    "en": "cancel order {}", "es": "cancela el pedido {}", "pt": "cancelar o pedido {}", "fr": "annulez la commande {}",
    "de": "storniere die Bestellung {}", "it": "annulla l'ordine {}", "hi": "ऑर्डर {} रद्द करो",
    "id": "batalkan pesanan {}", "ar": "ألغِ الطلب {}", "tr": "{} siparişimi iptal et", "ru": "отмените заказ {}",
    "zh": "取消订单 {}",
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(YES))
def test_the_rating_is_asked_and_read_in_every_native_language(language):
    person = customer(name="Kim Lee", language=language)
    service, orders, _ = build(person)
    catalog = CATALOGS[language]

    done = cancel_one(service, person, CANCEL[language].format("ORD-700100"), YES[language])
    rated = say(service, person, "5")

    assert orders.get("ORD-700100").status is OrderStatus.CANCELLED
    assert catalog.render("csat.ask") in done.reply.text and len(done.reply.choices) == 5
    assert rated.rating == 5 and rated.reply.text == catalog.render("csat.comment")
