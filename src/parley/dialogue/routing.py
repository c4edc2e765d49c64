"""The engine's third step: where a message goes. In this order: a handoff being told again, nothing for a message
that needs no answer, "never mind", proving who they are, the flow under way (if the message answers it; a yes-or-no
question is asked once more when the reply is neither that nor a clear request), "how can I help?" for a yes or a no
with nothing asked, a flow that claims the message (a complaint, "STOP", a customer who wants a person), the flow of
the message's kind (a form, a catalog cart), "which of these do you mean?" when the intent model could not pick
between two requests, the flow of its intent; then "not yet" for a request this deployment has no flow for, and the
fallback, which after MISUNDERSTOOD_LIMIT messages in a row hands the conversation to a person."""

from __future__ import annotations

from dataclasses import dataclass, replace

from parley.channels.model import MessageKind
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.clarifying import which_request
from parley.dialogue.flow import Ask, Flow, FlowStep
from parley.dialogue.rating import SURE_TO_RATE
from parley.dialogue.reading import SURE
from parley.dialogue.registry import Deployment
from parley.domain.conversation import ConversationState, handoff_brief
from parley.nlu.intents import Intent

# Two messages in a row Parley could not understand, and a person takes over.
MISUNDERSTOOD_LIMIT = 2
# Slot naming why a person took over: if the reply of that message failed to send, the redelivery says it again.
HANDOFF_REASON = "handoff_reason"
# Slot of a flow whose yes-or-no question was asked once more: the next unclear reply leaves it.
ASKED_AGAIN = "asked_again"
_UNCLEAR = frozenset({Intent.OUT_OF_SCOPE, Intent.GREETING, Intent.THANKS, Intent.GOODBYE})
# …and the order a handoff is about, for the person's summary.
HANDOFF_ORDER = "handoff_order"


@dataclass(frozen=True)
class Routed:
    step: FlowStep | None  # what the message leads to (None: nothing to say)
    resumed: FlowStep | None = None  # the flow under way answered it
    started: FlowStep | None = None  # it started a flow analytics counts (its first step)
    misunderstood: int = 0  # messages in a row not understood, this one included
    # The flow that answered may be followed by the rating question: it declares so, and the request it started
    # was understood surely (a rating after a guess at what the customer wanted rates the guess).
    rating_after: bool = True
    clarifying: bool = False  # Parley asked which of two requests the customer means (no request yet)


class Router:
    def __init__(self, flows: Deployment) -> None:
        self._flows = flows

    def claim(self, ask: Ask) -> Intent | None:
        """What a message asks for when a flow claims it, whatever the intent model said (a complaint that names an
        order, an opt-out in one word): the claiming flow's first intent. Known before proving who they are, so a
        complaint is never held up by a question for an order number and an email."""
        flow = self._flows.claiming(replace(ask, step=None, slots={}))
        return flow.intents[0] if flow is not None and flow.intents else None

    def route(
        self,
        ask: Ask,
        state: ConversationState,
        *,
        quiet: bool,
        handoff_again: bool,
        gate: FlowStep | None,
        unsure: tuple[Intent, Intent] | None = None,
    ) -> Routed:
        """`quiet`: a message that needs no answer; `handoff_again`: the message that started a handoff, delivered
        again after its reply failed to send; `gate`: what proving who they are says first; `unsure`: the two
        likeliest requests when the intent model could not pick one (asked, not guessed)."""
        catalog, message = ask.catalog, ask.message
        if handoff_again:
            # Said again (and notified and handed over again, since the failure may have come before either).
            reason, about = state.slots.get(HANDOFF_REASON) or "asked", state.slots.get(HANDOFF_ORDER)
            return Routed(FlowStep("", handoff=reason, brief=handoff_brief(state.slots), handoff_order=about))
        if quiet or message.kind is MessageKind.REFERRAL:
            return Routed(None)  # nothing to answer (a referral on a new conversation gets the welcome alone)
        if ask.answer is Answer.ABORT:
            return Routed(FlowStep(catalog.render("flow.stopped")))
        if gate is not None:
            return Routed(gate)
        ongoing = self._flows.named(state.flow)
        waiting = ongoing is not None and ask.step in ongoing.yes_no_steps
        # A bare yes or no answers only a yes-or-no question ("ok" is not a product to look for).
        bare = ask.answer in {Answer.YES, Answer.NO} and not waiting
        if ongoing is not None and not bare and (ask.customer or not ongoing.needs_customer):
            resumed = ongoing.resume(ask)
            if resumed is not None:
                return Routed(resumed, resumed=resumed, rating_after=ongoing.rating_after)
            again = _ask_again(ask, ongoing, state) if waiting else None
            if again is not None:
                return Routed(again, resumed=again)
        if ask.answer in {Answer.YES, Answer.NO}:
            # Nothing asked: as a first message the welcome is the answer, else what would they like?
            return Routed(FlowStep("" if ask.first_message else catalog.render("answer.how_can_i_help")))
        fresh = replace(ask, step=None, slots={})
        flow = self._flows.claiming(fresh) or self._flows.for_kind(message)
        if flow is None and unsure is not None:
            return Routed(which_request(catalog, unsure, ask.order_id), clarifying=True)
        flow = flow or self._flows.for_intent(ask.intent)
        if flow is not None:
            return self._start(flow, fresh)
        if ask.intent is not Intent.OUT_OF_SCOPE:
            return Routed(FlowStep(catalog.render("not_yet")))  # a request whose flow this deployment does not have
        if state.misunderstood + 1 >= MISUNDERSTOOD_LIMIT:
            return Routed(FlowStep(catalog.render("handoff.misunderstood"), handoff="misunderstood"))
        return Routed(FlowStep(catalog.render("fallback")), misunderstood=state.misunderstood + 1)

    def start(self, ask: Ask) -> Routed | None:
        """A further request of the same message (dialogue.several): the flow of its intent, started; None when this
        deployment has no flow for it."""
        flow = self._flows.for_intent(ask.intent)
        return self._start(flow, replace(ask, step=None, slots={})) if flow is not None else None

    @staticmethod
    def _start(flow: Flow, fresh: Ask) -> Routed:
        if flow.needs_customer and fresh.customer is None:
            return Routed(FlowStep(fresh.catalog.render("identity.unknown")))
        started = flow.start(fresh)
        sure = fresh.confidence >= SURE_TO_RATE
        return Routed(started, started=started if flow.reported else None, rating_after=flow.rating_after and sure)


def _ask_again(ask: Ask, ongoing: Flow, state: ConversationState) -> FlowStep | None:
    """The yes-or-no question once more, briefly, when the reply is neither and not a clear request of its own (the
    intent model unsure, or small talk); None the second time, or for a clear request (an order named, a tap, words
    the model is sure of), which is answered as one."""
    message = ask.message
    if ASKED_AGAIN in state.slots or message.kind is not MessageKind.TEXT or ask.order_id:
        return None
    if ask.intent not in _UNCLEAR and ask.confidence >= SURE:
        return None
    catalog = ask.catalog
    return FlowStep(
        catalog.render("answer.yes_or_no"),
        choices=confirm_choices(catalog),
        flow=ongoing.name,
        step=state.step,
        slots={**state.slots, ASKED_AGAIN: "1"},
    )
