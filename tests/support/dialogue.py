"""The dialogue engine as the dialogue tests build it: the real catalogs, language policy and intent model (trained
once per test session), in-memory stores given by each test."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.answers import AnswerReader
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.registry import FlowRegistry
from parley.dialogue.understanding import Understanding
from parley.i18n import Catalogs, load_catalogs
from parley.language.detector import LangdetectDetector
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Classification, Intent, LinearIntents

_PORTS = frozenset(f.name for f in fields(DialoguePorts))


@cache
def catalogs() -> Catalogs:
    return load_catalogs()


@cache
def intents() -> LinearIntents:
    return LinearIntents(catalogs().examples())


@cache
def language() -> ConversationLanguage:
    native = catalogs()
    return ConversationLanguage(LangdetectDetector(native.languages), native.lexicon(), native.languages, "en")


def understanding(**parts: Any) -> Understanding:
    """Parley's own catalogs, language policy, intent model and order numbers; `parts` replaces any of them
    (interpreter= for a translation pivot)."""
    values: dict[str, Any] = {
        "catalogs": catalogs(),
        "language": language(),
        "intents": intents(),
        "order_ids": OrderIdFinder(DEFAULT_ORDER_ID_PATTERN),
    }
    return Understanding(**(values | parts))


def answer_reader() -> AnswerReader:
    """How the engine reads a yes, a no or "never mind", with the same intent model and order numbers."""
    return AnswerReader(intents().classify, OrderIdFinder(DEFAULT_ORDER_ID_PATTERN))


def conversation_service(flows: FlowRegistry | None = None, **ports_and_parts: Any) -> DialogueEngine:
    """customers=, orders=, conversations= and any other DialoguePorts field; interpreter= or any other
    Understanding part; flows= a registry other than every module of parley.dialogue.flows."""
    ports = {name: value for name, value in ports_and_parts.items() if name in _PORTS}
    parts = {name: value for name, value in ports_and_parts.items() if name not in _PORTS}
    return DialogueEngine(DialoguePorts(**ports), understanding(**parts), flows)


def first_paragraph(turn: Any) -> str:
    """A reply's first paragraph: what a flow said, before anything the engine adds (a rating question)."""
    return str(turn.reply.text.split("\n\n")[0])


class FixedIntents:
    """An intent model that takes every message for one intent, with one confidence: for tests of what the words or
    the confidence decide, apart from what the trained model makes of them (understanding(intents=FixedIntents(…)))."""

    def __init__(self, intent: Intent, confidence: float = 0.99) -> None:
        self.intent = intent
        self.confidence = confidence

    def classify(self, text: str) -> Classification:
        return Classification(self.intent, self.confidence)

    def probabilities(self, text: str) -> dict[str, float]:
        rest = (1.0 - self.confidence) / (len(Intent) - 1)
        return {intent.value: self.confidence if intent is self.intent else rest for intent in Intent}


def languages_taught(intent: Intent) -> list[Any]:
    """Every native language as a test parameter; those with no examples of `intent` yet are skipped, saying so (the
    examples are written language by language, and the intent model knows only what they teach it)."""
    return [
        pytest.param(language, marks=pytest.mark.skipif(
            not catalogs()[language].examples.get(intent.value), reason=f"no {intent.value} examples in {language} yet"
        ))
        for language in sorted(catalogs().languages)
    ]  # fmt: skip
