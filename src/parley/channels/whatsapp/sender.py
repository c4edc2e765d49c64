"""Sending on WhatsApp: a Reply rendered as Cloud API messages and posted through the Graph API, within the 24-hour
customer-service window (an approved template outside it), to the customer's number or business-scoped user id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from parley.channels.base import ChannelCapabilities, SendProgress, post_best_effort, post_parts, required_token
from parley.channels.meta import GraphPoster, GraphRequest, MessagingWindowClosedError
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import CHOICE_ID_LIMIT, Reply
from parley.channels.whatsapp import render
from parley.channels.window import MessagingWindow, last_customer_message_at, messaging_window, utc_now
from parley.config import MetaCredentials

TEXT_LIMIT = render.TEXT_LIMIT

CAPABILITIES = ChannelCapabilities(
    text_limit=render.TEXT_LIMIT,
    max_buttons=render.MAX_BUTTONS,
    button_title_limit=render.BUTTON_TITLE_LIMIT,
    max_choices=render.MAX_LIST_ROWS,
    choice_title_limit=render.ROW_TITLE_LIMIT,
    choice_description_limit=render.ROW_DESCRIPTION_LIMIT,
    choice_id_limit=CHOICE_ID_LIMIT,
    text_with_buttons_limit=render.INTERACTIVE_BODY_LIMIT,
    link_button=True,
)


def addressee(to: InboundMessage) -> str:
    """Whom a reply goes to: the customer's number when Meta showed it (Meta asks businesses to prefer it), else
    their business-scoped user id (a customer with a username may never show their number)."""
    return to.sender_id or to.user_id


class WhatsAppSender:
    channel = Channel.WHATSAPP
    capabilities = CAPABILITIES

    def __init__(
        self,
        graph: GraphPoster,
        credentials: Callable[[], MetaCredentials],
        *,
        template_name: str = "",
        template_language: str = "en",
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        """credentials is asked on every send, so a rotated token is used once the secret cache refreshes.

        template_name: the approved template sent instead of a reply outside the 24-hour window (none: nothing
        is sent then, and MessagingWindowClosedError says so)."""
        self._graph = graph
        self._credentials = credentials
        self._template_name = template_name
        self._template_language = template_language
        self._now = now

    def _route(self, to: InboundMessage) -> tuple[str, str]:
        credentials = self._credentials()
        token = required_token(credentials.whatsapp_access_token, "WHATSAPP_ACCESS_TOKEN")
        # Reply from the number the customer wrote to; fall back to the configured one.
        return f"{to.recipient_id or credentials.whatsapp_phone_number_id}/messages", token

    def send(self, to: InboundMessage, reply: Reply, progress: SendProgress | None = None) -> None:
        path, token = self._route(to)
        now = self._now()
        recipient = addressee(to)
        if messaging_window(last_customer_message_at(to.timestamp, now, to.received_at), now) is MessagingWindow.OPEN:
            bodies = render.render(reply, recipient)
        elif self._template_name:
            # Free-form text is never sent outside the window: the template invites the customer back.
            bodies = [render.template_message(recipient, self._template_name, self._template_language)]
        else:
            raise MessagingWindowClosedError(
                "more than 24 hours since the customer's last message and no WHATSAPP_TEMPLATE_NAME configured"
            )
        post_parts(self._graph, [GraphRequest(path, body, token) for body in bodies], progress)

    def send_as_agent(self, to: InboundMessage, reply: Reply) -> None:
        # WhatsApp has no human-agent exception: a person's reply follows the same 24-hour rule.
        self.send(to, reply)

    def acknowledge(self, to: InboundMessage) -> bool:
        # The read receipt names the message, not the customer: the same for a number and a username.
        if not to.message_id:
            return False
        path, token = self._route(to)
        request = GraphRequest(path, render.read_receipt(to.message_id), token, attempts=1)
        return post_best_effort(self._graph, [request], self.channel, to.sender_hash)
