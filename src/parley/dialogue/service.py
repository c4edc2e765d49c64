"""The conversation service: one inbound message in, one reply out, with the conversation's memory updated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from parley.analytics.redaction import redact
from parley.channels.model import MEDIA_KINDS, PAYLOAD_KINDS, Channel, InboundMessage, MessageKind
from parley.channels.replies import Choice, Reply
from parley.dialogue.answers import Answer, frustrated, read_answer
from parley.dialogue.billing import Billing, BillingLinks
from parley.dialogue.cancel_order import CancelOrder
from parley.dialogue.erasure import Erasure
from parley.dialogue.flow import Ask, Flow, FlowStep
from parley.dialogue.flow_report import SETTLED, FlowReport, FlowReporter, Moves
from parley.dialogue.interpreting import Interpreter, TranslationUse, Understood
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.orders import order_status
from parley.dialogue.products import Products, product_names_in
from parley.dialogue.reading import LANGUAGE_PAYLOAD, RequestReader
from parley.dialogue.recognition import recognise
from parley.dialogue.returns import Returns
from parley.dialogue.satisfaction import ASK_EVERY_SECONDS, Satisfaction
from parley.dialogue.satisfaction import FLOW as SATISFACTION_FLOW
from parley.dialogue.subscriptions import Subscriptions
from parley.dialogue.tech_support import TechSupport
from parley.dialogue.turn import Turn
from parley.dialogue.turn_log import turn_entries
from parley.dialogue.verification import FLOW as VERIFY_FLOW
from parley.dialogue.verification import PROTECTED, Check, Verification
from parley.domain.conversation import ConversationState
from parley.domain.ports import (
    ConversationRepository,
    CustomerRepository,
    InvoiceRepository,
    MessageLog,
    OrderRepository,
    ProductCatalog,
    ReturnRepository,
    SubscriptionRepository,
)
from parley.domain.records import Customer
from parley.domain.rules import DEFAULT_RETURN_WINDOW_DAYS
from parley.i18n import Catalog, Catalogs
from parley.language.names import language_of_number, own_name
from parley.language.translation import PIVOT_LANGUAGE
from parley.nlu.entities import OrderIdFinder
from parley.nlu.extraction import find_email
from parley.nlu.intents import Intent, LinearIntents
from parley.office_hours import OfficeHours, after_hours_notice
from parley.privacy import Forgets
from parley.support.guides import Guides, load_guides

# Requests the service answers itself; every other intent is a flow's.
_ANSWERED_HERE = frozenset(
    {
        Intent.GREETING,
        Intent.THANKS,
        Intent.GOODBYE,
        Intent.ORDER_STATUS,
        Intent.HUMAN_AGENT,
        Intent.CHANGE_LANGUAGE,
        Intent.OUT_OF_SCOPE,
    }
)
# Two messages in a row Parley could not understand, and a person takes over.
MISUNDERSTOOD_LIMIT = 2
# A person who took a conversation over has it for this long; after that the bot answers again.
HANDOFF_SECONDS = 24 * 3600

# Slot naming the message that started a handoff: if its reply failed to send, the redelivery says it again.
HANDOFF_MESSAGE = "handoff_message"
HANDOFF_REASON = "handoff_reason"
# Kinds that carry nothing Parley can act on yet, whatever their text: a helpful answer, in words.
_UNREADABLE = frozenset({MessageKind.LOCATION, MessageKind.CONTACTS, MessageKind.UNSUPPORTED})
# Kinds that need no answer: a reaction to our message, a number change, a customer returning via a link.
SILENT_KINDS = frozenset({MessageKind.REACTION, MessageKind.SYSTEM, MessageKind.REFERRAL})


class ConversationService:
    def __init__(
        self,
        customers: CustomerRepository,
        orders: OrderRepository,
        conversations: ConversationRepository,
        catalogs: Catalogs,
        language: ConversationLanguage,
        intents: LinearIntents,
        order_ids: OrderIdFinder,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        interpreter: Interpreter | None = None,
        guides: Guides | None = None,
        returns: ReturnRepository | None = None,
        return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
        message_log: MessageLog | None = None,
        invoices: InvoiceRepository | None = None,
        billing_links: BillingLinks | None = None,
        subscriptions: SubscriptionRepository | None = None,
        products: ProductCatalog | None = None,
        office_hours: OfficeHours | None = None,
        pseudonyms: Forgets | None = None,
    ) -> None:
        self._customers = customers
        self._orders = orders
        self._conversations = conversations
        self._catalogs = catalogs
        self._language = language
        self._reader = RequestReader(intents, order_ids, catalogs.languages)
        self._clock = clock
        self._office_hours = office_hours
        # With a message log, the state is saved through it, in one write with the turn's messages.
        self._message_log = message_log
        # Without a translation pivot, a language without a catalog gets English with an apology.
        self._interpreter = interpreter or Interpreter(catalogs.languages, catalogs.apologies())
        self._verification = Verification(customers, orders)
        flows: list[Flow] = [
            CancelOrder(orders),
            TechSupport(guides if guides is not None else load_guides()),
            Satisfaction(),
        ]
        # A flow whose data this deployment lacks is left out: its requests get the "not yet" answer.
        if returns is not None:
            flows.append(Returns(orders, returns, return_window_days))
        if message_log is not None:
            flows.append(Erasure(message_log, pseudonyms))
        if invoices is not None:
            flows.append(Billing(invoices, billing_links or BillingLinks()))
        if products is not None:
            flows.append(Products(products))
        self._products = products
        if subscriptions is not None:
            flows.append(Subscriptions(subscriptions, products))
        self._flows: dict[str, Flow] = {flow.name: flow for flow in flows}
        self._starts: dict[Intent, Flow] = {intent: flow for flow in flows for intent in flow.intents}
        self._flow_report = FlowReporter({intent.value: flow.name for intent, flow in self._starts.items()})

    def respond(self, message: InboundMessage) -> Turn:
        state = self._conversations.get(message.conversation_key)
        first_message = state is None
        state = state or ConversationState(conversation_id=message.conversation_key)
        today = self._clock()
        now = int(today.timestamp())
        recognised = recognise(self._customers, message, state, now)
        customer = recognised.customer
        customer_language = customer.language if customer else None  # the policy normalises "pt-BR" to "pt"
        hint = self._channel_hint(message)
        if message.kind in PAYLOAD_KINDS or not message.text.strip():
            # A tapped button says nothing about language; neither does a photo without a caption.
            language = self._language.choose("", state.language, customer_language, hint)
            understood = Understood(message.text, TranslationUse.NOT_NEEDED)
        else:
            language = self._language.choose(message.text, state.language, customer_language, hint)
            # A language without a catalog is understood in English (the pivot); a native one never is.
            understood = self._interpreter.understand(message.text, language, self._product_names(message, language))
        intent, confidence, order_id = self._reader.read(message, understood.text)
        wants_another = intent is Intent.CHANGE_LANGUAGE
        requested = self._reader.requested_language(message, understood.text) if wants_another else None
        if requested:
            language = requested
        foreign = self._interpreter.needs_translation(language)
        # Replies to a language without a catalog are written in English (dates and money in the customer's
        # locale) and translated on the way out.
        catalog = self._catalogs[PIVOT_LANGUAGE].formatting_for(language) if foreign else self._catalogs[language]
        with_person = state.handoff_at is not None and now - state.handoff_at < HANDOFF_SECONDS
        if with_person and state.slots.get(HANDOFF_MESSAGE) != message.message_id:
            # A person has this conversation: the bot stays out of it (their inbox shows the message).
            kept = replace(
                state, language=language, updated_at=now, customer=customer, customer_read_at=recognised.read_at
            )
            self._save(kept, message, None, language, with_person=True)
            return Turn(None, language, intent, confidence, customer is not None, understood.translation,
                        with_person=True, customer_id=customer.customer_id if customer else "")  # fmt: skip

        parts: list[str] = []
        choices: tuple[Choice, ...] = ()
        menu_label = ""
        last_order_id = state.last_order_id
        misunderstood = 0
        handoff: str | None = None
        answer = read_answer(message, catalog) if state.flow else None
        if answer is Answer.ABORT and state.flow == SATISFACTION_FLOW:
            answer = None  # a rating question needs no "never mind": "cancel ORD-1" after it is a new request
        flow_step: FlowStep | None = None
        resumed: FlowStep | None = None  # a step of the flow under way
        started: FlowStep | None = None  # …or of a flow this message starts
        silent = message.kind in SILENT_KINDS and not (message.kind is MessageKind.REFERRAL and first_message)
        # A flow under way ends with this message unless its next step continues it below; a reaction to its
        # question, or a handoff being told again, leaves everything as it was.
        keep = silent or with_person
        flow, step, slots = (state.flow, state.step, dict(state.slots)) if keep else (None, None, {})
        proof: Check | None = None
        unproven = customer is None and not keep and answer is not Answer.ABORT
        email = find_email(message.text)
        # In the middle of proving it, an order number, an email or words we cannot place are an answer; asking for a
        # person, or about products or a technical problem (nothing personal), is a new request.
        answering = state.flow == VERIFY_FLOW and (
            order_id or email or intent in PROTECTED or intent is Intent.OUT_OF_SCOPE
        )
        if unproven and (answering or intent in PROTECTED):
            proof = self._verification.check(
                catalog, intent, order_id, email, state.slots,
                state.verify_failures, state.verify_locked_until, now,
            )  # fmt: skip
            if proof.customer is not None and proof.then is not None:
                # Proven: answer what they asked for in the first place, as a customer on file.
                customer, intent, order_id = proof.customer, proof.then, proof.order_id or order_id
                parts.append(catalog.render("verify.done"))
            else:
                flow_step = proof.step
        ask = Ask(
            catalog, customer, message, understood.text, intent, order_id, answer, state.last_order_id, today,
            confidence, state.step, state.slots,
        )  # fmt: skip
        ongoing = self._flows.get(state.flow or "")
        starting = self._starts.get(intent)
        if first_message and not silent:
            parts.append(self._welcome(catalog, customer))
        if with_person:
            # The message that started the handoff, delivered again after a failed send: say it again (and
            # notify and hand over again, since the failure may have come before either).
            handoff = state.slots.get(HANDOFF_REASON) or "asked"
            parts.append(catalog.render("handoff.started"))
        elif silent or message.kind is MessageKind.REFERRAL:
            pass  # nothing to answer (a referral on a new conversation gets the welcome alone)
        elif answer is Answer.ABORT:
            parts.append(catalog.render("flow.stopped"))
        elif flow_step is not None:
            pass  # proving who they are comes first (below)
        elif ongoing and (customer or not ongoing.needs_customer) and (resumed := ongoing.resume(ask)):
            flow_step = resumed  # the flow under way answers (below)
        elif intent is Intent.HUMAN_AGENT or frustrated(understood.text, catalog) or frustrated(message.text, catalog):
            handoff = "asked" if intent is Intent.HUMAN_AGENT else "frustrated"
            if handoff == "frustrated":
                parts.append(catalog.render("handoff.frustrated"))
            parts.append(catalog.render("handoff.started"))
        elif message.kind in _UNREADABLE or (message.kind in MEDIA_KINDS and not message.text.strip()):
            parts.append(catalog.render("media.unsupported"))
        elif message.kind is MessageKind.ORDER:
            # A cart sent from the WhatsApp catalog: a person confirms stock, delivery and payment with the customer.
            handoff = "catalog_order"
            parts.append(catalog.render("handoff.started"))
        elif intent in {Intent.GREETING, Intent.THANKS, Intent.GOODBYE} and first_message:
            pass  # "ok", "thanks" or "hi" as a first message: the welcome is the whole answer
        elif intent is Intent.GREETING:
            parts.append(self._greeting(catalog, customer))
        elif intent is Intent.ORDER_STATUS and customer is None:
            parts.append(catalog.render("identity.unknown"))
        elif intent is Intent.ORDER_STATUS:
            text, last_order_id, choices = order_status(self._orders, ask)
            parts.append(text)
        elif starting and (customer or not starting.needs_customer):
            flow_step = started = starting.start(replace(ask, step=None, slots={}))
        elif intent is Intent.CHANGE_LANGUAGE and requested:
            parts.append(catalog.render("language.switched"))
        elif intent is Intent.CHANGE_LANGUAGE:
            parts.append(catalog.render("language.menu"))
            choices = tuple(
                Choice(f"{LANGUAGE_PAYLOAD}{code}", own_name(code), verbatim=True)
                for code in sorted(self._catalogs.languages)
            )
            menu_label = catalog.render("menu.languages")
        elif intent is Intent.THANKS:
            parts.append(catalog.render("thanks"))
        elif intent is Intent.GOODBYE:
            parts.append(catalog.render("goodbye"))
        elif intent not in _ANSWERED_HERE:
            parts.append(catalog.render("not_yet"))  # a request whose flow this deployment does not have
        elif state.misunderstood + 1 >= MISUNDERSTOOD_LIMIT:
            handoff = "misunderstood"
            parts += [catalog.render("handoff.misunderstood"), catalog.render("handoff.started")]
        else:
            parts.append(catalog.render("fallback"))
            misunderstood = state.misunderstood + 1
        rating_asked_at = state.rating_asked_at
        link = flow_step.link if flow_step is not None else None
        if flow_step is not None:
            parts.append(flow_step.text)
            choices, flow, step, slots = flow_step.choices, flow_step.flow, flow_step.step, dict(flow_step.slots)
            menu_label = flow_step.menu_label
            last_order_id = flow_step.order_id or last_order_id
            asked_lately = rating_asked_at is not None and now - rating_asked_at < ASK_EVERY_SECONDS
            if flow_step.completed and flow is None and not choices and link is None and not asked_lately:
                # Got what they came for: how did we do? (Not over a link to act on: paying comes first.)
                rating = Satisfaction.ask(catalog)
                parts.append(rating.text)
                choices, flow, step, slots, menu_label = rating.choices, rating.flow, rating.step, {}, rating.menu_label
                rating_asked_at = now
            if flow_step.handoff:
                handoff = flow_step.handoff
                parts.append(catalog.render("handoff.started"))
        if handoff:
            flow, step, slots = None, None, {HANDOFF_MESSAGE: message.message_id, HANDOFF_REASON: handoff}
            if self._office_hours is not None and (closed := after_hours_notice(self._office_hours, catalog, today)):
                parts.append(closed)
        report, settled = FlowReport(), False
        if not keep:
            gate = proof if proof is not None and proof.customer is None else None
            moves = Moves(
                request=not (resumed or (answering and proof) or answer is Answer.ABORT or message.kind in _UNREADABLE)
                and bool(message.text.strip() or message.kind in PAYLOAD_KINDS),
                never_mind=answer is Answer.ABORT, declined=answer is Answer.NO, resumed=resumed, started=started,
                gated=gate.step if gate else None, proven=bool(proof and proof.customer), handoff=handoff,
                locked=bool(gate and gate.step and gate.step.flow is None),
            )  # fmt: skip
            before = self._flow_report.flow(state.flow, state.slots)
            intent_flow = self._starts[intent].name if intent in self._starts else ""
            after = self._flow_report.flow(flow, slots)
            report, settled = self._flow_report.report(before, SETTLED in state.slots, after, moves, intent_flow)
        if settled:
            slots[SETTLED] = "1"
        customer_id = customer.customer_id if customer else ""

        if flow_step is not None and flow_step.erased:
            # Erased at the customer's request: nothing of this conversation is written back.
            return Turn(Reply("\n\n".join(parts)), language, intent, confidence, True, understood.translation,
                        customer_id=customer_id, flows=report)  # fmt: skip
        reply = Reply("\n\n".join(parts), choices=choices, link=link, menu_label=menu_label) if parts else None
        translation = understood.translation
        if reply is not None and foreign:
            names = flow_step.protect if flow_step is not None else ()
            reply, translation = self._interpreter.localise(reply, language, translation, names)
        self._save(
            replace(
                state,
                customer_id=customer.customer_id if customer else None,
                customer=customer,
                customer_read_at=now if proof and proof.customer else recognised.read_at,
                language=language,
                last_order_id=last_order_id,
                updated_at=now,
                flow=flow,
                step=step,
                slots=slots,
                misunderstood=misunderstood,
                handoff_at=state.handoff_at if with_person else now if handoff else None,
                verified_customer_id=(
                    proof.customer.customer_id if proof and proof.customer else state.verified_customer_id
                ),
                verify_failures=proof.failures if proof else state.verify_failures,
                verify_locked_until=proof.locked_until if proof else state.verify_locked_until,
                rating_asked_at=rating_asked_at,
            ),
            message,
            reply,
            PIVOT_LANGUAGE if translation is TranslationUse.FAILED else language,
        )
        return Turn(
            reply=reply,
            language=language,
            intent=intent,
            confidence=confidence,
            known_customer=customer is not None,
            translation=translation,
            handoff=handoff,
            rating=flow_step.rating if flow_step else None,
            commented=flow_step.commented if flow_step else False,
            customer_id=customer_id,
            flows=report,
            # Not understood: its words with anything identifying removed, for the report's top unrecognised.
            unrecognised=redact(message.text, ((customer.name or "") if customer else "", message.profile_name))
            if misunderstood or handoff == "misunderstood"
            else None,
            rating_requested=rating_asked_at != state.rating_asked_at,
        )

    def _save(self, state: ConversationState, message: InboundMessage, reply: Reply | None, language: str,
              with_person: bool = False) -> None:  # fmt: skip
        """The state, and in one write the message and the reply (in `language`) for the log: the message alone
        while a person has the conversation (it is theirs to answer)."""
        if self._message_log is None:
            return self._conversations.save(state)
        self._message_log.save_turn(state, turn_entries(message, reply, state.language, language, with_person))

    def _product_names(self, message: InboundMessage, language: str) -> tuple[str, ...]:
        """Product names in a message bound for translation: proper names, they reach English as they are."""
        if self._products is None or not self._interpreter.needs_translation(language):
            return ()
        return product_names_in(self._products, message.text)

    def _channel_hint(self, message: InboundMessage) -> str | None:
        if message.channel is Channel.WHATSAPP:
            return language_of_number(message.sender_id, self._catalogs.languages)
        return message.locale_hint[:2].lower() or None

    @staticmethod
    def _welcome(catalog: Catalog, customer: Customer | None) -> str:
        if customer and customer.name:
            return catalog.render("welcome", name=customer.name.split()[0])
        return catalog.render("welcome_anonymous")

    @staticmethod
    def _greeting(catalog: Catalog, customer: Customer | None) -> str:
        if customer and customer.name:
            return catalog.render("greeting", name=customer.name.split()[0])
        return catalog.render("greeting_anonymous")
