"""Messenger Send API bodies for a Reply: text, quick replies, button templates, sender actions, handover.

Within Meta's documented limits, degrading rather than failing: a link or choices that should stay on screen
become a button template (at most 3 buttons), other choices quick replies (at most 13), more than that a
numbered list in the text."""

from __future__ import annotations

from typing import Any

from parley.channels.replies import Choice, Reply
from parley.channels.text import numbered, one_line, shorten, split_text, split_with_tail

TEXT_LIMIT = 2000
BUTTON_TEMPLATE_TEXT_LIMIT = 640
MAX_TEMPLATE_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE_LIMIT = 20
HANDOVER_METADATA_LIMIT = 1000

# Quick replies and button templates need text; used only when a reply has choices and no text at all.
EMPTY_TEXT = "👇"

# How a message is sent: a reply within the standard window, or a person's reply under the HUMAN_AGENT tag.
RESPONSE: dict[str, str] = {"messaging_type": "RESPONSE"}
HUMAN_AGENT: dict[str, str] = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}

Body = dict[str, Any]


def sender_action(psid: str, action: str) -> Body:
    """mark_seen, typing_on or typing_off; each is a request of its own, without a message."""
    return {"recipient": {"id": psid}, "sender_action": action}


def pass_thread_control(psid: str, target_app_id: str, metadata: str = "") -> Body:
    body: Body = {"recipient": {"id": psid}, "target_app_id": int(target_app_id)}
    if metadata.strip():
        body["metadata"] = shorten(metadata, HANDOVER_METADATA_LIMIT)
    return body


def take_thread_control(psid: str, metadata: str = "") -> Body:
    """Take the conversation back from the app that has it (the Page Inbox): the assistant answers again."""
    body: Body = {"recipient": {"id": psid}}
    if metadata.strip():
        body["metadata"] = shorten(metadata, HANDOVER_METADATA_LIMIT)
    return body


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _unique(titles: list[str]) -> bool:
    folded = [title.casefold() for title in titles]
    return len(set(folded)) == len(folded)


def _numbered_choices(choices: tuple[Choice, ...]) -> str:
    return numbered(
        one_line(choice.title) + (f" — {one_line(choice.description)}" if choice.description.strip() else "")
        for choice in choices
    )


def render(reply: Reply, psid: str, messaging: dict[str, str] = RESPONSE) -> list[Body]:
    """The Send API bodies, in order, that say `reply` to the Messenger user `psid`."""

    def message(content: dict[str, Any]) -> Body:
        return {"recipient": {"id": psid}, **messaging, "message": content}

    def texts(chunks: list[str]) -> list[Body]:
        return [message({"text": chunk}) for chunk in chunks]

    choices, link = reply.choices, reply.link
    header, footer = one_line(reply.header), one_line(reply.footer)

    if (link or (choices and reply.persistent)) and len(choices) + bool(link) <= MAX_TEMPLATE_BUTTONS:
        buttons: list[dict[str, str]] = []
        if link:
            buttons.append({"type": "web_url", "url": link.url, "title": shorten(link.label, BUTTON_TITLE_LIMIT)})
        buttons += [
            {"type": "postback", "title": shorten(choice.title, BUTTON_TITLE_LIMIT), "payload": choice.id}
            for choice in choices
        ]
        if _unique([button["title"] for button in buttons]):
            leading, tail = split_with_tail(_join(header, reply.text, footer), TEXT_LIMIT, BUTTON_TEMPLATE_TEXT_LIMIT)
            template = {"template_type": "button", "text": tail or EMPTY_TEXT, "buttons": buttons}
            return [*texts(leading), message({"attachment": {"type": "template", "payload": template}})]

    link_text = f"{one_line(link.label)}: {link.url}" if link else ""
    if choices and len(choices) <= MAX_QUICK_REPLIES:
        titles = [shorten(choice.title, QUICK_REPLY_TITLE_LIMIT) for choice in choices]
        if _unique(titles):
            leading, tail = split_with_tail(_join(header, reply.text, link_text, footer), TEXT_LIMIT, TEXT_LIMIT)
            quick_replies = [
                {"content_type": "text", "title": title, "payload": choice.id}
                for choice, title in zip(choices, titles, strict=True)
            ]
            return [*texts(leading), message({"text": tail or EMPTY_TEXT, "quick_replies": quick_replies})]

    listed = _numbered_choices(choices) if choices else ""
    return texts(split_text(_join(header, reply.text, listed, link_text, footer), TEXT_LIMIT))
