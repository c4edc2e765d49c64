"""The channel interface: what every platform module provides (read its webhook, say a Reply within its limits,
send it), so the webhook, fulfillment, the agents' desk and the local stack never name a platform.

A platform is one package under parley.channels (whatsapp/, messenger/) exposing one ChannelAdapter, listed once in
parley.channels.registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from parley.channels.meta import GraphApiError, GraphClient, GraphPoster, GraphRequest
from parley.channels.model import Channel, InboundMessage
from parley.channels.payload_reading import ParsedPayload
from parley.config import ConfigError, MetaCredentials
from parley.observability import logger

if TYPE_CHECKING:
    from parley.channels.replies import Reply
    from parley.config import Settings


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


@dataclass
class SendProgress:
    """How far a reply has gone out: a reply may take several platform messages (a long text split, say), and a
    send that fails part-way, retried later, must not show the customer again the parts already sent.

    `sent`: the parts (in the order the sender renders them) that went out, or may have (`unconfirmed` of them were
    written but never answered: never repeated); `message_ids`: the ids Meta gave the confirmed ones."""

    sent: int = 0
    unconfirmed: int = 0
    message_ids: list[str] = field(default_factory=list)

    def confirmed(self, message_id: str) -> None:
        self.sent += 1
        self.message_ids.append(message_id)

    def unanswered(self) -> None:
        """The part being sent was written and never answered: it counts as sent."""
        self.sent += 1
        self.unconfirmed += 1


def post_parts(graph: GraphPoster, requests: list[GraphRequest], progress: SendProgress | None) -> None:
    """Post a reply's parts in order, from the first not yet sent, noting each in `progress` as it goes out."""
    for index, request in enumerate(requests):
        if progress is not None and index < progress.sent:
            continue
        answer = graph.post(request)
        if progress is not None:
            progress.confirmed(GraphClient.message_id(answer))


class Sender(Protocol):
    """One channel's way out. Every platform's sender implements it; the behaviour suite runs against each."""

    @property
    def channel(self) -> Channel: ...

    @property
    def capabilities(self) -> ChannelCapabilities: ...

    def send(self, to: InboundMessage, reply: Reply, progress: SendProgress | None = None) -> None:
        """Answer the customer's message `to` with an automated reply. Raises GraphApiError (see `reason`,
        `retryable`; MessagingWindowClosedError when the platform's rules forbid it) or ConfigError.

        `progress`: the parts already sent are skipped, and each part sent now is noted there as it goes."""

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


class ChannelAdapter(Protocol):
    """One platform, as the rest of Parley sees it."""

    @property
    def name(self) -> Channel:
        """The channel's name: its webhook route (/webhook/<name>) and the prefix of its conversation keys."""

    @property
    def capabilities(self) -> ChannelCapabilities: ...

    def parse(self, payload: Any, received_at: int = 0) -> ParsedPayload:
        """Every customer message of a webhook payload, normalised, and content-free events for the rest.
        Raises PayloadError for a body that is not this platform's webhook at all; anything odd inside is skipped
        or counted, never fatal. `received_at` (seconds) stamps what Meta gives no time of its own."""

    def sender(
        self,
        graph: GraphPoster,
        credentials: Callable[[], MetaCredentials],
        settings: Settings,
        now: Callable[[], datetime],
    ) -> Sender:
        """The platform's sender, configured from settings. Imported only when asked for: the webhook never
        sends, and its cold start should not pay for the renderers."""

    def language_hint(self, message: InboundMessage, native: Iterable[str]) -> str | None:
        """A language the sender probably writes, from what the platform tells about them (WhatsApp: the calling
        code of their number); None when the platform says nothing useful."""


def required_token(value: str, name: str) -> str:
    """A send credential, or ConfigError. Not dropped: the message fails, is retried, and ends in the dead-letter
    queue if nobody fixes the configuration."""
    if not value:
        raise ConfigError(f"{name} is not configured; cannot reply on this channel")
    return value


def post_best_effort(graph: GraphPoster, requests: list[GraphRequest], channel: Channel, sender_hash: str) -> bool:
    """Read receipts and typing indicators: a failure is logged (by hashed sender) and reported as False."""
    ok = True
    for request in requests:
        try:
            graph.post(request)
        except GraphApiError as exc:
            ok = False
            logger.info(
                "acknowledgement not shown",
                extra={"channel": channel.value, "sender": sender_hash, "reason": exc.reason.value, "code": exc.code},
            )
    return ok
