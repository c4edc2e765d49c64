"""Messenger (Messenger Platform): reading its webhook (parsing), saying a Reply within its limits (render), sending
and the handover protocol with the Page Inbox (sender)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parley.channels.messenger.parsing import read_messenger
from parley.channels.model import Channel, InboundMessage
from parley.channels.payload_reading import ParsedPayload

if TYPE_CHECKING:
    from parley.channels.base import ChannelCapabilities, Sender
    from parley.channels.meta import GraphPoster
    from parley.config import MetaCredentials, Settings


class MessengerChannel:
    name = Channel.MESSENGER

    @property
    def capabilities(self) -> ChannelCapabilities:
        from parley.channels.messenger.sender import CAPABILITIES

        return CAPABILITIES

    def parse(self, payload: Any, received_at: int = 0) -> ParsedPayload:
        return read_messenger(payload, received_at)

    def sender(
        self,
        graph: GraphPoster,
        credentials: Callable[[], MetaCredentials],
        settings: Settings,
        now: Callable[[], datetime],
    ) -> Sender:
        from parley.channels.messenger.sender import MessengerSender

        return MessengerSender(graph, credentials, page_inbox_app_id=settings.messenger_page_inbox_app_id, now=now)

    def language_hint(self, message: InboundMessage, native: Iterable[str]) -> str | None:
        # The webhook gives no locale; a hint set upstream (InboundMessage.locale_hint) is used when there is one.
        hint = message.locale_hint[:2].lower()
        return hint if hint and hint in set(native) else None


MESSENGER = MessengerChannel()
