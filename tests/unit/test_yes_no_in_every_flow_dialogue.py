"""Every flow that asks a yes-or-no question reads the customer's natural answer, in each of the twelve languages: a
return, pausing and cancelling a subscription, erasing one's data, and "did that help?" of a troubleshooting guide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fakes import (
    InMemoryConversations,
    InMemoryCustomers,
    InMemoryMessageLog,
    InMemoryOrders,
    InMemoryReturns,
    InMemorySubscriptions,
)
from parley.channels.model import MessageKind
from parley.domain.records import LoggedMessage, MessageDirection, OrderStatus, Subscription, SubscriptionStatus
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)

# A yes and a no as customers write them: letters typed twice, the word said twice, politeness, more than a word.
YES = {
    "en": "yess please, go ahead with it", "es": "siii, adelante, por favor", "pt": "simmm, pode fazer",
    "fr": "ouiii, allez-y", "de": "jaaa bitte, machen Sie das", "it": "sìì, procedi pure",
    "hi": "हाँ हाँ, कर दीजिए प्लीज़", "id": "iyaa, silakan", "ar": "نعم نعم، تفضل من فضلك", "tr": "evettt, lütfen yapın",
    "ru": "даа, давайте", "zh": "好的好的，麻烦您了",
}  # fmt: skip
NO = {
    "en": "nooo, leave it as it is", "es": "nooo, gracias", "pt": "naooo, obrigado", "fr": "nooon merci",
    "de": "neee, lieber nicht", "it": "nooo grazie", "hi": "नहीं नहीं, रहने दीजिए", "id": "nggak usah deh, makasih ya",
    "ar": "لا لا، شكرًا جزيلًا لك", "tr": "hayırrr, teşekkürler", "ru": "неее, спасибо", "zh": "不用不用，谢谢您",
}  # fmt: skip
RETURN = {
    "en": "I want to return order {}", "es": "quiero devolver el pedido {}", "pt": "quero devolver o pedido {}",
    "fr": "je veux retourner la commande {}", "de": "ich möchte die Bestellung {} zurücksenden",
    "it": "vorrei restituire l'ordine {}", "hi": "मुझे ऑर्डर {} वापस करना है", "id": "saya mau retur pesanan {}",
    "ar": "أريد إرجاع الطلب {}", "tr": "{} siparişini iade etmek istiyorum", "ru": "хочу вернуть заказ {}",
    "zh": "我想退货，订单 {}",
}  # fmt: skip
PAUSE = {
    "en": "I'd like to pause my subscription", "es": "quiero pausar mi suscripción",
    "pt": "quero pausar minha assinatura", "fr": "je voudrais mettre mon abonnement en pause",
    "de": "ich möchte mein Abo pausieren", "it": "vorrei mettere in pausa il mio abbonamento",
    "hi": "मुझे अपनी सब्सक्रिप्शन कुछ समय के लिए रोकनी है", "id": "saya ingin menjeda langganan saya",
    "ar": "أريد إيقاف اشتراكي مؤقتًا", "tr": "aboneliğimi dondurmak istiyorum", "ru": "хочу приостановить мою подписку",
    "zh": "我想暂停我的订阅",
}  # fmt: skip
ERASE = {
    "en": "please delete my personal data", "es": "borren mis datos personales, por favor",
    "pt": "quero que apaguem meus dados pessoais", "fr": "supprimez mes données personnelles s'il vous plaît",
    "de": "bitte löschen Sie meine persönlichen Daten", "it": "cancellate i miei dati personali per favore",
    "hi": "कृपया मेरा निजी डेटा डिलीट कर दीजिए", "id": "tolong hapus data pribadi saya",
    "ar": "أرجو حذف بياناتي الشخصية", "tr": "kişisel verilerimi silin lütfen", "ru": "удалите мои персональные данные",
    "zh": "请删除我的个人数据",
}  # fmt: skip


def test_every_native_language_is_covered() -> None:
    assert set(YES) == set(NO) == set(RETURN) == set(PAUSE) == set(ERASE) == set(LANGUAGES)


def person(language: str):
    return customer(name="Kim Lee", language=language)


def say(service, who, text: str, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def returns_of(kim) -> tuple[object, InMemoryReturns]:
    orders = InMemoryOrders(
        [order(kim, order_id="ORD-610001", status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=3))]
    )
    returns = InMemoryReturns(orders)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=orders, returns=returns,
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip
    return service, returns


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_return_is_started_after_a_yes_in_the_customers_words(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, returns = returns_of(kim)

    asked = say(service, kim, RETURN[language].format("ORD-610001"))
    done = say(service, kim, YES[language])

    [started] = returns.returns_for_customer(kim.customer_id)
    assert catalog.render("return.confirm", order_id="ORD-610001") in asked.reply.text
    assert catalog.render("return.started", return_id=started.return_id, order_id="ORD-610001") in done.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_no_in_the_customers_words_starts_no_return(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, returns = returns_of(kim)

    say(service, kim, RETURN[language].format("ORD-610001"))
    kept = say(service, kim, NO[language])

    assert kept.reply.text == catalog.render("flow.stopped")
    assert returns.returns_for_customer(kim.customer_id) == []


def subscriptions_of(kim) -> tuple[object, InMemorySubscriptions]:
    plan = Subscription("SUB-X1", kim.customer_id, "Sock Club Monthly", SubscriptionStatus.ACTIVE,
                        renews_at=NOW + timedelta(days=7), price=Decimal("19.00"), currency="USD")  # fmt: skip
    subscriptions = InMemorySubscriptions([plan])
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   subscriptions=subscriptions, conversations=InMemoryConversations(),
                                   clock=lambda: NOW)  # fmt: skip
    return service, subscriptions


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_subscription_is_paused_after_a_yes_in_the_customers_words(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, subscriptions = subscriptions_of(kim)

    say(service, kim, PAUSE[language])
    done = say(service, kim, YES[language])

    assert done.reply.text.startswith(catalog.render("subscription.paused_done", plan="Sock Club Monthly"))
    assert subscriptions.items["SUB-X1"].status is SubscriptionStatus.PAUSED


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_subscription_is_cancelled_after_a_yes_and_kept_after_a_no(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, subscriptions = subscriptions_of(kim)
    cancel = {"kind": MessageKind.BUTTON_REPLY, "payload": "subscription_action:cancel_plan:SUB-X1"}

    say(service, kim, catalog.render("choice.cancel_plan"), **cancel)
    kept = say(service, kim, NO[language])
    say(service, kim, catalog.render("choice.cancel_plan"), **cancel)
    done = say(service, kim, YES[language])

    assert kept.reply.text == catalog.render("subscription.kept", plan="Sock Club Monthly")
    assert done.reply.text.startswith(catalog.render("subscription.cancelled_done", plan="Sock Club Monthly"))
    assert subscriptions.items["SUB-X1"].status is SubscriptionStatus.CANCELLED


def erasure_of(kim) -> tuple[object, InMemoryMessageLog, str]:
    conversations = InMemoryConversations()
    log = InMemoryMessageLog(conversations)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   conversations=conversations, clock=lambda: NOW, message_log=log)  # fmt: skip
    key = inbound("", sender=kim.phone).conversation_key
    log.append(LoggedMessage(key, "wamid.X1", MessageDirection.IN, "hello", NOW, kim.language))
    return service, log, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_ones_data_is_erased_after_a_yes_in_the_customers_words(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, log, key = erasure_of(kim)

    say(service, kim, ERASE[language])
    erased = say(service, kim, YES[language])

    assert erased.reply.text == catalog.render("privacy.erased")
    assert log.recent(key) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_ones_data_stays_after_a_no_in_the_customers_words(language: str) -> None:
    kim, catalog = person(language), CATALOGS[language]
    service, log, key = erasure_of(kim)

    say(service, kim, ERASE[language])
    kept = say(service, kim, NO[language])

    assert kept.reply.text == catalog.render("flow.stopped")
    assert log.recent(key) != []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("yes thanks, it works now 👍", "support.solved"), ("nope, it is still not working at all", "support.step")],
)
def test_did_that_help_is_answered_in_the_customers_words(answer: str, expected: str) -> None:
    kim, catalog = person("en"), CATALOGS["en"]
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip

    say(service, kim, "my wifi keeps disconnecting")
    turn = say(service, kim, answer)

    if expected == "support.solved":
        assert catalog.render("support.solved") in turn.reply.text
    else:  # the guide's next step
        assert turn.reply.text.startswith("Step 2 of")
        assert turn.reply.text.endswith(catalog.render("support.did_it_help"))
