"""Changing an order and reporting a problem with an item, in each of the twelve native languages, in that language's
own words: a damaged or wrong item reaches a return (never troubleshooting) and is settled with a replacement after
the customer's choice, a missing one reaches a person, and a new delivery address is read back and written after a
yes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryReturns
from parley.channels.model import MessageKind
from parley.domain.records import ItemProblem, OrderItem, OrderStatus
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)
SKU = "SKU-HP-AURA"

YES = {
    "en": "yes", "es": "sí", "pt": "sim", "fr": "oui", "de": "ja", "it": "sì", "hi": "हाँ", "id": "ya",
    "ar": "نعم", "tr": "evet", "ru": "да", "zh": "是的",
}  # fmt: skip
DAMAGED = {
    "en": "my headphones arrived damaged, the left side doesn't work",
    "es": "mis auriculares llegaron rotos, el lado izquierdo no funciona",
    "pt": "meu fone de ouvido chegou quebrado, o lado esquerdo não funciona",
    "fr": "mon casque est arrivé cassé, le côté gauche ne marche pas",
    "de": "meine Kopfhörer sind beschädigt angekommen, die linke Seite geht nicht",
    "it": "le cuffie sono arrivate rotte, il lato sinistro non funziona",
    "hi": "मेरे हेडफ़ोन टूटे हुए आए, बायाँ हिस्सा काम नहीं करता",
    "id": "headphone saya datang rusak, sisi kiri tidak berfungsi",
    "ar": "وصلت السماعات تالفة، والجهة اليسرى لا تعمل",
    "tr": "kulaklığım hasarlı geldi, sol tarafı çalışmıyor",
    "ru": "наушники пришли сломанными, левый не работает",
    "zh": "我的耳机收到时是坏的，左边没有声音",
}
WRONG = {
    "en": "you sent me the wrong item", "es": "me han enviado un producto equivocado", "pt": "recebi o produto errado",
    "fr": "j'ai reçu le mauvais article", "de": "ich habe einen falschen Artikel bekommen",
    "it": "mi è arrivato un articolo sbagliato", "hi": "मुझे गलत सामान मिला है",
    "id": "barang yang saya terima salah kirim", "ar": "وصلني منتج خاطئ", "tr": "yanlış ürün geldi",
    "ru": "мне прислали не тот товар", "zh": "商家发错货了",
}  # fmt: skip
MISSING = {
    "en": "one item is missing from my order", "es": "falta un artículo en mi pedido",
    "pt": "está faltando um item no meu pedido", "fr": "il manque un article dans mon colis",
    "de": "in meinem Paket fehlt ein Artikel", "it": "manca un articolo nel mio pacco",
    "hi": "मेरे पार्सल में एक सामान गायब है", "id": "ada barang kurang di paket saya", "ar": "يوجد منتج ناقص في طلبي",
    "tr": "siparişimde bir ürün eksik", "ru": "в заказе не хватает одного товара", "zh": "我的包裹里少了一件商品",
}  # fmt: skip
# A parcel the carrier marks delivered that never came: nothing can be sent back, so a person looks into it.
MARKED_DELIVERED = {
    "en": "the tracking says delivered but I never got anything",
    "es": "pone que está entregado pero a mí no me llegó nada",
    "pt": "consta como entregue mas não recebi nada", "fr": "le suivi indique livré mais je n'ai rien reçu",
    "de": "laut Sendungsverfolgung zugestellt, aber hier ist nichts angekommen",
    "it": "risulta consegnato ma non ho ricevuto niente", "hi": "ऑर्डर डिलीवर्ड दिखा रहा है पर मुझे कुछ नहीं मिला",
    "id": "statusnya sudah diterima tapi paketnya nggak ada", "ar": "مكتوب تم التوصيل بس ما وصلني شي",
    "tr": "kargo teslim edildi görünüyor ama bana bir şey gelmedi", "ru": "пишет доставлен, но я ничего не получал",
    "zh": "物流显示已签收，但是我根本没收到",
}  # fmt: skip
CHANGE_ADDRESS = {
    "en": "I want to change the delivery address of my order",
    "es": "quiero cambiar la dirección de entrega de mi pedido",
    "pt": "quero mudar o endereço de entrega do meu pedido",
    "fr": "je voudrais changer l'adresse de livraison de ma commande",
    "de": "ich möchte die Lieferadresse meiner Bestellung ändern",
    "it": "vorrei cambiare l'indirizzo di consegna del mio ordine",
    "hi": "मुझे अपने ऑर्डर का डिलीवरी पता बदलना है",
    "id": "saya mau ganti alamat pengiriman pesanan saya",
    "ar": "أريد تغيير عنوان التوصيل لطلبي",
    "tr": "siparişimin teslimat adresini değiştirmek istiyorum",
    "ru": "хочу изменить адрес доставки моего заказа",
    "zh": "我想修改订单的收货地址",
}
ADDRESS = {
    "en": "221B Baker Street, London NW1 6XE", "es": "Calle Mayor 5, 28013 Madrid",
    "pt": "Rua Augusta 1500, apto 42, São Paulo 01304-001", "fr": "12 rue de Rivoli, 75004 Paris",
    "de": "Hauptstraße 12, 10115 Berlin", "it": "Via Roma 10, 00184 Roma", "hi": "फ़्लैट 12, एमजी रोड, बेंगलुरु 560001",
    "id": "Jl. Sudirman No. 5, Jakarta 10220", "ar": "شارع التحرير 15، القاهرة",
    "tr": "Atatürk Cad. No: 5, 34000 İstanbul",
    "ru": "ул. Тверская, д. 7, Москва, 125009", "zh": "上海市浦东新区世纪大道100号",
}  # fmt: skip


def person(language: str):
    return customer(name="Kim Lee", language=language, email=f"kim.{language}@example.com")


def say(service, who, text: str, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def shop(kim, *orders):
    kept = InMemoryOrders(list(orders))
    returns = InMemoryReturns(kept)
    service = conversation_service(customers=InMemoryCustomers([kim]), orders=kept, returns=returns,
                                   conversations=InMemoryConversations(), clock=lambda: NOW)  # fmt: skip
    return service, kept, returns


def received(kim):
    return order(kim, order_id="ORD-730001", status=OrderStatus.DELIVERED, items=(OrderItem(SKU, 1),),
                 delivered_at=NOW - timedelta(days=3))  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_damaged_item_is_offered_a_replacement_not_troubleshooting(language):
    kim = person(language)
    service, _, returns = shop(kim, received(kim))
    catalog = CATALOGS[language]

    offered = say(service, kim, DAMAGED[language])
    done = say(service, kim, catalog.render("choice.replacement"), kind=MessageKind.BUTTON_REPLY,
               payload="remedy:replacement")  # fmt: skip

    assert offered.intent is Intent.RETURN_REFUND and offered.handoff is None
    assert catalog.render("problem.damaged_item") in offered.reply.text
    assert catalog.render("problem.remedy", item=SKU, order_id="ORD-730001") in offered.reply.text
    [started] = returns.returns_for_customer(kim.customer_id)
    assert (started.reason, started.replacement) == (ItemProblem.DAMAGED, True)
    assert catalog.render("problem.replacement_started", return_id=started.return_id, order_id="ORD-730001") in (
        done.reply.text
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wrong_item_is_offered_a_replacement_or_the_money_back(language):
    kim = person(language)
    service, _, returns = shop(kim, received(kim))
    catalog = CATALOGS[language]

    offered = say(service, kim, WRONG[language])

    assert offered.intent is Intent.RETURN_REFUND
    assert catalog.render("problem.wrong_item") in offered.reply.text
    assert [c.id for c in offered.reply.choices] == ["remedy:replacement", "remedy:refund"]
    assert returns.returns_for_customer(kim.customer_id) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_item_reaches_a_person_with_the_order(language):
    kim = person(language)
    service, _, returns = shop(kim, received(kim))
    catalog = CATALOGS[language]

    turn = say(service, kim, MISSING[language])

    assert turn.intent is Intent.RETURN_REFUND and turn.handoff == "missing_item"
    assert catalog.render("problem.missing", order_id="ORD-730001") in turn.reply.text
    assert catalog.render("handoff.started") in turn.reply.text
    assert returns.returns_for_customer(kim.customer_id) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_parcel_marked_delivered_that_never_came_reaches_a_person(language):
    kim = person(language)
    service, _, returns = shop(kim, received(kim))

    turn = say(service, kim, MARKED_DELIVERED[language])

    assert turn.intent is Intent.RETURN_REFUND and turn.handoff == "missing_item"
    assert CATALOGS[language].render("problem.missing", order_id="ORD-730001") in turn.reply.text
    assert returns.returns_for_customer(kim.customer_id) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_delivery_address_is_read_back_and_written_after_a_yes(language):
    kim = person(language)
    waiting = order(kim, order_id="ORD-730002", status=OrderStatus.PROCESSING, shipping_address="Old Road 1")
    service, orders, _ = shop(kim, waiting)
    catalog = CATALOGS[language]
    address = ADDRESS[language]

    asked = say(service, kim, CHANGE_ADDRESS[language])
    read_back = say(service, kim, address)
    done = say(service, kim, YES[language])

    assert asked.intent is Intent.CHANGE_ORDER
    assert asked.reply.text.endswith(catalog.render("change.ask_address", order_id="ORD-730002"))  # after the welcome
    assert read_back.reply.text == catalog.render("change.confirm_address", order_id="ORD-730002", address=address)
    assert catalog.render("change.address_done", order_id="ORD-730002", address=address) in done.reply.text
    assert orders.get("ORD-730002").shipping_address == address
