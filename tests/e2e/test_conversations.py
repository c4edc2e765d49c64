"""Multi-turn conversations in several languages on both channels, through `parley serve`'s HTTP path (signed
webhook POSTs in, Graph API requests out) against a shop that is not the demo's. Every message gets exactly one reply
(none while a person has the conversation), answers come from the data, and every change is asked for first."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date

import pytest
from babel.dates import format_date
from babel.numbers import format_currency

from parley.channels.model import Channel
from parley.i18n import load_catalogs
from parley.local.session import LocalSession
from support.shop import (
    ANA,
    AYSE,
    BUDI,
    CARLOS,
    CHLOE,
    DMITRY,
    GRACE,
    HANNAH,
    LAYLA,
    MATTEO,
    PRIYA,
    WEI,
    Person,
    Shop,
    write_shop,
)

CATALOGS = load_catalogs()
WA, MS = Channel.WHATSAPP, Channel.MESSENGER
RETURN_ID = re.compile(r"RET-[2-9A-HJ-NP-Z]{6}")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return write_shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def served(shop: Shop) -> Iterator[LocalSession]:
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})  # fmt: skip
    for name in ("AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "AWS_PROFILE"):
        os.environ.pop(name, None)
    running = LocalSession(data_dir=shop.directory).start()
    yield running
    running.stop()
    os.environ.clear()
    os.environ.update(saved)


class Chat:
    """One customer on one channel: each message must get exactly one reply, returned as its text."""

    def __init__(self, session: LocalSession, channel: Channel, sender: str) -> None:
        self.session, self.channel, self.sender = session, channel, sender
        self.last_choices: list[str] = []
        self.last_body = ""

    def say(self, text: str) -> str:
        return self._one(self.session.say(self.channel, self.sender, text))

    def tap(self, title: str) -> str:
        return self._one(self.session.tap(self.channel, self.sender, title))

    def unanswered(self, text: str) -> None:
        exchange = self.session.say(self.channel, self.sender, text, timeout=2.0)
        assert exchange.status == 200 and exchange.replies == []

    def _one(self, exchange) -> str:
        assert exchange.status == 200
        assert len(exchange.replies) == 1, [r.text for r in exchange.replies]
        [reply] = exchange.replies
        self.last_choices = reply.choices
        self.last_body = json.dumps(reply.body, ensure_ascii=False)
        return reply.text


def chat(session: LocalSession, channel: Channel, person: Person) -> Chat:
    return Chat(session, channel, person.phone if channel is WA else person.psid)


def long_date(day: date, language: str) -> str:
    return str(format_date(day, format="long", locale=language))


def test_german_on_whatsapp_order_follow_up_then_a_confirmed_cancel_and_a_rating(served, shop):
    de = CATALOGS["de"]
    hannah = chat(served, WA, HANNAH)

    status = hannah.say("Hallo, wo ist meine Bestellung ORD-510001?")
    follow_up = hannah.say("und wann kommt sie an?")
    asked = hannah.say("Bitte stornieren Sie die Bestellung ORD-510002")
    confirm_choices = hannah.last_choices
    unchanged = hannah.say("wo ist ORD-510002?")
    hannah.say("ich möchte ORD-510002 stornieren")
    done = hannah.tap(de.render("choice.yes"))
    rated = hannah.tap("⭐⭐⭐⭐")
    thanked = hannah.say("Alles bestens, danke")
    after = hannah.say("wo ist ORD-510002?")

    assert "Hannah" in status and "DHL" in status and "JJD000390007718" in status
    assert long_date(shop.day(2), "de") in follow_up and "ORD-510001" in follow_up
    assert "ORD-510002" in asked and confirm_choices == [de.render("choice.yes"), de.render("choice.no")]
    assert "storniert" not in unchanged
    assert "ORD-510002" in done and de.render("csat.ask") in done
    assert rated == de.render("csat.comment") and thanked == de.render("csat.thanks")
    assert de.render("order.cancelled", order_id="ORD-510002") in after


def test_italian_on_messenger_starts_a_return_after_a_yes_and_follows_its_refund(served):
    it = CATALOGS["it"]
    matteo = chat(served, MS, MATTEO)

    offer = matteo.say("Buongiorno, vorrei restituire l'ordine ORD-520001")
    started = matteo.say("sì")
    news = matteo.say("a che punto è il mio reso?")
    refused = matteo.say("vorrei restituire l'ordine ORD-520002")

    assert "ORD-520001" in offer and RETURN_ID.search(offer) is None
    [return_id] = RETURN_ID.findall(started)
    assert return_id in news
    assert "ORD-520002" in refused and RETURN_ID.search(refused) is None
    assert it.render("return.not_delivered", order_id="ORD-520002") in refused


def test_turkish_on_whatsapp_is_walked_through_a_guide_one_step_at_a_time(served):
    tr = CATALOGS["tr"]
    ayse = chat(served, WA, AYSE)

    first = ayse.say("Merhaba, uygulamaya giriş yapamıyorum")
    offered = list(ayse.last_choices)
    second = ayse.tap(tr.render("choice.still_broken"))
    solved = ayse.tap(tr.render("choice.it_works"))

    assert first.startswith(tr.render("welcome", name="Ayşe")) and tr.render("support.did_it_help") in first
    assert offered == [tr.render("choice.it_works"), tr.render("choice.still_broken")]
    assert second != first and tr.render("support.did_it_help") in second
    assert tr.render("support.solved") in solved and tr.render("csat.ask") in solved


def test_russian_on_messenger_reaches_a_person_and_the_bot_stays_quiet(served):
    ru = CATALOGS["ru"]
    dmitry = chat(served, MS, DMITRY)

    handed = dmitry.say("Позовите, пожалуйста, живого оператора")
    dmitry.unanswered("алло, вы тут?")

    assert ru.render("handoff.started") in handed
    handover = [r for r in served.graph.requests if r.body.get("recipient", {}).get("id") == DMITRY.psid
                and "target_app_id" in r.body]  # fmt: skip
    assert handover, "the thread was not passed to the Page Inbox"


def test_arabic_sender_on_a_new_number_proves_who_she_is_before_seeing_her_order(served):
    ar = CATALOGS["ar"]
    stranger = Chat(served, WA, "971509990000")

    asked = stranger.say("مرحبا، أين طلبي ORD-530001؟")
    wrong = stranger.say("بريدي هو someone@example.org")
    proven = stranger.say(LAYLA.email)

    assert "ARX5526610" not in asked and "ARX5526610" not in wrong
    assert ar.render("verify.failed") in wrong
    assert ar.render("verify.done") in proven and "ARX5526610" in proven and "Aramex" in proven


def test_hindi_customer_never_sees_someone_elses_order(served):
    priya = chat(served, WA, PRIYA)

    mine = priya.say("मेरा ऑर्डर कहाँ है?")
    theirs = priya.say("ऑर्डर ORD-510001 कहाँ है?")
    cancel_theirs = priya.say("ऑर्डर ORD-510001 रद्द करो")

    assert "ORD-560001" in mine
    for reply in (theirs, cancel_theirs):
        assert "DHL" not in reply and "JJD000390007718" not in reply and "Hannah" not in reply


def test_indonesian_on_messenger_cannot_cancel_a_shipped_order(served):
    id_ = CATALOGS["id"]
    budi = chat(served, MS, BUDI)

    refused = budi.say("tolong batalkan pesanan ORD-540001")
    offered = budi.last_choices
    status = budi.say("di mana pesanan ORD-540001?")

    # Still on its way: nothing to return yet, so no "start a return" button either.
    assert id_.render("order.cancel_too_late") in refused and offered == []
    assert "JNE8812003344" in status


def test_chinese_customer_erases_her_conversation_after_confirming(served):
    zh = CATALOGS["zh"]
    wei = chat(served, WA, WEI)

    status = wei.say("我的订单 ORD-550001 到哪了？")
    asked = wei.say("请删除我的个人数据")
    kept = wei.tap(zh.render("choice.no"))
    wei.say("请删除我的个人数据")
    erased = wei.tap(zh.render("choice.yes"))
    fresh = wei.say("你好")

    assert "ORD-550001" in status
    assert asked == zh.render("privacy.confirm") and kept == zh.render("flow.stopped")
    assert erased == zh.render("privacy.erased")
    # Nothing of the conversation is remembered: the next message opens a new one, with the welcome.
    assert fresh.startswith(zh.render("welcome", name="Wei"))


def test_portuguese_on_messenger_sees_what_she_owes_and_where_to_pay(served, shop):
    ana = chat(served, MS, ANA)

    owed = ana.say("Olá! Quanto eu devo? Qual é a minha fatura em aberto?")
    page = ana.last_body
    pay = ana.say("quero pagar agora")

    assert "INV-9001" in owed and "INV-9002" not in owed
    assert format_currency(89.90, "BRL", locale="pt") in owed
    assert long_date(shop.day(10), "pt") in owed
    assert "https://billing.example.net/i/INV-9001" in page
    assert "INV-9001" in pay or "https://billing.example.net/i/INV-9001" in ana.last_body


def test_english_on_whatsapp_learns_why_a_payment_failed_without_raw_codes(served):
    en = CATALOGS["en"]
    grace = chat(served, WA, GRACE)

    why = grace.say("hi, why did my payment fail?")

    assert en.render("payment.reason.insufficient_funds") in why
    assert "insufficient_funds" not in why and "INV-9003" in why


def test_english_on_whatsapp_changes_a_delivery_address_after_reading_it_back(served):
    en = CATALOGS["en"]
    grace = chat(served, WA, GRACE)

    address = "Calle Mayor 5, 28013 Madrid"

    asked = grace.say("I want to change the delivery address of my order")
    read_back = grace.say(address)
    done = grace.say("sí")

    assert en.render("change.ask_address", order_id="ORD-590001") in asked
    assert en.render("change.confirm_address", order_id="ORD-590001", address=address) in read_back
    assert en.render("change.address_done", order_id="ORD-590001", address=address) in done


def test_english_on_whatsapp_gets_a_replacement_for_a_damaged_lamp_not_troubleshooting(served):
    en = CATALOGS["en"]
    grace = chat(served, WA, GRACE)

    offered = grace.say("my desk lamp arrived damaged, it doesn't switch on")
    choices = list(grace.last_choices)
    started = grace.tap(en.render("choice.replacement"))

    assert en.render("problem.remedy", item="Fjord Desk Lamp", order_id="ORD-590002") in offered
    assert choices == [en.render("choice.replacement"), en.render("choice.refund")]
    [return_id] = RETURN_ID.findall(started)
    assert en.render("problem.replacement_started", return_id=return_id, order_id="ORD-590002") in started


def test_spanish_on_whatsapp_asks_about_a_product_and_gets_price_stock_and_one_suggestion(served):
    es = CATALOGS["es"]
    carlos = chat(served, WA, CARLOS)

    lamp = carlos.say("Hola, ¿cuánto cuesta la Fjord Desk Lamp? ¿La tenéis en stock?")
    mug = carlos.say("¿y la Stoneware Mug en gris?")
    chair = carlos.say("¿tenéis la Nordic Chair?")

    assert (
        es.render("product.price", product="Fjord Desk Lamp", price=format_currency(74.90, "EUR", locale="es")) in lamp
    )
    # The one suggestion, in stock: Carlos opted in to offers (a suggestion is promotional).
    assert es.render("product.in_stock") in lamp and "Glow Bulb E27" in lamp
    assert format_currency(9.95, "EUR", locale="es") in mug and "2" in mug  # two left
    assert es.render("product.out_of_stock") in chair


def test_a_stranger_may_ask_about_products_without_proving_anything(served):
    stranger = Chat(served, MS, "7799999999999999")

    answer = stranger.say("how much is the Glow Bulb E27?")

    assert format_currency(6.90, "EUR", locale="en") in answer


def test_french_on_whatsapp_pauses_her_subscription_only_after_saying_yes(served, shop):
    fr = CATALOGS["fr"]
    chloe = chat(served, WA, CHLOE)

    asked = chloe.say("Bonjour, je voudrais mettre en pause mon abonnement")
    kept = chloe.say("non")
    chloe.say("je voudrais mettre en pause mon abonnement")
    done = chloe.tap(fr.render("choice.yes"))
    shown = chloe.say("quel est mon abonnement ?")

    assert "Box Café Mensuelle" in asked and long_date(shop.day(9), "fr") in asked
    assert kept.startswith(fr.render("subscription.kept", plan="Box Café Mensuelle"))
    assert done.startswith(fr.render("subscription.paused_done", plan="Box Café Mensuelle"))
    assert fr.render("subscription.paused", plan="Box Café Mensuelle") in shown


def test_spanish_customer_changes_plan_from_the_plans_offered_after_a_yes(served):
    es = CATALOGS["es"]
    carlos = chat(served, WA, CARLOS)

    offered = carlos.say("quiero cambiar de plan de suscripción")
    plans = list(carlos.last_choices)
    confirm = carlos.tap("Plan Hogar Plus")
    done = carlos.say("sí")
    shown = carlos.say("¿qué plan tengo?")

    assert es.render("subscription.plan_which", plan="Plan Hogar") in offered
    assert "Plan Hogar Plus" in plans and "Plan Hogar" not in plans and "Box Café Mensuelle" in plans
    assert "Plan Hogar Plus" in confirm and format_currency(18, "EUR", locale="es") in confirm
    assert "Plan Hogar Plus" in done and "Plan Hogar Plus" in shown


def test_a_redelivered_yes_is_answered_once_and_changes_nothing_twice(served):
    from parley.local.payloads import post_signed, whatsapp_text

    zh = CATALOGS["zh"]
    wei = chat(served, WA, WEI)
    asked = wei.say("请取消订单 ORD-550001")
    yes = whatsapp_text(WEI.phone, "是的", message_id="wamid.REDELIVERED-YES-0001")
    url = served.webhook_url(WA)
    before = len(served.graph.replies)

    first = post_signed(url, yes, served.app_secret)
    served.graph.wait_for(before + 1)
    again = post_signed(url, yes, served.app_secret)
    replies = [r for r in served.graph.wait_for(before + 2, timeout=2)[before:] if r.recipient == WEI.phone]
    status = wei.say("订单 ORD-550001 现在是什么状态？")

    assert zh.render("order.cancel_confirm", order_id="ORD-550001") in asked
    assert first.status == again.status == 200
    assert len(replies) == 1 and zh.render("order.cancel_done", order_id="ORD-550001") in replies[0].text
    assert zh.render("order.cancelled", order_id="ORD-550001") in status
