"""A confirmation is answered as customers answer it, in each of the twelve languages: a yes or a no with more words,
emojis and typos, the order asked about named again; another order named, or a question after the no, is a request
of its own; a reply that is neither is asked about once more, then left; and a yes or a no with nothing asked gets
"how can I help?", never a product search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProducts
from parley.dialogue.engine import DialogueEngine
from parley.domain.records import OrderStatus
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order, product

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)
ASKED, OTHER = "ORD-310002", "ORD-310003"  # the order asked about, and another of the customer's
OTHER_TRACKING = "JJD000390007718"

CANCEL = {
    "en": "please cancel order {}", "es": "quiero cancelar el pedido {}", "pt": "quero cancelar o pedido {}",
    "fr": "je veux annuler la commande {}", "de": "bitte stornieren Sie die Bestellung {}",
    "it": "vorrei annullare l'ordine {}", "hi": "मुझे ऑर्डर {} रद्द करना है", "id": "saya mau membatalkan pesanan {}",
    "ar": "أريد إلغاء الطلب {}", "tr": "{} siparişimi iptal etmek istiyorum", "ru": "хочу отменить заказ {}",
    "zh": "我想取消订单 {}",
}  # fmt: skip
# A plain yes, then yeses as customers write them: with the action verb, politeness, letters typed twice, slang.
YES = {
    "en": ["yes", "ok do it", "yes please go ahead", "yess", "yas", "yeah", "k", "kk", "okey", "okie"],
    "es": ["sí", "sí, cancélalo por favor", "siii", "vale, adelante", "sí, ese mismo"],
    "pt": ["sim", "sim, pode cancelar", "simmm", "ss pode sim", "claro, pode cancelar por favor"],
    "fr": ["oui", "oui oui vas-y", "ouiii", "oui, annulez-la s'il vous plaît", "d'accord, allez-y"],
    "de": ["ja", "ja bitte stornieren", "jaaa", "ja, genau die ORD-310002", "ok, mach das bitte"],
    "it": ["sì", "sì, la annulli pure", "siii grazie", "va bene, procedi"],
    "hi": ["हाँ", "हाँ कर दो", "हाँ जी, रद्द कर दीजिए", "haan kar do"],
    "id": ["ya", "iya, batalkan saja", "yaa", "oke lanjut"],
    "ar": ["نعم", "نعم، ألغه من فضلك", "أيوه", "تمام، ألغِ الطلب"],
    "tr": ["evet", "evet iptal et lütfen", "evt", "tamam, iptal edin"],
    "ru": ["да", "да, отмените пожалуйста", "daa", "да да, давайте"],
    "zh": ["是的", "好的，取消吧", "嗯嗯", "可以，帮我取消"],
}
NO = {
    "en": ["no", "no, I'll keep it", "nope", "not now thanks"],
    "es": ["no", "no, mejor no", "nooo"],
    "pt": ["não", "não, pode deixar", "naooo"],
    "fr": ["non", "non merci", "non, je la garde"],
    "de": ["nein", "nein, lieber doch nicht", "nee"],
    "it": ["no", "no grazie", "no, lo tengo"],
    "hi": ["नहीं", "नहीं, रहने दो", "nahi"],
    "id": ["tidak", "tidak, terima kasih", "gak usah"],
    "ar": ["لا", "لا، شكرًا", "لا لا"],
    "tr": ["hayır", "hayır, kalsın", "yok istemiyorum"],
    "ru": ["нет", "нет, спасибо", "нет, не надо"],
    "zh": ["不", "不要取消", "不用，谢谢"],
}
# Skin tones and genders aside, a thumbs up is a thumbs up.
YES_EMOJIS = ("👍", "👍🏽", "👌", "✅", "🙆‍♀️")
NO_EMOJIS = ("👎", "❌", "🙅")
# "No, but where is my other order?": the no does not stand alone.
NO_BUT_WHERE = {
    "en": "no, but where is my order {}?", "es": "no, pero ¿dónde está mi pedido {}?",
    "pt": "não, mas onde está o meu pedido {}?", "fr": "non, mais où est ma commande {} ?",
    "de": "nein, aber wo ist meine Bestellung {}?", "it": "no, ma dov'è il mio ordine {}?",
    "hi": "नहीं, लेकिन मेरा ऑर्डर {} कहाँ है?", "id": "tidak, tapi di mana pesanan saya {}?",
    "ar": "لا، لكن أين طلبي {}؟", "tr": "hayır, ama {} siparişim nerede?", "ru": "нет, но где мой заказ {}?",
    "zh": "不，我的订单 {} 在哪里？",
}  # fmt: skip


def test_every_native_language_is_covered() -> None:
    assert set(CANCEL) == set(YES) == set(NO) == set(NO_BUT_WHERE) == set(LANGUAGES)


class Chat:
    """One customer of a shop with an open order (asked about), a shipped one and a product called "Ok"."""

    def __init__(self, language: str) -> None:
        self.catalog = CATALOGS[language]
        self.kim = customer(name="Kim Lee", language=language)
        self.orders = InMemoryOrders([
            order(self.kim, order_id=ASKED, status=OrderStatus.PROCESSING),
            order(self.kim, order_id=OTHER, status=OrderStatus.SHIPPED, tracking_number=OTHER_TRACKING),
        ])  # fmt: skip
        self.conversations = InMemoryConversations()
        self.service: DialogueEngine = conversation_service(
            customers=InMemoryCustomers([self.kim]), orders=self.orders, conversations=self.conversations,
            products=InMemoryProducts([product("SKU-OK", "Ok Lamp"), product("SKU-JA", "Ja Mug")]),
            clock=lambda: NOW,
        )  # fmt: skip

    def say(self, text: str):
        return self.service.respond(inbound(text, sender=self.kim.phone))

    def asked_to_cancel(self):
        asked = self.say(CANCEL[self.catalog.language].format(ASKED))
        assert self.catalog.render("order.cancel_confirm", order_id=ASKED) in asked.reply.text
        return asked

    def status(self, order_id: str = ASKED) -> OrderStatus:
        return self.orders.get(order_id).status

    @property
    def flow(self) -> str | None:
        return self.conversations.get(inbound("", sender=self.kim.phone).conversation_key).flow


def cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(language, said) for language in sorted(table) for said in table[language]]


@pytest.mark.parametrize(("language", "yes"), cases(YES))
def test_a_yes_in_the_customers_own_words_cancels_the_order(language: str, yes: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    done = chat.say(yes)

    assert chat.catalog.render("order.cancel_done", order_id=ASKED) in done.reply.text
    assert chat.status() is OrderStatus.CANCELLED


@pytest.mark.parametrize(("language", "no"), cases(NO))
def test_a_no_in_the_customers_own_words_keeps_the_order(language: str, no: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    kept = chat.say(no)

    assert kept.reply.text == chat.catalog.render("order.cancel_kept", order_id=ASKED)  # and no rating question
    assert not kept.rating_requested and kept.reply.choices == ()
    assert chat.status() is OrderStatus.PROCESSING


@pytest.mark.parametrize(
    ("language", "said", "cancelled"),
    [
        ("fr", "ah non attendez, finalement je la garde 😅", False),
        ("en", "hmmm no, I'll keep it", False),
        ("de", "ach nein, doch nicht", False),
        ("ru", "ну нет, пусть остаётся", False),
        ("es", "pues sí, cancélalo", True),
        ("en", "oh yes please do", True),
    ],
)
def test_an_answer_that_starts_with_a_sound_or_a_filler_is_still_read(language, said, cancelled) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    answered = chat.say(said)

    key = "order.cancel_done" if cancelled else "order.cancel_kept"
    assert chat.catalog.render(key, order_id=ASKED) in answered.reply.text
    assert chat.status() is (OrderStatus.CANCELLED if cancelled else OrderStatus.PROCESSING)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("emoji", "cancelled"), [*((e, True) for e in YES_EMOJIS), *((e, False) for e in NO_EMOJIS)])
def test_an_emoji_answers_the_question(language: str, emoji: str, cancelled: bool) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    answered = chat.say(emoji)

    key = "order.cancel_done" if cancelled else "order.cancel_kept"
    assert chat.catalog.render(key, order_id=ASKED) in answered.reply.text
    assert chat.status() is (OrderStatus.CANCELLED if cancelled else OrderStatus.PROCESSING)


def test_ja_genau_die_order_cancels_it_and_a_plain_ja_afterwards_is_no_product_search() -> None:
    chat = Chat("de")
    chat.asked_to_cancel()

    done = chat.say("ja, genau die ORD-310002")
    after = chat.say("ja")

    assert chat.catalog.render("order.cancel_done", order_id=ASKED) in done.reply.text
    assert chat.status() is OrderStatus.CANCELLED
    assert after.reply.text == chat.catalog.render("answer.how_can_i_help")


@pytest.mark.parametrize("restated", ["yes ORD-310002", "that one, 310002", "ORD-310002", "yes, order 310002"])
def test_naming_the_order_asked_about_again_is_a_yes(restated: str) -> None:
    chat = Chat("en")
    chat.asked_to_cancel()

    chat.say(restated)

    assert chat.status() is OrderStatus.CANCELLED


@pytest.mark.parametrize("said", ["not that one, 310002", "where is ORD-310002?"])
def test_the_order_asked_about_named_with_a_no_or_a_question_is_no_yes(said: str) -> None:
    chat = Chat("en")
    chat.asked_to_cancel()

    chat.say(said)

    assert chat.status() is OrderStatus.PROCESSING


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_yes_naming_another_order_asks_about_that_order_and_cancels_nothing(language: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    turn = chat.say(f"{YES[language][0]}, {OTHER}")

    assert OTHER_TRACKING in turn.reply.text
    assert chat.status() is OrderStatus.PROCESSING and chat.status(OTHER) is OrderStatus.SHIPPED
    assert chat.catalog.render("order.cancel_done", order_id=ASKED) not in turn.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_but_where_is_another_order_answers_about_it_and_cancels_nothing(language: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    turn = chat.say(NO_BUT_WHERE[language].format(OTHER))
    later = chat.say(YES[language][0])

    assert OTHER_TRACKING in turn.reply.text
    assert chat.status() is OrderStatus.PROCESSING
    assert later.reply.text == chat.catalog.render("answer.how_can_i_help")  # the question was left behind
    assert chat.status() is OrderStatus.PROCESSING


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unclear_reply_is_asked_about_once_more_and_a_yes_then_cancels(language: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    again = chat.say("🤔")
    done = chat.say(YES[language][0])

    assert again.reply.text == chat.catalog.render("answer.yes_or_no")
    assert [c.id for c in again.reply.choices] == ["confirm:yes", "confirm:no"]
    assert chat.catalog.render("order.cancel_done", order_id=ASKED) in done.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_unclear_reply_leaves_the_question_and_is_answered_as_usual(language: str) -> None:
    chat = Chat(language)
    chat.asked_to_cancel()

    chat.say("🤔")
    left = chat.say("🤷")
    later = chat.say(YES[language][0])

    assert left.reply.text == chat.catalog.render("fallback") and chat.flow is None
    assert later.reply.text == chat.catalog.render("answer.how_can_i_help")
    assert chat.status() is OrderStatus.PROCESSING


def test_small_talk_instead_of_an_answer_is_asked_about_once_more() -> None:
    chat = Chat("en")
    chat.asked_to_cancel()

    again = chat.say("hello?")

    assert again.reply.text == chat.catalog.render("answer.yes_or_no")
    assert chat.status() is OrderStatus.PROCESSING


def test_a_clear_new_request_instead_of_an_answer_is_answered_at_once() -> None:
    chat = Chat("en")
    chat.asked_to_cancel()

    turn = chat.say(f"where is my order {OTHER}?")
    later = chat.say("yes")

    assert OTHER_TRACKING in turn.reply.text
    assert later.reply.text == chat.catalog.render("answer.how_can_i_help")
    assert chat.status() is OrderStatus.PROCESSING


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_yes_or_no_with_nothing_asked_gets_how_can_i_help_never_a_product(language: str) -> None:
    chat = Chat(language)
    catalog = chat.catalog

    first = chat.say(YES[language][0])
    answers = [chat.say(said) for said in ("ok", YES[language][0], "👍", NO[language][0])]

    assert first.reply.text == catalog.render("welcome", name="Kim")  # a first message: the welcome answers it
    for turn in answers:
        assert turn.reply.text == catalog.render("answer.how_can_i_help")
        assert not turn.reply.choices and chat.flow is None


@pytest.mark.parametrize(
    ("language", "said"),
    [("it", "perfetto, ciao"), ("en", "ok great, bye"), ("es", "vale, adiós"), ("de", "super, tschüss")],
)
def test_a_yes_with_a_goodbye_and_nothing_asked_is_a_goodbye(language: str, said: str) -> None:
    chat = Chat(language)
    chat.say("👍")

    later = chat.say(said)

    assert later.reply.text == chat.catalog.render("goodbye")
