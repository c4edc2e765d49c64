"""Account help: the business's page and short steps for each account topic (guides/account/*.json), in every
language it writes them in, and which topic a customer's words are about.

A topic file is a troubleshooting guide's file (support.guides: title, terms, steps by language, English the
fallback) with the business's `url` beside it; guides/README.md describes both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from parley.support.guides import (
    DEFAULT_LANGUAGE,
    Guide,
    GuideError,
    Guides,
    by_language,
    guide_from,
    guides_dir,
    read_object,
)

# The account help files live in this folder of the guides' directory (PARLEY_GUIDES_DIR, the layer's in Lambda).
ACCOUNT_FOLDER = "account"
# A topic's title is also its button and the label of its link: both platforms show 20 characters of a button.
MAX_TITLE_CHARS = 20
_KEYS = frozenset({"id", "title", "terms", "steps", "url"})
_HTTPS = re.compile(r"https://[^\s/]+\.[^\s/]+(/\S*)?")


class AccountTopic(StrEnum):
    """What a customer may want with their account; each has a file named after it."""

    PASSWORD_RESET = "password-reset"  # noqa: S105 (a topic, not a password)
    CHANGE_DETAILS = "change-details"  # name, email, phone, saved address
    REGISTRATION = "registration"  # creating an account, or not managing to
    LOGIN = "login"  # cannot log in
    CLOSE_ACCOUNT = "close-account"


@dataclass(frozen=True)
class TopicHelp:
    """One topic: its title, steps and terms by language (a Guide), and the business's page for it."""

    topic: AccountTopic
    guide: Guide
    urls: Mapping[str, str]  # by language; English is the fallback

    def title(self, language: str) -> str:
        return self.guide.title(language)

    def steps(self, language: str) -> tuple[str, ...]:
        return self.guide.steps_in(language)

    def url(self, language: str) -> str:
        base = language.partition("-")[0].lower()
        return self.urls.get(language) or self.urls.get(base) or self.urls[DEFAULT_LANGUAGE]


class AccountHelp:
    """The help of every topic, and which topic a customer's message is about."""

    def __init__(self, topics: Iterable[TopicHelp]) -> None:
        by_topic: dict[AccountTopic, TopicHelp] = {}
        for help_ in topics:
            if help_.topic in by_topic:
                raise GuideError(f"two account help files for {help_.topic.value!r}")
            by_topic[help_.topic] = help_
        if missing := [topic.value for topic in AccountTopic if topic not in by_topic]:
            place = f"{ACCOUNT_FOLDER}/<topic>.json"
            raise GuideError(f"no account help for {', '.join(missing)} (one file per topic: {place})")
        self._topics = {topic: by_topic[topic] for topic in AccountTopic}
        self._matching = Guides(help_.guide for help_ in self._topics.values())

    def __getitem__(self, topic: AccountTopic) -> TopicHelp:
        return self._topics[topic]

    def __iter__(self) -> Iterator[TopicHelp]:
        return iter(self._topics.values())

    def topic_of(self, text: str, language: str) -> AccountTopic | None:
        """The topic whose terms the message holds (its own language's first, then English's: the longest term found
        wins); None when none is found or two topics tie, and the customer is better asked."""
        found = self._matching.match(text, language)
        return AccountTopic(found.id) if found else None


def _urls(path: Path, value: Any) -> dict[str, str]:
    urls = {DEFAULT_LANGUAGE: value} if isinstance(value, str) else by_language(path, "url", value)
    for language, url in urls.items():
        if not isinstance(url, str) or not _HTTPS.fullmatch(url.strip()):
            raise GuideError(f"{path.name}: url in {language!r} must be an https:// address of the business's page")
    return {language: url.strip() for language, url in urls.items()}


def load_topic_help(path: Path) -> TopicHelp:
    """One account help file, checked as a guide is, with an https url and titles that fit a button."""
    data = read_object(path)
    if path.stem not in AccountTopic.__members__.values():
        known = ", ".join(topic.value for topic in AccountTopic)
        raise GuideError(f"{path.name}: not an account topic (the files are {known}, each .json)")
    if "url" not in data:
        raise GuideError(f"{path.name}: missing url (the business's page for this topic)")
    guide = guide_from(path, data, _KEYS)
    for language, title in guide.titles.items():
        if len(title) > MAX_TITLE_CHARS:
            raise GuideError(
                f"{path.name}: title in {language!r} has {len(title)} characters (a button shows {MAX_TITLE_CHARS})"
            )
    return TopicHelp(AccountTopic(path.stem), guide, _urls(path, data["url"]))


def account_help_dir(guides: Path | None = None) -> Path:
    return (guides or guides_dir()) / ACCOUNT_FOLDER


@cache
def load_account_help(guides: Path | None = None) -> AccountHelp:
    """Every topic's file in the `account` folder of the guides' directory (default: the repository's), read once per
    process."""
    directory = account_help_dir(guides)
    return AccountHelp(load_topic_help(path) for path in sorted(directory.glob("*.json")))
