"""Several requests in one message ("where is ORD-310006, and can I also get my last invoice?"), split by
dialogue.reading (nlu.segmenting) and answered in turn, in one reply, as a careful agent would:

- Requests answered in one message (an order's status, an invoice, a product, a policy…) come first, in the order
  the customer wrote them.
- A request that asks something back (which order? shall I cancel it? proving who they are) comes last, wherever it
  stood in the message, so that its question and its buttons close the reply and no answer pushes them out of sight.
- One question at a time: another request that would ask one waits. The reply says Parley will come back to it, and
  it is started as soon as the question is settled (answered yes or no, the order picked, the proof given), in the
  reply to that answer. "Never mind", or a new request instead of an answer, drops it: the customer moved on.
- A person taking over ends the bot's part: the other requests are answered first, the rest is the person's (they
  see the whole message).
- A sender not on file proves who they are before anything personal: the first request that needs it leads (its
  proof is the question, asked last), and the others that need it wait for the proof.

Analytics sees each request: an intent_recognised event apiece, with the flow it opened, in the order answered; one
that waits is recorded when Parley comes to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from parley.channels.replies import Choice, Link
from parley.dialogue.answers import Answer
from parley.dialogue.clarifying import request_title
from parley.dialogue.flow import Ask, FlowStep
from parley.dialogue.flow_report import FlowReport, FlowReporter, Moves, Requested
from parley.dialogue.reading import Request
from parley.dialogue.routing import Routed, Router
from parley.dialogue.understanding import Reading
from parley.domain.conversation import ConversationState
from parley.domain.records import Customer
from parley.nlu.intents import Intent

# Engine-owned slot of the question under way: the requests waiting for it to be settled (JSON).
PENDING = "pending"
# The words of a waiting request are kept for its flow (a product's name, "pause"), at most this many characters.
_KEPT_CHARACTERS = 500


@dataclass(frozen=True)
class Together:
    """The reply to every request of one message, and what analytics needs of each."""

    routed: Routed  # the whole reply, as one step
    # The requests answered, in the reply's order: None stands for the first (the engine reports it).
    parts: tuple[tuple[Request | None, Routed], ...] = ()
    holder: Routed | None = None  # the part whose flow is under way after the reply (its question, if it asks one)
    lead: Requested | None = None  # the first request, as analytics sees it


def _asks(step: FlowStep) -> bool:
    """The step asks something back (or hands over to a person): it must close the reply."""
    return step.handoff is not None or (step.flow is not None and not step.completed)


def _encode(waiting: list[Request]) -> str:
    return json.dumps(
        [[r.intent.value, r.confidence, r.order_id or "", r.text[:_KEPT_CHARACTERS]] for r in waiting],
        ensure_ascii=False,
    )


def _decode(raw: str) -> list[Request]:
    try:
        rows = json.loads(raw) if raw else []
        return [Request(text, Intent(intent), float(sure), order_id or None) for intent, sure, order_id, text in rows]
    except (ValueError, TypeError):
        return []  # written by another version: dropped, as a new request would drop it


class Several:
    def __init__(
        self, router: Router, reporter: FlowReporter, reported: Mapping[str, str], protected: frozenset[Intent]
    ) -> None:
        """`reported`: intent value → the flow analytics counts it in; `protected`: the intents an unknown sender
        proves who they are for."""
        self._router = router
        self._reporter = reporter
        self._reported = reported
        self._protected = protected

    def lead(self, reading: Reading, customer: Customer | None) -> Reading:
        """For a sender not on file, the first request that needs proof of who they are leads: proving it is then
        the one question, asked after the other answers."""
        requests = reading.requests
        if customer is not None or len(requests) < 2 or requests[0].intent in self._protected:
            return reading
        first = next((i for i, r in enumerate(requests) if r.intent in self._protected), None)
        if first is None:
            return reading
        lead = requests[first]
        return replace(
            reading, requests=(lead, *requests[:first], *requests[first + 1 :]), intent=lead.intent,
            confidence=lead.confidence, order_id=lead.order_id, text=lead.text,
        )  # fmt: skip

    def answer(self, routed: Routed, ask: Ask, reading: Reading, state: ConversationState, answering: bool) -> Together:
        """The reply to all the message's requests, `routed` being the first's; `answering`: the message answered
        the question under way (the flow resumed, or proving who they are went on)."""
        step = routed.step
        if step is None:
            return Together(routed)
        kept = state.slots.get(PENDING, "")
        if kept and answering:
            if _asks(step) and not step.handoff:
                # The question goes on (which order, then "shall I?"): what waits keeps waiting.
                return Together(replace(routed, step=replace(step, slots=step.slots | {PENDING: kept})))
            if step.handoff or step.erased:
                return Together(routed)
            return self._together(routed, ask, _decode(kept), None)
        several = len(reading.requests) > 1 and routed.resumed is None and ask.answer is not Answer.ABORT
        if not several or routed.clarifying:
            return Together(routed)
        lead = Requested(ask.intent, ask.confidence)
        return self._together(routed, ask, list(reading.requests[1:]), lead)

    def _together(self, routed: Routed, ask: Ask, further: list[Request], lead: Requested | None) -> Together:
        first = routed.step
        assert first is not None
        parts: list[tuple[Request | None, Routed]] = [(None, routed)]
        question: int | None = 0 if _asks(first) else None
        waiting: list[Request] = []
        last_order = None if first.forget_order else first.order_id or ask.last_order_id
        for request in further:
            if request.intent in self._protected and ask.customer is None:
                waiting.append(request)  # after the proof (the first request's question)
                continue
            wanted = replace(ask, text=request.text, intent=request.intent, order_id=request.order_id,
                             confidence=request.confidence, last_order_id=last_order, answer=None)  # fmt: skip
            started = self._router.start(wanted) or Routed(FlowStep(ask.catalog.render("not_yet")))
            step = started.step
            assert step is not None
            if _asks(step) and question is not None:
                waiting.append(request)  # one question at a time; nothing changes before a yes, so it can wait
                continue
            question = len(parts) if _asks(step) else question
            parts.append((request, started))
            last_order = None if step.forget_order else step.order_id or last_order
        if len(parts) == 1 and not waiting:
            return Together(routed)
        ordered = [part for i, part in enumerate(parts) if i != question]
        ordered += [parts[question]] if question is not None else []
        holder = ordered[-1][1] if question is not None else next(
            (r for _, r in reversed(ordered) if r.step is not None and r.step.flow is not None), None
        )  # fmt: skip
        asking = holder is not None and question is not None and holder.step is not None and not holder.step.handoff
        later = ""
        if waiting and asking:
            titles = ", ".join(request_title(ask.catalog, r.intent) for r in waiting)
            later = ask.catalog.render("request.later", request=titles)
        step = _combined([r.step for _, r in ordered if r.step is not None], holder, later, waiting if asking else [])
        whole = replace(routed, step=step, rating_after=all(r.rating_after for _, r in ordered))
        return Together(whole, tuple(ordered), holder, lead)

    def reported(self, together: Together, report: FlowReport, settled: bool) -> tuple[FlowReport, bool]:
        """The message's flow report with each of its requests (the first's as the engine reported it), and whether
        the flow under way after it has been reported (SETTLED)."""
        if together.routed.clarifying:
            return replace(report, request=False, clarified=True), settled
        if not together.parts:
            return report, settled
        step = together.routed.step
        after = self._reporter.flow(step.flow, step.slots) if step is not None else ""
        requests: list[Requested] = []
        for request, routed in together.parts:
            if request is None:
                if report.request and together.lead is not None:
                    requests.append(replace(together.lead, opened=report.opened, opened_end=report.opened_end))
                continue
            said = routed.step
            moves = Moves(request=True, started=routed.started, handoff=said.handoff if said else None)
            own, own_settled = self._reporter.report("", False, after, moves, self._reported.get(request.intent, ""))
            requests.append(Requested(request.intent, request.confidence, own.opened, own.opened_end))
            settled = own_settled if routed is together.holder else settled
        return replace(report, request=False, opened="", opened_end=None, requests=tuple(requests)), settled


def _combined(steps: list[FlowStep], holder: Routed | None, later: str, waiting: list[Request]) -> FlowStep:
    """One step saying all of them in order (`later` just before the last, which asks when something waits)."""
    kept = holder.step if holder is not None else None
    link_of = kept if kept is not None and kept.link else next((s for s in reversed(steps) if s.link), None)
    texts = []
    for step in steps:
        text = step.text
        if step.link is not None and step is not link_of:
            text += f"\n{step.link.label}: {step.link.url}"  # one link button per reply: the others in words
        if later and step is steps[-1]:
            texts.append(later)
        texts += [text] if text else []
    chooser = kept if kept is not None and kept.choices else next((s for s in reversed(steps) if s.choices), None)
    choices: tuple[Choice, ...] = chooser.choices if chooser else ()
    link: Link | None = link_of.link if link_of else None
    order_id = next((s.order_id for s in reversed(steps) if s.order_id), None)
    slots = dict(kept.slots) if kept is not None else {}
    if waiting:
        slots[PENDING] = _encode(waiting)
    return FlowStep(
        "\n\n".join(texts),
        choices=choices,
        flow=kept.flow if kept is not None else None,
        step=kept.step if kept is not None else None,
        slots=slots,
        order_id=order_id,
        forget_order=order_id is None and any(s.forget_order for s in steps),
        completed=any(s.completed for s in steps),
        handoff=next((s.handoff for s in steps if s.handoff), None),
        erased=any(s.erased for s in steps),
        menu_label=chooser.menu_label if chooser else "",
        rating=steps[0].rating,
        commented=steps[0].commented,
        link=link,
        protect=tuple(dict.fromkeys(name for s in steps for name in s.protect)),
    )
