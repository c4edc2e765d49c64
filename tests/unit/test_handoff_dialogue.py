"""Reaching a person: on request, after two misunderstandings in a row, or when the customer has had enough; then
the bot stays out of the conversation. And "never mind" leaves whatever is under way."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.answers import Answer, Question
from parley.dialogue.engine import DialogueEngine
from support.dialogue import answer_reader, catalogs, conversation_service
from support.factories import customer, inbound

CATALOGS = catalogs()
ASKED = Question(yes_no=True)  # a yes-or-no question under way
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
JONAS = customer(name="Jonas Weber", phone="4915112345678", language="de")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def service(conversations: InMemoryConversations, clock: Clock) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, JONAS]),
        orders=InMemoryOrders([]),
        conversations=conversations,
        clock=clock,
    )


def test_asking_for_a_person_hands_over_and_the_bot_then_keeps_quiet(service: DialogueEngine) -> None:
    service.respond(inbound("hello", sender=EMILY.phone))

    turn = service.respond(inbound("I want to talk to a real person please", sender=EMILY.phone))

    assert turn.handoff == "asked"
    assert turn.reply.text == CATALOGS["en"].render("handoff.started")
    later = service.respond(inbound("where is my order?", sender=EMILY.phone))
    assert later.reply is None


def test_a_cart_sent_from_the_whatsapp_catalog_goes_to_a_person(service: DialogueEngine) -> None:
    service.respond(inbound("hallo", sender=JONAS.phone))

    turn = service.respond(inbound("", sender=JONAS.phone, kind=MessageKind.ORDER))

    assert turn.handoff == "catalog_order"
    assert turn.reply.text == CATALOGS["de"].render("handoff.started")


def test_the_answers_to_a_whatsapp_flow_go_to_a_person_who_reads_them(service: DialogueEngine) -> None:
    service.respond(inbound("hallo", sender=JONAS.phone))

    # A form the business sent (nfm_reply): its field names are the business's words, not the customer's language.
    answers = "preferred_date: 2026-12-02\nreason: Delivery address changed\ncomment: Bitte nach 17 Uhr"
    turn = service.respond(inbound(answers, sender=JONAS.phone, kind=MessageKind.FORM))

    assert turn.handoff == "form"
    assert turn.language == "de"
    assert turn.reply.text == CATALOGS["de"].render("handoff.started")
    later = service.respond(inbound("Hallo? Wann kommt jemand?", sender=JONAS.phone))
    assert later.reply is None and later.with_person


def test_two_misunderstandings_in_a_row_reach_a_person(service: DialogueEngine) -> None:
    service.respond(inbound("hello", sender=EMILY.phone))

    first = service.respond(inbound("what's the capital of Mongolia", sender=EMILY.phone))
    second = service.respond(inbound("tell me a joke about penguins", sender=EMILY.phone))

    assert first.handoff is None and first.reply.text == CATALOGS["en"].render("fallback")
    assert second.handoff == "misunderstood"
    assert CATALOGS["en"].render("handoff.started") in second.reply.text


def test_an_understood_message_in_between_resets_the_count(service: DialogueEngine) -> None:
    service.respond(inbound("hello", sender=EMILY.phone))
    service.respond(inbound("what's the capital of Mongolia", sender=EMILY.phone))
    service.respond(inbound("thanks!", sender=EMILY.phone))

    turn = service.respond(inbound("tell me a joke about penguins", sender=EMILY.phone))

    assert turn.handoff is None


def test_a_frustrated_customer_in_german_gets_an_apology_and_a_person(service: DialogueEngine) -> None:
    service.respond(inbound("Hallo", sender=JONAS.phone))

    turn = service.respond(inbound("Das ist doch Zeitverschwendung, der Bot ist nutzlos", sender=JONAS.phone))

    assert turn.handoff == "complaint"  # had enough: a complaint (flows/complaint.py)
    de = CATALOGS["de"]
    assert turn.reply.text == f"{de.render('handoff.frustrated')}\n\n{de.render('handoff.started')}"


def test_the_bot_answers_again_a_day_after_the_handoff(service: DialogueEngine, clock: Clock) -> None:
    service.respond(inbound("I want to talk to a real person please", sender=EMILY.phone))
    clock.now += timedelta(hours=25)

    turn = service.respond(inbound("hello again", sender=EMILY.phone))

    assert turn.reply is not None


def test_a_redelivered_handoff_message_is_answered_again(
    service: DialogueEngine, conversations: InMemoryConversations
) -> None:
    message = inbound("I want to talk to a real person please", sender=EMILY.phone)
    first = service.respond(message)

    # The reply failed to send and SQS delivers the same message again.
    again = service.respond(message)

    assert again.reply is not None and again.reply.text.endswith(CATALOGS["en"].render("handoff.started"))
    assert first.reply.text.endswith(again.reply.text)


def test_never_mind_leaves_a_flow_under_way(service: DialogueEngine, conversations: InMemoryConversations) -> None:
    service.respond(inbound("hello", sender=EMILY.phone))
    key = next(iter(conversations.items))
    conversations.items[key] = replace(conversations.items[key], flow="cancel_order", step="confirm")

    turn = service.respond(inbound("never mind", sender=EMILY.phone))

    assert turn.reply.text == CATALOGS["en"].render("flow.stopped")
    assert conversations.items[key].flow is None


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "yes please", Answer.YES),
        ("es", "Sí, cancélalo", Answer.YES),
        ("es", "no importa", Answer.ABORT),
        ("de", "nein danke", Answer.NO),
        ("fr", "laisse tomber", Answer.ABORT),
        ("zh", "不用了", Answer.ABORT),
        ("zh", "好的", Answer.YES),
        ("ru", "нет", Answer.NO),
        ("hi", "हाँ जी", Answer.YES),
        ("ar", "نعم", Answer.YES),
        ("tr", "hayır", Answer.NO),
        ("en", "no, my order number is wrong and I need you to look at the other one", None),
        ("en", "where is my order", None),
    ],
)
def test_short_answers_are_read_literally(language: str, text: str, expected: Answer | None) -> None:
    assert answer_reader().read(inbound(text), CATALOGS[language], ASKED) is expected


def test_a_tapped_confirmation_is_read_from_its_payload() -> None:
    tapped = inbound("Ja", kind=MessageKind.BUTTON_REPLY, payload="confirm:no")

    assert answer_reader().read(tapped, CATALOGS["de"], ASKED) is Answer.NO
