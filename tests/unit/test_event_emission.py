"""The analytics events a scripted conversation leaves, through the real dialogue and the message processor: what each
message was (received, a request, not understood), how each flow ended, handoffs, ratings, replies and their latency,
all under one conversation's pseudonyms and with nothing that identifies the customer or repeats their words."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders, InMemoryProducts
from parley.analytics.kpis import compute_kpis
from parley.channels.model import Channel, InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.domain.records import OrderStatus
from parley.fulfillment import MessageProcessor
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order, product
from support.recording import Recording

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EN = catalogs()["en"]
EMILY = customer(name="Emily Carter", email="emily.carter@example.com", phone="14155550123",
                 messenger_psid="5512345678901234", language="en")  # fmt: skip
BOB = customer(name="Bob Stone", email="bob.stone@example.com", phone="14155550456", language="en")


class Sender:
    channel = Channel.WHATSAPP

    def __init__(self) -> None:
        self.sent: list[Reply] = []

    def acknowledge(self, to: InboundMessage) -> bool:
        return True

    def send(self, to: InboundMessage, reply: Reply, progress: Any = None) -> None:
        self.sent.append(reply)


class Shop:
    """The dialogue and the processor over in-memory data, recording events."""

    def __init__(self) -> None:
        self.conversations = InMemoryConversations()
        self.recording = Recording()
        self.sender = Sender()
        service = conversation_service(
            customers=InMemoryCustomers([EMILY, BOB]),
            orders=InMemoryOrders(
                [order(EMILY, order_id=f"ORD-70010{n}", status=OrderStatus.PROCESSING) for n in range(2)]
                + [order(BOB, order_id="ORD-900100", status=OrderStatus.PROCESSING)]
            ),
            conversations=self.conversations,
            message_log=InMemoryMessageLog(self.conversations),
            products=InMemoryProducts([product("SKU-LMP-OAK", "Fjord Desk Lamp", color="oak")]),
            clock=lambda: NOW,
            pseudonyms=self.recording.pseudonyms,
        )
        self.processor = MessageProcessor(service, {Channel.WHATSAPP: self.sender}, self.recording.recorder)  # type: ignore[arg-type]

    def say(self, text: str, who: Any = EMILY, **overrides: Any) -> list[str]:
        """The types of the events this message led to."""
        before = len(self.recording.events)
        self.processor.process(inbound(text, sender=who.phone if who else "34699000111", **overrides))
        return [e.type.value for e in self.recording.events[before:]]

    def tap(self, payload: str, title: str, who: Any = EMILY) -> list[str]:
        return self.say(title, who, kind=MessageKind.BUTTON_REPLY, payload=payload)

    def last(self, kind: str) -> Any:
        return self.recording.of(kind)[-1]


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_a_scripted_conversation_emits_each_event_once_in_order(shop) -> None:
    assert shop.say("hi") == ["message_received", "intent_recognised", "reply_sent"]
    assert shop.say("where is ORD-700100?") == ["message_received", "intent_recognised", "reply_sent"]
    assert shop.last("intent_recognised").intent == "order_status" and shop.last("intent_recognised").flow == ""

    assert shop.say("please cancel ORD-700100") == ["message_received", "intent_recognised", "reply_sent"]
    opened = shop.last("intent_recognised")
    assert (opened.intent, opened.flow) == ("cancel_order", "cancel_order")
    # "Yes" answers the flow's question: no new request, the flow completed, and the rating question was asked.
    assert shop.tap("confirm:yes", EN.render("choice.yes")) == [
        "message_received", "flow_completed", "rating_requested", "reply_sent",
    ]  # fmt: skip
    assert shop.last("flow_completed").flow == "cancel_order"
    assert shop.tap("rating:4", "⭐⭐⭐⭐") == ["message_received", "rating_submitted", "reply_sent"]
    assert shop.last("rating_submitted").rating == 4
    assert shop.say("the courier was lovely") == ["message_received", "rating_commented", "reply_sent"]

    assert shop.say("what's the capital of Mongolia") == [
        "message_received", "intent_recognised", "fallback", "reply_sent",
    ]  # fmt: skip
    assert shop.recording.unrecognised[-1]["text"] == "what's the capital of Mongolia"

    assert shop.say("cancel ORD-700101") == ["message_received", "intent_recognised", "reply_sent"]
    assert shop.say("never mind") == ["message_received", "flow_abandoned", "reply_sent"]
    assert (shop.last("flow_abandoned").flow, shop.last("flow_abandoned").reason) == ("cancel_order", "never_mind")

    assert shop.say("I want to talk to a person") == [
        "message_received", "intent_recognised", "handoff_started", "reply_sent",
    ]  # fmt: skip
    assert shop.last("handoff_started").reason == "asked"
    # While the person has it, a message is counted and nothing else: it is theirs to answer.
    assert shop.say("hello? anyone there?") == ["message_received"]

    events = shop.recording.events
    assert len({e.conversation for e in events}) == 1 and events[0].conversation
    assert len({e.customer for e in events}) == 1 and events[0].customer
    assert all(e.channel == "whatsapp" and e.language == "en" and e.known_customer for e in events)
    replies = shop.recording.of("reply_sent")
    received = {e.message: e.at_ms for e in shop.recording.of("message_received")}
    assert all(r.message in received and r.latency_ms == r.at_ms - received[r.message] for r in replies)


def test_another_request_in_the_middle_of_a_flow_abandons_it_as_switched(shop) -> None:
    shop.say("please cancel ORD-700100")

    assert shop.say("where is ORD-700101?") == [
        "message_received", "flow_abandoned", "intent_recognised", "reply_sent",
    ]  # fmt: skip
    assert (shop.last("flow_abandoned").flow, shop.last("flow_abandoned").reason) == ("cancel_order", "switched")


def test_a_flow_that_ends_in_a_handoff_failed_and_one_that_cannot_be_done_failed_unresolved(shop) -> None:
    assert shop.say("my wifi router keeps dropping the connection")[:2] == ["message_received", "intent_recognised"]
    shop.say("I want to talk to a person")
    failed = shop.last("flow_failed")
    assert (failed.flow, failed.reason) == ("tech_support", "asked")

    other = Shop()
    other.say("cancel ORD-900100")  # Bob's order: Emily cannot cancel it
    assert (other.last("flow_failed").flow, other.last("flow_failed").reason) == ("cancel_order", "unresolved")


def test_a_no_to_the_flows_question_abandons_it_as_declined(shop) -> None:
    shop.say("please delete my data")

    assert "flow_abandoned" in shop.tap("confirm:no", EN.render("choice.no"))
    assert (shop.last("flow_abandoned").flow, shop.last("flow_abandoned").reason) == ("delete_data", "declined")


def test_a_flow_that_stays_open_after_it_answered_is_reported_once(shop) -> None:
    assert shop.say("do you have the Fjord Desk Lamp?") == [
        "message_received", "intent_recognised", "flow_completed", "reply_sent",
    ]  # fmt: skip
    assert shop.say("how much is it?") == ["message_received", "reply_sent"]  # a follow-up of the same flow
    assert shop.say("where is ORD-700100?") == ["message_received", "intent_recognised", "reply_sent"]
    assert [e.flow for e in shop.recording.events if e.type.value.startswith("flow_")] == ["products"]


def test_an_unknown_sender_proving_who_they_are_is_one_request_completed(shop) -> None:
    stranger = customer(phone="34699000111")
    assert shop.say("where is ORD-700100?", who=stranger) == ["message_received", "intent_recognised", "reply_sent"]
    assert shop.last("intent_recognised").flow == "verify"
    assert shop.say("ORD-700100 emily.carter@example.com", who=stranger) == [
        "message_received", "flow_completed", "reply_sent",
    ]  # fmt: skip
    assert shop.last("flow_completed").flow == "verify"
    # Proven, but the conversation is still the stranger's number's: no customer pseudonym on its first message.
    assert shop.recording.of("message_received")[0].customer == ""


def test_erasing_ones_data_completes_the_flow_and_leaves_the_earlier_events_unlinkable(shop) -> None:
    shop.say("where is ORD-700100?")
    before = shop.recording.events[0]
    shop.say("please delete my data")

    shop.tap("confirm:yes", EN.render("choice.yes"))

    assert shop.last("flow_completed").flow == "delete_data"
    # The keys were deleted with the data: whatever comes next has new pseudonyms, the old ones lead nowhere.
    now = shop.recording.pseudonyms.names(f"whatsapp#{EMILY.phone}", EMILY.customer_id)
    assert now.conversation != before.conversation and now.customer != before.customer
    assert shop.recording.events[-1].conversation == now.conversation


def test_no_event_holds_a_number_a_psid_an_email_a_name_or_the_customers_words(shop) -> None:
    script = ["hi, I am Emily Carter", "where is ORD-700100?", "mail me at emily.carter@example.com",
              "please cancel ORD-700100", "no", "Emily Carter here: what's the capital of Mongolia",
              "I want to talk to a person"]  # fmt: skip
    for text in script:
        shop.say(text)

    written = json.dumps([e.to_dict() for e in shop.recording.events])
    for private in ("14155550123", "5512345678901234", "emily", "Emily", "Carter", "ORD-700100", "wamid", "Mongolia"):
        assert private not in written
    # The unrecognised message is kept for the report, without the name.
    assert [u["text"] for u in shop.recording.unrecognised] == ["[name] here: what's the capital of Mongolia"]
    # With who sent it as the customer's pseudonym (the report counts different customers by it), never an id.
    (kept,) = shop.recording.unrecognised
    assert kept["customer"] == shop.recording.events[-1].customer != ""
    assert not {EMILY.customer_id, EMILY.phone, EMILY.email} & set(kept.values())
    assert all(private not in json.dumps(kept) for private in ("14155550123", "Emily", "Carter"))


def test_the_kpi_engine_reads_the_emitted_events_as_the_conversation_went(shop) -> None:
    shop.say("hi")
    shop.say("please cancel ORD-700100")
    shop.tap("confirm:yes", EN.render("choice.yes"))
    shop.tap("rating:5", "⭐⭐⭐⭐⭐")
    shop.tap("csat:skip", EN.render("choice.skip"))
    shop.say("what's the capital of Mongolia")
    shop.say("I want to talk to a person")
    records = [e.to_dict() for e in shop.recording.events]
    start = datetime.fromtimestamp(min(r["at_ms"] for r in records) / 1000 - 60, UTC)
    end = datetime.fromtimestamp(max(r["at_ms"] for r in records) / 1000 + 60, UTC)

    # Two more customers could not get an answer to the same question: the report shows a text three sent.
    asked = shop.recording.unrecognised
    unrecognised = asked + [record | {"customer": f"other{i}"} for i in range(2) for record in asked]
    kpis = compute_kpis(records, start, end, unrecognised).to_json()

    assert (kpis["conversations"], kpis["customers"], kpis["messages_in"], kpis["messages_out"]) == (1, 1, 7, 7)
    assert (kpis["fallbacks"], kpis["handoffs"], kpis["csat_responses"], kpis["csat_average"]) == (1, 1, 1, 5.0)
    assert kpis["csat_response_rate_basis"] == "rating_requested" and kpis["csat_response_rate"] == 1.0
    assert kpis["intent_outcomes"]["cancel_order"]["success"] == 1
    assert kpis["intents"] == {"greeting": 1, "cancel_order": 1, "out_of_scope": 1, "human_agent": 1}
    assert kpis["top_unrecognised"][0]["text"] == "what's the capital of mongolia"


class CountingProvider:
    """A translation provider double, counted as the real adapter counts: calls and characters sent."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    def translate(self, text: str, source: str, target: str) -> str:
        self.stats.add("provider_calls")
        self.stats.add("characters", len(text))
        return "Where is my order ORD-310045?" if target == "en" else f"<{target}>{text}"


def test_a_translated_turn_records_the_provider_calls_and_characters_it_cost():
    from parley.dialogue.interpreting import Interpreter
    from parley.language.translation import TranslationPivot, TranslationStats

    stats = TranslationStats()
    recording = Recording(translation=stats)
    daan = customer(name="Daan de Vries", phone="31612345678", language="nl")
    native = catalogs()
    service = conversation_service(
        customers=InMemoryCustomers([daan]),
        orders=InMemoryOrders([order(daan, order_id="ORD-310045")]),
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
        interpreter=Interpreter(native.languages, native.apologies(), TranslationPivot(CountingProvider(stats))),
    )
    processor = MessageProcessor(service, {Channel.WHATSAPP: Sender()}, recording.recorder)  # type: ignore[arg-type]
    text = "Hallo, waar is mijn bestelling ORD-310045?"

    processor.process(inbound(text, sender=daan.phone))

    [used] = recording.of("translation_used")
    assert used.provider_calls == stats.provider_calls == 2  # the question to English, the answer to Dutch
    assert used.characters == stats.characters > len(text)
    assert used.language == "nl" and used.translated
    assert recording.of("reply_sent")[0].translated
