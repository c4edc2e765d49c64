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
        # The calling code of the customer's number; with a username and no number, the country their business-scoped
        # user id starts with ("BR.…"): a prior for a first, short message, as weak as a calling code.
        from parley.domain.senders import is_bsuid, is_wa_id
        from parley.language.names import language_of_country, language_of_number

        if is_wa_id(message.sender_id):
            # Any language: one without a catalog is held like a native one (dialogue.language_policy).
            return language_of_number(message.sender_id)
        bsuid = message.user_id or message.sender_id
        return language_of_country(bsuid[:2], native) if is_bsuid(bsuid) else None


WHATSAPP = WhatsAppChannel()
