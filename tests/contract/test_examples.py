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
    return len(_WORDS.findall(text)) >= 12 or (bool(_UNSPACED.search(text)) and len(text) >= 24)


SMALL_TALK = frozenset({Intent.GREETING, Intent.GOODBYE, Intent.THANKS})


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_distinct_examples_in_every_language(language: str) -> None:
    examples = example_files(LOCALES, language, public=False)

    assert (LOCALES / EXAMPLES_DIR / language).is_dir(), f"no examples for {language}"
    for intent in Intent:
        texts = examples.get(intent.value, [])
        distinct = {normalised(text) for text in texts}
        assert len(distinct) >= MIN_EXAMPLES, f"{language} {intent.value}: {len(distinct)} distinct examples"


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_intents_have_example_files(language: str) -> None:
    files = {path.stem for path in (LOCALES / EXAMPLES_DIR / language).glob("*.txt")}

    assert files <= {intent.value for intent in Intent}, files - {intent.value for intent in Intent}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_teaches_two_intents(language: str) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for intent, texts in example_files(LOCALES, language, public=False).items():
        for text in texts:
            other = seen.setdefault(normalised(text), intent)
            if other != intent:
                clashes.append(f"{text!r}: {other} and {intent}")

    assert not clashes, clashes[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_is_taught_with_long_messages_as_well_as_short_ones(language: str) -> None:
    for intent, texts in example_files(LOCALES, language, public=False).items():
        long = sum(map(long_message, texts))
        short = sum(len(_WORDS.findall(text)) <= 4 and len(text) <= 24 for text in texts)

        if intent not in SMALL_TALK:  # nobody tells a story to say hello
            assert long >= len(texts) // 10, f"{language} {intent}: {long} long messages of {len(texts)}"
        assert short >= 5, f"{language} {intent}: {short} short messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_order_requests_are_taught_with_order_numbers_written_as_customers_write_them(language: str) -> None:
    examples = example_files(LOCALES, language, public=False)
    styles = re.compile(r"ORD-\d{6}|\bord\s?\d{6}|#\d{6}|\b\d{6}\b", re.IGNORECASE)

    for intent in (Intent.ORDER_STATUS, Intent.CANCEL_ORDER, Intent.CHANGE_ORDER, Intent.RETURN_REFUND):
        named = [text for text in examples[intent.value] if styles.search(text)]
        assert len(named) >= 10, f"{language} {intent.value}: {len(named)} examples name an order"
        assert any("ORD-" not in text for text in named), f"{language} {intent.value}: only ORD- numbers"


def test_public_examples_are_relabelled_training_data_with_their_licence() -> None:
    """Bitext's training split teaches English phrasing no one here wrote; never its test split, and its notice
    goes with it."""
    folder = LOCALES / EXAMPLES_DIR / "en" / "bitext"
    notice = (folder / "NOTICE.md").read_text(encoding="utf-8")
    test_split = {"I do not know how I can cancel purchase 00123842", "help to cancel purchase 00004587345"}

    assert "CDLA-Sharing-1.0" in notice and "training split" in notice
    assert {path.stem for path in folder.glob("*.txt")} <= {intent.value for intent in Intent}
    taught = {text for texts in example_files(LOCALES, "en").values() for text in texts}
    assert not test_split & taught
    assert "how can I cancel purchase 113542617735902?" in taught
