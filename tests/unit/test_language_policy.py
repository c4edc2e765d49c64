"""Which language Parley answers in, given what langdetect says and what the conversation already uses."""

from __future__ import annotations

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


def test_a_language_without_a_catalog_on_the_record_is_ignored():
    assert policy(None).choose("ok", None, "sw") == "en"


def test_langdetect_is_trusted_when_the_words_do_not_contradict_it():
    assert policy(Detection("pt", 0.99)).choose("onde está meu pedido", None, None) == "pt"


def test_an_unsure_first_message_is_placed_by_its_words_when_they_are_clear():
    assert policy(None).choose("meu pedido não chegou, muito obrigado", None, None) == "pt"


def test_an_unsure_first_message_with_words_of_no_language_gets_the_default():
    assert policy(None).choose("ok 👍", None, None) == "en"


def test_the_channels_hint_decides_only_when_nothing_else_is_known():
    assert policy(None).choose("ok", None, None, hint="pt") == "pt"
    assert policy(None).choose("ok", "es", None, hint="pt") == "es"
    assert policy(None).choose("ok", None, None, hint="sw") == "en"
