"""The message log a person reads when they take a conversation over: every answered message and Parley's reply,
written once whatever is redelivered; the customer's messages alone while a person has the conversation; nothing
of a conversation erased at the customer's request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders
from parley.channels.model import Channel, MessageKind, Reaction
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.interpreting import Interpreter
from parley.domain.records import MessageDirection, OrderStatus
from parley.language.protect import Protector
from parley.language.translation import TranslationPivot
from parley.nlu.entities import OrderIdFinder
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
CAMILLE = customer(name="Camille Martin", phone="33612345678", language="fr")
DAAN = customer(name="Daan de Vries", phone="31612345678", language="nl")
ORDERS = [order(EMILY, order_id="ORD-104233", carrier="UPS"), order(CAMILLE, order_id="ORD-400877", carrier="DHL")]
ORDERS.append(order(DAAN, order_id="ORD-310045", carrier="PostNL"))
ORDERS.append(order(EMILY, order_id="ORD-104234", status=OrderStatus.PLACED))


class Tagging:
    """A translation provider double: the text tagged with the language it was asked for."""

    def translate(self, text: str, source: str, target: str) -> str:
        if target == "en":
            return text.replace("Hallo, waar is mijn bestelling", "Hello, where is my order")
        return f"<{target}>{text}"


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def log(conversations: InMemoryConversations) -> InMemoryMessageLog:
    return InMemoryMessageLog(conversations)


@pytest.fixture
def service(conversations: InMemoryConversations, log: InMemoryMessageLog) -> DialogueEngine:
    pivot = TranslationPivot(Tagging(), Protector(OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)))
    return conversation_service(
        customers=InMemoryCustomers([EMILY, CAMILLE, DAAN]),
        orders=InMemoryOrders(ORDERS),
        conversations=conversations,
        clock=lambda: NOW,
        message_log=log,
        interpreter=Interpreter(CATALOGS.languages, CATALOGS.apologies(), pivot),
    )


def conversation_of(person) -> str:
    return f"{Channel.WHATSAPP}#{person.phone}"


def test_each_answered_message_is_logged_with_the_reply_the_customer_got(service, log) -> None:
    first = inbound("Bonjour", sender=CAMILLE.phone)
    second = inbound("Où est ma commande ORD-400877 ?", sender=CAMILLE.phone)
    replies = [service.respond(first).reply, service.respond(second).reply]

    logged = log.recent(conversation_of(CAMILLE))

    assert [(m.direction, m.text) for m in logged] == [
        (MessageDirection.IN, "Bonjour"),
        (MessageDirection.OUT, replies[0].text),
        (MessageDirection.IN, "Où est ma commande ORD-400877 ?"),
        (MessageDirection.OUT, replies[1].text),
    ]
    assert {m.language for m in logged} == {"fr"}
    assert "DHL" in logged[-1].text


def test_a_redelivered_message_is_logged_once(service, log) -> None:
    message = inbound("where is ORD-104233?", sender=EMILY.phone)

    service.respond(message)
    again = service.respond(message)  # its reply failed to send: SQS delivers it again

    logged = log.recent(conversation_of(EMILY))
    assert [m.direction for m in logged] == [MessageDirection.IN, MessageDirection.OUT]
    # The reply the customer finally got is the one on record.
    assert logged[1].text == again.reply.text


def test_the_choices_offered_are_part_of_the_logged_reply(service, log) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))

    service.respond(inbound("I want to cancel my order ORD-104234", sender=EMILY.phone))

    reply = log.recent(conversation_of(EMILY))[-1]
    yes, no = CATALOGS["en"].render("choice.yes"), CATALOGS["en"].render("choice.no")
    assert reply.text.endswith(f"[{yes}] [{no}]")


def test_a_message_in_a_language_without_a_catalog_is_logged_as_written(service, log) -> None:
    turn = service.respond(inbound("Hallo, waar is mijn bestelling ORD-310045?", sender=DAAN.phone))

    asked, answered = log.recent(conversation_of(DAAN))

    assert (asked.text, asked.language) == ("Hallo, waar is mijn bestelling ORD-310045?", "nl")
    # The reply as sent: in Dutch (here, the double's tag), not the English it was written in.
    assert (answered.text, answered.language) == (turn.reply.text, "nl")
    assert answered.text.startswith("<nl>")


def test_while_a_person_has_the_conversation_only_the_customers_messages_are_logged(service, log) -> None:
    service.respond(inbound("I want to talk to a real person please", sender=EMILY.phone))

    quiet = service.respond(inbound("hello? are you there?", sender=EMILY.phone))

    assert quiet.reply is None
    last = log.recent(conversation_of(EMILY))[-1]
    assert (last.direction, last.text) == (MessageDirection.IN, "hello? are you there?")
    assert not any(m.direction is MessageDirection.OUT and m.message_id.startswith(last.message_id)
                   for m in log.recent(conversation_of(EMILY)))  # fmt: skip


def test_a_reaction_that_needs_no_answer_leaves_the_log_as_it_was(service, log, conversations) -> None:
    service.respond(inbound("where is ORD-104233?", sender=EMILY.phone))
    before = log.recent(conversation_of(EMILY))

    reaction = Reaction(message_id="wamid.OUR1", emoji="👍")
    turn = service.respond(inbound("", sender=EMILY.phone, kind=MessageKind.REACTION, reaction=reaction))

    assert turn.reply is None
    assert log.recent(conversation_of(EMILY)) == before
    assert conversations.get(conversation_of(EMILY)) is not None


def test_a_photo_without_a_caption_is_logged_as_what_it_is(service, log) -> None:
    service.respond(inbound("", sender=EMILY.phone, kind=MessageKind.IMAGE))

    assert log.recent(conversation_of(EMILY))[0].text == "[image]"


def test_nothing_is_written_back_after_the_customer_had_their_conversation_erased(service, log, conversations) -> None:
    service.respond(inbound("Bonjour", sender=CAMILLE.phone))
    service.respond(inbound("Je veux que vous supprimiez toutes mes données personnelles", sender=CAMILLE.phone))

    done = service.respond(inbound("oui", sender=CAMILLE.phone))

    assert done.reply.text == CATALOGS["fr"].render("privacy.erased")
    assert log.recent(conversation_of(CAMILLE)) == []
    assert conversations.get(conversation_of(CAMILLE)) is None
