"""Account help files: which topic a customer's words are about, English where the business has not written a
language, and files that cannot be used refused with a message naming the file and the fault."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from parley.config import load_settings
from parley.support.account_help import AccountHelp, AccountTopic, load_account_help, load_topic_help
from parley.support.guides import GuideError
from parley.wiring import configured_account_help

SHIPPED = Path(__file__).resolve().parents[2] / "guides" / "account"


@pytest.fixture(scope="module")
def help_() -> AccountHelp:
    return load_account_help()


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("forgot my pasword", "en", AccountTopic.PASSWORD_RESET),
        ("I forgot my password and now I can't log in", "en", AccountTopic.PASSWORD_RESET),
        ("no puedo entrar a mi cuenta", "es", AccountTopic.LOGIN),
        ("NO PUEDO ENTRAR A MI CUENTA", "es", AccountTopic.LOGIN),
        ("olvide mi contrasena", "es", AccountTopic.PASSWORD_RESET),
        ("Mudei de número, quero alterar meu telefone", "pt", AccountTopic.CHANGE_DETAILS),
        ("je n'arrive pas à m'inscrire", "fr", AccountTopic.REGISTRATION),
        ("Ich möchte mein Kundenkonto löschen", "de", AccountTopic.CLOSE_ACCOUNT),
        ("come creo un account?", "it", AccountTopic.REGISTRATION),
        ("mera account band karna hai, account band karna", "hi", AccountTopic.CLOSE_ACCOUNT),
        ("otp tidak masuk terus", "id", AccountTopic.LOGIN),
        ("أريد تغيير رقم الجوال", "ar", AccountTopic.CHANGE_DETAILS),
        ("sifremi unuttum", "tr", AccountTopic.PASSWORD_RESET),
        ("Не могу войти, аккаунт заблокирован", "ru", AccountTopic.LOGIN),
        ("怎么注册账户", "zh", AccountTopic.REGISTRATION),
        # A language without terms of its own is read with the English ones (the pivot's English translation).
        ("I want to close my account", "nl", AccountTopic.CLOSE_ACCOUNT),
    ],
)
def test_the_customers_words_find_their_topic(help_: AccountHelp, text: str, language: str, topic: AccountTopic):
    assert help_.topic_of(text, language) is topic


@pytest.mark.parametrize(
    ("text", "language"),
    [("I have a question about my account", "en"), ("una pregunta sobre mi cuenta", "es"), ("你好", "zh")],
)
def test_words_that_name_no_topic_find_none(help_: AccountHelp, text: str, language: str) -> None:
    assert help_.topic_of(text, language) is None


def _write(directory: Path, topic: str, **changes: Any) -> None:
    data = json.loads((SHIPPED / f"{topic}.json").read_text(encoding="utf-8")) | changes
    (directory / f"{topic}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def business(tmp_path: Path) -> Path:
    """A business's own guides directory, with the shipped account help copied into its account/ folder."""
    shutil.copytree(SHIPPED, tmp_path / "account")
    return tmp_path


def test_a_language_the_business_has_not_written_is_answered_with_the_english_steps_and_page(business: Path) -> None:
    data = json.loads((SHIPPED / "login.json").read_text(encoding="utf-8"))
    only = {key: {"en": data[key]["en"], "es": data[key]["es"]} for key in ("title", "terms", "steps")}
    _write(business / "account", "login", url={"en": "https://shop.example.com/en/login",
                                               "es": "https://tienda.example.com/acceso"}, **only)  # fmt: skip

    login = load_account_help.__wrapped__(business)[AccountTopic.LOGIN]

    assert login.steps("tr") == tuple(data["steps"]["en"]) and login.title("tr") == data["title"]["en"]
    assert login.url("tr") == "https://shop.example.com/en/login"
    assert login.steps("es") == tuple(data["steps"]["es"]) and login.url("es-MX") == "https://tienda.example.com/acceso"


def test_the_configured_guides_directory_holds_the_account_help(business: Path) -> None:
    _write(business / "account", "login", url="https://help.example.org/sign-in")

    configured = configured_account_help(load_settings({"PARLEY_GUIDES_DIR": str(business)}))

    assert configured[AccountTopic.LOGIN].url("en") == "https://help.example.org/sign-in"


@pytest.mark.parametrize(
    ("changes", "fault"),
    [
        ({"url": "http://shop.example.com/login"}, "https://"),
        ({"url": "shop.example.com/login"}, "https://"),
        ({"url": {"es": "https://shop.example.com/acceso"}}, "no 'en' entry"),
        ({"id": "sign-in"}, "differs from the file name"),
        ({"title": {"en": "Trouble signing in to your account", "es": "No puedo entrar"}}, "a button shows 20"),
        ({"steps": {"en": []}}, "empty"),
    ],
)
def test_a_broken_help_file_is_refused_naming_the_file_and_the_fault(
    business: Path, changes: dict[str, Any], fault: str
) -> None:
    shipped = json.loads((SHIPPED / "login.json").read_text(encoding="utf-8"))
    if "title" in changes:  # the other languages' steps keep their titles
        changes = {"title": shipped["title"] | changes["title"]}
    _write(business / "account", "login", **changes)

    with pytest.raises(GuideError, match=fault) as refused:
        load_topic_help(business / "account" / "login.json")
    assert "login.json" in str(refused.value)


def test_a_file_without_a_url_or_for_no_topic_is_refused(business: Path) -> None:
    data = json.loads((SHIPPED / "login.json").read_text(encoding="utf-8"))
    del data["url"]
    (business / "account" / "login.json").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(SHIPPED / "registration.json", business / "account" / "sign-up.json")

    with pytest.raises(GuideError, match="missing url"):
        load_topic_help(business / "account" / "login.json")
    with pytest.raises(GuideError, match="not an account topic"):
        load_topic_help(business / "account" / "sign-up.json")


def test_every_topic_needs_its_file(business: Path) -> None:
    (business / "account" / "close-account.json").unlink()

    with pytest.raises(GuideError, match="close-account"):
        load_account_help.__wrapped__(business)
