"""Replies that go out long after the customer wrote (the Graph API or AWS was down, and the message waited on the
queue): they open with a short apology for the delay, in the customer's language, so the answer does not arrive as if
nothing had happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from parley.channels.replies import Reply
from parley.i18n import Catalogs

APOLOGY_KEY = "reply.late"


class LateReplies:
    def __init__(
        self,
        catalogs: Catalogs,
        after_seconds: float,
        translate: Callable[[str, str], str | None] | None = None,
        default_language: str = "en",
    ) -> None:
        """`after_seconds`: a reply sent this long after the message is late; `translate(english, language)`: the
        apology in a language without a catalog (None when translation failed: it is then said in English)."""
        self.after_seconds = after_seconds
        self._catalogs = catalogs
        self._translate = translate
        self._default = default_language

    def apology(self, language: str) -> str:
        if language in self._catalogs.languages:
            return self._catalogs[language].render(APOLOGY_KEY)
        english = self._catalogs[self._default if self._default in self._catalogs.languages else "en"]
        text = english.render(APOLOGY_KEY)
        translated = self._translate(text, language) if self._translate is not None else None
        return translated or text

    def apologise(self, reply: Reply, language: str) -> Reply:
        """The reply with the apology as its first paragraph (one message, not two: the answer follows at once)."""
        return replace(reply, text=f"{self.apology(language)}\n\n{reply.text}")
