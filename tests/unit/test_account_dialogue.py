"""The customer account in conversation: the steps and page of the topic the customer's words name, in their
language, for anyone; the topics to choose from when the words do not say; closing the account only after a yes from
its owner, handed to a person who closes it in the shop's system; a no keeps everything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders
from parley.channels.model import MessageKind
from parley.channels.replies import Link
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.flows.account import CLOSURE
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.understanding import Understanding
from parley.domain.records import Customer
from parley.i18n import Catalog
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent
from parley.support.account_help import AccountTopic, load_account_help
from support.dialogue import FixedIntents, catalogs, conversation_service, language
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
HELP = load_account_help()
LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")
STRANGER = "447700900123"

# What customers write, in their own words: forgotten password, cannot log in, close the account.
MESSAGES = {
    "en": ("I forgot my password", "I can't log in to my account", "please close my account"),
    "es": ("olvidé mi contraseña", "no puedo entrar a mi cuenta", "quiero cerrar mi cuenta"),
    "pt": ("esqueci minha senha", "não consigo entrar na minha conta", "quero encerrar minha conta"),
    "fr": ("j'ai oublié mon mot de passe", "je n'arrive pas à me connecter", "je veux fermer mon compte"),
    "de": ("Ich habe mein Passwort vergessen", "Ich kann mich nicht einloggen", "Ich möchte mein Konto schließen"),
    "it": ("ho dimenticato la password", "non riesco ad accedere al mio account", "voglio chiudere il mio account"),
    "hi": ("मैं अपना पासवर्ड भूल गया हूँ", "मेरा लॉग इन नहीं हो रहा है", "मैं अपना अकाउंट बंद करना चाहता हूँ"),
    "id": ("saya lupa kata sandi akun saya", "saya tidak bisa masuk ke akun saya", "saya ingin menutup akun saya"),
    "ar": ("نسيت كلمة المرور", "لا أستطيع الدخول إلى حسابي", "أريد إغلاق حسابي"),
    "tr": ("şifremi unuttum", "hesabıma giriş yapamıyorum", "hesabımı kapatmak istiyorum"),
    "ru": ("я забыл пароль", "не могу войти в аккаунт", "хочу закрыть аккаунт"),
    "zh": ("我忘记密码了", "我无法登录账户", "我想注销账户"),
}
CUSTOMERS = {lang: customer(name="Alex Doe", phone=f"4915{n:09d}", language=lang) for n, lang in enumerate(LANGUAGES)}


def engine(customers: list[Customer], orders: InMemoryOrders | None = None) -> DialogueEngine:
    conversations = InMemoryConversations()
    ports = DialoguePorts(
        customers=InMemoryCustomers(customers),
        orders=orders or InMemoryOrders([]),
        conversations=conversations,
        message_log=InMemoryMessageLog(conversations),
        clock=lambda: NOW,
    )
    order_ids = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)
    # How the model reads customers' messages is its own tests' matter; these are about what the account flow
    # makes of the words, so every message here is read as an account request.
    return DialogueEngine(ports, Understanding(CATALOGS, language(), FixedIntents(Intent.ACCOUNT, 0.95), order_ids))  # type: ignore[arg-type]


def steps_of(topic: AccountTopic, catalog: Catalog) -> list[str]:
    steps = HELP[topic].steps(catalog.language)
    rendered = [
        catalog.render("support.step", number=n, total=len(steps), step=step) for n, step in enumerate(steps, 1)
    ]
    return [HELP[topic].title(catalog.language), *rendered]


def yes(catalog: Catalog) -> str:
    return catalog.words["yes"][0]


@pytest.mark.parametrize(
    ("topic", "which"), [(AccountTopic.PASSWORD_RESET, 0), (AccountTopic.LOGIN, 1)], ids=["password", "login"]
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_customers_words_get_the_steps_and_the_page_of_their_topic_in_their_language(
    lang: str, topic: AccountTopic, which: int
) -> None:
    who = CUSTOMERS[lang]
    catalog = CATALOGS[lang]

    turn = engine([who]).respond(inbound(MESSAGES[lang][which], sender=who.phone))

    assert turn.language == lang
    for line in steps_of(topic, catalog):
        assert line in turn.reply.text
    assert catalog.render("account.link") in turn.reply.text
    assert turn.reply.link == Link(HELP[topic].url(lang), HELP[topic].title(lang))
    assert turn.handoff is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_closing_the_account_after_a_yes_goes_to_a_person_who_closes_it_and_data_is_not_erased(lang: str) -> None:
    who = CUSTOMERS[lang]
    catalog = CATALOGS[lang]
    service = engine([who])

    asked = service.respond(inbound(MESSAGES[lang][2], sender=who.phone))
    assert asked.handoff is None
    for line in steps_of(AccountTopic.CLOSE_ACCOUNT, catalog):
        assert line in asked.reply.text
    assert asked.reply.text.endswith(catalog.render("account.close_confirm"))
    assert [c.title for c in asked.reply.choices] == [catalog.render("choice.yes"), catalog.render("choice.no")]

    done = service.respond(inbound(yes(catalog), sender=who.phone))

    assert done.handoff == CLOSURE and done.customer_id == who.customer_id
    assert done.reply.text == f"{catalog.render('account.close_requested')}\n\n{catalog.render('handoff.started')}"
    state = service.ports.conversations.get(f"whatsapp#{who.phone}")
    assert state is not None and state.handoff_at is not None  # a person has the conversation now


@pytest.mark.parametrize("lang", ["en", "es", "ar", "zh"])
def test_a_no_keeps_the_account_open_and_nobody_is_asked_to_close_it(lang: str) -> None:
    who = CUSTOMERS[lang]
    catalog = CATALOGS[lang]
    service = engine([who])
    service.respond(inbound(MESSAGES[lang][2], sender=who.phone))

    kept = service.respond(inbound(catalog.words["no"][0], sender=who.phone))

    assert kept.reply.text == catalog.render("account.close_kept")  # and no rating: nothing was done
    assert kept.handoff is None and not kept.rating_requested
    state = service.ports.conversations.get(f"whatsapp#{who.phone}")
    assert state is not None and state.handoff_at is None


def test_a_sender_not_on_file_gets_the_public_steps_without_proving_anything() -> None:
    turn = engine([]).respond(inbound("I forgot my password", sender=STRANGER))

    en = CATALOGS["en"]
    assert turn.known_customer is False
    assert all(line in turn.reply.text for line in steps_of(AccountTopic.PASSWORD_RESET, en))
    assert en.render("verify.ask") not in turn.reply.text
    assert turn.reply.link is not None and turn.reply.link.url.startswith("https://")


def test_a_sender_not_on_file_proves_who_they_are_before_a_closure_and_is_then_asked_to_confirm() -> None:
    maria = customer(name="María López", phone="34600111222", email="maria@example.com", language="es")
    orders = InMemoryOrders([order(maria, order_id="ORD-555001")])
    service = engine([maria], orders)
    es = CATALOGS["es"]

    asked = service.respond(inbound("quiero cerrar mi cuenta", sender=STRANGER))
    assert asked.handoff is None
    assert all(line in asked.reply.text for line in steps_of(AccountTopic.CLOSE_ACCOUNT, es))
    assert asked.reply.text.endswith(es.sentences([es.render("account.close_identity"), es.render("verify.ask")]))

    proven = service.respond(inbound("ORD-555001 maria@example.com", sender=STRANGER))
    assert proven.reply.text.startswith(es.render("verify.done"))
    assert proven.reply.text.endswith(es.render("account.close_confirm"))  # the closure asked for, not a menu

    done = service.respond(inbound("sí", sender=STRANGER))
    assert done.handoff == CLOSURE and done.customer_id == maria.customer_id


def test_a_sender_who_cannot_prove_it_is_never_handed_over_for_a_closure() -> None:
    maria = customer(name="María López", phone="34600111222", email="maria@example.com", language="es")
    service = engine([maria], InMemoryOrders([order(maria, order_id="ORD-555001")]))
    service.respond(inbound("quiero cerrar mi cuenta", sender=STRANGER))

    wrong = service.respond(inbound("ORD-555001 otra@example.com", sender=STRANGER))
    after = service.respond(inbound("sí", sender=STRANGER))

    assert wrong.reply.text == CATALOGS["es"].render("verify.failed")
    assert wrong.handoff is None and after.handoff is None


@pytest.mark.parametrize("lang", ["en", "de", "ar", "zh"])
def test_words_that_name_no_topic_get_the_topics_to_choose_from(lang: str) -> None:
    who = CUSTOMERS[lang]
    catalog = CATALOGS[lang]
    service = engine([who])
    vague = {"en": "a question about my account", "de": "eine Frage zu meinem Konto", "ar": "سؤال عن حسابي",
             "zh": "关于我的账户有个问题"}[lang]  # fmt: skip

    menu = service.respond(inbound(vague, sender=who.phone))

    assert menu.reply.text.endswith(catalog.render("account.which"))
    assert [(c.id, c.title) for c in menu.reply.choices] == [
        (f"account:{topic.value}", HELP[topic].title(lang)) for topic in AccountTopic
    ]
    assert menu.reply.menu_label == catalog.render("menu.account")

    tapped = service.respond(
        inbound(HELP[AccountTopic.LOGIN].title(lang), sender=who.phone, kind=MessageKind.LIST_REPLY,
                payload="account:login")
    )  # fmt: skip
    assert all(line in tapped.reply.text for line in steps_of(AccountTopic.LOGIN, catalog))


def test_a_topic_named_in_words_after_the_choices_is_answered() -> None:
    who = CUSTOMERS["fr"]
    service = engine([who])
    service.respond(inbound("une question sur mon compte", sender=who.phone))

    answered = service.respond(inbound("changer mon adresse e-mail", sender=who.phone))

    assert all(line in answered.reply.text for line in steps_of(AccountTopic.CHANGE_DETAILS, CATALOGS["fr"]))


# ------------------------------------------------------------------------------- with the intent model itself


@pytest.fixture(scope="module")
def understood() -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([CUSTOMERS["en"], CUSTOMERS["es"]]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        clock=lambda: NOW,
    )


@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        ("en", "forgot my pasword", AccountTopic.PASSWORD_RESET),
        ("es", "no puedo entrar a mi cuenta", AccountTopic.LOGIN),
    ],
)
def test_a_customers_own_spelling_reaches_the_right_topic(
    understood: DialogueEngine, lang: str, text: str, topic: AccountTopic
) -> None:
    turn = understood.respond(inbound(text, sender=CUSTOMERS[lang].phone))

    assert turn.intent is Intent.ACCOUNT
    assert all(line in turn.reply.text for line in steps_of(topic, CATALOGS[lang]))
