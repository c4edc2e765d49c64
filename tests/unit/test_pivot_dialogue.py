"""Languages without a catalog: understood through English, answered in the customer's language; native languages
never reach the translator; a failing translator still leaves the customer with an answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import Channel, MessageKind
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.interpreting import Interpreter, TranslationUse
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.reading import LANGUAGE_PAYLOAD
from parley.domain.records import OrderStatus
from parley.i18n import load_catalogs
from parley.language.detector import LangdetectDetector
from parley.language.protect import Protector
from parley.language.translation import TranslationError, TranslationPivot
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent
from support.dialogue import conversation_service
from support.dialogue import intents as trained_intents
from support.factories import customer, inbound, order

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = load_catalogs()
DETECTOR = LangdetectDetector(CATALOGS.languages)
INTENTS = trained_intents()  # one model per test process: training on every example takes minutes
ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)

# A Dutch customer: Parley has no Dutch catalog.
DAAN = customer(name="Daan de Vries", phone="31612345678", language="nl")
DAAN_ORDER = order(DAAN, order_id="ORD-310045", carrier="PostNL", tracking_number="3SPNL1234567",
                   estimated_delivery=date(2026, 11, 27))  # fmt: skip
DAAN_OLDER = order(DAAN, order_id="ORD-310046", carrier="DHL", estimated_delivery=date(2026, 11, 30))
# A customer of each native language, each with an order, for the conversations that must not translate.
NATIVE = {
    code: customer(name=f"Customer {code}", phone=f"99{i:02d}5550100", language=code)
    for i, code in enumerate(sorted(CATALOGS.languages))
}


class ScriptedTranslator:
    """The translation provider's test double: known sentences, else the text tagged with its target language."""

    def __init__(self, known: dict[tuple[str, str], str] | None = None, fail: bool = False) -> None:
        self.known = known or {}
        self.fail = fail
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if self.fail:
            raise TranslationError("provider down")
        return self.known.get((text, target), f"<{target}>{text}")


DUTCH = {
    ("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", "en"): (
        "Hello, where is my order? I have been waiting for it for a week."
    ),
    ("Ik wil graag met een medewerker spreken, alstublieft.", "en"): "I would like to speak to an employee, please.",
    ("Kan ik in het Spaans verder praten?", "en"): "Can I continue in Spanish?",
}


def service_with(translator: ScriptedTranslator | None, conversations: InMemoryConversations | None = None):
    orders = [DAAN_ORDER, DAAN_OLDER]
    orders += [order(c, order_id=f"ORD-4{i:05d}", carrier="UPS") for i, c in enumerate(NATIVE.values())]
    pivot = TranslationPivot(translator, Protector(ORDER_IDS)) if translator else None
    return conversation_service(
        customers=InMemoryCustomers([DAAN, *NATIVE.values()]),
        orders=InMemoryOrders(orders),
        conversations=conversations or InMemoryConversations(),
        catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS,
        order_ids=ORDER_IDS,
        clock=lambda: TODAY,
        interpreter=Interpreter(CATALOGS.languages, CATALOGS.apologies(), pivot),
    )


def test_a_dutch_question_is_understood_in_english_and_answered_in_dutch() -> None:
    translator = ScriptedTranslator(DUTCH)
    turn = service_with(translator).respond(
        inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone)
    )

    assert turn.language == "nl"
    assert turn.intent is Intent.ORDER_STATUS
    assert turn.translation is TranslationUse.USED
    # The English answer went to the translator for Dutch; the order number came back untouched.
    assert turn.reply.text.startswith("<nl>")
    assert "ORD-310045" in turn.reply.text and "PostNL" in turn.reply.text
    # Dates are written the Dutch way before translation, so no provider has to guess them.
    assert "27 november 2026" in turn.reply.text
    sources = {(source, target) for _, source, target in translator.calls}
    assert sources == {("nl", "en"), ("en", "nl")}


def test_order_numbers_never_reach_the_translator() -> None:
    translator = ScriptedTranslator(DUTCH)
    service_with(translator).respond(
        inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone)
    )

    assert translator.calls
    assert not any("ORD-310045" in text for text, _, _ in translator.calls)


def test_choices_keep_order_numbers_and_the_menu_label_is_translated() -> None:
    translator = ScriptedTranslator(DUTCH)
    turn = service_with(translator).respond(
        inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone)
    )

    assert [c.title for c in turn.reply.choices] == ["ORD-310046"]


def test_when_translation_fails_the_answer_comes_in_english_after_a_dutch_apology() -> None:
    translator = ScriptedTranslator(fail=True)
    turn = service_with(translator).respond(inbound("Waar is mijn bestelling ORD-310045 nou?", sender=DAAN.phone))

    assert turn.translation is TranslationUse.FAILED
    apology = CATALOGS.apologies()["nl"]
    assert turn.reply.text.startswith(apology)
    # Understood from the order number even untranslated, and answered from the data in English.
    assert "Your order ORD-310045 has shipped." in turn.reply.text
    # Translation in failed: nothing else is tried for this reply.
    assert len(translator.calls) == 1


def test_a_language_without_an_apology_of_its_own_gets_the_english_one() -> None:
    welsh = customer(name="Rhys Evans", phone="447700900123", language="cy")
    service = conversation_service(
        customers=InMemoryCustomers([welsh]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS,
        order_ids=ORDER_IDS,
        clock=lambda: TODAY,
    )  # no pivot configured: TRANSLATION_PROVIDER=none

    # Too short to judge: the language on the customer's record (Welsh) holds.
    turn = service.respond(inbound("Helo 👋", sender=welsh.phone))

    assert turn.language == "cy"
    assert turn.reply.text.startswith(CATALOGS.apologies()["en"])
    assert turn.translation is TranslationUse.FAILED


def test_a_short_reply_keeps_the_conversation_in_dutch() -> None:
    translator = ScriptedTranslator(DUTCH)
    service = service_with(translator, InMemoryConversations())
    service.respond(inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone))

    turn = service.respond(inbound("ok 👍", sender=DAAN.phone))

    assert turn.language == "nl"
    assert turn.reply is None or turn.reply.text.startswith("<nl>")


def test_asking_in_dutch_for_spanish_switches_to_the_spanish_catalog() -> None:
    translator = ScriptedTranslator(DUTCH)
    service = service_with(translator, InMemoryConversations())
    service.respond(inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone))
    calls_before = len(translator.calls)

    turn = service.respond(inbound("Kan ik in het Spaans verder praten?", sender=DAAN.phone))

    assert turn.intent is Intent.CHANGE_LANGUAGE
    assert turn.language == "es"
    assert turn.reply.text == CATALOGS["es"].render("language.switched")
    # Understanding the request took one translation; the Spanish answer took none.
    assert len(translator.calls) == calls_before + 1


def test_the_language_menu_shows_each_language_in_its_own_name_untranslated() -> None:
    translator = ScriptedTranslator(DUTCH)
    service = service_with(translator, InMemoryConversations())
    service.respond(inbound("Hallo, waar is mijn bestelling? Ik wacht er al een week op.", sender=DAAN.phone))

    turn = service.respond(
        inbound("", sender=DAAN.phone, kind=MessageKind.LIST_REPLY, payload="intent:change_language")
    )

    titles = {c.title for c in turn.reply.choices}
    assert {"Español", "Deutsch", "中文"} <= titles
    assert turn.reply.menu_label.startswith("<nl>")


@pytest.mark.parametrize("code", sorted(CATALOGS.languages))
def test_a_conversation_in_a_native_language_never_calls_the_translator(code: str) -> None:
    translator = ScriptedTranslator()
    service = service_with(translator, InMemoryConversations())
    person = NATIVE[code]
    examples = CATALOGS[code].examples
    conversation = [examples["greeting"][0], examples["order_status"][0], examples["thanks"][0]]
    tapped = inbound("", sender=person.phone, kind=MessageKind.LIST_REPLY, payload=f"{LANGUAGE_PAYLOAD}{code}")

    turns = [service.respond(inbound(text, sender=person.phone)) for text in conversation]
    turns.append(service.respond(tapped))

    assert translator.calls == []
    assert all(t.language == code and t.translation is TranslationUse.NOT_NEEDED for t in turns)
    assert all(t.reply is None or not t.reply.text.startswith("<") for t in turns)


def test_a_messenger_customer_with_a_dutch_locale_and_a_dutch_sentence_is_answered_in_dutch() -> None:
    translator = ScriptedTranslator(DUTCH)
    message = inbound(
        "Ik wil graag met een medewerker spreken, alstublieft.",
        channel=Channel.MESSENGER,
        sender="7001234500001",
        locale_hint="nl_NL",
    )

    turn = service_with(translator).respond(message)

    assert turn.language == "nl"
    assert turn.intent is Intent.HUMAN_AGENT and turn.handoff == "asked"
    assert turn.reply.text.startswith("<nl>")


@pytest.mark.parametrize("yes", ["ja", "ja hoor, graag"])
def test_a_dutch_yes_confirms_what_was_asked_in_dutch(yes: str) -> None:
    """The yes of a language without a catalog is read in its English translation ("ja" is "yes")."""
    translator = ScriptedTranslator(
        {
            ("Ik wil mijn bestelling annuleren, alstublieft.", "en"): "I want to cancel my order, please.",
            ("ja", "en"): "yes",
            ("ja hoor, graag", "en"): "yes, please",
        }
    )
    orders = InMemoryOrders([order(DAAN, order_id="ORD-310047", status=OrderStatus.PLACED)])
    pivot = TranslationPivot(translator, Protector(ORDER_IDS))
    service = conversation_service(
        customers=InMemoryCustomers([DAAN]), orders=orders, conversations=InMemoryConversations(), catalogs=CATALOGS,
        language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"), intents=INTENTS,
        order_ids=ORDER_IDS, clock=lambda: TODAY,
        interpreter=Interpreter(CATALOGS.languages, CATALOGS.apologies(), pivot),
    )  # fmt: skip
    asked = service.respond(inbound("Ik wil mijn bestelling annuleren, alstublieft.", sender=DAAN.phone))
    assert "ORD-310047" in asked.reply.text

    turn = service.respond(inbound(yes, sender=DAAN.phone))

    assert turn.language == "nl"
    assert orders.get("ORD-310047").status is OrderStatus.CANCELLED
    assert turn.reply.text.startswith("<nl>") and "ORD-310047" in turn.reply.text


def test_a_swedish_hello_from_a_swedish_number_is_answered_in_swedish() -> None:
    """Too short to identify, so the number's country decides, for a language without a catalog as for a native
    one."""
    translator = ScriptedTranslator()
    pivot = TranslationPivot(translator, Protector(ORDER_IDS))
    sven = customer(name="Sven Berg", phone="46701234567", language=None)
    service = conversation_service(
        customers=InMemoryCustomers([sven]), orders=InMemoryOrders([]), conversations=InMemoryConversations(),
        catalogs=CATALOGS, language=ConversationLanguage(DETECTOR, CATALOGS.lexicon(), CATALOGS.languages, "en"),
        intents=INTENTS, order_ids=ORDER_IDS, clock=lambda: TODAY,
        interpreter=Interpreter(CATALOGS.languages, CATALOGS.apologies(), pivot),
    )  # fmt: skip

    turn = service.respond(inbound("Hej", sender=sven.phone))

    assert turn.language == "sv"
    assert turn.reply.text.startswith("<sv>")
