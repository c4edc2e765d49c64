"""'Delete my data': a confirmation first, then every conversation of the customer is erased (state and message log);
orders stay; a no changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders, RecordingForgets
from parley.channels.model import Channel
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import LoggedMessage, MessageDirection
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN, FR = CATALOGS["en"], CATALOGS["fr"]
CAMILLE = customer(name="Camille Martin", phone="33612345678", messenger_psid="7788990011223344", language="fr")
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def log(conversations: InMemoryConversations) -> InMemoryMessageLog:
    return InMemoryMessageLog(conversations)


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders([order(CAMILLE, order_id="ORD-400877")])


@pytest.fixture
def service(conversations, log, orders) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([CAMILLE, EMILY]),
        orders=orders,
        conversations=conversations,
        clock=lambda: NOW,
        message_log=log,
    )


def logged(log: InMemoryMessageLog, conversation_id: str, text: str) -> None:
    log.append(LoggedMessage(conversation_id, f"m-{text}", MessageDirection.IN, text, NOW, "fr"))


def test_after_a_yes_every_conversation_of_the_customer_is_erased_and_orders_stay(
    service, conversations, log, orders
) -> None:
    service.respond(inbound("Bonjour", sender=CAMILLE.phone))
    service.respond(inbound("Bonjour", sender=CAMILLE.messenger_psid, channel=Channel.MESSENGER))
    service.respond(inbound("hi", sender=EMILY.phone))
    for key in list(conversations.items):
        logged(log, key, "bonjour")

    asked = service.respond(
        inbound("Je veux que vous supprimiez toutes mes données personnelles", sender=CAMILLE.phone)
    )
    assert asked.intent is Intent.DELETE_DATA
    assert asked.reply.text == FR.render("privacy.confirm")
    done = service.respond(inbound("oui", sender=CAMILLE.phone))

    assert done.reply.text == FR.render("privacy.erased")
    emily = f"{Channel.WHATSAPP}#{EMILY.phone}"
    assert set(conversations.items) == {emily}  # both of Camille's conversations are gone, Emily's stays
    assert {key for key, messages in log.items.items() if messages} == {emily}
    assert orders.get("ORD-400877") is not None


def test_a_no_erases_nothing(service, conversations) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))
    service.respond(inbound("please delete my personal data", sender=EMILY.phone))

    kept = service.respond(inbound("no", sender=EMILY.phone))

    assert kept.reply.text == EN.render("flow.stopped")
    assert f"{Channel.WHATSAPP}#{EMILY.phone}" in conversations.items


def test_erasure_forgets_the_analytics_keys_of_a_whatsapp_username_conversation_too(conversations, log) -> None:
    bsuid = "FR.5566778899001122"
    pseudonyms = RecordingForgets()
    camille = replace(CAMILLE, whatsapp_user_id=bsuid)
    service = conversation_service(
        customers=InMemoryCustomers([camille]),
        orders=InMemoryOrders(),
        conversations=conversations,
        clock=lambda: NOW,
        message_log=log,
        pseudonyms=pseudonyms,
    )

    # From Messenger; her WhatsApp conversation (keyed by her BSUID) has expired, its analytics keys have not.
    service.respond(
        inbound("Supprimez mes données personnelles", sender=camille.messenger_psid, channel=Channel.MESSENGER)
    )
    service.respond(inbound("oui", sender=camille.messenger_psid, channel=Channel.MESSENGER))

    [(customer_id, keys)] = pseudonyms.forgotten
    assert customer_id == camille.customer_id
    assert {f"whatsapp#{bsuid}", f"whatsapp#{camille.phone}", f"messenger#{camille.messenger_psid}"} <= set(keys)
