"""WhatsApp Cloud API message bodies for a Reply: text, reply buttons, lists, URL buttons, templates, receipts.

Everything is rendered within Meta's documented limits and degrades rather than fails: too many choices for
buttons become a list, too many for a list become a numbered list in the text; text too long for an interactive
message goes first as text messages."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from parley.channels.replies import Choice, Link, Reply
from parley.channels.text import numbered, one_line, platform_length, shorten, split_text, split_with_tail

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
HEADER_LIMIT = 60
FOOTER_LIMIT = 60
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_LIST_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
SECTION_TITLE_LIMIT = 24
LIST_BUTTON_LIMIT = 20
URL_BUTTON_LABEL_LIMIT = 20

# The list button needs a label; the dialogue should pass a localised one, this one reads in every language.
DEFAULT_MENU_LABEL = "☰"
# An interactive message needs a body; used only when a reply has choices and no text at all.
EMPTY_BODY = "👇"

Body = dict[str, Any]


def address(to: str) -> dict[str, str]:
    """A customer is addressed by number (`to`, digits: their wa_id) or, when Meta withholds the number, by their
    business-scoped user id (`recipient`: "US.13491208655302741918", a parent id "US.ENT.…"), as the Cloud API
    accepts either. Meta asks for the number whenever it is known, so a wa_id always goes as `to`."""
    return {"to": to} if to.isdigit() else {"recipient": to}


def _message(to: str, kind: str, content: dict[str, Any]) -> Body:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", **address(to), "type": kind, kind: content}


def text_message(to: str, text: str, preview_url: bool = False) -> Body:
    return _message(to, "text", {"preview_url": preview_url, "body": text})


def template_message(to: str, name: str, language: str) -> Body:
    """An approved template: the only thing WhatsApp delivers outside the 24-hour customer-service window."""
    return _message(to, "template", {"name": name, "language": {"code": language}})


def read_receipt(message_id: str) -> Body:
    """Mark the customer's message as read (blue ticks) and show the typing indicator until we answer (or 25 s)."""
    return {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": message_id,
        "typing_indicator": {"type": "text"},
    }


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _link_text(link: Link | None) -> str:
    return f"{one_line(link.label)}: {link.url}" if link else ""


def _text_messages(reply: Reply, to: str, *extras: str) -> list[Body]:
    header = f"*{one_line(reply.header)}*" if reply.header.strip() else ""
    footer = f"_{one_line(reply.footer)}_" if reply.footer.strip() else ""
    text = _join(header, reply.text, *extras, footer)
    url = reply.link.url if reply.link else None
    return [text_message(to, chunk, preview_url=bool(url and url in chunk)) for chunk in split_text(text, TEXT_LIMIT)]


def _interactive(reply: Reply, to: str, kind: str, action: dict[str, Any], extra: str = "") -> list[Body]:
    """An interactive message, preceded by text messages when the text is longer than its body may be.

    A header or footer too long for its field goes into the text rather than being cut; the header also goes
    into the text when the text is split, so that it stays on top."""
    header, footer = one_line(reply.header), one_line(reply.footer)
    footer_fits = bool(footer) and platform_length(footer) <= FOOTER_LIMIT
    core = _join(reply.text, extra, "" if footer_fits else footer)
    header_fits = (
        bool(header) and platform_length(header) <= HEADER_LIMIT and platform_length(core) <= INTERACTIVE_BODY_LIMIT
    )
    body = _join("" if header_fits or not header else f"*{header}*", core)
    leading, tail = split_with_tail(body, TEXT_LIMIT, INTERACTIVE_BODY_LIMIT)
    interactive: dict[str, Any] = {"type": kind}
    if header_fits:
        interactive["header"] = {"type": "text", "text": header}
    interactive["body"] = {"text": tail or EMPTY_BODY}
    if footer_fits:
        interactive["footer"] = {"text": footer}
    interactive["action"] = action
    return [*(text_message(to, chunk) for chunk in leading), _message(to, "interactive", interactive)]


def _unique(titles: list[str]) -> bool:
    folded = [title.casefold() for title in titles]
    return len(set(folded)) == len(folded)


def _buttons(choices: tuple[Choice, ...]) -> dict[str, Any] | None:
    titles = [shorten(choice.title, BUTTON_TITLE_LIMIT) for choice in choices]
    if not _unique(titles):
        return None  # two buttons the customer cannot tell apart: a list shows more of each title
    return {
        "buttons": [
            {"type": "reply", "reply": {"id": choice.id, "title": title}}
            for choice, title in zip(choices, titles, strict=True)
        ]
    }


def _row(choice: Choice, title: str) -> dict[str, str]:
    row = {"id": choice.id, "title": title}
    if choice.description.strip():
        row["description"] = shorten(choice.description, ROW_DESCRIPTION_LIMIT)
    return row


def _list(choices: tuple[Choice, ...], menu_label: str) -> dict[str, Any] | None:
    titles = [shorten(choice.title, ROW_TITLE_LIMIT) for choice in choices]
    if not _unique(titles):
        return None
    label = shorten(menu_label, LIST_BUTTON_LIMIT) if menu_label.strip() else DEFAULT_MENU_LABEL
    rows = [_row(choice, title) for choice, title in zip(choices, titles, strict=True)]
    pairs = zip(choices, rows, strict=True)
    groups = [(name, [row for _, row in items]) for name, items in groupby(pairs, lambda pair: pair[0].section)]
    if len(groups) == 1 and not groups[0][0].strip():
        sections: list[dict[str, Any]] = [{"rows": rows}]
    else:
        # Meta requires a title on every section once there is more than one.
        sections = [{"title": shorten(name or label, SECTION_TITLE_LIMIT), "rows": rows} for name, rows in groups]
    return {"button": label, "sections": sections}


def _numbered_choices(choices: tuple[Choice, ...]) -> str:
    return numbered(
        one_line(choice.title) + (f" — {one_line(choice.description)}" if choice.description.strip() else "")
        for choice in choices
    )


def render(reply: Reply, to: str) -> list[Body]:
    """The message bodies, in order, that say `reply` to the WhatsApp user `to` (their wa_id or, without one, their
    business-scoped user id)."""
    choices = reply.choices
    if choices:
        link_text = _link_text(reply.link)  # a URL button cannot share a message with reply buttons
        described = any(choice.description.strip() for choice in choices)
        if len(choices) <= MAX_BUTTONS and not described:
            action = _buttons(choices)
            if action is not None:
                return _interactive(reply, to, "button", action, link_text)
        if len(choices) <= MAX_LIST_ROWS:
            action = _list(choices, reply.menu_label)
            if action is not None:
                return _interactive(reply, to, "list", action, link_text)
        return _text_messages(reply, to, _numbered_choices(choices), link_text)
    if reply.link:
        action = {
            "name": "cta_url",
            "parameters": {"display_text": shorten(reply.link.label, URL_BUTTON_LABEL_LIMIT), "url": reply.link.url},
        }
        return _interactive(reply, to, "cta_url", action)
    return _text_messages(reply, to)
