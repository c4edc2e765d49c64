"""Senders: render a reply as the platform's send request and post it through the Graph API."""

from __future__ import annotations

from typing import Protocol

from parley.channels.model import Channel, InboundMessage, Reply
from parley.graph import GraphClient, GraphRequest

WHATSAPP_TEXT_LIMIT = 4096
MESSENGER_TEXT_LIMIT = 2000


class Sender(Protocol):
    def send(self, to: InboundMessage, reply: Reply) -> None: ...


def split_text(text: str, limit: int) -> list[str]:
    """Split long text at paragraph, then sentence, then word boundaries; never inside a word if avoidable."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, window.rfind("! ") + 1, window.rfind("? ") + 1)
        if cut <= limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


class WhatsAppSender:
    channel = Channel.WHATSAPP

    def __init__(self, graph: GraphClient, phone_number_id: str, access_token: str) -> None:
        self._graph = graph
        self._phone_number_id = phone_number_id
        self._token = access_token

    def send(self, to: InboundMessage, reply: Reply) -> None:
        # Reply from the number the customer wrote to; fall back to the configured one.
        phone_number_id = to.recipient_id or self._phone_number_id
        for chunk in split_text(reply.text, WHATSAPP_TEXT_LIMIT):
            body = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to.sender_id,
                "type": "text",
                "text": {"preview_url": False, "body": chunk},
            }
            self._graph.post(GraphRequest(f"{phone_number_id}/messages", body, self._token))


class MessengerSender:
    channel = Channel.MESSENGER

    def __init__(self, graph: GraphClient, page_access_token: str) -> None:
        self._graph = graph
        self._token = page_access_token

    def send(self, to: InboundMessage, reply: Reply) -> None:
        for chunk in split_text(reply.text, MESSENGER_TEXT_LIMIT):
            body = {
                "recipient": {"id": to.sender_id},
                "messaging_type": "RESPONSE",
                "message": {"text": chunk},
            }
            self._graph.post(GraphRequest("me/messages", body, self._token))
