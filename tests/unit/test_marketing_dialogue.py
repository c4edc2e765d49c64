"""Opting out of promotional messages (or in), in the customer's own words: recorded on their record at once and
confirmed; a sender not on file proves who they are first; and nothing promotional (a product suggestion) reaches a
customer who has not opted in, from the moment they opt out, in this conversation or any other."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProducts
from parley.channels.model import Channel, MessageKind
from parley.domain.records import Customer
from parley.nlu.intents import Intent
from support.dialogue import FixedIntents, catalogs, conversation_service
from support.factories import customer, inbound, order, product

CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)
EN = CATALOGS["en"]
STRANGER = "447700900123"

# "stop", "unsubscribe", "no more offers", as customers write them in each language.
OUT = {
    "en": ("STOP", "unsubscribe", "no more offers please"),
    "es": ("STOP", "quiero darme de baja", "no más ofertas, por favor"),
    "pt": ("STOP", "quero me descadastrar", "chega de ofertas, por favor"),
    "fr": ("STOP", "je veux me désabonner", "plus d'offres, s'il vous plaît"),
    "de": ("STOP", "Newsletter abbestellen", "keine Angebote mehr, bitte"),
    "it": ("STOP", "voglio disiscrivermi", "basta offerte, per favore"),
    "hi": ("STOP", "मुझे अनसब्सक्राइब करना है", "अब और ऑफ़र नहीं चाहिए"),
    "id": ("STOP", "saya mau berhenti berlangganan", "jangan kirim promo lagi"),
    "ar": ("STOP", "أريد إلغاء الاشتراك", "لا أريد العروض بعد الآن"),
    "tr": ("STOP", "abonelikten çıkmak istiyorum", "artık kampanya mesajı istemiyorum"),
    "ru": ("СТОП", "отпишите меня", "больше не присылайте предложения"),
    "zh": ("退订", "取消订阅", "不要再发优惠信息了"),
}
# "sign me up for the newsletter".
IN = {
    "en": "sign me up for the newsletter",
    "es": "suscríbanme al boletín, por favor",
    "pt": "quero receber a newsletter",
    "fr": "inscrivez-moi à la newsletter",
    "de": "melden Sie mich für den Newsletter an",
    "it": "iscrivetemi alla newsletter",
    "hi": "मुझे न्यूज़लेटर के लिए साइन अप करना है",
    "id": "daftarkan saya ke newsletter",
    "ar": "أريد الاشتراك في النشرة البريدية",
    "tr": "bültene kaydolmak istiyorum",
    "ru": "хочу подписаться на рассылку",
    "zh": "我想订阅你们的新闻通讯",
}
LAMP = product("SKU-LMP-OAK", "Fjord Desk Lamp", "74.90", color="oak", pairs_with="SKU-BLB-E27")
BULB = product("SKU-BLB-E27", "Glow Bulb E27", "6.90")
MUG = product("SKU-MUG-GRY", "Stoneware Mug", "9.95", color="grey", pairs_with="SKU-CST-OAK")
COASTER = product("SKU-CST-OAK", "Oak Coaster", "4.50")
SUGGESTING = EN.replies["product.suggestion"].split("{")[0]  # "You might also like the "


def shop(*people: Customer, **parts):
    customers = InMemoryCustomers(list(people))
    parts.setdefault("clock", Clock())
    service = conversation_service(
        customers=customers,
        orders=InMemoryOrders([order(p, order_id=f"ORD-7{n:05d}") for n, p in enumerate(people)]),
        conversations=InMemoryConversations(),
        products=InMemoryProducts([LAMP, BULB, MUG, COASTER]),
        **parts,
    )
    return service, customers


def kim(language: str, opted_in: bool | None) -> Customer:
    return customer(name="Kim Lee", language=language, marketing_opt_in=opted_in)


# --- the words decide ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang in LANGUAGES for text in OUT[lang]])
def test_stop_unsubscribe_and_no_more_offers_opt_out_in_every_language(language: str, text: str) -> None:
    # The intent model's part is its own (below, and the bench); here the words alone decide in or out.
    who = kim(language, opted_in=True)
    service, customers = shop(who, intents=FixedIntents(Intent.MARKETING_PREFERENCES))

    turn = service.respond(inbound(text, sender=who.phone))

    assert customers.items[who.customer_id].marketing_opt_in is False
    assert turn.reply.text.endswith(CATALOGS[language].render("marketing.opted_out"))
    assert not turn.rating_requested


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_me_up_for_the_newsletter_opts_in_in_every_language(language: str) -> None:
    who = kim(language, opted_in=False)
    service, customers = shop(who, intents=FixedIntents(Intent.MARKETING_PREFERENCES))

    turn = service.respond(inbound(IN[language], sender=who.phone))

    assert customers.items[who.customer_id].marketing_opt_in is True
    assert turn.reply.text.endswith(CATALOGS[language].render("marketing.opted_in"))


ON_ITS_OWN = [*((lang, "STOP") for lang in LANGUAGES), ("zh", "退订"), ("ru", "Отписаться"), ("ar", "إلغاء الاشتراك")]


@pytest.mark.parametrize(("language", "text"), [*ON_ITS_OWN, ("es", "Baja"), ("de", "Abmelden")])
def test_an_opt_out_word_on_its_own_opts_out_whatever_the_intent_model_makes_of_it(language: str, text: str) -> None:
    who = kim(language, opted_in=True)
    service, customers = shop(who, intents=FixedIntents(Intent.OUT_OF_SCOPE, 0.3))

    turn = service.respond(inbound(text, sender=who.phone))

    assert turn.intent is Intent.MARKETING_PREFERENCES
    assert customers.items[who.customer_id].marketing_opt_in is False


def test_the_stop_promotions_button_of_a_marketing_template_opts_out() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en", marketing_opt_in=True)
    service, customers = shop(emily)

    # WhatsApp sends a template's quick-reply button with the business's own payload and the button's title.
    service.respond(inbound("Stop promotions", sender=emily.phone, kind=MessageKind.BUTTON, payload="PROMO_STOP_7"))

    assert customers.items[emily.customer_id].marketing_opt_in is False


@pytest.mark.parametrize(
    ("text", "opted_in"),
    [("stop", False), ("unsubscribe", False), ("no more offers", False), ("sign me up for the newsletter", True)],
)
def test_the_intent_model_takes_the_quoted_requests_for_what_they_are(text: str, opted_in: bool) -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en", marketing_opt_in=not opted_in)
    service, customers = shop(emily)
    service.respond(inbound("hello", sender=emily.phone))

    turn = service.respond(inbound(text, sender=emily.phone))

    assert turn.intent is Intent.MARKETING_PREFERENCES
    assert customers.items[emily.customer_id].marketing_opt_in is opted_in
    assert turn.reply.text == EN.render("marketing.opted_in" if opted_in else "marketing.opted_out")


def test_words_that_say_neither_are_asked_about_and_a_tap_records_the_choice() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service, customers = shop(emily, intents=FixedIntents(Intent.MARKETING_PREFERENCES))

    asked = service.respond(inbound("about your newsletter", sender=emily.phone))

    assert asked.reply.text.endswith(EN.render("marketing.which"))
    titles = [c.title for c in asked.reply.choices]
    assert titles == [EN.render("choice.marketing_in"), EN.render("choice.marketing_out")]
    out = asked.reply.choices[1]
    tapped = service.respond(inbound("", sender=emily.phone, kind=MessageKind.BUTTON_REPLY, payload=out.id))
    assert customers.items[emily.customer_id].marketing_opt_in is False
    assert tapped.reply.text == EN.render("marketing.opted_out")


def test_an_unhappy_opt_out_is_an_opt_out_not_a_complaint() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en", marketing_opt_in=True)
    service, customers = shop(emily)
    service.respond(inbound("hello", sender=emily.phone))

    turn = service.respond(inbound("I'm fed up with your spam, unsubscribe me from all marketing", sender=emily.phone))

    assert turn.handoff is None
    assert customers.items[emily.customer_id].marketing_opt_in is False


# --- who is asking --------------------------------------------------------------------------------------------------


def test_a_sender_not_on_file_is_told_how_to_prove_who_they_are_and_then_asked_which() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en",
                     marketing_opt_in=True)  # fmt: skip
    service, customers = shop(emily)  # her first order is ORD-700000

    first = service.respond(inbound("unsubscribe", sender=STRANGER))

    assert first.reply.text.endswith(EN.render("verify.ask"))
    assert customers.items[emily.customer_id].marketing_opt_in is True
    proven = service.respond(inbound("ORD-700000 emily@example.com", sender=STRANGER))
    assert proven.reply.text.endswith(EN.render("marketing.which"))
    out = proven.reply.choices[1]
    service.respond(inbound("", sender=STRANGER, kind=MessageKind.BUTTON_REPLY, payload=out.id))
    assert customers.items[emily.customer_id].marketing_opt_in is False


def test_a_record_gone_meanwhile_is_told_the_preference_cannot_be_recorded() -> None:
    class Forgetting(InMemoryCustomers):
        def set_marketing_opt_in(self, customer_id: str, opted_in: bool) -> Customer | None:
            return None  # erased between the lookup and the write

    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = conversation_service(customers=Forgetting([emily]), orders=InMemoryOrders([]),
                                   conversations=InMemoryConversations(), clock=Clock())  # fmt: skip

    turn = service.respond(inbound("unsubscribe", sender=emily.phone))

    assert turn.reply.text.endswith(EN.render("marketing.unrecorded"))
    assert [c.title for c in turn.reply.choices] == [EN.render("choice.talk_to_person")]


# --- nothing promotional without consent ----------------------------------------------------------------------------


def test_a_product_suggestion_reaches_only_a_customer_who_opted_in() -> None:
    opted_in = customer(name="Emily Carter", phone="14155550123", language="en", marketing_opt_in=True)
    never_asked = customer(name="Bob Stone", phone="14155550456", language="en")
    opted_out = customer(name="Ana Costa", phone="14155550789", language="en", marketing_opt_in=False)
    service, _ = shop(opted_in, never_asked, opted_out)

    answers = {
        who: service.respond(inbound("how much is the Fjord Desk Lamp?", sender=who)).reply.text
        for who in (opted_in.phone, never_asked.phone, opted_out.phone, STRANGER)
    }

    assert SUGGESTING in answers[opted_in.phone] and "Glow Bulb E27" in answers[opted_in.phone]
    assert all(SUGGESTING not in answers[who] for who in (never_asked.phone, opted_out.phone, STRANGER))


def test_an_opt_out_holds_at_once_in_every_conversation_of_the_customer() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", messenger_psid="5512345678901234", language="en",
                     marketing_opt_in=True)  # fmt: skip
    clock = Clock()
    service, _ = shop(emily, clock=clock)
    on_messenger = {"sender": emily.messenger_psid, "channel": Channel.MESSENGER}
    before = service.respond(inbound("how much is the Fjord Desk Lamp?", **on_messenger))
    assert SUGGESTING in before.reply.text

    service.respond(inbound("no more offers", sender=emily.phone))  # on WhatsApp
    clock.now += timedelta(minutes=1)  # well within the time a conversation keeps the record it read

    # Each asks about something never suggested in that conversation: only the opt-out keeps the suggestion away.
    after = service.respond(inbound("how much is the Fjord Desk Lamp?", sender=emily.phone))
    elsewhere = service.respond(inbound("how much is the Stoneware Mug?", **on_messenger))
    assert SUGGESTING not in after.reply.text and SUGGESTING not in elsewhere.reply.text


def test_the_opt_out_is_kept_in_the_conversation_as_the_record_now_stands() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en", marketing_opt_in=True)
    conversations = InMemoryConversations()
    service = conversation_service(customers=InMemoryCustomers([emily]), orders=InMemoryOrders([]),
                                   conversations=conversations, clock=Clock())  # fmt: skip

    service.respond(inbound("unsubscribe", sender=emily.phone))

    [state] = conversations.items.values()
    assert state.customer is not None and state.customer.marketing_opt_in is False
