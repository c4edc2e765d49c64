"""`parley privacy export|erase` against DynamoDB (moto): a customer's data out as JSON, their conversations erased,
their orders kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from parley.cli import main
from parley.data.dynamo import DynamoRecordWriter
from parley.data.dynamo_conversations import DynamoConversations, DynamoMessageLog
from parley.data.dynamo_pseudonyms import DynamoPseudonymKeys
from parley.domain.conversation import ConversationState
from parley.domain.records import LoggedMessage, MessageDirection
from parley.privacy.pseudonyms import Pseudonyms
from support.factories import customer, order

EMILY = customer(customer_id="CUST-1001", name="Emily Carter", email="emily.carter@example.com", phone="14155550123",
                 messenger_psid="5512345678901234")  # fmt: skip
BOB = customer(customer_id="CUST-1002", name="Bob Stone", email="bob@example.com", phone="14155550456")
AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def seed() -> None:
    DynamoRecordWriter().replace_all([EMILY, BOB])
    DynamoRecordWriter().replace_all([order(EMILY, order_id="ORD-104233"), order(BOB, order_id="ORD-104999")])
    for person in (EMILY, BOB):
        key = f"whatsapp#{person.phone}"
        DynamoConversations().save(ConversationState(conversation_id=key, customer_id=person.customer_id))
        DynamoMessageLog().append(LoggedMessage(key, f"wamid.{person.phone}", MessageDirection.IN, "where is it?", AT))


def test_export_gives_the_customers_data_and_conversations_and_nobody_elses(aws, tmp_path) -> None:
    seed()
    out = tmp_path / "emily.json"

    assert main(["privacy", "export", "CUST-1001", "--out", str(out)]) == 0

    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["customer"]["email"] == "emily.carter@example.com"
    assert [o["order_id"] for o in exported["orders"]] == ["ORD-104233"]
    [(key, messages)] = exported["conversations"].items()
    assert key == "whatsapp#14155550123" and messages[0]["text"] == "where is it?"
    assert "bob@example.com" not in out.read_text(encoding="utf-8")


def test_erase_removes_the_conversations_and_keeps_the_orders(aws, tmp_path, capsys) -> None:
    seed()

    assert main(["privacy", "erase", "CUST-1001", "--yes"]) == 0

    assert DynamoConversations().get("whatsapp#14155550123") is None
    assert DynamoConversations().get("whatsapp#14155550456") is not None  # Bob's stays
    out = tmp_path / "after.json"
    assert main(["privacy", "export", "CUST-1001", "--out", str(out)]) == 0
    after = json.loads(out.read_text(encoding="utf-8"))
    assert after["conversations"] == {} and [o["order_id"] for o in after["orders"]] == ["ORD-104233"]
    assert "orders and invoices stay" in capsys.readouterr().out


def test_an_unknown_customer_is_a_clear_error(aws, capsys) -> None:
    assert main(["privacy", "erase", "CUST-9999", "--yes"]) == 1
    assert "no customer CUST-9999" in capsys.readouterr().err


def test_erase_deletes_the_customers_analytics_keys_so_their_events_can_no_longer_be_linked(aws, capsys) -> None:
    seed()
    pseudonyms = Pseudonyms(DynamoPseudonymKeys())
    # Events of Emily on both channels (the Messenger conversation's log has expired already), and of Bob.
    on_whatsapp = pseudonyms.names("whatsapp#14155550123", "CUST-1001")
    on_messenger = pseudonyms.names("messenger#5512345678901234", "CUST-1001")
    bob = pseudonyms.names("whatsapp#14155550456", "CUST-1002")

    assert main(["privacy", "erase", "CUST-1001", "--yes"]) == 0

    fresh = Pseudonyms(DynamoPseudonymKeys())  # another environment, nothing cached
    assert fresh.names("whatsapp#14155550456", "CUST-1002") == bob
    assert fresh.names("whatsapp#14155550123", "CUST-1001").customer != on_whatsapp.customer
    assert fresh.names("whatsapp#14155550123").conversation != on_whatsapp.conversation
    assert fresh.names("messenger#5512345678901234").conversation != on_messenger.conversation
    assert "analytics keys" in capsys.readouterr().out
