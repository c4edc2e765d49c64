"""The engine's second step: who may see what. The sender is recognised (dialogue.recognition); a sender not on file
who asks for anything of a flow that needs a customer proves who they are first (dialogue.verification), and once
proven is answered what they asked for in the first place. A WhatsApp sender who proves it has their business-scoped
user id remembered on their record, so their next conversations need no proof."""

from __future__ import annotations

from dataclasses import dataclass, replace

from parley.channels.model import InboundMessage
from parley.dialogue.answers import Answer
from parley.dialogue.recognition import Recognised, remember_user_id, sender_of
from parley.dialogue.understanding import Reading
from parley.dialogue.verification import FLOW as VERIFY_FLOW
from parley.dialogue.verification import Check, Verification
from parley.domain.conversation import ConversationState
from parley.domain.ports import CustomerRepository, OrderRepository, ProofAttempts
from parley.domain.proof_limits import ProofLimits
from parley.domain.records import Customer
from parley.nlu.extraction import find_email
from parley.nlu.intents import Intent


@dataclass(frozen=True)
class Access:
    customer: Customer | None
    read_at: int | None  # when the customer's record was read (None: no customer)
    intent: Intent  # what to answer: the message's request, or the one asked before proving who they are
    order_id: str | None
    proof: Check | None = None  # verification's answer, when the sender had to prove who they are
    answering: bool = False  # the message answered verification's questions (not a request of its own)

    @property
    def asked_before(self) -> dict[str, str]:
        """The details of the request asked before proving who they are (verification.prove_first), once proven."""
        return self.proof.details if self.proof is not None and self.proof.customer is not None else {}

    @property
    def proven(self) -> bool:
        """The sender proved who they are with this message."""
        return self.proof is not None and self.proof.customer is not None

    @property
    def gate(self) -> Check | None:
        """Verification's question or refusal, when proving who they are comes first."""
        return self.proof if self.proof is not None and self.proof.customer is None else None


class Gate:
    def __init__(
        self,
        customers: CustomerRepository,
        orders: OrderRepository,
        protected: frozenset[Intent],
        attempts: ProofAttempts | None = None,
        limits: ProofLimits | None = None,
    ) -> None:
        """`protected`: the intents an unknown sender proves who they are for (FlowRegistry.protected); `attempts`
        and `limits`: how often proving it may fail (domain.proof_limits)."""
        self._customers = customers
        self._verification = Verification(customers, orders, attempts, limits)
        self._protected = protected

    @staticmethod
    def proof_given(message: InboundMessage, state: ConversationState) -> bool:
        """The message answers "which order, and its email?": proving who they are is under way and it holds an
        email. Then it is that answer, whatever else the intent model made of it (no flow claims it)."""
        return state.flow == VERIFY_FLOW and find_email(message.text) is not None

    def check(
        self,
        message: InboundMessage,
        state: ConversationState,
        reading: Reading,
        recognised: Recognised,
        answer: Answer | None,
        keep: bool,
        now: int,
        claimed: bool = False,
    ) -> Access:
        """`keep`: the message leaves the conversation as it was (a reaction, a handoff told again); `claimed`: a flow
        claimed the message (a complaint), so it is a request of its own, never an answer to proving who they are."""
        customer, intent, order_id = recognised.customer, reading.intent, reading.order_id
        # A yes, a no or "never mind" asks for nothing personal ("ok" with nothing pending is not an order question).
        unproven = customer is None and not keep and answer is None
        email = find_email(message.text)
        # In the middle of proving it, an order number, an email or words we cannot place are an answer; asking for a
        # person, or about products or a technical problem (nothing personal), is a new request.
        answering = (
            state.flow == VERIFY_FLOW
            and not claimed
            and bool(order_id or email or intent in self._protected or intent is Intent.OUT_OF_SCOPE)
        )
        # Unsure which request it is, Parley asks first (dialogue.clarifying); the one tapped is then proven for.
        protected = intent in self._protected and reading.unsure is None
        if not (unproven and (answering or protected)):
            return Access(customer, recognised.read_at, intent, order_id, answering=answering)
        proof = self._verification.check(
            reading.catalog, intent, order_id, email, state.slots, state.verify_failures, state.verify_locked_until, now
        )
        if proof.customer is None or proof.then is None:
            return Access(None, recognised.read_at, intent, order_id, proof, answering)
        # Proven: answer what they asked for in the first place, as a customer on file.
        proven = remember_user_id(self._customers, proof.customer, sender_of(message))
        return Access(proven, now, proof.then, proof.order_id or order_id, replace(proof, customer=proven), answering)
