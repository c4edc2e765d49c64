"""The conversation service: one inbound message in, one reply out, with the conversation's memory updated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from parley.channels.model import InboundMessage
from parley.channels.replies import Reply
from parley.data.records import Customer
from parley.data.repositories import (
    ConversationRepository,
    ConversationState,
    CustomerRepository,
    OrderRepository,
)
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.orders import describe_order, pick_order
from parley.i18n import Catalog, Catalogs
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent, NaiveBayesIntents

_NOT_YET = {
    Intent.CANCEL_ORDER,
    Intent.RETURN_REFUND,
    Intent.INVOICE,
    Intent.PAYMENT,
    Intent.SUBSCRIPTION,
    Intent.PRODUCT_INFO,
    Intent.TECH_SUPPORT,
    Intent.HUMAN_AGENT,
    Intent.CHANGE_LANGUAGE,
    Intent.DELETE_DATA,
}


@dataclass(frozen=True)
class Turn:
    """What one message led to: the reply, and what analytics and logs may know about it (no content)."""

    reply: Reply
    language: str
    intent: Intent
    confidence: float
    known_customer: bool


class ConversationService:
    def __init__(
        self,
        customers: CustomerRepository,
        orders: OrderRepository,
        conversations: ConversationRepository,
        catalogs: Catalogs,
        language: ConversationLanguage,
        intents: NaiveBayesIntents,
        order_ids: OrderIdFinder,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._customers = customers
        self._orders = orders
        self._conversations = conversations
        self._catalogs = catalogs
        self._language = language
        self._intents = intents
        self._order_ids = order_ids
        self._clock = clock

    def respond(self, message: InboundMessage) -> Turn:
        state = self._conversations.get(message.conversation_key)
        first_message = state is None
        state = state or ConversationState(conversation_id=message.conversation_key)
        # Looked up on every message: a sender linked to a customer since the last message is recognised.
        customer = self._customers.by_channel_id(message.channel, message.sender_id)
        language = self._language.choose(message.text, state.language, customer.language if customer else None)
        catalog = self._catalogs[language]

        classification = self._intents.classify(message.text)
        order_id = self._order_ids.find(message.text)
        intent = classification.intent
        # A bare order number, or one with little else around it, means "what about this order?"
        small_talk = {Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.ORDER_STATUS}
        if order_id and intent not in small_talk and (intent is Intent.OUT_OF_SCOPE or classification.confidence < 0.8):
            intent = Intent.ORDER_STATUS

        parts: list[str] = []
        last_order_id = state.last_order_id
        if first_message:
            parts.append(self._welcome(catalog, customer))
        if intent in {Intent.GREETING, Intent.THANKS, Intent.GOODBYE} and first_message:
            pass  # "ok", "thanks" or "hi" as a first message: the welcome is the whole answer
        elif intent is Intent.GREETING:
            parts.append(self._greeting(catalog, customer))
        elif intent is Intent.ORDER_STATUS:
            text, last_order_id = self._order_status(catalog, customer, order_id, state.last_order_id)
            parts.append(text)
        elif intent is Intent.THANKS:
            parts.append(catalog.render("thanks"))
        elif intent is Intent.GOODBYE:
            parts.append(catalog.render("goodbye"))
        elif intent in _NOT_YET:
            parts.append(catalog.render("not_yet"))
        else:
            parts.append(catalog.render("fallback"))

        self._conversations.save(
            replace(
                state,
                customer_id=customer.customer_id if customer else None,
                language=language,
                last_order_id=last_order_id,
                updated_at=int(self._clock().timestamp()),
            )
        )
        return Turn(
            reply=Reply("\n\n".join(parts)),
            language=language,
            intent=intent,
            confidence=classification.confidence,
            known_customer=customer is not None,
        )

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

    def _order_status(
        self, catalog: Catalog, customer: Customer | None, order_id: str | None, remembered: str | None
    ) -> tuple[str, str | None]:
        if customer is None:
            return catalog.render("identity.unknown"), None
        today = self._clock().date()
        wanted = order_id or remembered
        if wanted:
            order = self._orders.get(wanted)
            # Someone else's order and a missing one get the same answer: nothing about it leaks.
            if order is None or order.customer_id != customer.customer_id:
                if order_id:
                    return catalog.render("order.not_found", order_id=order_id), remembered
            else:
                return describe_order(order, catalog, today), order.order_id
        chosen, others = pick_order(self._orders.for_customer(customer.customer_id))
        if chosen is None:
            return catalog.render("order.none"), None
        text = describe_order(chosen, catalog, today)
        if others and not remembered:
            text += "\n" + catalog.render("order.others", order_ids=", ".join(o.order_id for o in others))
        return text, chosen.order_id
