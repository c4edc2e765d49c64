"""Contract checks on the reply catalogs in locales/: one JSON file per natively supported language.

Every catalog must answer every reply key with the same placeholders as English, render with real values, read as
the language it claims to be, and give the intent classifier enough varied examples to learn from.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

import pytest

from parley.i18n import RTL_LANGUAGES, Catalog, Catalogs, load_catalogs
from parley.nlu.intents import Intent

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
FILES = sorted(LOCALES.glob("*.json"))
LANGUAGES = [path.stem for path in FILES]
OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]

# DESIGN.md, "Languages": the natively supported languages.
NATIVE = frozenset({"en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh"})
MIN_EXAMPLES = 40  # issue 4: at least 40 varied examples per intent per language

SAMPLE = {
    "name": "Emily",
    "order_id": "ORD-104233",
    "carrier": "UPS",
    "tracking_number": "1Z999AA10123456784",
    "order_ids": "ORD-104198, ORD-104300",
    "title": "Wi-Fi",
    "step": "Restart the router.",
    "number": "2",
    "total": "4",
    "return_id": "RET-7K2M9Q",
    "amount": "59.90 EUR",
    "invoice_id": "INV-2026-0912",
    "request": "Cancel an order",
    "product": "Trailhead Rain Jacket",
    "price": "119.00 USD",
    "count": "3",
    "variant": "blue / L",
    "variants": "blue / M, green / M",
    "wanted": "XL",
    "plan": "Sock Club Monthly",
    "day": "Monday",
    "time": "9:00 AM",
    "timezone": "Central European Standard Time",
    "item": "Trailhead Rain Jacket",
    "address": "Calle Mayor 5, 28013 Madrid",
}
SAMPLE_DATE = date(2026, 11, 27)
DATE_PLACEHOLDERS = ("date", "placed_on")

# Scripts that are not Latin: a Latin word left in a reply is a forgotten English one ("order", "Your").
NON_LATIN = ("ar", "hi", "ru", "zh")
BRAND_NAMES = ("Parley", "Messenger")

# The quotation marks around the example question of `fallback`, as each language writes them.
QUOTES = {
    "pt": ("“", "”"),
    "fr": ("«\u00a0", "\u00a0»"),
    "de": ("„", "“"),
    "it": ("«", "»"),
    "hi": ("“", "”"),
    "id": ("“", "”"),
    "ar": ("«", "»"),
    "tr": ("“", "”"),
    "ru": ("«", "»"),
    "zh": ("“", "”"),
}
# ASCII punctuation a language writes with its own characters instead (، ؛ ؟ in Arabic; full-width in Chinese).
FOREIGN_PUNCTUATION = {"ar": ",;?", "zh": ",;:?!", "hi": "."}
# Words that would address a customer informally where the formal register is expected.
INFORMAL_WORDS = {
    "de": {"du", "dich", "dir", "dein", "deine", "deiner", "deinen", "euch", "euer"},
    "fr": {"tu", "te", "toi", "ton", "ta", "tes"},
    "it": {"tu", "ti", "tuo", "tua", "tuoi", "tue"},
    "pt": {"tu", "teu", "tua", "contigo"},
    "ru": {"ты", "тебе", "тебя", "твой", "твоя", "твои", "твоё", "твое"},
    "tr": {"sen", "seni", "sana", "senin"},
    "hi": {"तुम", "तू", "तुम्हें", "तुम्हारा", "तुम्हारी", "तेरा"},
    "id": {"kamu", "kau", "mu"},
    "zh": {"你"},
}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def catalogs() -> Catalogs:
    return load_catalogs(LOCALES)


def catalog(language: str) -> Catalog:
    return catalogs()[language]


def english() -> Catalog:
    return catalog("en")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def sample_values(language: str) -> dict[str, Any]:
    when = catalog(language).date(SAMPLE_DATE)
    return {**SAMPLE, **dict.fromkeys(DATE_PLACEHOLDERS, when)}


def without_placeholders(template: str) -> str:
    return _PLACEHOLDER.sub(" ", template)


def intents_with_examples() -> list[str]:
    return [intent.value for intent in Intent if english().examples.get(intent.value)]


def normalised(utterance: str) -> str:
    return " ".join(utterance.casefold().split())


# ------------------------------------------------------------------------------------------------ the file set


@pytest.mark.parametrize("path", FILES, ids=LANGUAGES)
def test_every_catalog_is_json_with_replies_and_examples(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))

    assert isinstance(data, dict)
    assert isinstance(data.get("replies"), dict) and data["replies"]
    assert isinstance(data.get("examples"), dict) and data["examples"]
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data["replies"].items())
    for intent, utterances in data["examples"].items():
        assert isinstance(utterances, list), intent
        assert all(isinstance(u, str) and u.strip() for u in utterances), intent


def test_every_native_language_has_a_catalog_and_the_language_set_is_the_file_set():
    assert set(LANGUAGES) >= NATIVE, f"missing catalogs: {sorted(NATIVE - set(LANGUAGES))}"
    assert catalogs().languages == frozenset(LANGUAGES)
    assert catalogs().default_language == "en"


# ------------------------------------------------------------------------------------------------ replies


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_language_has_every_reply_with_the_same_placeholders(language: str):
    replies = catalog(language).replies

    assert set(replies) == set(english().replies), f"{language}: missing {set(english().replies) - set(replies)}"
    for key, template in english().replies.items():
        assert placeholders(replies[key]) == placeholders(template), f"{language} {key!r}: {replies[key]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_renders_with_real_values(language: str):
    current = catalog(language)
    values = sample_values(language)

    for key, template in current.replies.items():
        text = current.render(key, **values)
        assert text.strip(), key
        for name in placeholders(template):
            assert str(values[name]) in text, f"{language} {key!r} lost {name}"
        assert "{" not in text and "}" not in text, f"{language} {key!r}: {text!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rendered_date_never_doubles_the_full_stop(language: str):
    """Babel's long Russian date ends with the abbreviation of "year" and its full stop: no second one after it."""
    current = catalog(language)
    values = sample_values(language)

    for key, template in current.replies.items():
        if placeholders(template) & set(DATE_PLACEHOLDERS):
            text = current.render(key, **values)
            assert ".." not in text and ".。" not in text, f"{language} {key!r}: {text!r}"


@pytest.mark.parametrize("language", sorted({"ar"} | (RTL_LANGUAGES & set(LANGUAGES))))
def test_right_to_left_replies_keep_order_numbers_inside_directional_isolates(language: str):
    current = catalog(language)

    text = current.render("order.not_found", order_id="ORD-104233")
    assert "\u2066ORD-104233\u2069" in text, repr(text)
    values = sample_values(language)
    for key, template in current.replies.items():
        rendered = current.render(key, **values)
        for name in placeholders(template) & set(SAMPLE):
            assert f"\u2066{SAMPLE[name]}\u2069" in rendered, f"{language} {key!r}: {rendered!r}"


def test_english_replies_are_not_empty():
    assert all(template.strip() for template in english().replies.values())


# Words that are the same in English and these languages, where leaving them "in English" is correct.
SAME_AS_ENGLISH = {("es", "choice.no"), ("it", "choice.no")}


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_reply_is_empty_or_left_in_english(language: str):
    for key, template in catalog(language).replies.items():
        assert template.strip(), f"{language} {key!r} is empty"
        if (language, key) not in SAME_AS_ENGLISH:
            assert template.strip() != english().replies[key].strip(), f"{language} {key!r} is the English reply"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_has_the_short_answer_words(language: str):
    words = catalog(language).words
    # Beyond the short answers, the words of a request read literally (pause, cancel a plan…): the same in all.
    assert (
        set(words) == set(english().words) >= {"yes", "no", "abort", "frustrated", "payment_failed", "payment_method"}
    )
    assert all(words[kind] for kind in words), f"{language}: an empty word list"
    # A word may not mean two answers: "no" both no and never mind would make a change on a guess.
    assert not set(words["yes"]) & (set(words["no"]) | set(words["abort"])), language


@pytest.mark.parametrize("language", [language for language in NON_LATIN if language in LANGUAGES])
def test_non_latin_replies_contain_no_leftover_latin_words(language: str):
    for key, template in catalog(language).replies.items():
        text = without_placeholders(template)
        for brand in BRAND_NAMES:
            text = text.replace(brand, " ")
        latin = re.findall(r"[A-Za-z]+", text)
        assert not latin, f"{language} {key!r} has Latin words {latin}: {template!r}"


@pytest.mark.parametrize("language", sorted(QUOTES))
def test_the_fallback_quotes_its_example_question_the_way_the_language_does(language: str):
    opening, closing = QUOTES[language]
    fallback = catalog(language).replies["fallback"]

    match = re.search(re.escape(opening) + r"(.+?)" + re.escape(closing), fallback)
    assert match, f"{language}: {fallback!r}"
    assert '"' not in fallback, f"{language}: straight quotes in {fallback!r}"
    if language in NON_LATIN:
        assert not re.search(r"[A-Za-z]", match.group(1)), f"{language}: the example question is not translated"


@pytest.mark.parametrize("language", sorted(FOREIGN_PUNCTUATION))
def test_replies_use_the_languages_own_punctuation(language: str):
    for key, template in catalog(language).replies.items():
        text = without_placeholders(template)
        found = [c for c in FOREIGN_PUNCTUATION[language] if c in text]
        assert not found, f"{language} {key!r} uses {found}: {template!r}"


def test_french_replies_use_no_break_spaces_before_high_punctuation_and_inside_guillemets():
    for key, template in catalog("fr").replies.items():
        text = without_placeholders(template)
        assert not re.search(r"[^\u00a0\u202f][?!:;]", text), f"fr {key!r}: {template!r}"
        assert not re.search(r"«[^\u00a0]|[^\u00a0]»", text), f"fr {key!r}: {template!r}"


@pytest.mark.parametrize("language", sorted(INFORMAL_WORDS))
def test_replies_address_the_customer_in_the_formal_register(language: str):
    for key, template in catalog(language).replies.items():
        text = without_placeholders(template)
        words = set(text) if language == "zh" else set(re.findall(r"\w+", text.casefold()))
        informal = words & INFORMAL_WORDS[language]
        assert not informal, f"{language} {key!r} is informal ({sorted(informal)}): {template!r}"


# ------------------------------------------------------------------------------------------------ examples


def test_english_has_examples_for_the_intents_the_classifier_learns():
    assert {Intent.GREETING, Intent.ORDER_STATUS, Intent.OUT_OF_SCOPE} <= set(intents_with_examples())


@pytest.mark.parametrize("language", LANGUAGES)
def test_example_labels_are_intents(language: str):
    known = {intent.value for intent in Intent}

    assert set(catalog(language).examples) <= known, set(catalog(language).examples) - known


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_distinct_examples_in_every_language(language: str):
    examples = catalog(language).examples

    for intent in intents_with_examples():
        utterances = examples.get(intent, [])
        assert len(utterances) >= MIN_EXAMPLES, f"{language} {intent}: {len(utterances)} examples"
        seen: set[str] = set()
        for utterance in utterances:
            key = normalised(utterance)
            assert key, f"{language} {intent}: an empty example"
            assert key not in seen, f"{language} {intent}: {utterance!r} twice"
            seen.add(key)


def test_languages_without_a_catalog_have_an_apology_and_every_catalog_has_its_own() -> None:
    apologies = catalogs().apologies()
    # Each catalog's own apology (said before an English answer when translation fails) ...
    for language in LANGUAGES:
        assert apologies[language] == catalog(language).render("translation.unavailable")
    # ... and locales/pivot/apologies.json for common languages Parley has no catalog for, none of them native.
    pivot = json.loads((Path(FILES[0]).parent / "pivot" / "apologies.json").read_text(encoding="utf-8"))["apologies"]
    assert not set(pivot) & set(LANGUAGES)
    assert {"nl", "pl", "sv", "ja", "ko", "vi", "uk", "he"} <= set(pivot)
    assert all(text.strip() and "{" not in text for text in pivot.values())


# The demo shop's colours (data/demo/products.csv): a customer names them, and sizes, in their own words.
SHOP_COLOURS = ("blue", "red", "green", "white", "black", "grey", "brown")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_catalog_names_the_shops_colours_and_sizes_in_its_own_words(language: str):
    meanings = catalog(language).word_maps["attribute_words"]

    assert set(SHOP_COLOURS) <= set(meanings.values()), set(SHOP_COLOURS) - set(meanings.values())
    assert {"size", "color", "one size"} <= set(meanings.values())
    assert all(word.strip() and meaning.strip() for word, meaning in meanings.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_has_its_word_lists_for_offers_and_payment_methods(language: str):
    words = catalog(language).words

    assert {"marketing_out", "marketing_in", "payment_options"} <= set(words)
    # "STOP" opts out in every language, as customers of text messaging expect; and no word is both ways.
    assert "stop" in words["marketing_out"]
    assert not {w.casefold() for w in words["marketing_out"]} & {w.casefold() for w in words["marketing_in"]}
