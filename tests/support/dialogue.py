"""The conversation service as the dialogue tests build it: the real catalogs, language policy and intent model
(trained once per test session), in-memory repositories given by each test."""

from __future__ import annotations

from functools import cache
from typing import Any

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.service import ConversationService
from parley.i18n import Catalogs, load_catalogs
from parley.language.detector import LangdetectDetector
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import LinearIntents


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


def conversation_service(**repositories_and_options: Any) -> ConversationService:
    """customers=, orders=, conversations= and any other ConversationService option; the rest is Parley's own."""
    return ConversationService(
        catalogs=catalogs(),
        language=language(),
        intents=intents(),
        order_ids=OrderIdFinder(DEFAULT_ORDER_ID_PATTERN),
        **repositories_and_options,
    )


def first_paragraph(turn: Any) -> str:
    """A reply's first paragraph: what a flow said, before anything the service adds (a rating question)."""
    return str(turn.reply.text.split("\n\n")[0])
