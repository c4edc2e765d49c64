"""Which language Parley answers in, given what langdetect says and what the conversation already uses."""

from __future__ import annotations

import pytest

from parley.dialogue.language_policy import ConversationLanguage
from parley.language.detector import Detection
from parley.language.lexicon import Lexicon

LEXICON = Lexicon(
    {
        "en": ["where is my order", "my order has not arrived", "thanks a lot", "when will it arrive"],
        "es": ["dónde está mi pedido", "mi pedido no ha llegado", "muchas gracias", "cuándo llega"],
        "pt": ["onde está meu pedido", "meu pedido não chegou", "muito obrigado", "quando chega"],
    }
)
NATIVE = frozenset({"en", "es", "pt"})


class FixedDetector:
    """What langdetect answered, fixed for the test."""

    def __init__(self, answer: Detection | None) -> None:
        self.answer = answer

    def detect(self, text: str) -> Detection | None:
        return self.answer


def policy(answer: Detection | None) -> ConversationLanguage:
    return ConversationLanguage(FixedDetector(answer), LEXICON, NATIVE, "en")


def test_spanish_words_beat_langdetects_confident_portuguese_on_a_first_message():
    assert policy(Detection("pt", 1.0)).choose("mi pedido no ha llegado", None, None) == "es"


def test_a_confident_misdetection_does_not_switch_a_spanish_conversation():
    assert policy(Detection("pt", 1.0)).choose("mi pedido no ha llegado", "es", None) == "es"


def test_a_message_whose_words_are_in_another_language_switches_the_conversation():
    assert policy(Detection("en", 0.99)).choose("my order has not arrived, where is it", "es", "es") == "en"


def test_too_short_to_tell_keeps_the_conversations_language():
    assert policy(None).choose("ok", "es", "en") == "es"


def test_without_a_conversation_the_customers_record_decides_a_short_message():
    assert policy(None).choose("👍", None, "pt") == "pt"


def test_with_nothing_known_the_business_default_is_used():
    assert policy(None).choose("ok", None, None) == "en"


def test_a_language_without_a_catalog_on_the_record_is_honoured_for_a_short_message():
    assert policy(None).choose("ok", None, "sw") == "sw"
    assert policy(None).choose("ok", None, "pt-BR") == "pt"
    assert policy(None).choose("ok", None, "not a language") == "en"


def test_langdetect_is_trusted_when_the_words_do_not_contradict_it():
    assert policy(Detection("pt", 0.99)).choose("onde está meu pedido", None, None) == "pt"


def test_an_unsure_first_message_is_placed_by_its_words_when_they_are_clear():
    assert policy(None).choose("meu pedido não chegou, muito obrigado", None, None) == "pt"


def test_an_unsure_first_message_with_words_of_no_language_gets_the_default():
    assert policy(None).choose("ok 👍", None, None) == "en"


def test_the_channels_hint_decides_only_when_nothing_else_is_known():
    assert policy(None).choose("ok", None, None, hint="pt") == "pt"
    assert policy(None).choose("ok", "es", None, hint="pt") == "es"
    assert policy(None).choose("ok", None, None, hint="sw") == "sw"


def test_a_language_without_a_catalog_named_by_the_detector_switches_the_conversation():
    dutch = "ik wil graag weten waar mijn bestelling blijft"
    assert policy(Detection("nl", 0.99)).choose(dutch, "en", "en") == "nl"
    assert policy(Detection("ko", 1.0, by_script=True)).identify("주문이 아직 안 왔어요") == "ko"


def test_a_remembered_language_without_a_catalog_is_kept_on_a_short_message():
    assert policy(None).choose("ok", "nl", "en") == "nl"
    assert policy(None).choose("👍", "ja", None, hint="pt") == "ja"


def test_catalog_words_overrule_a_statistical_foreign_guess_but_not_a_script():
    # langdetect-style statistics calling Spanish chat Catalan: the Spanish catalog's words keep it Spanish.
    assert policy(Detection("ca", 0.99)).identify("mi pedido no ha llegado, muchas gracias") == "es"
    assert policy(Detection("ko", 1.0, by_script=True)).identify("mi pedido no ha llegado, muchas gracias") == "ko"


def test_native_is_told_apart_from_foreign():
    language = policy(None)
    assert language.is_native("es") and not language.is_native("nl") and not language.is_native(None)


# With the real detector and the catalogs' words: what a conversation does with whole messages.


@pytest.fixture(scope="module")
def real() -> ConversationLanguage:
    from parley.config import load_settings
    from parley.wiring import understanding_parts

    return understanding_parts(load_settings({})).language


@pytest.mark.parametrize("text", ["ok", "👍", "ORD-104233", "thx", "hoi", "dank", "dank je"])
def test_a_short_message_never_switches_a_real_conversation(real, text):
    assert real.choose(text, "es", "es") == "es"
    assert real.choose(text, "nl", None) == "nl"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Goedemiddag, ik heb vorige week een bestelling geplaatst maar die is nog steeds niet binnen.", "nl"),
        ("Dzień dobry, zamówiłem buty tydzień temu i nadal nie przyszły, co się dzieje?", "pl"),
        ("先週注文した靴がまだ届いていません。", "ja"),
        ("지난주에 주문한 신발이 아직 도착하지 않았어요.", "ko"),
    ],
)
def test_a_customer_writing_a_language_without_a_catalog_is_recognised(real, text, language):
    assert real.choose(text, "en", "en") == language
    assert not real.is_native(language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Buenas tardes, hice un pedido la semana pasada y todavía no me llega, ¿qué pasó?", "es"),
        ("Boa tarde, fiz uma encomenda na semana passada e ainda não recebi nada.", "pt"),
        ("Selamat siang, saya pesan sepatu minggu lalu tapi sampai sekarang belum datang.", "id"),
        ("Добрый день, я заказал обувь на прошлой неделе, но она до сих пор не пришла.", "ru"),
    ],
)
def test_a_native_customers_message_stays_native(real, text, language):
    assert real.choose(text, None, None) == language
    assert real.choose(text, "en", "en") == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mera parcel abhi tak nahi aaya, kab tak aayega?", "hi"),
        ("bhai refund kab milega, 10 din ho gaye", "hi"),
        ("meri payment fail ho gayi par paise kat gaye", "hi"),
        ("ana 3ayez a3raf el order bta3i fein", "ar"),
        ("law sama7t el order lessa ma wesilsh", "ar"),
        ("3andi moshkla fel app, mesh bey2bal el password", "ar"),
    ],
)
def test_hindi_and_arabic_written_in_latin_letters_are_answered_in_hindi_and_arabic(real, text, language):
    # Hinglish and Arabizi share English's letters (and Arabizi writes some sounds as digits): their own words,
    # which the catalogs' examples teach, decide, and English's code-mixed words ("refund", "order") do not.
    assert real.choose(text, None, None) == language


def test_an_email_or_an_order_number_does_not_make_a_message_english(real):
    assert real.choose("بريدي هو someone@example.org", "ar", "ar") == "ar"
    assert real.choose("mi correo es someone@example.org", "es", "es") == "es"
    assert real.choose("ORD-104233 https://example.com/track", "de", "de") == "de"


def test_a_short_message_the_detector_calls_native_does_not_move_a_conversation_without_a_catalog():
    # "En wanneer komt ORD-880001 aan?" without its order number: too little to leave Dutch for Indonesian.
    assert policy(Detection("es", 0.97)).choose("En wanneer komt ORD-880001 aan?", "nl", None) == "nl"
    assert policy(Detection("pt", 0.99)).choose("Okej, tack så mycket", "sv", None) == "sv"


@pytest.mark.parametrize(
    ("text", "remembered"),
    [
        ("En wanneer komt ORD-880001 aan?", "nl"),
        ("Waar is mijn pakket?", "nl"),
        ("Chcę zwrócić buty", "pl"),
        ("Okej, tack så mycket", "sv"),
        ("Коли прийде ORD-880005?", "uk"),
    ],
)
def test_a_real_conversation_without_a_catalog_keeps_its_language_on_a_short_message(real, text, remembered):
    assert real.choose(text, remembered, None) == remembered


def test_ukrainian_letters_keep_a_first_message_ukrainian_though_russian_shares_its_words(real):
    assert real.choose("Доброго дня, де моє замовлення?", None, None) == "uk"


def test_with_nothing_known_a_word_only_one_catalog_has_names_the_language_of_a_short_message():
    # "obrigado" alone is too short to identify, but only Portuguese customers write it; "gracias" Spanish ones.
    assert policy(None).choose("obrigado", None, None) == "pt"
    assert policy(None).choose("gracias!!", None, None) == "es"
    # A word several catalogs share names none of them; and what is known of the customer still comes first.
    assert policy(None).choose("pedido?", None, None) == "en"
    assert policy(None).choose("obrigado", None, None, hint="es") == "es"
