"""The conversation's memory in DynamoDB (moto): a flow under way survives between messages, and an expired
conversation is gone even before DynamoDB's TTL sweep deletes it."""

from __future__ import annotations

import time

from parley.data.dynamo_conversations import DynamoConversations
from parley.domain.conversation import ConversationState
from parley.domain.records import Customer


def test_a_flow_under_way_is_remembered_between_messages(aws) -> None:
    state = ConversationState(
        conversation_id="whatsapp:abc",
        customer_id="C-1",
        language="es",
        last_order_id="ORD-104233",
        flow="cancel_order",
        step="confirm",
        slots={"order_id": "ORD-104233"},
        misunderstood=1,
        handoff_at=1_790_000_000,
        verified_customer_id="C-1",
        verify_failures=2,
        verify_locked_until=1_790_000_900,
        customer=Customer("C-1", name="Lucía Gómez", phone="34612345678", language="es"),
        customer_read_at=1_790_000_100,
    )

    DynamoConversations().save(state)
    loaded = DynamoConversations().get("whatsapp:abc")

    assert loaded is not None
    assert loaded == ConversationState(**{**state.__dict__, "updated_at": loaded.updated_at})


def test_the_customer_kept_in_the_conversation_keeps_their_whatsapp_user_id_and_consent(aws) -> None:
    for opted_in in (True, False, None):
        kept = Customer("C-2", name="Ana", whatsapp_user_id="US.13491208655302741918", marketing_opt_in=opted_in)
        DynamoConversations().save(ConversationState(conversation_id="whatsapp#US.1349", customer=kept))

        loaded = DynamoConversations().get("whatsapp#US.1349")

        assert loaded is not None and loaded.customer == kept


def test_an_empty_state_round_trips_with_its_defaults(aws) -> None:
    DynamoConversations().save(ConversationState(conversation_id="messenger:xyz"))

    loaded = DynamoConversations().get("messenger:xyz")

    assert loaded is not None
    assert (loaded.flow, loaded.slots, loaded.misunderstood, loaded.handoff_at) == (None, {}, 0, None)


def test_an_expired_conversation_starts_afresh_even_before_the_ttl_sweep(aws, monkeypatch) -> None:
    DynamoConversations(ttl_days=1).save(ConversationState(conversation_id="whatsapp:old", flow="cancel_order"))
    later = time.time() + 86_400 + 60
    monkeypatch.setattr(time, "time", lambda: later)

    assert DynamoConversations().get("whatsapp:old") is None
