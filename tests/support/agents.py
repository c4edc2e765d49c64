"""Doubles for the people side of a handoff: a scripted translation provider, a recording Graph API and the real
senders on top of it, so the platforms' rules (24-hour window, HUMAN_AGENT tag) apply as in production."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from parley.channels.base import Sender
from parley.channels.messenger.sender import MessengerSender
from parley.channels.meta import GraphApiError, GraphRequest
from parley.channels.model import Channel
from parley.channels.whatsapp.sender import WhatsAppSender
from parley.channels.window import utc_now
from parley.config import MetaCredentials
from parley.language.translation import TranslationError, TranslationPivot

PHONE_NUMBER_ID = "106540352242922"


class ScriptedTranslator:
    """A provider that marks what it translated ("[es] text"), or fails like a provider that is down."""

    def __init__(self, failing: bool = False) -> None:
        self.failing = failing
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((source, target, text))
        if self.failing:
            raise TranslationError("provider unavailable")
        return f"[{target}] {text}"


def pivot(translator: ScriptedTranslator) -> TranslationPivot:
    return TranslationPivot(translator)


class RecordingGraph:
    def __init__(self) -> None:
        self.requests: list[GraphRequest] = []
        self.failures: list[GraphApiError] = []

    def post(self, request: GraphRequest) -> dict[str, Any]:
        if self.failures:
            raise self.failures.pop(0)
        self.requests.append(request)
        return {}

    @property
    def texts(self) -> list[str]:
        """What customers read: WhatsApp text bodies and Messenger message texts, in order."""
        found = []
        for request in self.requests:
            body = request.body
            if isinstance(body.get("text"), dict):
                found.append(str(body["text"]["body"]))
            elif "template" in body:
                found.append(f"[template {body['template']['name']}]")
            elif isinstance(body.get("message"), dict) and "text" in body["message"]:
                found.append(str(body["message"]["text"]))
        return found

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


def real_senders(
    graph: RecordingGraph, now: Callable[[], datetime] = utc_now, template_name: str = ""
) -> dict[Channel, Sender]:
    def credentials() -> MetaCredentials:
        return MetaCredentials(
            whatsapp_access_token="wa-token",
            whatsapp_phone_number_id=PHONE_NUMBER_ID,
            messenger_page_access_token="page-token",
        )

    return {
        Channel.WHATSAPP: WhatsAppSender(graph, credentials, template_name=template_name, now=now),
        Channel.MESSENGER: MessengerSender(graph, credentials, now=now),
    }
