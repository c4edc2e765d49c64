"""Adding a flow is one new module: a flow declared here, and nowhere else, is started by its intent and by its
payload, resumed by the next message, gated behind proving who you are because it needs a customer, counted in the
analytics report, and left out of a deployment without the data it uses. No line of the engine names it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryReturns
from parley.channels.model import MessageKind
from parley.channels.replies import Choice
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.flow import Ask, Flow, FlowStep, customer_of, register
from parley.dialogue.registry import FlowRegistry
from parley.domain.records import OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

EN = catalogs()["en"]
SIZE_PAYLOAD = "exchange_size:"
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
DELIVERED = order(EMILY, order_id="ORD-104198", status=OrderStatus.DELIVERED)


@register
class Exchanges(Flow):
    """A shop's own take on returns: a delivered item exchanged for another size."""

    name = "exchange"
    intents = (Intent.RETURN_REFUND,)
    needs_customer = True
    payloads = (SIZE_PAYLOAD,)
    uses = ("orders", "returns")

    def start(self, ask: Ask) -> FlowStep:
        delivered = [
            o for o in self.ports.orders.for_customer(customer_of(ask).customer_id) if o.status.is_open is False
        ]
        sizes = tuple(Choice(f"{SIZE_PAYLOAD}{size}", size, verbatim=True) for size in ("S", "M", "L"))
        question = f"Which size would you like instead for {delivered[0].order_id}?"
        return FlowStep(question, choices=sizes, flow=self.name, step="size", slots={"order_id": delivered[0].order_id})

    def resume(self, ask: Ask) -> FlowStep | None:
        payload = ask.message.payload if ask.message.payload.startswith(SIZE_PAYLOAD) else ""
        size = payload.removeprefix(SIZE_PAYLOAD) or ask.text.strip().upper()
        if ask.step != "size" or size not in {"S", "M", "L"}:
            return None
        return FlowStep(f"Size {size} is on its way for {ask.slots['order_id']}.", completed=True)


def flows() -> FlowRegistry:
    # Parley's own flows, this shop's exchanges in place of returns.
    return FlowRegistry.discover().without("return").including(*FlowRegistry.discover(__name__).flows)


def engine(**ports: object) -> DialogueEngine:
    return conversation_service(
        flows=flows(),
        customers=InMemoryCustomers([EMILY]),
        orders=ports.pop("orders", InMemoryOrders([DELIVERED])),
        conversations=InMemoryConversations(),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        **ports,
    )


@pytest.fixture
def service() -> DialogueEngine:
    orders = InMemoryOrders([DELIVERED])
    return engine(orders=orders, returns=InMemoryReturns(orders))


def test_the_flow_is_found_by_its_registration() -> None:
    assert FlowRegistry.discover(__name__).flows == (Exchanges,)
    assert Intent.RETURN_REFUND in flows().protected


def test_its_intent_starts_it_and_the_next_message_resumes_it(service: DialogueEngine) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))

    started = service.respond(inbound("I want to return my order", sender=EMILY.phone))
    assert started.intent is Intent.RETURN_REFUND
    assert started.reply is not None and started.reply.text == "Which size would you like instead for ORD-104198?"
    assert [c.id for c in started.reply.choices] == ["exchange_size:S", "exchange_size:M", "exchange_size:L"]
    assert started.flows.opened == "exchange"

    done = service.respond(inbound("M", sender=EMILY.phone))
    assert done.reply is not None and done.reply.text.startswith("Size M is on its way for ORD-104198.")
    # Completed: the engine asks for a rating, as after any flow that got the customer what they came for.
    assert done.reply.text.endswith(EN.render("csat.ask")) and done.rating_requested
    assert done.flows.earlier is not None and done.flows.earlier.flow == "exchange"


def test_its_payload_reaches_it_without_the_intent_model(service: DialogueEngine) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))
    service.respond(inbound("I want to return my order", sender=EMILY.phone))

    tapped = service.respond(inbound("L", sender=EMILY.phone, kind=MessageKind.BUTTON_REPLY, payload="exchange_size:L"))

    assert tapped.reply is not None and tapped.reply.text.startswith("Size L is on its way")


def test_a_tap_on_its_button_after_the_flow_ended_starts_it_again(service: DialogueEngine) -> None:
    service.respond(inbound("hi", sender=EMILY.phone))

    tapped = service.respond(inbound("S", sender=EMILY.phone, kind=MessageKind.BUTTON_REPLY, payload="exchange_size:S"))

    assert (tapped.intent, tapped.confidence) == (Intent.RETURN_REFUND, 1.0)
    assert tapped.reply is not None and tapped.reply.text == "Which size would you like instead for ORD-104198?"


def test_an_unknown_sender_proves_who_they_are_before_it_starts(service: DialogueEngine) -> None:
    stranger = "14155559999"
    service.respond(inbound("hi", sender=stranger))

    asked = service.respond(inbound("I want to return my order", sender=stranger))
    assert asked.reply is not None and asked.reply.text == EN.render("verify.ask")

    proven = service.respond(inbound(f"{DELIVERED.order_id} emily@example.com", sender=stranger))
    assert proven.reply is not None
    assert proven.reply.text == f"{EN.render('verify.done')}\n\nWhich size would you like instead for ORD-104198?"
    assert service.respond(inbound("L", sender=stranger)).reply.text.startswith("Size L is on its way")


def test_a_deployment_without_the_data_it_uses_leaves_it_out() -> None:
    service = engine()  # no returns store
    service.respond(inbound("hi", sender=EMILY.phone))

    turn = service.respond(inbound("I want to return my order", sender=EMILY.phone))

    assert turn.reply is not None and turn.reply.text == EN.render("not_yet")


class QuietExchanges(Exchanges):
    """The same flow, declared to be followed by no rating question (as thanks for feedback would be)."""

    name = "quiet_exchange"
    rating_after = False


def test_a_flow_may_complete_without_the_rating_question() -> None:
    orders = InMemoryOrders([DELIVERED])
    service = conversation_service(
        flows=FlowRegistry.discover().without("return").including(QuietExchanges),
        customers=InMemoryCustomers([EMILY]),
        orders=orders,
        returns=InMemoryReturns(orders),
        conversations=InMemoryConversations(),
    )
    service.respond(inbound("hi", sender=EMILY.phone))
    service.respond(inbound("I want to return my order", sender=EMILY.phone))

    done = service.respond(inbound("M", sender=EMILY.phone))

    assert done.reply is not None and done.reply.text == "Size M is on its way for ORD-104198."
    assert not done.rating_requested
    assert done.flows.earlier is not None and done.flows.earlier.outcome.value == "completed"
