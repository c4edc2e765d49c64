"""Sending on Messenger: a Reply rendered as Send API requests within the standard messaging window (a person's reply
tagged HUMAN_AGENT for up to 7 days), read receipts and typing, and the handover protocol with the Page Inbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from parley.channels.base import ChannelCapabilities, SendProgress, post_best_effort, post_parts, required_token
from parley.channels.messenger import render
from parley.channels.meta import GraphPoster, GraphRequest, MessagingWindowClosedError
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Reply
from parley.channels.window import MessagingWindow, last_customer_message_at, messaging_window, utc_now
from parley.config import DEFAULT_PAGE_INBOX_APP_ID, MetaCredentials

TEXT_LIMIT = render.TEXT_LIMIT

CAPABILITIES = ChannelCapabilities(
    text_limit=render.TEXT_LIMIT,
    max_buttons=render.MAX_TEMPLATE_BUTTONS,
    button_title_limit=render.BUTTON_TITLE_LIMIT,
    max_choices=render.MAX_QUICK_REPLIES,
    choice_title_limit=render.QUICK_REPLY_TITLE_LIMIT,
    choice_description_limit=0,
    choice_id_limit=1000,
    text_with_buttons_limit=render.BUTTON_TEMPLATE_TEXT_LIMIT,
    link_button=True,
)


class MessengerSender:
    channel = Channel.MESSENGER
    capabilities = CAPABILITIES

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
        return required_token(self._credentials().messenger_page_access_token, "MESSENGER_PAGE_ACCESS_TOKEN")

    @staticmethod
    def _page(to: InboundMessage) -> str:
        # Act as the Page the customer wrote to (POST /{PAGE-ID}/…); "me" is the Page of the token.
        return to.recipient_id or "me"

    def _window(self, to: InboundMessage) -> MessagingWindow:
        now = self._now()
        return messaging_window(last_customer_message_at(to.timestamp, now, to.received_at), now)

    def _post_all(
        self, to: InboundMessage, reply: Reply, messaging: dict[str, str], progress: SendProgress | None = None
    ) -> None:
        token = self._token()
        bodies = render.render(reply, to.sender_id, messaging)
        post_parts(self._graph, [GraphRequest(f"{self._page(to)}/messages", body, token) for body in bodies], progress)

    def send(self, to: InboundMessage, reply: Reply, progress: SendProgress | None = None) -> None:
        # Between 24 hours and 7 days Meta decides: a click-to-Messenger ad keeps the window open for up to
        # 7 days; otherwise it answers code 10 / 2018278, classified window_closed and not retried.
        if self._window(to) is MessagingWindow.CLOSED:
            raise MessagingWindowClosedError("more than 7 days since the customer's last message")
        self._post_all(to, reply, render.RESPONSE, progress)

    def send_as_agent(self, to: InboundMessage, reply: Reply) -> None:
        """A person's reply: a plain response within 24 hours, tagged HUMAN_AGENT up to 7 days, refused after."""
        window = self._window(to)
        if window is MessagingWindow.CLOSED:
            raise MessagingWindowClosedError("a person may answer on Messenger for 7 days after the last message")
        messaging = render.RESPONSE if window is MessagingWindow.OPEN else render.HUMAN_AGENT
        self._post_all(to, reply, messaging)

    def acknowledge(self, to: InboundMessage) -> bool:
        token = self._token()
        path = f"{self._page(to)}/messages"
        requests = [
            GraphRequest(path, render.sender_action(to.sender_id, action), token, attempts=1)
            for action in ("mark_seen", "typing_on")
        ]
        return post_best_effort(self._graph, requests, self.channel, to.sender_hash)

    def hand_over(self, to: InboundMessage, note: str = "") -> None:
        """Pass the conversation to the Page Inbox, where the Page's people answer it (handover protocol).

        `note` reaches the inbox as metadata: say why, never more personal data than the conversation holds."""
        body = render.pass_thread_control(to.sender_id, self._page_inbox_app_id, note)
        self._graph.post(GraphRequest(f"{self._page(to)}/pass_thread_control", body, self._token()))

    def take_back(self, to: InboundMessage, note: str = "") -> None:
        """Take the conversation back from the Page Inbox (handover protocol): the assistant answers it again."""
        body = render.take_thread_control(to.sender_id, note)
        self._graph.post(GraphRequest(f"{self._page(to)}/take_thread_control", body, self._token()))
