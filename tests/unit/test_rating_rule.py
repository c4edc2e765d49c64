"""The rating question follows only a flow that clearly resolved the request: the flow says it is resolved, the request
was understood surely, and no person takes over. (After a complaint, feedback, an opt-out or a policy question no
rating follows either: their own tests say so; "can I pay with PayPal?" is in test_faq_dialogue.)"""

from __future__ import annotations

from datetime import UTC, datetime

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.registry import FlowRegistry
from parley.nlu.intents import Intent
from support.dialogue import FixedIntents, catalogs, conversation_service
from support.factories import customer, inbound

EN = catalogs()["en"]
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
DONE = "Your refund is on its way."


@register
class InstantRefunds(Flow):
    """A shop's refunds, done at once; a refund over the limit is done and then handed to a person to check."""

    name = "instant_refund"
    intents = (Intent.RETURN_REFUND,)

    def start(self, ask: Ask) -> FlowStep:
        if "large" in ask.text:
            return FlowStep(DONE, completed=True, handoff="refund_check")
        return FlowStep(DONE, completed=True)


def engine(confidence: float) -> DialogueEngine:
    flows = FlowRegistry.discover().without("return").including(*FlowRegistry.discover(__name__).flows)
    return conversation_service(
        flows=flows,
        customers=InMemoryCustomers([EMILY]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        intents=FixedIntents(Intent.RETURN_REFUND, confidence),
    )


def test_a_request_understood_surely_and_resolved_is_rated() -> None:
    turn = engine(confidence=0.97).respond(inbound("refund my order please", sender=EMILY.phone))

    assert turn.reply.text.endswith(f"{DONE}\n\n{EN.render('csat.ask')}")
    assert turn.rating_requested


def test_a_request_the_model_was_unsure_of_is_answered_but_not_rated() -> None:
    turn = engine(confidence=0.55).respond(inbound("refund my order please", sender=EMILY.phone))

    assert turn.reply.text.endswith(DONE)
    assert not turn.rating_requested and turn.reply.choices == ()


def test_a_resolved_request_that_a_person_takes_over_is_not_rated() -> None:
    turn = engine(confidence=0.97).respond(inbound("refund my large order please", sender=EMILY.phone))

    assert turn.handoff == "refund_check"
    assert EN.render("csat.ask") not in turn.reply.text and not turn.rating_requested
    assert turn.reply.text.endswith(EN.render("handoff.started"))
