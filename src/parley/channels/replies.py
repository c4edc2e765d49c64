"""The one output model for both channels: what a reply means, which each sender renders as its platform allows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The strictest payload limit of the two platforms (a WhatsApp list row id); a Choice id is a payload that
# comes back unchanged when the customer taps it, so it is never shortened and must fit everywhere.
CHOICE_ID_LIMIT = 200

_NUMBER_ANSWER = re.compile(r"^\s*#?\s*(\d{1,3})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Choice:
    """One option the customer can tap. The id comes back as the button, list-row or quick-reply payload."""

    id: str
    title: str
    description: str = ""  # shown where the platform has room for it (WhatsApp list rows)
    section: str = ""  # consecutive choices with the same section are grouped (WhatsApp list sections)
    verbatim: bool = False  # shown as is in every language (an order number, a language's own name)

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("a choice needs an id (the payload that comes back when it is tapped)")
        if len(self.id) > CHOICE_ID_LIMIT:
            raise ValueError(f"a choice id is a payload of at most {CHOICE_ID_LIMIT} characters")
        if not self.title.strip():
            raise ValueError(f"choice {self.id!r} needs a title")


@dataclass(frozen=True)
class Link:
    """A web page to open: a URL button where the platform has one, else the URL in the text."""

    url: str
    label: str

    def __post_init__(self) -> None:
        if not re.match(r"^https?://\S+$", self.url):
            raise ValueError("a link needs an absolute http(s) URL")
        if not self.label.strip():
            raise ValueError("a link needs a label")


@dataclass(frozen=True)
class Reply:
    """What the assistant says; each channel's sender renders it within its platform's limits.

    Too many choices become a numbered list in the text; a customer may answer with the number, which
    `choice_for` turns back into the choice."""

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    link: Link | None = None
    header: str = ""
    footer: str = ""
    menu_label: str = ""  # the button that opens a list of choices (WhatsApp); a short, localised word
    persistent: bool = False  # choices stay on screen (Messenger buttons) rather than vanish once answered

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        ids = [choice.id for choice in self.choices]
        if len(set(ids)) != len(ids):
            raise ValueError("choice ids must be unique within a reply")

    def choice_for(self, answer: str) -> Choice | None:
        """The choice a typed answer picks: its number in the list ("2", "2.", "#2") or its title."""
        if not self.choices:
            return None
        match = _NUMBER_ANSWER.match(answer)
        if match:
            index = int(match.group(1)) - 1
            return self.choices[index] if 0 <= index < len(self.choices) else None
        wanted = " ".join(answer.split()).casefold()
        return next((c for c in self.choices if " ".join(c.title.split()).casefold() == wanted), None)
