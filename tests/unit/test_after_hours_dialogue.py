"""A handoff outside office hours tells the customer when the team will answer; a redelivered handoff message is
handed over again, for the same reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.dialogue.engine import DialogueEngine
from parley.domain.office_hours import parse_office_hours
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound

CATALOGS = catalogs()
LUCIA = customer(name="Lucía Gómez", phone="34612345678", language="es")
OFFICE = parse_office_hours("mon-fri 09:00-18:00", "Europe/Madrid")


def service_at(moment: datetime) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([LUCIA]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: moment,
        office_hours=OFFICE,
    )


def test_asking_for_a_person_on_saturday_says_the_team_answers_on_monday_morning():
    # Saturday 28 November 2026, 11:00 UTC = 12:00 in Madrid.
    service = service_at(datetime(2026, 11, 28, 11, 0, tzinfo=UTC))

    turn = service.respond(inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone))

    assert turn.handoff == "asked"
    assert CATALOGS["es"].render("handoff.started") in turn.reply.text
    assert "lunes" in turn.reply.text and "9:00" in turn.reply.text
    assert "hora estándar de Europa central" in turn.reply.text


def test_within_office_hours_the_customer_is_only_told_a_person_is_coming():
    service = service_at(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))

    turn = service.respond(inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone))

    assert turn.handoff == "asked"
    assert turn.reply.text.endswith(CATALOGS["es"].render("handoff.started"))


def test_a_redelivered_handoff_message_is_handed_over_again_for_its_first_reason():
    service = service_at(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    service.respond(inbound("Hola", sender=LUCIA.phone))
    message = inbound("Esto es una pérdida de tiempo, el bot no sirve para nada", sender=LUCIA.phone)
    first = service.respond(message)

    again = service.respond(message)

    assert first.handoff == "complaint"
    assert again.handoff == "complaint"
    assert again.reply is not None


@pytest.mark.parametrize("text", ["¿Hay alguien ahí?", "Mi pedido no llega"])
def test_while_a_person_has_the_conversation_the_bot_is_silent_and_says_the_message_is_for_them(text):
    service = service_at(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    service.respond(inbound("Quiero hablar con una persona, por favor", sender=LUCIA.phone))

    turn = service.respond(inbound(text, sender=LUCIA.phone))

    assert turn.reply is None
    assert turn.with_person
