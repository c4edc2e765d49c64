"""The webhook's work: Meta's verification handshake, the signature check, parsing, enqueueing."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from parley.channels import signature
from parley.channels.model import Channel
from parley.channels.parsing import PARSERS, PayloadError
from parley.config import MetaCredentials
from parley.queue import InboundQueue

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


class WebhookIngress:
    def __init__(
        self,
        credentials: Callable[[], MetaCredentials],
        queue: InboundQueue,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._credentials = credentials
        self._queue = queue
        self._max_body_bytes = max_body_bytes

    def verify(self, query: Mapping[str, str]) -> Outcome:
        """GET: Meta subscribes the webhook by asking us to echo hub.challenge when the token matches."""
        expected = self._credentials().verify_token
        if (
            query.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(query.get("hub.verify_token", "").encode(), expected.encode())
        ):
            return Outcome(WebhookResponse(200, query.get("hub.challenge", "")), "verified")
        return Outcome(WebhookResponse(403, "verification failed"), "verification_failed")

    def receive(self, channel: Channel, raw_body: bytes, signature_header: str | None) -> Outcome:
        if len(raw_body) > self._max_body_bytes:
            return Outcome(WebhookResponse(413, "payload too large"), "too_large")
        if not signature.is_valid(raw_body, signature_header, self._credentials().app_secret):
            return Outcome(WebhookResponse(401, "invalid signature"), "bad_signature")
        try:
            payload = json.loads(raw_body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Outcome(WebhookResponse(400, "malformed JSON"), "malformed")
        try:
            messages = PARSERS[channel](payload)
        except PayloadError:
            # Signed by Meta but not a kind we handle: acknowledge, or Meta retries it for days.
            return Outcome(WebhookResponse(200, "ignored"), "unknown_payload")
        if messages:
            # A QueueError propagates: the handler answers 500 and Meta redelivers later.
            self._queue.put(messages)
        return Outcome(WebhookResponse(200, "ok"), "accepted", enqueued=len(messages))
