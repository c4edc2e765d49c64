"""Senders: render a reply as the platform's send request and post it through the Graph API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Reply
from parley.config import ConfigError, MetaCredentials
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


def _token(value: str, name: str) -> str:
    if not value:
        # Not dropped: the message fails, is retried, and ends in the dead-letter queue if nobody fixes it.
        raise ConfigError(f"{name} is not configured; cannot reply on this channel")
    return value


class WhatsAppSender:
    channel = Channel.WHATSAPP

    def __init__(self, graph: GraphClient, credentials: Callable[[], MetaCredentials]) -> None:
        """credentials is asked on every send, so a rotated token is used once the secret cache refreshes."""
        self._graph = graph
        self._credentials = credentials

    def send(self, to: InboundMessage, reply: Reply) -> None:
        credentials = self._credentials()
        token = _token(credentials.whatsapp_access_token, "WHATSAPP_ACCESS_TOKEN")
        # Reply from the number the customer wrote to; fall back to the configured one.
        phone_number_id = to.recipient_id or credentials.whatsapp_phone_number_id
        for chunk in split_text(reply.text, WHATSAPP_TEXT_LIMIT):
            body = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to.sender_id,
                "type": "text",
                "text": {"preview_url": False, "body": chunk},
            }
            self._graph.post(GraphRequest(f"{phone_number_id}/messages", body, token))


class MessengerSender:
    channel = Channel.MESSENGER

    def __init__(self, graph: GraphClient, credentials: Callable[[], MetaCredentials]) -> None:
        self._graph = graph
        self._credentials = credentials

    def send(self, to: InboundMessage, reply: Reply) -> None:
        token = _token(self._credentials().messenger_page_access_token, "MESSENGER_PAGE_ACCESS_TOKEN")
        for chunk in split_text(reply.text, MESSENGER_TEXT_LIMIT):
            body = {
                "recipient": {"id": to.sender_id},
                "messaging_type": "RESPONSE",
                "message": {"text": chunk},
            }
            # Send as the Page the customer wrote to (Send API: POST /{PAGE-ID}/messages).
            self._graph.post(GraphRequest(f"{to.recipient_id or 'me'}/messages", body, token))
