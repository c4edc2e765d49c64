"""WhatsApp (Cloud API): reading its webhook (parsing), saying a Reply within its limits (render), sending (sender)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parley.channels.model import Channel, InboundMessage
from parley.channels.payload_reading import ParsedPayload
from parley.channels.whatsapp.parsing import read_whatsapp

if TYPE_CHECKING:
    from parley.channels.base import ChannelCapabilities, Sender
    from parley.channels.meta import GraphPoster
    from parley.config import MetaCredentials, Settings


class WhatsAppChannel:
    name = Channel.WHATSAPP

    @property
    def capabilities(self) -> ChannelCapabilities:
        from parley.channels.whatsapp.sender import CAPABILITIES

        return CAPABILITIES

    def parse(self, payload: Any, received_at: int = 0) -> ParsedPayload:
        return read_whatsapp(payload, received_at)

    def sender(
        self,
        graph: GraphPoster,
        credentials: Callable[[], MetaCredentials],
        settings: Settings,
        now: Callable[[], datetime],
    ) -> Sender:
        from parley.channels.whatsapp.sender import WhatsAppSender

        return WhatsAppSender(
            graph,
            credentials,
            template_name=settings.whatsapp_template_name,
            template_language=settings.whatsapp_template_language,
            now=now,
        )

    def language_hint(self, message: InboundMessage, native: Iterable[str]) -> str | None:
        # The calling code of the customer's number; a business-scoped user id says nothing (its "US." prefix is
        # where the account was made, not the language its owner writes).
        if not message.sender_id.isdigit():
            return None
        from parley.language.names import language_of_number

        return language_of_number(message.sender_id, native)


WHATSAPP = WhatsAppChannel()
