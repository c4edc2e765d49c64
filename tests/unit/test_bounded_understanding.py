"""One message cannot hold a customer hostage: understanding reads at most what a platform can send (4,096
characters), language identification looks at a bounded sample of it, and a message that would need machine
translation once understanding is past its time budget is answered in English with the apology instead of waiting.
The work is checked by what each stage is handed, never by the wall clock (`make bench` has the timings)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.interpreting import Interpreter, TranslationUse
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.understanding import MAX_UNDERSTOOD, UNDERSTANDING_BUDGET_SECONDS
from parley.i18n import load_catalogs
from parley.language.detector import MAX_WORD, SAMPLE_CHARACTERS, LangdetectDetector, LanguageModel, sample
from parley.language.lexicon import Lexicon
from parley.language.protect import Protector
from parley.language.translation import TranslationPivot
from parley.nlu.entities import OrderIdFinder
from support.dialogue import conversation_service
from support.factories import customer, inbound, order

CATALOGS = load_catalogs()
ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)
TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
# What the tester sent: one "word" of 60,000 characters, and a long Dutch text.
HOSTAGE = "a" * 60_000
LONG_DUTCH = "Hallo, ik wacht al twee weken op mijn bestelling ORD-880001 en niemand antwoordt mij. " * 800


class RecordingModel(LanguageModel):
    """The real language model, noting how many characters it is asked to score."""

    def __init__(self) -> None:
        from parley.language.detector import shared_model

        self.__dict__.update(shared_model().__dict__)
        self.lengths: list[int] = []

    def scores(self, text: str):  # type: ignore[override]
        self.lengths.append(len(text))
        return super().scores(text)


class RecordingLexicon(Lexicon):
    def __init__(self) -> None:
        self.__dict__.update(CATALOGS.lexicon().__dict__)
        self.lengths: list[int] = []

    def scores(self, text: str) -> dict[str, float]:
        self.lengths.append(len(text))
        return super().scores(text)


@given(st.text(min_size=0, max_size=5000))
def test_identification_looks_at_a_bounded_sample_of_any_text(text) -> None:
    looked_at = sample(text)

    assert len(looked_at) <= SAMPLE_CHARACTERS
    assert all(len(word) <= MAX_WORD for word in looked_at.split())


@pytest.mark.parametrize("text", [HOSTAGE, "ab" * 30_000, LONG_DUTCH, "x@" * 30_000, "9a" * 30_000])
def test_identifying_a_huge_message_scores_no_more_than_the_sample(text) -> None:
    model, lexicon = RecordingModel(), RecordingLexicon()
    detector = LangdetectDetector(CATALOGS.languages, model)
    policy = ConversationLanguage(detector, lexicon, CATALOGS.languages, "en")

    policy.choose(text, "nl", None)
    policy.choose(text, None, None)
    detector.guess(text)

    assert model.lengths and max(model.lengths) <= SAMPLE_CHARACTERS
    assert lexicon.lengths and max(lexicon.lengths) <= SAMPLE_CHARACTERS


def test_a_sample_of_a_long_message_still_tells_its_language() -> None:
    policy = ConversationLanguage(LangdetectDetector(CATALOGS.languages), CATALOGS.lexicon(), CATALOGS.languages, "en")

    assert policy.choose(LONG_DUTCH, None, None) == "nl"
    assert policy.choose(HOSTAGE, "nl", None) == "nl"


class CountingTranslator:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.texts.append(text)
        return f"<{target}>{text}"


def dutch_service(translator: CountingTranslator, log: InMemoryMessageLog, **parts):
    daan = customer(name="Daan de Vries", phone="31612345678", language="nl")
    conversations = log.conversations
    return daan, conversation_service(
        customers=InMemoryCustomers([daan]),
        orders=InMemoryOrders([order(daan, order_id="ORD-880001")]),
        conversations=conversations,
        message_log=log,
        catalogs=CATALOGS,
        order_ids=ORDER_IDS,
        clock=lambda: TODAY,
        interpreter=Interpreter(
            CATALOGS.languages, CATALOGS.apologies(), TranslationPivot(translator, Protector(ORDER_IDS))
        ),
        **parts,
    )


def test_text_past_what_a_platform_sends_is_cut_before_understanding_and_kept_whole_in_the_log() -> None:
    translator, log = CountingTranslator(), InMemoryMessageLog(InMemoryConversations())
    daan, service = dutch_service(translator, log)

    turn = service.respond(inbound(LONG_DUTCH, sender=daan.phone))

    assert turn.language == "nl" and turn.reply is not None
    # The translator was asked for the customer's words only up to what a platform sends, once.
    into_english = [t for t in translator.texts if not t.startswith("<")]
    assert len(LONG_DUTCH) > 10 * MAX_UNDERSTOOD
    assert max(len(t) for t in translator.texts) <= MAX_UNDERSTOOD
    assert into_english
    # The message log (what a person reads in a handoff) has the message as it came.
    logged = [m.text for entries in log.items.values() for m in entries]
    assert LONG_DUTCH in logged


def test_past_its_time_budget_understanding_answers_in_english_with_the_apology_instead_of_translating() -> None:
    ticks = count(0, 5)  # every look at the clock finds five more seconds gone
    translator, log = CountingTranslator(), InMemoryMessageLog(InMemoryConversations())
    daan, service = dutch_service(translator, log, budget_seconds=4.0, monotonic=lambda: float(next(ticks)))

    turn = service.respond(
        inbound("Hallo, waar is mijn bestelling ORD-880001? Ik wacht al een week.", sender=daan.phone)
    )

    assert turn.translation is TranslationUse.FAILED
    assert translator.texts == []
    assert turn.reply is not None and turn.reply.text.startswith(CATALOGS.apologies()["nl"])


def test_within_its_time_budget_the_same_message_is_translated() -> None:
    translator, log = CountingTranslator(), InMemoryMessageLog(InMemoryConversations())
    daan, service = dutch_service(translator, log, budget_seconds=4.0, monotonic=lambda: 0.0)

    turn = service.respond(
        inbound("Hallo, waar is mijn bestelling ORD-880001? Ik wacht al een week.", sender=daan.phone)
    )

    assert turn.translation is TranslationUse.USED and translator.texts


def test_the_bounds_are_what_a_platform_sends_a_64_character_word_and_8_seconds() -> None:
    assert (MAX_UNDERSTOOD, MAX_WORD, UNDERSTANDING_BUDGET_SECONDS) == (4096, 64, 8.0)
    assert max(len(word) for word in sample(HOSTAGE + " " + LONG_DUTCH).split()) == MAX_WORD


def test_the_default_budget_is_spent_after_8_seconds() -> None:
    ticks = count(0, 9)  # every look at the clock finds nine more seconds gone: past 8 at the first look
    translator, log = CountingTranslator(), InMemoryMessageLog(InMemoryConversations())
    daan, service = dutch_service(translator, log, monotonic=lambda: float(next(ticks)))

    turn = service.respond(
        inbound("Hallo, waar is mijn bestelling ORD-880001? Ik wacht al een week.", sender=daan.phone)
    )

    assert turn.translation is TranslationUse.FAILED and translator.texts == []
