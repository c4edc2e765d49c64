"""Troubleshooting in conversation: the guide that fits, one step at a time with "did that help?", and a person when
the steps run out or no guide fits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.nlu.intents import Intent
from parley.support.guides import load_guides
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound

CATALOGS = catalogs()
GUIDES = load_guides()
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
JONAS = customer(name="Jonas Weber", phone="4915112345678", language="de")


@pytest.fixture
def service() -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, JONAS]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        guides=GUIDES,
    )


def say(service: DialogueEngine, text: str, who=JONAS, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def test_a_german_customer_is_walked_through_the_guide_until_it_works(service) -> None:
    say(service, "Hallo")
    first = say(service, "Mein Handy geht nicht mehr an, was kann ich tun?")

    de = CATALOGS["de"]
    steps = GUIDES.get("wont-turn-on").steps_in("de")
    assert first.intent is Intent.TECH_SUPPORT
    assert de.render("support.intro", title=GUIDES.get("wont-turn-on").title("de")) in first.reply.text
    assert de.render("support.step", number=1, total=len(steps), step=steps[0]) in first.reply.text
    assert [c.title for c in first.reply.choices] == [de.render("choice.it_works"), de.render("choice.still_broken")]

    second = say(service, "Nein, geht nicht", kind=MessageKind.BUTTON_REPLY, payload="confirm:no")
    assert de.render("support.step", number=2, total=len(steps), step=steps[1]) in second.reply.text

    solved = say(service, "ja")
    assert first_paragraph(solved) == de.render("support.solved")
    assert solved.handoff is None


def test_when_every_step_fails_a_person_takes_over(service) -> None:
    say(service, "hi", EMILY)
    say(service, "my bluetooth headphones won't pair with my phone", EMILY)

    # One "no" per step shown: the last one, after the last step, reaches a person.
    turns = [say(service, "no", EMILY) for _ in range(GUIDES.count("bluetooth-pairing"))]

    last = turns[-1]
    assert last.handoff == "guide_failed"
    en = CATALOGS["en"]
    assert last.reply.text == f"{en.render('support.unsolved')}\n\n{en.render('handoff.started')}"
    assert all(t.handoff is None for t in turns[:-1])


def test_a_problem_no_guide_covers_goes_to_a_person(service) -> None:
    say(service, "hi", EMILY)

    turn = say(service, "the camera on my new phone takes blurry photos, something is broken", EMILY)

    assert turn.intent is Intent.TECH_SUPPORT
    assert turn.handoff == "no_guide"
    assert CATALOGS["en"].render("support.no_guide") in turn.reply.text


def test_another_question_in_the_middle_leaves_the_guide(service) -> None:
    say(service, "hi", EMILY)
    say(service, "my phone won't turn on", EMILY)

    turn = say(service, "where is my order?", EMILY)
    after = say(service, "no", EMILY)

    assert turn.intent is Intent.ORDER_STATUS
    assert after.reply is None or CATALOGS["en"].render("support.did_it_help") not in after.reply.text
