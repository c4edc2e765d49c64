"""Contract checks on locales/examples/: the intent model's examples as customers write them, for every intent of
DESIGN.md in every language with a catalog (locales/examples/README.md is the specification)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parley.nlu.examples import EXAMPLES_DIR, example_files
from parley.nlu.intents import Intent

LOCALES = Path(__file__).resolve().parents[2] / "locales"
LANGUAGES = sorted(path.stem for path in LOCALES.glob("*.json"))
MIN_EXAMPLES = 120  # issue 13: at least 120 varied examples per intent per language
_WORDS = re.compile(r"\w+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3400-\u9fff]")


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def long_message(text: str) -> bool:
    """A message with a story around its request: many words, or many characters where words have no spaces."""
    return len(_WORDS.findall(text)) >= 14 or (bool(_UNSPACED.search(text)) and len(text) >= 28)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_distinct_examples_in_every_language(language: str) -> None:
    examples = example_files(LOCALES, language)

    assert (LOCALES / EXAMPLES_DIR / language).is_dir(), f"no examples for {language}"
    for intent in Intent:
        texts = examples.get(intent.value, [])
        distinct = {normalised(text) for text in texts}
        assert len(distinct) >= MIN_EXAMPLES, f"{language} {intent.value}: {len(distinct)} distinct examples"


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_intents_have_example_files(language: str) -> None:
    files = {path.stem for path in (LOCALES / EXAMPLES_DIR / language).glob("*")}

    assert files <= {intent.value for intent in Intent}, files - {intent.value for intent in Intent}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_teaches_two_intents(language: str) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for intent, texts in example_files(LOCALES, language).items():
        for text in texts:
            other = seen.setdefault(normalised(text), intent)
            if other != intent:
                clashes.append(f"{text!r}: {other} and {intent}")

    assert not clashes, clashes[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_is_taught_with_long_messages_as_well_as_short_ones(language: str) -> None:
    for intent, texts in example_files(LOCALES, language).items():
        long = sum(map(long_message, texts))
        short = sum(len(_WORDS.findall(text)) <= 4 for text in texts)

        assert long >= len(texts) // 10, f"{language} {intent}: {long} long messages of {len(texts)}"
        assert short >= 5 or intent == Intent.COMPLAINT, f"{language} {intent}: {short} short messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_order_requests_are_taught_with_order_numbers_written_as_customers_write_them(language: str) -> None:
    examples = example_files(LOCALES, language)
    styles = re.compile(r"ORD-\d{6}|\bord\s?\d{6}|#\d{6}|\b\d{6}\b", re.IGNORECASE)

    for intent in (Intent.ORDER_STATUS, Intent.CANCEL_ORDER, Intent.CHANGE_ORDER, Intent.RETURN_REFUND):
        named = [text for text in examples[intent.value] if styles.search(text)]
        assert len(named) >= 10, f"{language} {intent.value}: {len(named)} examples name an order"
        assert any("ORD-" not in text for text in named), f"{language} {intent.value}: only ORD- numbers"
