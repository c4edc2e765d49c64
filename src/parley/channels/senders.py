"""Senders: render a reply as the platform's send requests and post them through the Graph API, within the
platform's limits and its messaging windows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from parley.channels import messenger_render, whatsapp_render
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import CHOICE_ID_LIMIT, Reply
from parley.channels.text import split_text
from parley.channels.window import MessagingWindow, last_customer_message_at, messaging_window, utc_now
from parley.config import DEFAULT_PAGE_INBOX_APP_ID, ConfigError, MetaCredentials
from parley.graph import GraphApiError, GraphPoster, GraphRequest, MessagingWindowClosedError
from parley.observability import logger

if TYPE_CHECKING:
    from parley.config import Settings

__all__ = [
    "MESSENGER_CAPABILITIES",
    "MESSENGER_TEXT_LIMIT",
    "WHATSAPP_CAPABILITIES",
    "WHATSAPP_TEXT_LIMIT",
    "ChannelCapabilities",
    "HandsOver",
    "MessengerSender",
    "Sender",
    "TakesBack",
    "WhatsAppSender",
    "build_senders",
    "split_text",
]

WHATSAPP_TEXT_LIMIT = whatsapp_render.TEXT_LIMIT
MESSENGER_TEXT_LIMIT = messenger_render.TEXT_LIMIT


@dataclass(frozen=True)
class ChannelCapabilities:
    """What a channel can show. Lengths are counted as `text.platform_length` counts them."""

    text_limit: int  # one text message
    max_buttons: int  # buttons on one message
    button_title_limit: int
    max_choices: int  # choices shown as tappable options at all; more become a numbered list in the text
    choice_title_limit: int  # the title of a tappable option beyond the buttons (list row, quick reply)
    choice_description_limit: int  # 0: descriptions are shown only in the numbered text
    choice_id_limit: int  # the payload that comes back when an option is tapped
    text_with_buttons_limit: int  # text on a message that carries buttons
    link_button: bool  # a URL can be a button


WHATSAPP_CAPABILITIES = ChannelCapabilities(
    text_limit=whatsapp_render.TEXT_LIMIT,
    max_buttons=whatsapp_render.MAX_BUTTONS,
    button_title_limit=whatsapp_render.BUTTON_TITLE_LIMIT,
    max_choices=whatsapp_render.MAX_LIST_ROWS,
    choice_title_limit=whatsapp_render.ROW_TITLE_LIMIT,
    choice_description_limit=whatsapp_render.ROW_DESCRIPTION_LIMIT,
    choice_id_limit=CHOICE_ID_LIMIT,
    text_with_buttons_limit=whatsapp_render.INTERACTIVE_BODY_LIMIT,
    link_button=True,
)

MESSENGER_CAPABILITIES = ChannelCapabilities(
    text_limit=messenger_render.TEXT_LIMIT,
    max_buttons=messenger_render.MAX_TEMPLATE_BUTTONS,
    button_title_limit=messenger_render.BUTTON_TITLE_LIMIT,
    max_choices=messenger_render.MAX_QUICK_REPLIES,
    choice_title_limit=messenger_render.QUICK_REPLY_TITLE_LIMIT,
    choice_description_limit=0,
    choice_id_limit=1000,
    text_with_buttons_limit=messenger_render.BUTTON_TEMPLATE_TEXT_LIMIT,
    link_button=True,
)


class Sender(Protocol):
    """One channel's way out. Both senders implement it; the behaviour suite runs against both."""

    @property
    def channel(self) -> Channel: ...

    @property
    def capabilities(self) -> ChannelCapabilities: ...

    def send(self, to: InboundMessage, reply: Reply) -> None:
        """Answer the customer's message `to` with an automated reply. Raises GraphApiError (see `reason`,
        `retryable`; MessagingWindowClosedError when the platform's rules forbid it) or ConfigError."""

    def send_as_agent(self, to: InboundMessage, reply: Reply) -> None:
        """Send a person's (a human agent's) reply to the customer who wrote `to`."""

    def acknowledge(self, to: InboundMessage) -> bool:
        """Show the customer their message was seen and an answer is coming. Best effort: a failure is logged
        and returns False, since a read receipt must never hold up the reply."""


@runtime_checkable
class HandsOver(Protocol):
    """A channel that can pass the conversation to people in the platform's own inbox."""

    def hand_over(self, to: InboundMessage, note: str = "") -> None: ...


@runtime_checkable
class TakesBack(Protocol):
    """A channel whose conversations can be taken back from the platform's inbox when a person is done."""

    def take_back(self, to: InboundMessage, note: str = "") -> None: ...


def _token(value: str, name: str) -> str:
    if not value:
        # Not dropped: the message fails, is retried, and ends in the dead-letter queue if nobody fixes it.
        raise ConfigError(f"{name} is not configured; cannot reply on this channel")
    return value


def _best_effort(graph: GraphPoster, requests: list[GraphRequest], channel: Channel, sender: str) -> bool:
    ok = True
    for request in requests:
        try:
            graph.post(request)
        except GraphApiError as exc:
            ok = False
            logger.info(
                "acknowledgement not shown",
                extra={"channel": channel.value, "sender": sender, "reason": exc.reason.value, "code": exc.code},
            )
    return ok


class WhatsAppSender:
    channel = Channel.WHATSAPP
    capabilities = WHATSAPP_CAPABILITIES

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
        token = _token(credentials.whatsapp_access_token, "WHATSAPP_ACCESS_TOKEN")
        # Reply from the number the customer wrote to; fall back to the configured one.
        return f"{to.recipient_id or credentials.whatsapp_phone_number_id}/messages", token

    def send(self, to: InboundMessage, reply: Reply) -> None:
        path, token = self._route(to)
        now = self._now()
        if messaging_window(last_customer_message_at(to.timestamp, now, to.received_at), now) is MessagingWindow.OPEN:
            bodies = whatsapp_render.render(reply, to.sender_id)
        elif self._template_name:
            # Free-form text is never sent outside the window: the template invites the customer back.
            bodies = [whatsapp_render.template_message(to.sender_id, self._template_name, self._template_language)]
        else:
            raise MessagingWindowClosedError(
                "more than 24 hours since the customer's last message and no WHATSAPP_TEMPLATE_NAME configured"
            )
        for body in bodies:
            self._graph.post(GraphRequest(path, body, token))

    def send_as_agent(self, to: InboundMessage, reply: Reply) -> None:
        # WhatsApp has no human-agent exception: a person's reply follows the same 24-hour rule.
        self.send(to, reply)

    def acknowledge(self, to: InboundMessage) -> bool:
        if not to.message_id:
            return False
        path, token = self._route(to)
        request = GraphRequest(path, whatsapp_render.read_receipt(to.message_id), token, attempts=1)
        return _best_effort(self._graph, [request], self.channel, to.sender_hash)


class MessengerSender:
    channel = Channel.MESSENGER
    capabilities = MESSENGER_CAPABILITIES

    def __init__(
        self,
        graph: GraphPoster,
        credentials: Callable[[], MetaCredentials],
        *,
        page_inbox_app_id: str = DEFAULT_PAGE_INBOX_APP_ID,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._graph = graph
        self._credentials = credentials
        self._page_inbox_app_id = page_inbox_app_id
        self._now = now

    def _token(self) -> str:
        return _token(self._credentials().messenger_page_access_token, "MESSENGER_PAGE_ACCESS_TOKEN")

    @staticmethod
    def _page(to: InboundMessage) -> str:
        # Act as the Page the customer wrote to (POST /{PAGE-ID}/…); "me" is the Page of the token.
        return to.recipient_id or "me"

    def _window(self, to: InboundMessage) -> MessagingWindow:
        now = self._now()
        return messaging_window(last_customer_message_at(to.timestamp, now, to.received_at), now)

    def _post_all(self, to: InboundMessage, reply: Reply, messaging: dict[str, str]) -> None:
        token = self._token()
        for body in messenger_render.render(reply, to.sender_id, messaging):
            self._graph.post(GraphRequest(f"{self._page(to)}/messages", body, token))

    def send(self, to: InboundMessage, reply: Reply) -> None:
        # Between 24 hours and 7 days Meta decides: a click-to-Messenger ad keeps the window open for up to
        # 7 days; otherwise it answers code 10 / 2018278, classified window_closed and not retried.
        if self._window(to) is MessagingWindow.CLOSED:
            raise MessagingWindowClosedError("more than 7 days since the customer's last message")
        self._post_all(to, reply, messenger_render.RESPONSE)

    def send_as_agent(self, to: InboundMessage, reply: Reply) -> None:
        """A person's reply: a plain response within 24 hours, tagged HUMAN_AGENT up to 7 days, refused after."""
        window = self._window(to)
        if window is MessagingWindow.CLOSED:
            raise MessagingWindowClosedError("a person may answer on Messenger for 7 days after the last message")
        messaging = messenger_render.RESPONSE if window is MessagingWindow.OPEN else messenger_render.HUMAN_AGENT
        self._post_all(to, reply, messaging)

    def acknowledge(self, to: InboundMessage) -> bool:
        token = self._token()
        path = f"{self._page(to)}/messages"
        requests = [
            GraphRequest(path, messenger_render.sender_action(to.sender_id, action), token, attempts=1)
            for action in ("mark_seen", "typing_on")
        ]
        return _best_effort(self._graph, requests, self.channel, to.sender_hash)

    def hand_over(self, to: InboundMessage, note: str = "") -> None:
        """Pass the conversation to the Page Inbox, where the Page's people answer it (handover protocol).

        `note` reaches the inbox as metadata: say why, never more personal data than the conversation holds."""
        body = messenger_render.pass_thread_control(to.sender_id, self._page_inbox_app_id, note)
        self._graph.post(GraphRequest(f"{self._page(to)}/pass_thread_control", body, self._token()))

    def take_back(self, to: InboundMessage, note: str = "") -> None:
        """Take the conversation back from the Page Inbox (handover protocol): the assistant answers it again."""
        body = messenger_render.take_thread_control(to.sender_id, note)
        self._graph.post(GraphRequest(f"{self._page(to)}/take_thread_control", body, self._token()))


def build_senders(
    settings: Settings,
    graph: GraphPoster,
    credentials: Callable[[], MetaCredentials],
    now: Callable[[], datetime] = utc_now,
) -> dict[Channel, Sender]:
    """Both senders, configured from settings (template, Page Inbox app id) and sharing one clock."""
    return {
        Channel.WHATSAPP: WhatsAppSender(
            graph,
            credentials,
            template_name=settings.whatsapp_template_name,
            template_language=settings.whatsapp_template_language,
            now=now,
        ),
        Channel.MESSENGER: MessengerSender(
            graph, credentials, page_inbox_app_id=settings.messenger_page_inbox_app_id, now=now
        ),
    }
