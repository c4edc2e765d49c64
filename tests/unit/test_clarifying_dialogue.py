"""Asking rather than guessing, in every native language: when the intent model is unsure between two requests Parley
acts on, the customer gets "which of these do you mean?" with both as buttons, and a tap starts that request (about
the order the message named). A sure model, or small talk among the two likeliest, gets no question.

The model's answers are scripted (support.scripted_intents): what is tested is what Parley does with an unsure model,
not what the trained model says of some sentence today. How often the question fires on real messages is measured on
the dev sets (README, "Asking rather than guessing")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.analytics.recording import turn_events
from parley.channels.model import MessageKind
from parley.domain.records import OrderStatus
from parley.nlu.ambiguity import CLARIFY_FLOOR, two_likeliest
from parley.nlu.intents import Intent
from parley.privacy.pseudonyms import Names
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order
from support.scripted_intents import ScriptedIntents

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)
# What a customer might write when it is not clear whether they want to cancel or return: the scripted model is
# unsure between the two, as the real one is with such messages.
UNCLEAR = {
    "en": "ORD-310006 I don't want it any more", "es": "ORD-310006 ya no lo quiero", "pt": "ORD-310006 não quero mais",
    "fr": "ORD-310006 je n'en veux plus", "de": "ORD-310006 ich will das nicht mehr",
    "it": "ORD-310006 non lo voglio più",
    "hi": "ORD-310006 मुझे यह अब नहीं चाहिए", "id": "ORD-310006 saya sudah tidak mau", "ar": "ORD-310006 ما عدت أريده",
    "tr": "ORD-310006 artık istemiyorum", "ru": "ORD-310006 мне это больше не нужно", "zh": "ORD-310006 我不想要了",
}  # fmt: skip
UNSURE = {Intent.CANCEL_ORDER: 0.41, Intent.RETURN_REFUND: 0.33, Intent.ORDER_STATUS: 0.1}


def shop(language: str, script: dict[str, dict[Intent, float]], *, known: bool = True) -> Any:
    kim = customer(name="Kim Lee", language=language)
    service = conversation_service(
        customers=InMemoryCustomers([kim]), conversations=InMemoryConversations(), clock=lambda: NOW,
        orders=InMemoryOrders([order(kim, order_id="ORD-310006", status=OrderStatus.PROCESSING)]),
        intents=ScriptedIntents(script),
    )  # fmt: skip
    sender = kim.phone if known else "34699000111"

    def say(text: str, **overrides: Any) -> Any:
        return service.respond(inbound(text, sender=sender, **overrides))

    return say


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unsure_request_gets_which_do_you_mean_with_both_as_buttons(language):
    catalog = CATALOGS[language]
    say = shop(language, {"ORD-310006": UNSURE})

    turn = say(UNCLEAR[language])

    assert turn.reply.text.split("\n\n")[-1] == catalog.render("request.which")
    assert [(c.id, c.title) for c in turn.reply.choices] == [
        ("intent:cancel_order", catalog.render("request.cancel_order")),
        ("intent:return_refund", catalog.render("request.return_refund")),
    ]
    assert turn.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_tapping_a_button_starts_that_request_about_the_order_the_message_named(language):
    catalog = CATALOGS[language]
    say = shop(language, {"ORD-310006": UNSURE})
    asked = say(UNCLEAR[language])
    chosen = asked.reply.choices[0]

    turn = say(chosen.title, kind=MessageKind.BUTTON_REPLY, payload=chosen.id)

    assert turn.intent is Intent.CANCEL_ORDER
    assert turn.reply.text == catalog.render("order.cancel_confirm", order_id="ORD-310006")
    assert [c.id for c in turn.reply.choices] == ["confirm:yes", "confirm:no"]


def test_the_question_is_no_request_yet_analytics_counts_it_as_a_clarification_and_the_tap_as_the_request():
    say = shop("en", {"ORD-310006": UNSURE})
    names = Names("c" * 16, "d" * 16)

    asked = say(UNCLEAR["en"])
    tapped = say("Cancel an order", kind=MessageKind.BUTTON_REPLY, payload="intent:cancel_order")

    asked_events = [(e.type.value, e.intent) for e in turn_events(inbound("x"), asked, names, answered_ms=1)]
    assert ("clarification_asked", "cancel_order") in asked_events
    assert "intent_recognised" not in [kind for kind, _ in asked_events]
    tapped_events = [(e.type.value, e.intent, e.flow) for e in turn_events(inbound("x"), tapped, names, answered_ms=1)]
    assert ("intent_recognised", "cancel_order", "cancel_order") in tapped_events


def test_below_the_out_of_scope_floor_two_likely_requests_are_asked_about_instead_of_not_understood():
    say = shop("en", {"ORD-310006": {Intent.CANCEL_ORDER: 0.3, Intent.RETURN_REFUND: 0.28}})

    turn = say(UNCLEAR["en"])

    assert turn.reply.text.split("\n\n")[-1] == CATALOGS["en"].render("request.which")
    assert turn.unrecognised is None


def test_a_sure_model_answers_without_asking():
    say = shop("en", {"ORD-310006": {Intent.CANCEL_ORDER: 0.9, Intent.RETURN_REFUND: 0.05}})

    turn = say(UNCLEAR["en"])

    assert turn.reply.text.split("\n\n")[-1] == CATALOGS["en"].render("order.cancel_confirm", order_id="ORD-310006")


def test_an_order_number_with_words_that_may_be_about_its_status_gets_the_status_as_before():
    say = shop("en", {"ORD-310006": {Intent.ORDER_STATUS: 0.4, Intent.RETURN_REFUND: 0.35}})

    turn = say("ORD-310006 what about it")

    assert CATALOGS["en"].render("request.which") not in turn.reply.text
    assert turn.intent is Intent.ORDER_STATUS and "ORD-310006" in turn.reply.text


def test_small_talk_among_the_two_likeliest_is_no_question_to_ask():
    say = shop("en", {"thanks": {Intent.THANKS: 0.4, Intent.CANCEL_ORDER: 0.3}})

    turn = say("thanks, ORD-310006 cancel maybe")

    assert CATALOGS["en"].render("request.which") not in turn.reply.text
    assert not any(c.id.startswith("intent:") for c in turn.reply.choices)


def test_a_sender_not_on_file_is_asked_which_request_before_proving_who_they_are_for_it():
    en = CATALOGS["en"]
    say = shop("en", {"ORD-310006": UNSURE}, known=False)

    asked = say(UNCLEAR["en"])
    tapped = say("Cancel an order", kind=MessageKind.BUTTON_REPLY, payload="intent:cancel_order")

    assert asked.reply.text.split("\n\n")[-1] == en.render("request.which")
    assert tapped.reply.text == en.render("verify.ask")
    assert tapped.intent is Intent.CANCEL_ORDER and not tapped.known_customer


def test_the_two_likeliest_are_offered_only_below_the_floor_and_only_when_both_are_requests():
    assert two_likeliest({"cancel_order": 0.4, "return_refund": 0.35, "greeting": 0.25}) == (
        Intent.CANCEL_ORDER, Intent.RETURN_REFUND,
    )  # fmt: skip
    assert two_likeliest({"cancel_order": CLARIFY_FLOOR, "return_refund": 0.3}) is None
    assert two_likeliest({"cancel_order": 0.4, "out_of_scope": 0.35}) is None
    assert two_likeliest({"greeting": 0.4, "invoice": 0.35}) is None
    assert two_likeliest({}) is None
