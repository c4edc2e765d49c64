"""Subscriptions in conversation: plan, status, renewal date and price; pausing, resuming, cancelling and changing
plan, each said exactly and done only after a yes; what cannot be done explained; only the customer's own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProducts, InMemorySubscriptions
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import Product, Subscription, SubscriptionStatus
from parley.domain.rules import CANCEL, PAUSE
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
RENEWAL = date(2026, 12, 1)
CATALOGS = catalogs()
EN, ES = CATALOGS["en"], CATALOGS["es"]

EMILY = customer(name="Emily Carter", phone="14155550123", language="en", email="emily.carter@example.com")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", language="es")
BOB = customer(name="Bob Stone", phone="14155550456", language="en")
DANIEL = customer(name="Daniel Okafor", phone="447700900123", language="en")
NOBODY = customer(name="Nadia Novak", phone="14155550789", language="en")
STRANGER = "12025550199"


def plan(sku: str, name: str, price: str, currency: str) -> Product:
    return Product(sku, name, price=Decimal(price), currency=currency, attributes=(("category", "plan"),))


PLANS = [
    plan("PLAN-SOCK-MONTH", "Sock Club Monthly", "19.00", "USD"),
    plan("PLAN-SOCK-YEAR", "Sock Club Yearly", "190.00", "USD"),
    plan("PLAN-CLUB-BASIC", "Club Básico", "9.99", "EUR"),
    plan("PLAN-CLUB-PREMIUM", "Club Premium", "19.99", "EUR"),
    # Not a plan, whatever its price and currency: never offered as one.
    Product("SKU-SOCKS", "Merino Hiking Socks", price=Decimal("5.45"), currency="USD",
            attributes=(("category", "accessories"),)),
]  # fmt: skip


def subscription(owner: Any, subscription_id: str, plan_name: str, **overrides: Any) -> Subscription:
    values: dict[str, Any] = {
        "subscription_id": subscription_id,
        "customer_id": owner.customer_id,
        "plan": plan_name,
        "status": SubscriptionStatus.ACTIVE,
        "renews_at": datetime(2026, 12, 1, tzinfo=UTC),
        "price": Decimal("19.00"),
        "currency": "USD",
    }
    return Subscription(**(values | overrides))


@pytest.fixture
def subscriptions() -> InMemorySubscriptions:
    return InMemorySubscriptions(
        [
            subscription(EMILY, "SUB-E1", "Sock Club Monthly"),
            subscription(LUCIA, "SUB-L1", "Club Básico", price=Decimal("9.99"), currency="EUR"),
            subscription(LUCIA, "SUB-L2", "Caja Gourmet", price=Decimal("24.50"), currency="EUR",
                         status=SubscriptionStatus.PAUSED, renews_at=datetime(2026, 12, 15, tzinfo=UTC)),
            subscription(BOB, "SUB-B1", "Sock Club Monthly", status=SubscriptionStatus.CANCELLED),
            subscription(DANIEL, "SUB-D1", "Sock Club Monthly", price=Decimal("12.00"), currency="GBP"),
        ]
    )  # fmt: skip


@pytest.fixture
def service(subscriptions: InMemorySubscriptions) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA, BOB, DANIEL, NOBODY]),
        orders=InMemoryOrders([order(EMILY, order_id="ORD-104233")]),
        conversations=InMemoryConversations(),
        subscriptions=subscriptions,
        products=InMemoryProducts(PLANS),
        clock=lambda: TODAY,
    )


def say(service: DialogueEngine, text: str, who: Any = EMILY, **overrides: Any):
    sender = who if isinstance(who, str) else who.phone
    return service.respond(inbound(text, sender=sender, **overrides))


def tap(service: DialogueEngine, payload: str, who: Any = EMILY, title: str = "…"):
    return say(service, title, who, kind=MessageKind.BUTTON_REPLY, payload=payload)


def ids(turn) -> list[str]:
    return [c.id for c in turn.reply.choices]


def status(subscriptions: InMemorySubscriptions, subscription_id: str) -> SubscriptionStatus:
    return subscriptions.items[subscription_id].status


# --- what the customer has ------------------------------------------------------------------------------------------


def test_the_plan_status_renewal_date_and_price_are_shown(service) -> None:
    say(service, "hi")
    shown = say(service, "what's my subscription?")

    assert shown.intent is Intent.SUBSCRIPTION
    assert first_paragraph(shown) == " ".join(
        [
            EN.render("subscription.active", plan="Sock Club Monthly"),
            EN.render("subscription.renews", date=EN.date(RENEWAL)),
            EN.render("subscription.price", amount=EN.money(Decimal("19.00"), "USD")),
        ]
    )
    assert "December 1, 2026" in shown.reply.text and "$19.00" in shown.reply.text
    assert ids(shown) == [
        "subscription_action:change_plan:SUB-E1",
        "subscription_action:pause:SUB-E1",
        "subscription_action:cancel_plan:SUB-E1",
    ]


def test_several_subscriptions_are_listed_each_with_its_own_details_in_spanish(service) -> None:
    say(service, "hola", LUCIA)
    shown = say(service, "¿qué suscripciones tengo?", LUCIA)

    lines = shown.reply.text.split("\n")
    assert lines[0] == ES.render("subscription.list")
    assert ES.render("subscription.active", plan="Club Básico") in lines[1]
    assert ES.date(RENEWAL) in lines[1] and ES.money(Decimal("9.99"), "EUR") in lines[1]
    assert ES.render("subscription.paused", plan="Caja Gourmet") in lines[2]
    assert ES.money(Decimal("24.50"), "EUR") in lines[2]
    # Actions for some of them: a tap then asks which one.
    assert ids(shown) == [
        "subscription_action:change_plan",
        "subscription_action:pause",
        "subscription_action:resume",
        "subscription_action:cancel_plan",
    ]


def test_a_customer_without_subscriptions_is_told_so(service) -> None:
    say(service, "hi", NOBODY)

    assert say(service, "when does my subscription renew?", NOBODY).reply.text == EN.render("subscription.none")


# --- pause, resume, cancel: only after a yes ---------------------------------------------------------------------


def test_a_pause_is_said_exactly_and_happens_only_after_a_yes(service, subscriptions) -> None:
    say(service, "hi")
    asked = say(service, "I'd like to pause my subscription")

    assert first_paragraph(asked) == EN.render(
        "subscription.pause_confirm", plan="Sock Club Monthly", date=EN.date(RENEWAL)
    )
    assert ids(asked) == ["confirm:yes", "confirm:no"]
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.ACTIVE

    done = say(service, "yes")

    assert first_paragraph(done) == EN.render("subscription.paused_done", plan="Sock Club Monthly")
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.PAUSED


@pytest.mark.parametrize(
    "request_text",
    ["please cancel my subscription", "pause my subscription", "switch my subscription to the yearly plan"],
)
def test_a_no_changes_nothing(service, subscriptions, request_text: str) -> None:
    say(service, "hi")
    say(service, request_text)
    before = subscriptions.items["SUB-E1"]

    kept = say(service, "no")

    assert first_paragraph(kept) == EN.render("subscription.kept", plan="Sock Club Monthly")
    assert subscriptions.items["SUB-E1"] == before
    say(service, "yes")
    assert subscriptions.items["SUB-E1"] == before  # a late yes confirms nothing


def test_a_cancel_states_the_renewal_that_will_not_happen_and_a_second_cancel_is_explained(
    service, subscriptions
) -> None:
    say(service, "hi")
    asked = say(service, "please cancel my subscription")

    assert first_paragraph(asked) == EN.render(
        "subscription.cancel_confirm", plan="Sock Club Monthly", date=EN.date(RENEWAL)
    )
    assert "won't" not in asked.reply.text and "December 1, 2026" in asked.reply.text
    assert first_paragraph(say(service, "yes")) == EN.render("subscription.cancelled_done", plan="Sock Club Monthly")
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.CANCELLED

    again = say(service, "cancel my subscription please")

    assert first_paragraph(again) == EN.render("subscription.already_cancelled", plan="Sock Club Monthly")
    assert again.reply.choices == ()


def test_a_yes_after_someone_else_cancelled_it_is_explained_not_repeated(service, subscriptions) -> None:
    say(service, "hi")
    say(service, "please cancel my subscription")
    subscriptions.change_status(
        "SUB-E1", EMILY.customer_id, CANCEL
    )  # cancelled meanwhile (the shop's staff, another device)

    answered = say(service, "yes")

    assert first_paragraph(answered) == EN.render("subscription.already_cancelled", plan="Sock Club Monthly")


def test_a_cancelled_subscription_cannot_be_paused_and_says_why(service, subscriptions) -> None:
    say(service, "hi", BOB)
    refused = say(service, "pause my subscription", BOB)

    assert first_paragraph(refused) == EN.render("subscription.not_allowed", plan="Sock Club Monthly")
    assert not [c for c in refused.reply.choices if not c.id.startswith("rating:")]  # nothing to do but rate us
    assert status(subscriptions, "SUB-B1") is SubscriptionStatus.CANCELLED
    # Shown, a cancelled subscription offers nothing to do.
    shown = say(service, "what's my subscription?", BOB)
    assert not [c for c in shown.reply.choices if not c.id.startswith("rating:")]


def test_pausing_a_paused_subscription_is_explained(service, subscriptions) -> None:
    say(service, "hi")
    say(service, "pause my subscription")
    say(service, "yes")

    assert say(service, "pause my subscription").reply.text == EN.render(
        "subscription.already_paused", plan="Sock Club Monthly"
    )


def test_a_paused_subscription_is_resumed_from_the_buttons_after_a_yes(service, subscriptions) -> None:
    subscriptions.change_status("SUB-E1", EMILY.customer_id, PAUSE)
    say(service, "hi")
    shown = say(service, "show me my subscription")
    assert shown.reply.text.startswith(EN.render("subscription.paused", plan="Sock Club Monthly"))
    assert "subscription_action:resume:SUB-E1" in ids(shown)
    assert "subscription_action:pause:SUB-E1" not in ids(shown)

    asked = tap(service, "subscription_action:resume:SUB-E1", title="Resume")

    assert first_paragraph(asked) == EN.render(
        "subscription.resume_confirm", plan="Sock Club Monthly", date=EN.date(RENEWAL)
    )
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.PAUSED
    done = tap(service, "confirm:yes", title="Yes")
    assert first_paragraph(done) == EN.render("subscription.resumed_done", plan="Sock Club Monthly")
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.ACTIVE


def test_with_several_subscriptions_the_customer_picks_which_one(service, subscriptions) -> None:
    say(service, "hola", LUCIA)
    asked = say(service, "quiero cancelar mi suscripción", LUCIA)

    assert first_paragraph(asked) == ES.render("subscription.which")
    assert ids(asked) == ["subscription:SUB-L1", "subscription:SUB-L2"]
    assert [c.title for c in asked.reply.choices] == ["Club Básico", "Caja Gourmet"]

    confirm = say(service, "Caja Gourmet", LUCIA, kind=MessageKind.LIST_REPLY, payload="subscription:SUB-L2")
    # Paused: no renewal is due, so none is promised away.
    assert first_paragraph(confirm) == ES.render("subscription.cancel_confirm_undated", plan="Caja Gourmet")
    say(service, "sí", LUCIA)

    assert status(subscriptions, "SUB-L2") is SubscriptionStatus.CANCELLED
    assert status(subscriptions, "SUB-L1") is SubscriptionStatus.ACTIVE


# --- changing plan ------------------------------------------------------------------------------------------------


def test_the_plans_offered_are_those_in_the_subscriptions_currency_and_the_change_follows_a_yes(
    service, subscriptions
) -> None:
    say(service, "hi")
    offered = say(service, "can I change my plan?")

    assert first_paragraph(offered) == EN.render("subscription.plan_which", plan="Sock Club Monthly")
    assert ids(offered) == ["plan:PLAN-SOCK-YEAR"]  # not its own plan, no euro plan, no socks

    asked = say(service, "Sock Club Yearly", kind=MessageKind.LIST_REPLY, payload="plan:PLAN-SOCK-YEAR")

    assert first_paragraph(asked) == EN.render(
        "subscription.plan_confirm", plan="Sock Club Yearly", amount="$190.00", date=EN.date(RENEWAL)
    )
    assert subscriptions.items["SUB-E1"].plan == "Sock Club Monthly"
    done = say(service, "yes please")

    assert first_paragraph(done) == EN.render("subscription.plan_done", plan="Sock Club Yearly", amount="$190.00")
    changed = subscriptions.items["SUB-E1"]
    assert (changed.plan, changed.price, changed.status) == (
        "Sock Club Yearly",
        Decimal("190.00"),
        SubscriptionStatus.ACTIVE,
    )


def test_a_plan_named_in_the_message_is_confirmed_directly(service, subscriptions) -> None:
    say(service, "hola", LUCIA)
    asked = say(service, "quiero cambiar al plan premium", LUCIA)

    # Lucía has two subscriptions: the one to change comes first, then the plan she named.
    assert ids(asked) == ["subscription:SUB-L1", "subscription:SUB-L2"]
    confirm = say(service, "Club Básico", LUCIA, kind=MessageKind.LIST_REPLY, payload="subscription:SUB-L1")
    assert first_paragraph(confirm) == ES.render(
        "subscription.plan_confirm",
        plan="Club Premium",
        amount=ES.money(Decimal("19.99"), "EUR"),
        date=ES.date(RENEWAL),
    )
    say(service, "sí", LUCIA)

    assert subscriptions.items["SUB-L1"].plan == "Club Premium"
    assert subscriptions.items["SUB-L1"].price == Decimal("19.99")
    assert subscriptions.items["SUB-L2"].plan == "Caja Gourmet"


def test_without_a_plan_in_its_currency_no_change_is_offered(service, subscriptions) -> None:
    say(service, "hi", DANIEL)
    shown = say(service, "what plan am I on?", DANIEL)
    assert not any("change_plan" in c for c in ids(shown))

    answered = say(service, "I want to change my plan", DANIEL)

    assert first_paragraph(answered) == EN.render("subscription.no_plans", plan="Sock Club Monthly")
    assert subscriptions.items["SUB-D1"].plan == "Sock Club Monthly"


# --- only the customer's own ----------------------------------------------------------------------------------------


def test_another_customers_subscription_is_never_shown_or_changed(service, subscriptions) -> None:
    lucias = dict(subscriptions.items)
    say(service, "hi")

    named = say(service, "please cancel my subscription SUB-L1")
    assert "Club Básico" not in named.reply.text and "SUB-L1" not in named.reply.text
    assert first_paragraph(named) == EN.render(
        "subscription.cancel_confirm", plan="Sock Club Monthly", date=EN.date(RENEWAL)
    )
    say(service, "no")

    for payload in ("subscription_action:cancel_plan:SUB-L1", "subscription:SUB-L1"):
        forged = tap(service, payload)
        assert first_paragraph(forged) == EN.render("subscription.not_found"), payload
        say(service, "yes")

    assert subscriptions.items["SUB-L1"] == lucias["SUB-L1"]
    assert subscriptions.items["SUB-L2"] == lucias["SUB-L2"]


def test_an_unknown_sender_proves_who_they_are_before_any_subscription_is_shown(service, subscriptions) -> None:
    asked = say(service, "pause my subscription", STRANGER)

    assert EN.render("verify.ask") in asked.reply.text
    assert "Sock Club" not in asked.reply.text
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.ACTIVE

    proven = say(service, "ORD-104233 emily.carter@example.com", STRANGER)

    assert EN.render("verify.done") in proven.reply.text
    assert EN.render("subscription.active", plan="Sock Club Monthly") in proven.reply.text
    assert status(subscriptions, "SUB-E1") is SubscriptionStatus.ACTIVE  # shown, not yet paused


# --- every language, in its own words ---------------------------------------------------------------------------

IN_THEIR_WORDS = {
    "en": ("I'd like to pause my subscription", "yes"),
    "es": ("quiero pausar mi suscripción", "sí"),
    "pt": ("quero pausar minha assinatura", "sim"),
    "fr": ("je voudrais mettre mon abonnement en pause", "oui"),
    "de": ("ich möchte mein Abo pausieren", "ja"),
    "it": ("vorrei mettere in pausa il mio abbonamento", "sì"),
    "hi": ("मुझे अपनी सब्सक्रिप्शन कुछ समय के लिए रोकनी है", "हाँ"),
    "id": ("saya ingin menjeda langganan saya", "ya"),
    "ar": ("أريد إيقاف اشتراكي مؤقتًا", "نعم"),
    "tr": ("aboneliğimi dondurmak istiyorum", "evet"),
    "ru": ("хочу приостановить мою подписку", "да"),
    "zh": ("我想暂停我的订阅", "好的"),
}


def test_every_native_language_is_covered() -> None:
    assert set(IN_THEIR_WORDS) == set(CATALOGS.languages)


@pytest.mark.parametrize("language", sorted(IN_THEIR_WORDS))
def test_a_pause_in_the_customers_own_words_and_language(language: str) -> None:
    request, yes = IN_THEIR_WORDS[language]
    someone = customer(phone="15550001000", language=language)
    subscriptions = InMemorySubscriptions([subscription(someone, "SUB-X1", "Sock Club Monthly")])
    service = conversation_service(
        customers=InMemoryCustomers([someone]),
        orders=InMemoryOrders(),
        conversations=InMemoryConversations(),
        subscriptions=subscriptions,
        products=InMemoryProducts(PLANS),
        clock=lambda: TODAY,
    )
    catalog = CATALOGS[language]

    asked = say(service, request, someone)

    assert asked.language == language
    # After the welcome (a first message), the question.
    assert asked.reply.text.split("\n\n")[-1] == catalog.render(
        "subscription.pause_confirm", plan="Sock Club Monthly", date=catalog.date(RENEWAL)
    )
    assert status(subscriptions, "SUB-X1") is SubscriptionStatus.ACTIVE
    done = say(service, yes, someone)
    assert first_paragraph(done) == catalog.render("subscription.paused_done", plan="Sock Club Monthly")
    assert status(subscriptions, "SUB-X1") is SubscriptionStatus.PAUSED
