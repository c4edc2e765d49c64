"""The message log behind handoff transcripts and privacy requests, against the fake and DynamoDB (moto): what was
logged comes back in order, an export holds it all, and an erase leaves nothing of the conversation behind."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from fakes import InMemoryConversations, InMemoryMessageLog
from parley.data.dynamo_conversations import DynamoConversations, DynamoMessageLog
from parley.data.models import ConversationMessageModel, ConversationModel
from parley.domain.conversation import ConversationState
from parley.domain.ports import ConversationRepository, MessageLog
from parley.domain.records import LoggedMessage, MessageDirection

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def message(
    conversation_id: str, n: int, direction: MessageDirection = MessageDirection.IN, **kw: str
) -> LoggedMessage:
    return LoggedMessage(
        conversation_id=conversation_id,
        message_id=f"wamid.{conversation_id}.{n}",
        direction=direction,
        text=kw.get("text", f"message {n}"),
        at=START + timedelta(seconds=n),
        language=kw.get("language", "es"),
    )


@dataclass
class Conversations:
    states: ConversationRepository
    log: MessageLog


@pytest.fixture(params=["in-memory", "dynamodb"])
def conversations(request: pytest.FixtureRequest) -> Conversations:
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        # The log's own clock only decides what has expired; these messages are all recent.
        return Conversations(DynamoConversations(), DynamoMessageLog(clock=START.timestamp))
    states = InMemoryConversations()
    return Conversations(states, InMemoryMessageLog(states))


def test_recent_gives_the_last_messages_oldest_first(conversations: Conversations) -> None:
    log = conversations.log
    for n in (3, 1, 2, 4):  # logged out of order, as retries can do
        log.append(message("whatsapp:1", n))

    assert [m.message_id for m in log.recent("whatsapp:1", limit=3)] == [
        "wamid.whatsapp:1.2",
        "wamid.whatsapp:1.3",
        "wamid.whatsapp:1.4",
    ]
    assert log.recent("whatsapp:1", limit=10)[0] == message("whatsapp:1", 1)
    assert log.recent("whatsapp:unknown") == []


def test_a_message_logged_twice_is_kept_once(conversations: Conversations) -> None:
    conversations.log.append(message("whatsapp:1", 1))
    conversations.log.append(message("whatsapp:1", 1))

    assert len(conversations.log.recent("whatsapp:1")) == 1


def test_a_turn_saves_the_state_and_its_messages_and_a_retry_replaces_them(conversations: Conversations) -> None:
    state = ConversationState(conversation_id="whatsapp:1", customer_id="CUST-1", language="es", flow="cancel_order")
    asked = message("whatsapp:1", 1, text="¿Dónde está mi pedido?")
    answer = message("whatsapp:1", 1, MessageDirection.OUT, text="Su pedido ha sido enviado.")
    answer = replace(answer, message_id=answer.message_id + ":out")

    conversations.log.save_turn(state, [asked, answer])
    # Retried after a failed send: the state moved on and the reply now reads differently.
    conversations.log.save_turn(replace(state, flow=None), [asked, replace(answer, text="Enviado ayer.")])

    assert [(m.direction, m.text) for m in conversations.log.recent("whatsapp:1")] == [
        (MessageDirection.IN, "¿Dónde está mi pedido?"),
        (MessageDirection.OUT, "Enviado ayer."),
    ]
    saved = conversations.states.get("whatsapp:1")
    assert saved is not None and (saved.customer_id, saved.flow) == ("CUST-1", None)


def test_a_turn_without_messages_saves_the_state_alone(conversations: Conversations) -> None:
    conversations.log.save_turn(ConversationState(conversation_id="whatsapp:2", language="fr"))

    saved = conversations.states.get("whatsapp:2")
    assert saved is not None and saved.language == "fr"
    assert conversations.log.recent("whatsapp:2") == []


def test_export_returns_what_was_logged(conversations: Conversations) -> None:
    log = conversations.log
    log.append(message("messenger:7", 1, text="¿Dónde está mi pedido ORD-104233?"))
    log.append(message("messenger:7", 2, MessageDirection.OUT, text="Tu pedido ORD-104233 está en camino."))
    log.append(message("messenger:7", 3, MessageDirection.AGENT, text="Hola, soy Ana.", language="es"))
    log.append(message("messenger:8", 1))

    exported = log.export_conversation("messenger:7")

    assert exported == [
        {
            "conversation_id": "messenger:7",
            "message_id": "wamid.messenger:7.1",
            "direction": "in",
            "text": "¿Dónde está mi pedido ORD-104233?",
            "language": "es",
            "at": "2026-11-24T09:00:01+00:00",
        },
        {
            "conversation_id": "messenger:7",
            "message_id": "wamid.messenger:7.2",
            "direction": "out",
            "text": "Tu pedido ORD-104233 está en camino.",
            "language": "es",
            "at": "2026-11-24T09:00:02+00:00",
        },
        {
            "conversation_id": "messenger:7",
            "message_id": "wamid.messenger:7.3",
            "direction": "agent",
            "text": "Hola, soy Ana.",
            "language": "es",
            "at": "2026-11-24T09:00:03+00:00",
        },
    ]


def test_erase_removes_every_item_of_the_conversation_and_nothing_else(conversations: Conversations) -> None:
    states, log = conversations.states, conversations.log
    states.save(ConversationState(conversation_id="whatsapp:1", customer_id="CUST-1", language="es"))
    states.save(ConversationState(conversation_id="whatsapp:2", customer_id="CUST-2"))
    for n in range(1, 31):  # more than one batch of deletes
        log.append(message("whatsapp:1", n))
    log.append(message("whatsapp:2", 1))

    erased = log.erase_conversation("whatsapp:1")

    assert erased == 31
    assert states.get("whatsapp:1") is None
    assert log.recent("whatsapp:1") == [] and log.export_conversation("whatsapp:1") == []
    assert states.get("whatsapp:2") is not None
    assert len(log.export_conversation("whatsapp:2")) == 1
    assert log.erase_conversation("whatsapp:1") == 0


def test_erase_leaves_no_item_in_dynamodb(aws) -> None:
    DynamoConversations().save(ConversationState(conversation_id="whatsapp:1", customer_id="CUST-1"))
    log = DynamoMessageLog()
    for n in range(1, 4):
        log.append(message("whatsapp:1", n))

    log.erase_conversation("whatsapp:1")

    assert ConversationMessageModel.count("whatsapp:1", consistent_read=True) == 0
    assert ConversationModel.count("whatsapp:1", consistent_read=True) == 0


def test_a_customers_conversations_are_found_for_staff(conversations: Conversations) -> None:
    states = conversations.states
    states.save(ConversationState(conversation_id="whatsapp:1", customer_id="CUST-1"))
    # An unknown sender who proved to be CUST-1 (order number and email).
    states.save(ConversationState(conversation_id="messenger:9", verified_customer_id="CUST-1"))
    states.save(ConversationState(conversation_id="whatsapp:2", customer_id="CUST-2"))
    states.save(ConversationState(conversation_id="whatsapp:3"))

    assert conversations.log.conversations_of_customer("CUST-1") == ["messenger:9", "whatsapp:1"]
    assert conversations.log.conversations_of_customer("CUST-404") == []


def test_expired_messages_are_not_shown_even_before_the_ttl_sweep(aws) -> None:
    writer = DynamoMessageLog(ttl_days=1)
    writer.append(message("whatsapp:1", 1))
    later = (START + timedelta(days=1, minutes=1)).timestamp

    assert DynamoMessageLog(clock=later).recent("whatsapp:1") == []
    item = next(ConversationMessageModel.query("whatsapp:1"))
    assert item.expires_at == int(START.timestamp()) + 1 + 86_400
