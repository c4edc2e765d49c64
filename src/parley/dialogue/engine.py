"""The dialogue engine: one inbound message in, one reply out, with the conversation's memory updated.

A turn is five steps: understand (language, translation, request: dialogue.understanding) → who may see what
(recognition and proving who they are: dialogue.access) → route (the flow under way, the flow the message starts,
or a handoff or the fallback: dialogue.routing) → compose (the reply, the rating question, a handoff's notice, the
translation back: dialogue.composing) → save (the state and the turn's messages in one write). The flows themselves
are modules of dialogue.flows, found by dialogue.registry; nothing here names one.
"""

from __future__ import annotations

from dataclasses import replace

from parley.channels.model import PAYLOAD_KINDS, InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.dialogue.access import Access, Gate
from parley.dialogue.answers import Answer, AnswerReader, Question
from parley.dialogue.composing import HANDOFF_MESSAGE, Composed, Composer
from parley.dialogue.flow import Ask
from parley.dialogue.flow_report import SETTLED, FlowReport, FlowReporter, Moves
from parley.dialogue.interpreting import TranslationUse
from parley.dialogue.outbox import outbox_entry, reply_entry
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.recognition import recognise
from parley.dialogue.registry import FlowRegistry, default_registry
from parley.dialogue.routing import Routed, Router
from parley.dialogue.several import Several
from parley.dialogue.turn import Turn
from parley.dialogue.turn_log import turn_entries
from parley.dialogue.understanding import SILENT_KINDS, UNREADABLE, Reader, Reading, Understanding
from parley.domain.conversation import ConversationState
from parley.domain.ports import ReplyOutbox
from parley.domain.records import Customer, MessageDirection
from parley.language.translation import PIVOT_LANGUAGE
from parley.privacy.redaction import redact

__all__ = ["SILENT_KINDS", "DialogueEngine", "Turn"]

# A person who took a conversation over has it for this long; after that the bot answers again.
HANDOFF_SECONDS = 24 * 3600


class DialogueEngine:
    def __init__(self, ports: DialoguePorts, understanding: Understanding, flows: FlowRegistry | None = None) -> None:
        """`flows`: the flows to know (default: every module of dialogue.flows); those whose stores `ports` lacks are
        left out, and their requests get "not yet"."""
        flows = flows if flows is not None else default_registry()
        deployed = flows.deploy(ports)
        self._ports = ports
        self._catalogs = understanding.catalogs
        self._reader = Reader(understanding, flows.payload_intent, deployed.names_in)
        self._gate = Gate(ports.customers, ports.orders, flows.protected, ports.proof_attempts, ports.proof_limits)
        self._router = Router(deployed)
        self._composer = Composer(ports.office_hours)
        self._reported = deployed.reported_by_intent()
        self._flow_report = FlowReporter(self._reported, flows.unreported)
        self._verbatim = {flow.name: flow.verbatim for flow in flows.flows}
        self._flow_types = {flow.name: flow for flow in flows.flows}
        self._answers = AnswerReader(understanding.intents.classify, understanding.order_ids)
        self._several = Several(self._router, self._flow_report, self._reported, flows.protected)
        log = ports.message_log
        self._outbox: ReplyOutbox | None = log if isinstance(log, ReplyOutbox) else None

    @property
    def ports(self) -> DialoguePorts:
        return self._ports

    def respond(self, message: InboundMessage) -> Turn:
        stored = self._ports.conversations.get(message.conversation_key)
        first_message = stored is None
        state = stored or ConversationState(conversation_id=message.conversation_key)
        today = self._ports.clock()
        now = int(today.timestamp())

        # 1. Understand: the sender as the data knows them, the language to answer in, what the message asks for.
        recognised = recognise(self._ports.customers, message, state, now)
        as_written = state.step in self._verbatim.get(state.flow or "", frozenset())
        reading = self._several.lead(
            self._reader.read(message, state.language, recognised.customer, as_written=as_written),
            recognised.customer,
        )
        with_person = state.handoff_at is not None and now - state.handoff_at < HANDOFF_SECONDS
        if with_person and state.slots.get(HANDOFF_MESSAGE) != message.message_id:
            return self._leave_to_person(message, state, reading, recognised.customer, recognised.read_at, now)
        answer = self._answer(message, reading, self._question(state))
        silent = message.kind in SILENT_KINDS and not (message.kind is MessageKind.REFERRAL and first_message)
        # A flow under way ends with this message unless its next step continues it; a reaction to its question, or
        # a handoff being told again, leaves everything as it was.
        keep = silent or with_person

        ask = Ask(
            reading.catalog, recognised.customer, message, reading.text, reading.intent, reading.order_id, answer,
            state.last_order_id, today, reading.confidence, step=state.step, slots=state.slots,
            first_message=first_message, requested_language=reading.requested_language,
            languages=self._catalogs.languages,
        )  # fmt: skip
        # A message a flow claims asks for what that flow is for, whatever the intent model said: a complaint that
        # names an order is a complaint (and needs no proof of who they are), "STOP" an opt-out (which does).
        unclaimed = keep or answer is Answer.ABORT or self._gate.proof_given(message, state)
        claimed = None if unclaimed else self._router.claim(ask)
        if claimed is not None and claimed is not reading.intent:
            reading = replace(reading, intent=claimed)

        # 2. Who may see what: a sender not on file proves who they are before anything personal.
        access = self._gate.check(message, state, reading, recognised, answer, keep, now, claimed is not None)

        # 3. Route: the flow under way, the flow the message starts, a handoff or the fallback.
        ask = replace(
            ask, customer=access.customer, intent=access.intent, order_id=access.order_id,
            asked_before=access.asked_before,
        )  # fmt: skip
        if access.proven:
            ask = replace(ask, confidence=1.0)  # the request they proved who they are for: theirs beyond doubt
        gate = access.gate.step if access.gate else None
        unsure = None if access.answering else reading.unsure  # an answer to proving it is no request to ask about
        routed = self._router.route(ask, state, quiet=silent, handoff_again=with_person, gate=gate, unsure=unsure)
        # Each further request of the message, answered in turn (dialogue.several).
        together = self._several.answer(routed, ask, reading, state, routed.resumed is not None or access.answering)
        routed = together.routed

        # 4. Compose: the reply and where the conversation stands; what it did to the flows, for analytics.
        composed = self._composer.compose(
            routed.step, reading.catalog, access.customer, state, message_id=message.message_id,
            welcome=first_message and not silent, proven=access.proven, keep=keep, today=today,
            rating_after=routed.rating_after and answer is not Answer.NO,  # "no, keep it" resolved nothing to rate
        )  # fmt: skip
        report = FlowReport()
        if not keep:
            report, settled = self._several.reported(
                together, *self._report(message, state, access, answer, routed, composed)
            )
            composed = replace(composed, slots=composed.slots | ({SETTLED: "1"} if settled else {}))

        # 5. Save, the reply translated on its way out when the language has no catalog.
        return self._finish(message, state, reading, access, routed, composed, report, now, with_person)

    def _answer(self, message: InboundMessage, reading: Reading, question: Question | None) -> Answer | None:
        """Yes, no or never mind: in the catalog's words, or for a language without a catalog ("ja", "tak", "네")
        in the words of its English translation, else a bare yes or no of a native language that every catalog
        knowing the word reads alike ("sí" in an English conversation: one word never switches the language)."""
        answer = self._answers.read(message, reading.catalog, question)
        if answer is None and reading.foreign and reading.text != message.text:
            answer = self._answers.read(replace(message, text=reading.text), reading.catalog, question)
        if answer is None and question is not None and question.yes_no and len(message.text.split()) == 1:
            meanings = {self._answers.read(message, other, question) for other in self._catalogs}
            meanings.discard(None)
            # Only yes or no, and only when no catalog reads the word otherwise ("para" stops in Spanish).
            answer = meanings.pop() if len(meanings) == 1 and Answer.ABORT not in meanings else None
        return answer

    def _question(self, state: ConversationState) -> Question | None:
        """What the flow under way asked, for reading the answer (None: no flow is under way)."""
        if not state.flow:
            return None
        flow = self._flow_types.get(state.flow)
        return flow.question(state.step, state.slots) if flow is not None else Question()

    def _leave_to_person(
        self,
        message: InboundMessage,
        state: ConversationState,
        reading: Reading,
        customer: Customer | None,
        read_at: int | None,
        now: int,
    ) -> Turn:
        """A person has this conversation: the bot stays out of it (their inbox shows the message)."""
        kept = replace(state, language=reading.language, updated_at=now, customer=customer, customer_read_at=read_at)
        self._save(kept, message, None, reading.language, with_person=True)
        customer_id = customer.customer_id if customer else ""
        return Turn(None, reading.language, reading.intent, reading.confidence, customer is not None,
                    reading.translation, with_person=True, customer_id=customer_id)  # fmt: skip

    def _finish(
        self,
        message: InboundMessage,
        state: ConversationState,
        reading: Reading,
        access: Access,
        routed: Routed,
        composed: Composed,
        report: FlowReport,
        now: int,
        with_person: bool,
    ) -> Turn:
        """Translate the reply when the language has no catalog, save the turn, and say what it led to."""
        customer, step, handoff = access.customer, routed.step, composed.handoff
        read_at = access.read_at
        if step is not None and step.customer is not None:
            customer, read_at = step.customer, now  # changed by the flow (a marketing choice): kept as it now stands
        customer_id = customer.customer_id if customer else ""
        reply = composed.reply()
        if step is not None and step.erased:
            # Erased at the customer's request: nothing of this conversation is written back but the reply saying
            # so, until it is out (a redelivery must not find an empty conversation and answer "I don't understand").
            erased = Turn(reply, reading.language, access.intent, reading.confidence, True, reading.translation,
                          customer_id=customer_id, flows=report, erased=True)  # fmt: skip
            if reply is not None and self._outbox is not None:
                entry = reply_entry(message, reply, reading.language)
                self._outbox.keep_reply(outbox_entry(entry, erased, transient=True))
            return erased
        translation = reading.translation
        if reply is not None and reading.foreign:
            names = step.protect if step is not None else ()
            reply, translation = self._reader.interpreter.localise(reply, reading.language, translation, names)
        proof = access.proof
        turn = Turn(
            reply=reply,
            language=reading.language,
            intent=access.intent,
            confidence=reading.confidence,
            known_customer=customer is not None,
            translation=translation,
            handoff=handoff,
            handoff_order=composed.handoff_order,
            rating=step.rating if step else None,
            commented=step.commented if step else False,
            customer_id=customer_id,
            flows=report,
            # Not understood: its words with anything identifying removed, for the report's top unrecognised.
            unrecognised=redact(message.text, ((customer.name or "") if customer else "", message.profile_name))
            if routed.misunderstood or handoff == "misunderstood"
            else None,
            rating_requested=composed.rating_asked_at != state.rating_asked_at,
        )
        self._save(
            replace(
                state,
                customer_id=customer_id or None,
                customer=customer,
                customer_read_at=read_at,
                language=reading.language,
                last_order_id=composed.last_order_id,
                updated_at=now,
                flow=composed.flow,
                step=composed.step,
                slots=composed.slots,
                misunderstood=routed.misunderstood,
                handoff_at=state.handoff_at if with_person else now if handoff else None,
                verified_customer_id=(
                    proof.customer.customer_id if proof and proof.customer else state.verified_customer_id
                ),
                verify_failures=proof.failures if proof else state.verify_failures,
                verify_locked_until=proof.locked_until if proof else state.verify_locked_until,
                rating_asked_at=composed.rating_asked_at,
            ),
            message,
            reply,
            PIVOT_LANGUAGE if translation is TranslationUse.FAILED else reading.language,
            turn=turn,
        )
        return turn

    def _report(
        self,
        message: InboundMessage,
        state: ConversationState,
        access: Access,
        answer: Answer | None,
        routed: Routed,
        composed: Composed,
    ) -> tuple[FlowReport, bool]:
        """What the message did to the conversation's flows (analytics), and whether the flow under way after it
        has been reported (the SETTLED slot)."""
        proof, gate = access.proof, access.gate
        answered = routed.resumed is not None or (access.answering and proof is not None)
        words = bool(message.text.strip() or message.kind in PAYLOAD_KINDS)
        moves = Moves(
            request=not (answered or answer is Answer.ABORT or message.kind in UNREADABLE) and words,
            never_mind=answer is Answer.ABORT,
            declined=answer is Answer.NO,
            resumed=routed.resumed,
            started=routed.started,
            gated=gate.step if gate else None,
            proven=access.proven,
            handoff=composed.handoff,
            locked=bool(gate and gate.step and gate.step.flow is None),
        )
        before = self._flow_report.flow(state.flow, state.slots)
        after = self._flow_report.flow(composed.flow, composed.slots)
        intent_flow = self._reported.get(access.intent.value, "")
        return self._flow_report.report(before, SETTLED in state.slots, after, moves, intent_flow)

    def _save(
        self, state: ConversationState, message: InboundMessage, reply: Reply | None, language: str,
        with_person: bool = False, turn: Turn | None = None,
    ) -> None:  # fmt: skip
        """The state, and in one write the message and the reply (in `language`) for the log: the message alone
        while a person has the conversation (it is theirs to answer). The reply's entry keeps the whole `turn` until
        it is sent (dialogue.outbox): a redelivery sends it instead of answering the message again."""
        log = self._ports.message_log
        if log is None:
            return self._ports.conversations.save(state)
        entries = turn_entries(message, reply, state.language, language, with_person)
        outbox = None
        if turn is not None and reply is not None:
            outbox = outbox_entry(next(e for e in entries if e.direction is MessageDirection.OUT), turn)
        log.save_turn(state, entries, outbox=outbox)
