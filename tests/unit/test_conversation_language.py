"""A conversation keeps its language from the first message to the last: a language without a catalog is held
exactly like a native one, through the translation pivot, and neither a short answer ("ok", "ja", "tak") nor a
message the detector would call another language ("En wanneer komt ORD-880001 aan?" looks Indonesian to it) moves
it. The customer can still ask for another language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.interpreting import Interpreter, TranslationUse
from parley.dialogue.language_policy import ConversationLanguage
from parley.i18n import load_catalogs
from parley.language.detector import LangdetectDetector
from parley.language.protect import Protector
from parley.language.translation import TranslationPivot
from parley.nlu.entities import OrderIdFinder
from support.dialogue import conversation_service
from support.dialogue import intents as trained_intents
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = load_catalogs()
DETECTOR = LangdetectDetector(CATALOGS.languages)
INTENTS = trained_intents()  # one model per test process: training on every example takes minutes
ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)


# What a translation provider makes of the conversations' longer messages in English, so the intent model reads
# what it would read in production (one-word answers are read as they are written, before any translation).
IN_ENGLISH = {
    "Hallo, ik heb vorige week een paar schoenen besteld en ze zijn nog niet binnen.":
        "Hello, I ordered a pair of shoes last week and they have not arrived yet.",
    "En wanneer komt [[0]] aan?": "And when will [[0]] arrive?",
    "Waar is mijn pakket?": "Where is my parcel?",
    "Zijn de Nike Air Max ook in maat 43?": "Is the Nike Air Max also available in size 43?",
    "Dank je wel!": "Thank you!",
    "Dzień dobry, zamówiłem kurtkę tydzień temu i nadal nie przyszła, co się dzieje?":
        "Good morning, I ordered a jacket a week ago and it still has not arrived, what is going on?",
    "A kiedy dotrze [[0]]?": "And when will [[0]] arrive?",
    "Chcę zwrócić buty": "I want to return the shoes",
    "Czy Adidas Samba jest dostępny?": "Is the Adidas Samba available?",
    "Dziękuję bardzo": "Thank you very much",
    "Hej, jag beställde ett par skor förra veckan men de har inte kommit fram än.":
        "Hi, I ordered a pair of shoes last week but they have not arrived yet.",
    "När kommer [[0]]?": "When will [[0]] arrive?",
    "Okej, tack så mycket": "Okay, thank you very much",
    "Finns Nike Air Max i storlek 43?": "Is the Nike Air Max available in size 43?",
    "Xin chào, tôi đã đặt một đôi giày tuần trước nhưng vẫn chưa nhận được hàng.":
        "Hello, I ordered a pair of shoes last week but I still have not received them.",
    "Khi nào [[0]] đến?": "When will [[0]] arrive?",
    "Cảm ơn bạn": "Thank you",
    "Nike Air Max còn size 43 không?": "Is the Nike Air Max still available in size 43?",
    "Доброго дня, де моє замовлення? Чекаю вже тиждень.":
        "Good afternoon, where is my order? I have been waiting for a week.",
    "Коли прийде [[0]]?": "When will [[0]] arrive?",
    "Я хочу повернути кросівки": "I want to return the sneakers",
    "Дякую!": "Thank you!",
    "こんにちは、先週注文した靴がまだ届いていません。": "Hello, the shoes I ordered last week have not arrived yet.",
    "[[0]] はいつ届きますか？": "When will [[0]] arrive?",
    "Nike Air Max の27センチはありますか？": "Do you have the Nike Air Max in 27 cm?",
    "ありがとうございます": "Thank you",
    "안녕하세요, 지난주에 주문한 신발이 아직 도착하지 않았어요.":
        "Hello, the shoes I ordered last week have not arrived yet.",
    "[[0]] 언제 도착해요?": "When will [[0]] arrive?",
    "Nike Air Max 270 사이즈 있나요?": "Do you have sizes of the Nike Air Max 270?",
    "감사합니다": "Thank you",
    "Dobrý den, minulý týden jsem si objednal boty a pořád nepřišly.":
        "Good day, I ordered shoes last week and they still have not arrived.",
    "A kdy dorazí [[0]]?": "And when will [[0]] arrive?",
    "Děkuji mockrát": "Thank you very much",
    "Bună ziua, am comandat o pereche de pantofi săptămâna trecută și încă nu au ajuns.":
        "Good day, I ordered a pair of shoes last week and they still have not arrived.",
    "Și când ajunge [[0]]?": "And when does [[0]] arrive?",
    "Mulțumesc frumos": "Thank you kindly",
    "Hej, jeg bestilte et par sko i sidste uge, men de er ikke kommet endnu.":
        "Hi, I ordered a pair of shoes last week, but they have not come yet.",
    "Hvornår kommer [[0]]?": "When will [[0]] come?",
    "Tusind tak": "Thanks a lot",
    "Jó napot, múlt héten rendeltem egy cipőt, de még nem érkezett meg.":
        "Good day, I ordered shoes last week, but they have not arrived yet.",
    "És mikor érkezik meg az [[0]]?": "And when will [[0]] arrive?",
    "Köszönöm szépen": "Thank you very much",
}  # fmt: skip


class TaggingTranslator:
    """The translation provider's double: a message of the conversations below comes back in English, any other
    text tagged with the language it was asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if target == "en" and text in IN_ENGLISH:
            return IN_ENGLISH[text]
        return f"<{target}>{text}"


# Each customer's conversation, written as people write: a first question, an order number in a short follow-up,
# one-word answers, product names, thanks. The record on file names no language and the number's country is one
# Parley has no catalog for, so only the conversation can hold the language.
CONVERSATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "nl": ("31612345678", "ORD-880001", (
        "Hallo, ik heb vorige week een paar schoenen besteld en ze zijn nog niet binnen.",
        "En wanneer komt ORD-880001 aan?",
        "ok",
        "ja",
        "Waar is mijn pakket?",
        "Zijn de Nike Air Max ook in maat 43?",
        "Dank je wel!",
    )),
    "pl": ("48512345678", "ORD-880002", (
        "Dzień dobry, zamówiłem kurtkę tydzień temu i nadal nie przyszła, co się dzieje?",
        "A kiedy dotrze ORD-880002?",
        "tak",
        "ok",
        "Chcę zwrócić buty",
        "Czy Adidas Samba jest dostępny?",
        "Dziękuję bardzo",
    )),
    "sv": ("46701234567", "ORD-880003", (
        "Hej, jag beställde ett par skor förra veckan men de har inte kommit fram än.",
        "När kommer ORD-880003?",
        "ja",
        "tack",
        "Okej, tack så mycket",
        "Finns Nike Air Max i storlek 43?",
    )),
    "vi": ("84912345678", "ORD-880004", (
        "Xin chào, tôi đã đặt một đôi giày tuần trước nhưng vẫn chưa nhận được hàng.",
        "Khi nào ORD-880004 đến?",
        "ok",
        "vâng",
        "Cảm ơn bạn",
        "Nike Air Max còn size 43 không?",
    )),
    "uk": ("380501234567", "ORD-880005", (
        "Доброго дня, де моє замовлення? Чекаю вже тиждень.",
        "Коли прийде ORD-880005?",
        "так",
        "ok",
        "Я хочу повернути кросівки",
        "Дякую!",
    )),
    "ja": ("819012345678", "ORD-880006", (
        "こんにちは、先週注文した靴がまだ届いていません。",
        "ORD-880006 はいつ届きますか？",
        "はい",
        "ok",
        "Nike Air Max の27センチはありますか？",
        "ありがとうございます",
    )),
    "ko": ("821012345678", "ORD-880007", (
        "안녕하세요, 지난주에 주문한 신발이 아직 도착하지 않았어요.",
        "ORD-880007 언제 도착해요?",
        "네",
        "ok",
        "Nike Air Max 270 사이즈 있나요?",
        "감사합니다",
    )),
    "cs": ("420601234567", "ORD-880021", (
        "Dobrý den, minulý týden jsem si objednal boty a pořád nepřišly.",
        "A kdy dorazí ORD-880021?",
        "ok",
        "ano",
        "Děkuji mockrát",
    )),
    "ro": ("40721234567", "ORD-880022", (
        "Bună ziua, am comandat o pereche de pantofi săptămâna trecută și încă nu au ajuns.",
        "Și când ajunge ORD-880022?",
        "ok",
        "da",
        "Mulțumesc frumos",
    )),
    "da": ("4520123456", "ORD-880023", (
        "Hej, jeg bestilte et par sko i sidste uge, men de er ikke kommet endnu.",
        "Hvornår kommer ORD-880023?",
        "ja",
        "ok",
        "Tusind tak",
    )),
    "hu": ("36201234567", "ORD-880024", (
        "Jó napot, múlt héten rendeltem egy cipőt, de még nem érkezett meg.",
        "És mikor érkezik meg az ORD-880024?",
        "ok",
        "igen",
        "Köszönöm szépen",
    )),
}  # fmt: skip


def service_for(translator: TaggingTranslator, people: list, orders: list):
    return conversation_service(
        customers=InMemoryCustomers(people),
        orders=InMemoryOrders(orders),
        conversations=InMemoryConversations(),
        catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS,
        order_ids=ORDER_IDS,
        clock=lambda: TODAY,
        interpreter=Interpreter(
            CATALOGS.languages, CATALOGS.apologies(), TranslationPivot(translator, Protector(ORDER_IDS))
        ),
    )


@pytest.mark.parametrize("code", sorted(CONVERSATIONS))
def test_a_conversation_without_a_catalog_stays_in_its_language_from_the_first_message_to_the_last(code) -> None:
    phone, order_id, messages = CONVERSATIONS[code]
    person = customer(name="Sam Doe", phone=phone, language="")
    translator = TaggingTranslator()
    service = service_for(translator, [person], [order(person, order_id=order_id)])
    assert code not in CATALOGS.languages

    turns = [service.respond(inbound(text, sender=phone)) for text in messages]

    assert [turn.language for turn in turns] == [code] * len(messages)
    for text, turn in zip(messages, turns, strict=True):
        # Answered in the customer's language through the pivot, never in English after an apology.
        assert turn.translation is TranslationUse.USED, text
        assert turn.reply is not None and turn.reply.text.startswith(f"<{code}>"), (text, turn.reply)
    assert {(source, target) for _, source, target in translator.calls} <= {(code, "en"), ("en", code)}


def test_a_dutch_first_message_is_answered_in_dutch_through_the_pivot() -> None:
    person = customer(name="Daan de Vries", phone="31612345678", language="")
    translator = TaggingTranslator()
    service = service_for(translator, [person], [order(person, order_id="ORD-880011")])

    turn = service.respond(inbound("Hallo, waar is mijn pakket?", sender=person.phone))

    assert turn.language == "nl" and turn.translation is TranslationUse.USED
    assert turn.reply.text.startswith("<nl>")
    assert CATALOGS.apologies()["nl"] not in turn.reply.text


def test_asking_for_another_language_still_switches_a_conversation_without_a_catalog() -> None:
    person = customer(name="Ola Nowak", phone="48512345678", language="")
    translator = TaggingTranslator()
    service = service_for(translator, [person], [order(person, order_id="ORD-880012")])
    service.respond(inbound("Dzień dobry, zamówiłem kurtkę tydzień temu i nadal nie przyszła.", sender=person.phone))
    service.respond(inbound("tak", sender=person.phone))

    turn = service.respond(inbound("Can we continue in English please?", sender=person.phone))
    after = service.respond(inbound("ok", sender=person.phone))

    assert (turn.language, after.language) == ("en", "en")
    assert turn.translation is TranslationUse.NOT_NEEDED and after.translation is TranslationUse.NOT_NEEDED


def test_a_long_message_clearly_in_another_language_still_moves_the_conversation() -> None:
    person = customer(name="Ola Nowak", phone="48512345678", language="")
    service = service_for(TaggingTranslator(), [person], [order(person, order_id="ORD-880013")])
    service.respond(inbound("Dzień dobry, zamówiłem kurtkę tydzień temu i nadal nie przyszła.", sender=person.phone))

    english = "Sorry, my husband will write from now on: where is the jacket we ordered last week?"
    turn = service.respond(inbound(english, sender=person.phone))

    assert turn.language == "en"
