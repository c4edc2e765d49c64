"""The webhook's work: Meta's verification handshake, the signature check, parsing, enqueueing, events."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from parley.channels.events import EventSink, EventSinkError, LoggingEventSink
from parley.channels.meta import handshake_challenge, signature_is_valid
from parley.channels.model import Channel, queueable, within_queue_limits
from parley.channels.payload_reading import PayloadError
from parley.channels.registry import CHANNELS
from parley.config import MetaCredentials
from parley.queue import InboundQueue

if TYPE_CHECKING:
    from parley.agents.commands import AgentCommand, AgentCommandQueue
    from parley.channels.payload_reading import Delivery, ThreadReturn
    from parley.privacy.pseudonyms import Pseudonyms

# Meta's payloads are a few KB; a batched one rarely passes 100 KB. Anything far bigger is not Meta.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class WebhookResponse:
    status: int
    body: str = ""
    content_type: str = "text/plain"


@dataclass(frozen=True)
class Outcome:
    """What happened to a request, for the handler's log line (counts only, never content)."""

    response: WebhookResponse
    reason: str
    enqueued: int = 0
    events: int = 0


class WebhookIngress:
    def __init__(
        self,
        credentials: Callable[[], MetaCredentials],
        queue: InboundQueue,
        max_body_bytes: int = MAX_BODY_BYTES,
        events: EventSink | None = None,
        clock: Callable[[], float] = time.time,
        commands: AgentCommandQueue | None = None,
        analytics: EventSink | None = None,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        """`events`: channel events (the log by default); `analytics` and `pseudonyms`: where delivery statuses go as
        analytics events, and the keys they are pseudonymised with (both needed, or no analytics here)."""
        self._credentials = credentials
        self._queue = queue
        self._max_body_bytes = max_body_bytes
        self._events: EventSink = events if events is not None else LoggingEventSink()
        self._clock = clock
        self._commands = commands
        self._analytics = analytics if pseudonyms is not None else None
        self._pseudonyms = pseudonyms

    def verify(self, query: Mapping[str, str]) -> Outcome:
        """GET: Meta subscribes the webhook by asking us to echo hub.challenge when the token matches."""
        challenge = handshake_challenge(query, self._credentials().verify_token)
        if challenge is not None:
            return Outcome(WebhookResponse(200, challenge), "verified")
        return Outcome(WebhookResponse(403, "verification failed"), "verification_failed")

    def receive(self, channel: Channel, raw_body: bytes, signature_header: str | None) -> Outcome:
        if len(raw_body) > self._max_body_bytes:
            return Outcome(WebhookResponse(413, "payload too large"), "too_large")
        if not signature_is_valid(raw_body, signature_header, self._credentials().app_secret):
            return Outcome(WebhookResponse(401, "invalid signature"), "bad_signature")
        try:
            # UTF-8 only, as Meta sends it: json.loads would also take UTF-16 and UTF-32 bytes.
            payload = json.loads(raw_body.decode("utf-8"))
        except (ValueError, RecursionError):
            # ValueError covers bad JSON, bad UTF-8 and integers too long to convert; RecursionError, nesting
            # deeper than the parser goes. All the sender's mistake: 400, never 500.
            return Outcome(WebhookResponse(400, "malformed JSON"), "malformed")
        now = self._clock()
        try:
            parsed = CHANNELS[channel].parse(payload, int(now))
        except PayloadError:
            # Signed by Meta but not a kind we handle: acknowledge, or Meta retries it for days.
            return Outcome(WebhookResponse(200, "ignored"), "unknown_payload")
        if parsed.messages:
            # A QueueError propagates: the handler answers 500 and Meta redelivers later. The reply's latency is
            # measured from this moment, to the millisecond. Characters SQS refuses become U+FFFD first, and free
            # text longer than anyone reads is cut (channels.model.within_queue_limits).
            received = [replace(m, received_at_ms=int(now * 1000)) for m in parsed.messages]
            self._queue.put([queueable(within_queue_limits(m)) for m in received])
        if parsed.thread_returns and self._commands is not None:
            self._commands.put_commands([queueable(self._hand_back(channel, r)) for r in parsed.thread_returns])
        if parsed.events:
            # After the queue: a redelivery caused by a queue failure does not count its events twice.
            try:
                self._events.emit(parsed.events)
            except EventSinkError as exc:
                from parley.observability import logger

                # Analytics is not worth a redelivery of the customer's messages: note the loss and go on.
                logger.warning("channel events lost", extra={"events": len(parsed.events), "error": str(exc)})
        if parsed.deliveries:
            self._emit_deliveries(channel, parsed.deliveries)
        return Outcome(WebhookResponse(200, "ok"), "accepted", enqueued=len(parsed.messages), events=len(parsed.events))

    def _emit_deliveries(self, channel: Channel, deliveries: Sequence[Delivery]) -> None:
        """Delivery statuses as analytics events; a failure to do so is logged and counted by the sink, never
        answered with anything but 200."""
        if self._analytics is None or self._pseudonyms is None:
            return
        from parley.analytics.deliveries import delivery_events

        try:
            self._analytics.emit(delivery_events(channel, deliveries, self._pseudonyms))
        except EventSinkError as exc:
            from parley.observability import logger

            logger.warning("delivery events lost", extra={"events": len(deliveries), "error": str(exc)})

    def _hand_back(self, channel: Channel, returned: ThreadReturn) -> AgentCommand:
        """A person in the Page Inbox is done: the same hand-back as an agent's release, in order with the
        customer's messages. Its id comes from the event, so Meta's redeliveries are one hand-back."""
        from parley.agents.commands import AgentAction, AgentCommand, CommandSource

        digest = hashlib.sha256(f"{returned.sender_id}|{returned.timestamp_ms}".encode()).hexdigest()[:32]
        return AgentCommand(
            AgentAction.RELEASE,
            f"{channel}#{returned.sender_id}",
            f"inbox.{digest}",
            int(self._clock()),
            source=CommandSource.PAGE_INBOX,
        )
