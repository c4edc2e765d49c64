"""What a flow (cancel an order, a return, a troubleshooting guide…) is given for one message, and what it hands back.

A flow is started by one of its intents and then resumed by the customer's next messages while it asks its
questions. Its state between messages is the conversation's `flow`, `step` and `slots`; the service routes to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from parley.channels.model import InboundMessage
from parley.channels.replies import Choice, Link
from parley.dialogue.answers import Answer
from parley.domain.records import Customer, Order
from parley.i18n import Catalog
from parley.nlu.intents import Intent

# The payload of an order choice: a tap names the order (the same payload answers "where is it?" outside a flow).
ORDER_PAYLOAD = "order:"
WHICH_ORDER = "which_order"


@dataclass(frozen=True)
class Ask:
    """One message, as a flow sees it."""

    catalog: Catalog  # the customer's language (English formatted for their locale when it has no catalog)
    customer: Customer | None  # None only for flows that need no customer (products, troubleshooting)
    message: InboundMessage
    text: str  # the words as understood: the message's, or their English translation
    intent: Intent
    order_id: str | None  # an order number in the message, or named by a tapped choice
    answer: Answer | None  # yes, no or never mind, when the message is one
    last_order_id: str | None  # the order the conversation was about
    now: datetime
    confidence: float = 1.0  # of the intent
    step: str | None = None  # where the flow under way stands (resume only)
    slots: Mapping[str, str] = field(default_factory=dict)

    @property
    def conversation_id(self) -> str:
        return self.message.conversation_key


@dataclass(frozen=True)
class FlowStep:
    """What one message of a flow says, and where the flow stands afterwards (flow None: it is over)."""

    text: str
    choices: tuple[Choice, ...] = ()
    flow: str | None = None
    step: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    order_id: str | None = None  # the order now being discussed
    completed: bool = False  # the customer got what they came for (a rating may follow)
    handoff: str | None = None  # the flow ends with a person taking over, for this reason
    erased: bool = False  # the conversation was erased: nothing of it may be written back
    menu_label: str = ""  # the button that opens the choices when they are a list (WhatsApp)
    rating: int | None = None  # a satisfaction rating given with this message (1-5)
    commented: bool = False  # a comment on the rating was left with this message
    link: Link | None = None  # a web page to open (a button where the platform has one, else the URL in the text)
    protect: tuple[str, ...] = ()  # names a translation must leave as they are (the products named)


class Flow(Protocol):
    name: str  # kept in the conversation between messages
    intents: frozenset[Intent]  # the requests that start it
    needs_customer: bool  # True: only for a customer on file or proven (an unknown sender proves it first)

    def start(self, ask: Ask) -> FlowStep:
        """The first answer to one of the flow's intents."""
        ...

    def resume(self, ask: Ask) -> FlowStep | None:
        """The next step, or None when the message is not an answer to the flow's question: the flow is then left,
        nothing changed, and the message is understood as a new request."""
        ...


def which_order(question: str, orders: list[Order], flow: str) -> FlowStep:
    """Ask which of these orders the customer means, each a button naming it."""
    return FlowStep(
        question,
        choices=tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in orders),
        flow=flow,
        step=WHICH_ORDER,
    )


def customer_of(ask: Ask) -> Customer:
    """The customer of a flow that needs one (the service starts such flows only for a customer)."""
    if ask.customer is None:
        raise ValueError("this flow needs a customer on file")
    return ask.customer
