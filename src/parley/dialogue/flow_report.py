"""What one message did to the conversation's flows, for analytics: whether it was a request of its own, the flow
that request opened, and how a flow ended. Every flow is reported once, however many messages it takes.

A flow here is what the customer asked for: proving who they are is part of the flow they asked for (or, for a
request answered in one message, such as an order's status, a flow of its own, "verify"); the rating question after
a completed flow is not a flow, nor is an answer of one message (a flow declaring `reported = False`). Endings:
completed (the customer got what the flow is for), failed (it ended in a handoff, could not be done, or the sender
could not prove who they are), abandoned (left by "never mind", by another request, or by a "no"). A flow that stays
open after it completed (products: "and in blue?") is reported once, when it completes; the engine keeps that in the
SETTLED slot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from parley.dialogue.flow import FlowStep
from parley.dialogue.verification import FLOW as VERIFY_FLOW
from parley.nlu.intents import Intent

# An engine-owned slot of the flow under way: "1" once its outcome has been reported.
SETTLED = "settled"


class Outcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class FlowEnd:
    flow: str
    outcome: Outcome
    reason: str = ""  # analytics.schema.FlowReason's values, or the handoff's reason


@dataclass(frozen=True)
class Requested:
    """One of the requests of a message that made several (dialogue.several): what it asked for, how sure the model
    was, the flow it opened and, if that ended at once, how."""

    intent: Intent
    confidence: float
    opened: str = ""
    opened_end: FlowEnd | None = None


@dataclass(frozen=True)
class FlowReport:
    request: bool = False  # the message was a request of its own, not an answer to a flow's question
    opened: str = ""  # the flow that request opened
    earlier: FlowEnd | None = None  # the flow under way before the message, if it ended (or completed) with it
    opened_end: FlowEnd | None = None  # the opened flow, if it ended (or completed) at once
    # A message that made several requests (or started one that was waiting): each, in the order answered; then
    # `request`, `opened` and `opened_end` above are empty.
    requests: tuple[Requested, ...] = ()
    clarified: bool = False  # Parley asked which of two requests the message meant: no request yet


@dataclass(frozen=True)
class Moves:
    """What the engine did with one message, as far as flows go."""

    request: bool  # a request of its own (see FlowReport.request)
    never_mind: bool = False  # "never mind" left the flow under way
    declined: bool = False  # the message was a "no"
    resumed: FlowStep | None = None  # the flow under way answered it
    started: FlowStep | None = None  # a flow this message started (its first step)
    gated: FlowStep | None = None  # proving who they are started for this request
    proven: bool = False  # the sender proved who they are with this message
    locked: bool = False  # …or failed for the last time
    handoff: str | None = None


class FlowReporter:
    def __init__(self, flow_of_intent: Mapping[str, str], unreported: Iterable[str] = ()) -> None:
        """`flow_of_intent`: intent value → the name of the flow it starts; `unreported`: flows that are not counted
        as flows (the rating question)."""
        self._flow_of_intent = dict(flow_of_intent)
        self._unreported = frozenset(unreported)

    def flow(self, name: str | None, slots: Mapping[str, str]) -> str:
        """The flow as the customer sees it ("" none) of a conversation's flow name and slots."""
        if name == VERIFY_FLOW:
            return self._flow_of_intent.get(slots.get("then", ""), VERIFY_FLOW)
        return "" if name is None or name in self._unreported else str(name)

    def report(
        self,
        before: str,
        before_settled: bool,
        after: str,
        moves: Moves,
        intent_flow: str = "",
    ) -> tuple[FlowReport, bool]:
        """The report of one message, and whether the flow under way after it has been reported (SETTLED).

        `before`/`after`: the flow (see flow()) before and after the message; `intent_flow`: the flow the request's
        intent starts (used when proving who they are comes first)."""
        earlier: FlowEnd | None = None
        opened_end: FlowEnd | None = None
        settled = False
        answered = moves.resumed is not None or (moves.proven or moves.locked or moves.gated is not None)
        answered = answered and not moves.request
        if before and answered and after == before:
            step = moves.resumed or moves.started
            if before_settled:
                settled = True
            elif step is not None and step.completed:
                earlier, settled = FlowEnd(before, Outcome.COMPLETED), True
        elif before and not before_settled:
            earlier = self._ending(before, moves, answered)
        opened = ""
        if moves.request and (moves.started is not None or moves.gated is not None):
            opened = (intent_flow or VERIFY_FLOW) if moves.gated is not None else intent_flow
            step = moves.started or moves.gated
            if step is not None and step.completed:
                opened_end, settled = FlowEnd(opened, Outcome.COMPLETED), after == opened
            elif after != opened:
                opened_end = self._ending(opened, moves, answered=True)
        return FlowReport(moves.request, opened, earlier, opened_end), settled

    @staticmethod
    def _ending(flow: str, moves: Moves, answered: bool) -> FlowEnd:
        step = moves.started or moves.resumed or moves.gated
        if moves.never_mind:
            return FlowEnd(flow, Outcome.ABANDONED, "never_mind")
        if moves.handoff:
            return FlowEnd(flow, Outcome.FAILED, moves.handoff)
        if not answered:
            return FlowEnd(flow, Outcome.ABANDONED, "switched")
        if step is not None and (step.completed or step.erased):
            return FlowEnd(flow, Outcome.COMPLETED)
        if moves.locked:
            return FlowEnd(flow, Outcome.FAILED, "not_verified")
        if moves.proven and moves.started is None:
            return FlowEnd(flow, Outcome.COMPLETED)  # proven, and answered at once (an order's status)
        if moves.declined:
            return FlowEnd(flow, Outcome.ABANDONED, "declined")
        return FlowEnd(flow, Outcome.FAILED, "unresolved")
