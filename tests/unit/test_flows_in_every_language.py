"""Each flow, in each of the twelve native languages, in that language's own words: a return after a yes, a
person on request, a troubleshooting guide, proving who you are, and erasing your data. (Orders, cancelling,
billing, subscriptions, products and the rating have their own twelve-language tests beside their flows.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders, InMemoryReturns
from parley.domain.records import LoggedMessage, MessageDirection, OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)

YES = {
    "en": "yes", "es": "sí", "pt": "sim", "fr": "oui", "de": "ja", "it": "sì", "hi": "हाँ", "id": "ya",
    "ar": "نعم", "tr": "evet", "ru": "да", "zh": "是的",
}  # fmt: skip
RETURN = {
    "en": "I want to return order {}", "es": "quiero devolver el pedido {}", "pt": "quero devolver o pedido {}",
    "fr": "je veux retourner la commande {}", "de": "ich möchte die Bestellung {} zurücksenden",
    "it": "vorrei restituire l'ordine {}", "hi": "मुझे ऑर्डर {} वापस करना है", "id": "saya mau retur pesanan {}",
    "ar": "أريد إرجاع الطلب {}", "tr": "{} siparişini iade etmek istiyorum", "ru": "хочу вернуть заказ {}",
    "zh": "我想退货，订单 {}",
}  # fmt: skip
PERSON = {
    "en": "can I talk to a real person please", "es": "quiero hablar con una persona",
    "pt": "quero falar com um atendente", "fr": "je voudrais parler à un conseiller",
    "de": "ich möchte mit einem Mitarbeiter sprechen", "it": "vorrei parlare con un operatore",
    "hi": "मुझे किसी इंसान से बात करनी है", "id": "saya mau bicara dengan CS manusia",
    "ar": "أريد التحدث مع موظف خدمة العملاء", "tr": "bir müşteri temsilcisiyle görüşmek istiyorum",
    "ru": "соедините меня с оператором", "zh": "我要找人工客服",
}  # fmt: skip
PROBLEM = {
    # A device that does not work (logging in is the account's business since the account intent came).
    "en": "my router's wifi stopped working, no internet at all",
    "es": "el wifi del router no funciona, no se conecta a la red",
    "pt": "o wifi do roteador parou, não conecta na rede", "fr": "le wifi de ma box ne marche plus, pas d'internet",
    "de": "das WLAN vom Router geht nicht, kein Internet", "it": "il wifi del router non funziona, niente internet",
    "hi": "मेरे राउटर का वाईफ़ाई काम नहीं कर रहा, इंटरनेट नहीं चल रहा", "id": "wifi router saya mati, tidak ada internet",
    "ar": "الواي فاي في الراوتر لا يعمل ولا يوجد انترنت", "tr": "modemin wifi'ı çalışmıyor, internete bağlanmıyor",
    "ru": "не работает wifi на роутере, не подключается к интернету", "zh": "路由器的wifi连不上网了",
}  # fmt: skip
WHERE = {
    "en": "where is my order {}?", "es": "¿dónde está mi pedido {}?", "pt": "onde está meu pedido {}?",
    "fr": "où est ma commande {} ?", "de": "wo ist meine Bestellung {}?", "it": "dov'è il mio ordine {}?",
    "hi": "मेरा ऑर्डर {} कहाँ है?", "id": "di mana pesanan saya {}?", "ar": "أين طلبي {}؟",
    "tr": "{} siparişim nerede?", "ru": "где мой заказ {}?", "zh": "我的订单 {} 在哪里？",
}  # fmt: skip
ERASE = {
    "en": "please delete my personal data", "es": "borren mis datos personales, por favor",
    "pt": "quero que apaguem meus dados pessoais", "fr": "supprimez mes données personnelles s'il vous plaît",
    "de": "bitte löschen Sie meine persönlichen Daten", "it": "cancellate i miei dati personali per favore",
    "hi": "कृपया मेरा निजी डेटा डिलीट कर दीजिए", "id": "tolong hapus data pribadi saya",
    "ar": "أرجو حذف بياناتي الشخصية", "tr": "kişisel verilerimi silin lütfen", "ru": "удалите мои персональные данные",
    "zh": "请删除我的个人数据",
}  # fmt: skip


def person(language: str):
    return customer(name="Kim Lee", language=language, email=f"kim.{language}@example.com")


def say(service, who, text: str, **overrides):
    return service.respond(inbound(text, sender=overrides.pop("sender", who.phone), **overrides))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_return_is_started_after_a_yes(language):
    kim = person(language)
    orders = InMemoryOrders(
        [order(kim, order_id="ORD-610001", status=OrderStatus.DELIVERED, delivered_at=NOW - timedelta(days=3))]
    )
    returns = InMemoryReturns(orders)
    service = conversation_service(
        customers=InMemoryCustomers([kim]), orders=orders, conversations=InMemoryConversations(), clock=lambda: NOW,
        returns=returns,
    )  # fmt: skip
    catalog = CATALOGS[language]

    asked = say(service, kim, RETURN[language].format("ORD-610001"))
    before = returns.returns_for_customer(kim.customer_id)
    done = say(service, kim, YES[language])

    [started] = returns.returns_for_customer(kim.customer_id)
    assert before == [] and asked.intent is Intent.RETURN_REFUND
    assert catalog.render("return.confirm", order_id="ORD-610001") in asked.reply.text
    assert catalog.render("return.started", return_id=started.return_id, order_id="ORD-610001") in done.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_for_a_person_hands_the_conversation_over(language):
    kim = person(language)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip
    catalog = CATALOGS[language]
    say(service, kim, WHERE[language].format("ORD-1"))

    handed = say(service, kim, PERSON[language])
    quiet = say(service, kim, WHERE[language].format("ORD-1"))

    assert handed.handoff == "asked" and catalog.render("handoff.started") in handed.reply.text
    assert quiet.reply is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_problem_in_the_customers_words_gets_the_guide_step_by_step(language):
    kim = person(language)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip
    catalog = CATALOGS[language]

    first = say(service, kim, PROBLEM[language])
    solved = say(service, kim, YES[language])

    assert first.intent is Intent.TECH_SUPPORT and catalog.render("support.did_it_help") in first.reply.text
    assert catalog.render("support.solved") in solved.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_sender_proves_who_they_are_before_seeing_the_order(language):
    kim = person(language)
    orders = InMemoryOrders([order(kim, order_id="ORD-620001", carrier="DHL", tracking_number="JJD0099")])
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=orders,
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip
    catalog = CATALOGS[language]
    new_phone = "4930555000111"

    asked = say(service, kim, WHERE[language].format("ORD-620001"), sender=new_phone)
    proven = say(service, kim, kim.email, sender=new_phone)

    assert "JJD0099" not in asked.reply.text and catalog.render("verify.ask_email") in asked.reply.text
    assert catalog.render("verify.done") in proven.reply.text and "JJD0099" in proven.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_erasing_ones_data_after_a_yes(language):
    kim = person(language)
    conversations = InMemoryConversations()
    log = InMemoryMessageLog(conversations)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=InMemoryOrders(),
                                   conversations=conversations, clock=lambda: NOW, message_log=log)  # fmt: skip
    catalog = CATALOGS[language]
    key = inbound("", sender=kim.phone).conversation_key
    log.append(LoggedMessage(key, "wamid.X1", MessageDirection.IN, "hello", NOW, language))

    asked = say(service, kim, ERASE[language])
    erased = say(service, kim, YES[language])

    assert asked.intent is Intent.DELETE_DATA and catalog.render("privacy.confirm") in asked.reply.text
    assert erased.reply.text == catalog.render("privacy.erased")
    assert log.recent(key) == [] and conversations.get(key) is None
