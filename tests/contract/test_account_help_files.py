"""Contract checks on the account help in guides/account/: one file per topic, in every native language, each with
the business's https page, titles that fit a button, a few short steps, and terms that find their own topic.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from parley.support.account_help import MAX_TITLE_CHARS, AccountHelp, AccountTopic, load_account_help

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "guides" / "account"
FILES = sorted(FOLDER.glob("*.json"))
# Customers' own account messages (locales/examples/<language>/account.txt), for the languages that have them.
EXAMPLES = sorted((ROOT / "locales" / "examples").glob("*/account.txt"))

NATIVE = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")
FOREIGN_PUNCTUATION = {"ar": ",;?", "zh": ",;:?!", "hi": "."}
# All steps go in one message with the page's button: WhatsApp shows 1,024 characters above a URL button.
MAX_STEP_CHARS = 180


@cache
def _raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _help() -> AccountHelp:
    return load_account_help(FOLDER.parent)


def test_there_is_one_file_for_every_topic() -> None:
    assert [path.stem for path in FILES] == sorted(topic.value for topic in AccountTopic)
    assert [_raw(path)["id"] for path in FILES] == [path.stem for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_topic_speaks_every_native_language(path: Path) -> None:
    data = _raw(path)
    for key in ("title", "terms", "steps"):
        assert sorted(data[key]) == sorted(NATIVE), f"{path.name}: {key} languages"
    for language in NATIVE:
        assert 0 < len(data["title"][language]) <= MAX_TITLE_CHARS, f"{path.name}: title in {language}"
        assert data["terms"][language], f"{path.name}: no terms in {language}"
        if language != "en":
            assert not set(data["steps"][language]) & set(data["steps"]["en"]), f"{path.name}: {language} is English"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_links_are_https_pages(path: Path) -> None:
    urls = _raw(path)["url"]
    for language, url in ({"en": urls} if isinstance(urls, str) else urls).items():
        assert url.startswith("https://") and " " not in url, f"{path.name}: {language} {url}"
    help_ = _help()[AccountTopic(path.stem)]
    assert all(help_.url(language).startswith("https://") for language in NATIVE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_language_has_the_same_few_short_steps(path: Path) -> None:
    steps = _raw(path)["steps"]
    counts = {language: len(steps[language]) for language in NATIVE}
    assert len(set(counts.values())) == 1, f"{path.name}: step counts differ: {counts}"
    assert 2 <= counts["en"] <= 4, f"{path.name}: {counts['en']} steps"
    for language in NATIVE:
        for number, step in enumerate(steps[language], start=1):
            assert step == step.strip() and step, f"{path.name}: step {number} in {language}"
            assert len(step) <= MAX_STEP_CHARS, f"{path.name}: step {number} in {language} has {len(step)} characters"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_titles_and_steps_use_each_languages_own_punctuation(path: Path) -> None:
    data = _raw(path)
    for language, characters in FOREIGN_PUNCTUATION.items():
        for text in [data["title"][language], *data["steps"][language]]:
            found = sorted({c for c in text if c in characters})
            assert not found, f"{path.name}: {language} writes {found} its own way: {text}"


def test_no_term_belongs_to_two_topics_in_one_language() -> None:
    owners: dict[tuple[str, str], str] = {}
    for path in FILES:
        for language, terms in _raw(path)["terms"].items():
            for term in terms:
                key = (language, term.casefold())
                assert key not in owners, f"{term!r} ({language}) is in {owners.get(key)} and {path.stem}"
                owners[key] = path.stem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_term_on_its_own_finds_its_topic(path: Path) -> None:
    wrong = [
        (language, term, found)
        for language, terms in _raw(path)["terms"].items()
        for term in terms
        if "*" not in term and (found := _help().topic_of(term, language)) is not AccountTopic(path.stem)
    ]
    assert not wrong, f"{path.name}: these terms find another topic or none: {wrong}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_most_account_messages_customers_write_find_a_topic(path: Path) -> None:
    """Customers also write about things no topic covers (a hacked account, merging two), which get the topics to
    choose from: this is a floor that catches terms lost or broken by an edit."""
    language = path.parent.name
    messages = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [_help().topic_of(message, language) is not None for message in messages if not message.startswith("#")]
    assert sum(found) / len(found) >= 0.5, f"{language}: {sum(found)} of {len(found)}"
