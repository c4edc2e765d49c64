import pytest

from parley.language.names import language_of_number, named_language, own_name

NATIVE = frozenset({"en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh"})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("can we speak spanish?", "es"),
        ("podemos hablar en ingles", "en"),
        ("parlez-vous français", "fr"),
        ("auf Deutsch bitte", "de"),
        ("говорите по-русски", "ru"),
        ("请用中文", "zh"),
        ("हिन्दी में बात करें", "hi"),
        ("Türkçe konuşalım", "tr"),
        ("where is my order", None),
    ],
)
def test_a_language_is_recognised_by_its_name_in_any_native_language(text, code):
    assert named_language(text, NATIVE) == code


def test_a_menu_names_each_language_in_itself():
    assert [own_name(c) for c in ("es", "de", "zh", "id")] == ["Español", "Deutsch", "中文", "Bahasa Indonesia"]


@pytest.mark.parametrize(
    ("number", "code"),
    [("34612345678", "es"), ("5511987654321", "pt"), ("14155550123", "en"), ("966501234567", "ar"),
     ("81312345678", None)],
)  # fmt: skip
def test_a_whatsapp_number_suggests_its_countrys_language(number, code):
    assert language_of_number(number, NATIVE) == code


@pytest.mark.parametrize(("number", "code"), [("46701234567", "sv"), ("31612345678", "nl"), ("81312345678", "ja")])
def test_a_number_suggests_a_language_without_a_catalog_when_any_language_will_do(number, code):
    assert language_of_number(number) == code
    assert language_of_number(number, NATIVE) is None
