"""A yes whose reply fails to send: the turn is saved (the change made, the question closed) before the send, so the
message delivered again must be answered with the reply the turn composed, not by running the dialogue again (which
would find no question open and answer "sorry, I don't understand"). For every flow that asks a yes/no question, in
two languages: the customer reads the confirmation once, and the change is made once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fakes import (
    InMemoryConversations,
    InMemoryCustomers,
    InMemoryMessageLog,
    InMemoryOrders,
    InMemoryProducts,
    InMemoryReturns,
    InMemorySubscriptions,
)
from parley.channels.base import SendProgress
from parley.channels.meta import GraphApiError
from parley.channels.model import Channel, InboundMessage, MessageKind
from parley.channels.replies import Reply
from parley.dialogue.outbox import Outbox
from parley.domain.records import OrderStatus, Product, Subscription, SubscriptionStatus
from parley.fulfillment.processing import Delivery, MessageProcessor
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
RENEWAL = datetime(2026, 12, 1, tzinfo=UTC)


class FlakySender:
    """A WhatsApp sender whose next `fail` sends fail as a Graph API server error does (retryable), and which
    records what the customer was shown."""

    channel = Channel.WHATSAPP

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.fail = 0

    def acknowledge(self, to: InboundMessage) -> bool:
        return True

    def send(self, to: InboundMessage, reply: Reply, progress: SendProgress | None = None) -> None:
        if self.fail:
            self.fail -= 1
            raise GraphApiError(500, 2, "An unexpected error has occurred. Please retry your request later.")
        self.shown.append(reply.text)
        if progress is not None:
            progress.confirmed("wamid.sent")


class Counting:
    """Counts the calls to a store's methods that change something."""

    def __init__(self, store: Any, *changes: str) -> None:
        self._store, self.calls = store, 0
        for name in changes:
            setattr(self, name, self._counted(getattr(store, name)))

    def _counted(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return method(*args, **kwargs)

        return call

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class CountingLog(InMemoryMessageLog):
    erasures = 0

    def erase_conversation(self, conversation_id: str) -> int:
        self.erasures += 1
        return super().erase_conversation(conversation_id)


@dataclass
class Shop:
    kim: Any
    processor: MessageProcessor
    sender: FlakySender
    changes: Callable[[], int]
    returns: Any

    def say(self, text: str, **overrides: Any) -> InboundMessage:
        message = inbound(text, sender=self.kim.phone, timestamp=int(NOW.timestamp()), **overrides)
        self.processor.process(message)
        return message

    def tap(self, payload: str) -> InboundMessage:
        return self.say("…", kind=MessageKind.BUTTON_REPLY, payload=payload)


def plan(sku: str, name: str, price: str) -> Product:
    return Product(sku, name, price=Decimal(price), currency="EUR", attributes=(("category", "plan"),))


def shop(language: str, changed: str, status: SubscriptionStatus = SubscriptionStatus.ACTIVE) -> Shop:
    """A customer writing in `language` with an open order, a delivered one and a subscription; `changed` names
    the store whose changes are counted."""
    kim = customer(name="Kim Lee", phone="33612345678", language=language, email="kim.lee@example.com")
    orders = InMemoryOrders(
        [
            order(kim, order_id="ORD-310006", status=OrderStatus.PROCESSING),
            order(kim, order_id="ORD-310007", status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=3),
                  placed_at=NOW - timedelta(days=9)),
        ]
    )  # fmt: skip
    subscription = Subscription("SUB-K1", kim.customer_id, "Club Basic", status, RENEWAL, Decimal("9.99"), "EUR")
    stores: dict[str, Any] = {
        "orders": Counting(orders, "cancel"),
        "returns": Counting(InMemoryReturns(orders), "start_return"),
        "subscriptions": Counting(InMemorySubscriptions([subscription]), "change_status", "change_plan"),
    }
    conversations = InMemoryConversations()
    log = CountingLog(conversations)
    service = conversation_service(
        customers=InMemoryCustomers([kim]), conversations=conversations, message_log=log, clock=lambda: NOW,
        products=InMemoryProducts([plan("PLAN-BASIC", "Club Basic", "9.99"), plan("PLAN-PLUS", "Club Plus", "19.99")]),
        **stores,
    )  # fmt: skip
    sender = FlakySender()
    processor = MessageProcessor(service, {Channel.WHATSAPP: sender}, outbox=Outbox(log), clock=NOW.timestamp)  # type: ignore[arg-type]
    counted = (lambda: log.erasures) if changed == "log" else (lambda: stores[changed].calls)
    return Shop(kim, processor, sender, counted, stores["returns"])


YES = {"fr": "oui", "es": "sí"}
# Each flow: what to say or tap to reach its question, the store it changes, the confirmation the yes gets.
FLOWS: dict[str, tuple[dict[str, list[str]], str, str, dict[str, Any], SubscriptionStatus]] = {
    "cancel order": (
        {"fr": ["je veux annuler la commande ORD-310006"], "es": ["quiero cancelar el pedido ORD-310006"]},
        "orders", "order.cancel_done", {"order_id": "ORD-310006"}, SubscriptionStatus.ACTIVE,
    ),
    "return": (
        {"fr": ["je veux retourner la commande ORD-310007"], "es": ["quiero devolver el pedido ORD-310007"]},
        "returns", "return.started", {"order_id": "ORD-310007"}, SubscriptionStatus.ACTIVE,
    ),
    "pause subscription": (
        {"fr": ["je voudrais mettre mon abonnement en pause"], "es": ["quiero pausar mi suscripción"]},
        "subscriptions", "subscription.paused_done", {"plan": "Club Basic"}, SubscriptionStatus.ACTIVE,
    ),
    "resume subscription": (
        {"fr": ["bonjour", "tap:subscription_action:resume:SUB-K1"],
         "es": ["hola", "tap:subscription_action:resume:SUB-K1"]},
        "subscriptions", "subscription.resumed_done", {"plan": "Club Basic"}, SubscriptionStatus.PAUSED,
    ),
    "cancel subscription": (
        {"fr": ["bonjour", "tap:subscription_action:cancel_plan:SUB-K1"],
         "es": ["hola", "tap:subscription_action:cancel_plan:SUB-K1"]},
        "subscriptions", "subscription.cancelled_done", {"plan": "Club Basic"}, SubscriptionStatus.ACTIVE,
    ),
    "change plan": (
        {"fr": ["bonjour", "tap:subscription_action:change_plan:SUB-K1", "tap:plan:PLAN-PLUS"],
         "es": ["hola", "tap:subscription_action:change_plan:SUB-K1", "tap:plan:PLAN-PLUS"]},
        "subscriptions", "subscription.plan_done", {"plan": "Club Plus"}, SubscriptionStatus.ACTIVE,
    ),
    "delete my data": (
        {"fr": ["supprimez mes données personnelles s'il vous plaît"],
         "es": ["borren mis datos personales, por favor"]},
        "log", "privacy.erased", {}, SubscriptionStatus.ACTIVE,
    ),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(YES))
@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_a_yes_whose_reply_failed_is_answered_with_its_confirmation_once_and_changes_once(flow, language):
    steps, changed, done_key, values, status = FLOWS[flow]
    catalog = CATALOGS[language]
    kim = shop(language, changed, status)
    for step in steps[language]:
        kim.tap(step.removeprefix("tap:")) if step.startswith("tap:") else kim.say(step)
    kim.sender.fail = 1  # Meta fails the confirmation's send, after the turn was saved
    yes = inbound(YES[language], sender=kim.kim.phone, timestamp=int(NOW.timestamp()))
    with pytest.raises(GraphApiError):
        kim.processor.process(yes)
    made = kim.changes()
    shown_before = list(kim.sender.shown)

    kim.processor.process(yes, Delivery(receive_count=2))  # SQS delivers it again

    [confirmation] = kim.sender.shown[len(shown_before) :]
    if flow == "change plan":
        values = values | {"amount": catalog.money(Decimal("19.99"), "EUR")}
    if flow == "return":
        [started] = kim.returns.returns_for_customer(kim.kim.customer_id)
        values = values | {"return_id": started.return_id}
    assert catalog.render(done_key, **values) in confirmation
    assert made == 1 and kim.changes() == 1  # made with the first delivery, not again
