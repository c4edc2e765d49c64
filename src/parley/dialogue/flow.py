"""What a flow (an order's status, cancelling it, a return, a troubleshooting guide…) declares, what it is given for
one message, and what it hands back.

A flow is one module of parley.dialogue.flows: a Flow subclass under @register. Its declarations are all the engine
needs to know of it: the intents that start it, the button payloads and message kinds routed to it without NLU,
whether an unknown sender must prove who they are first, and the stores it uses (a deployment without one of them
leaves the flow out). Started by one of those, it is then resumed by the customer's next messages while it asks its
questions; its state between messages is the conversation's `flow`, `step` and `slots`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TypeVar

from parley.channels.model import InboundMessage, MessageKind
from parley.channels.replies import Choice, Link
from parley.dialogue.answers import Answer, Question
from parley.dialogue.ports import DialoguePorts
from parley.domain.records import Customer, Order
from parley.i18n import Catalog
from parley.nlu.intents import Intent

# The payload of an order choice: a tap names the order (the same payload answers "where is it?" outside a flow).
ORDER_PAYLOAD = "order:"
WHICH_ORDER = "which_order"
# The slot naming the order a flow's yes-or-no question is about: "yes ORD-310002" restates it, a yes; another order
# named is a request about that one.
ORDER_SLOT = "order_id"


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
    first_message: bool = False  # the conversation's first: the engine's welcome comes before the answer
    requested_language: str | None = None  # the language asked for ("in Spanish, please"), when Parley speaks it
    languages: frozenset[str] = frozenset()  # the languages Parley speaks natively
    # The details of a request the flow asked for before the sender proved who they are (verification.prove_first).
    asked_before: Mapping[str, str] = field(default_factory=dict)

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
    forget_order: bool = False  # no order of the customer's is being discussed any more
    # The customer got what they came for (a rating may follow): the request, as they made it, is resolved. Never
    # for an answer given by default to words the flow could not place, nor for an apology or a thank-you.
    completed: bool = False
    handoff: str | None = None  # the flow ends with a person taking over, for this reason
    # For the person taking over (with `handoff`): the order, the change asked for in the customer's words… never
    # logged; kept in the conversation's slots until the person hands it back (domain.conversation.BRIEF_SLOT).
    brief: dict[str, str] = field(default_factory=dict)
    handoff_order: str | None = None  # the order the handoff is about, for the person who takes it over
    customer: Customer | None = None  # the customer's record as it now stands, when the flow changed it
    erased: bool = False  # the conversation was erased: nothing of it may be written back
    menu_label: str = ""  # the button that opens the choices when they are a list (WhatsApp)
    rating: int | None = None  # a satisfaction rating given with this message (1-5)
    commented: bool = False  # a comment on the rating was left with this message
    link: Link | None = None  # a web page to open (a button where the platform has one, else the URL in the text)
    protect: tuple[str, ...] = ()  # names a translation must leave as they are (the products named)


class Flow:
    """A flow's declarations (class attributes) and its two moves. Subclasses take the deployment's ports."""

    name: ClassVar[str]  # kept in the conversation between messages
    # The requests that start it. The first is also what its payloads ask for.
    intents: ClassVar[tuple[Intent, ...]] = ()
    # True: only for a customer on file or proven. An unknown sender proves who they are before any of its intents.
    needs_customer: ClassVar[bool] = False
    # Button payload prefixes routed to it without NLU ("order:" → the order named), also after it has ended.
    # Payloads that only answer its own question while it is under way need not be declared: it is resumed first.
    payloads: ClassVar[tuple[str, ...]] = ()
    # Message kinds it takes whatever their words (a catalog cart, a form); a photo with a caption is read by its words.
    kinds: ClassVar[frozenset[MessageKind]] = frozenset()
    # DialoguePorts fields it reads or writes: a deployment lacking one of them leaves the flow out.
    uses: ClassVar[tuple[str, ...]] = ()
    # False: an answer of one message (an order's status, small talk), not a flow analytics counts.
    reported: ClassVar[bool] = True
    # False: no rating question when it completes (thanks for feedback is no service to rate).
    rating_after: ClassVar[bool] = True
    # False: "never mind" does not end it (a rating question needs no "never mind": what follows is a new request).
    stoppable: ClassVar[bool] = True
    # Steps whose answer is taken as the customer wrote it (an address): its words say nothing of the customer's
    # language, so they neither switch the conversation's language nor go through machine translation.
    verbatim: ClassVar[frozenset[str]] = frozenset()
    # Steps whose question a yes or a no answers ("shall I cancel ORD-310002?", "did that help?"): an answer in the
    # customer's own words ("ja bitte stornieren", "👍", the order's number) is one, and a reply that is neither, nor
    # a clear request, is asked once more. At any other step a bare "yes" or "ok" is no answer to the flow.
    yes_no_steps: ClassVar[frozenset[str]] = frozenset()
    # Requests besides its intents that a yes may repeat in words ("yes, cancel it" to cancelling a plan).
    echoes: ClassVar[tuple[Intent, ...]] = ()

    def __init__(self, ports: DialoguePorts) -> None:
        self.ports = ports

    def start(self, ask: Ask) -> FlowStep:
        """The first answer to one of the flow's intents, payloads or kinds."""
        raise NotImplementedError

    def resume(self, ask: Ask) -> FlowStep | None:
        """The next step, or None when the message is not an answer to the flow's question: the flow is then left,
        nothing changed, and the message is understood as a new request."""
        return None

    @classmethod
    def question(cls, step: str | None, slots: Mapping[str, str]) -> Question:
        """What the flow asked at this step, as far as reading an answer to it goes."""
        return Question(
            yes_no=step in cls.yes_no_steps,
            order_id=slots.get(ORDER_SLOT) or None,
            topics=frozenset((*cls.intents, *cls.echoes)),
            stoppable=cls.stoppable,
        )

    def claims(self, ask: Ask) -> bool:
        """True to take a message before any kind or intent is looked at (a customer who has had enough of the bot
        wants a person, whatever else they said)."""
        return False

    def names_in(self, text: str) -> tuple[str, ...]:
        """Names in the customer's words that machine translation must leave as they are (products)."""
        return ()


FlowT = TypeVar("FlowT", bound=type[Flow])
_REGISTERED: list[type[Flow]] = []


def register(flow: FlowT) -> FlowT:
    """Class decorator: declares a flow. The registry finds it by its module (see dialogue.registry)."""
    if not getattr(flow, "name", ""):
        raise TypeError(f"{flow.__name__} declares no name")
    if flow not in _REGISTERED:
        _REGISTERED.append(flow)
    return flow


def registered() -> tuple[type[Flow], ...]:
    return tuple(_REGISTERED)


_T = TypeVar("_T")


def present(value: _T | None, port: str) -> _T:
    """A store the flow declares in `uses`: a deployment without it never builds the flow."""
    if value is None:
        raise ValueError(f"this flow uses {port}, which this deployment does not have")
    return value


def which_order(question: str, orders: list[Order], flow: str) -> FlowStep:
    """Ask which of these orders the customer means, each a button naming it."""
    return FlowStep(
        question,
        choices=tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in orders),
        flow=flow,
        step=WHICH_ORDER,
    )


def customer_of(ask: Ask) -> Customer:
    """The customer of a flow that needs one (the engine starts such flows only for a customer)."""
    if ask.customer is None:
        raise ValueError("this flow needs a customer on file")
    return ask.customer
