"""The agent endpoint's work in the webhook: check the bearer token, validate, enqueue the command, answer 202.

Nothing slow here either: translation and sending happen in fulfillment, in order with the customer's messages.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parley.agents.commands import (
    AgentAction,
    AgentCommand,
    AgentCommandQueue,
    ConversationRef,
    new_request_id,
    parse_conversation_id,
    valid_request_id,
)
from parley.agents.ledger import RequestLedger
from parley.channels.model import queueable
from parley.config import ConfigError
from parley.domain.language import language_code

# A person's reply fits one WhatsApp text (4096); Messenger's 2000 are split into several messages.
MAX_AGENT_TEXT = 4000
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]
    reason: str  # for the handler's log line: never content
    headers: dict[str, str] = field(default_factory=dict)
    conversation_hash: str = ""

    @property
    def json(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)


def _error(status: int, reason: str, message: str, **headers: str) -> ApiResponse:
    return ApiResponse(status, {"error": message}, reason, dict(headers))


class AgentApi:
    def __init__(
        self,
        token: Callable[[], str | None],
        queue: AgentCommandQueue,
        clock: Callable[[], float] = time.time,
        ledger: RequestLedger | None = None,
        remember_seconds: int = 8 * 86_400,
    ) -> None:
        """token: the expected bearer token, asked on every request so a rotated secret is seen (None: the endpoint
        is not configured and refuses everything). ledger: where the Idempotency-Keys callers chose are remembered
        with what they carried, for `remember_seconds` (as long as fulfillment remembers the commands)."""
        self._token = token
        self._queue = queue
        self._clock = clock
        self._ledger = ledger
        self._remember_seconds = remember_seconds

    def reply(
        self, conversation_id: str, authorization: str | None, body: bytes, request_id: str | None
    ) -> ApiResponse:
        return self._accept(AgentAction.REPLY, conversation_id, authorization, body, request_id)

    def release(
        self, conversation_id: str, authorization: str | None, body: bytes, request_id: str | None
    ) -> ApiResponse:
        return self._accept(AgentAction.RELEASE, conversation_id, authorization, body, request_id)

    def _accept(
        self, action: AgentAction, raw_id: str, authorization: str | None, body: bytes, request_id: str | None
    ) -> ApiResponse:
        refused = self._refuse(authorization)
        if refused is not None:
            return refused
        conversation = parse_conversation_id(raw_id)
        if conversation is None:
            return _error(404, "unknown_conversation_id", "no such conversation: ids look like whatsapp:14155550123")
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "too_large", f"the request body is larger than {MAX_BODY_BYTES} bytes")
        try:
            # UTF-8 only (json.loads would take UTF-16 and UTF-32 bytes too); bad UTF-8 is a ValueError.
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (ValueError, RecursionError):
            return _error(400, "malformed", "the body is not JSON in UTF-8")
        if not isinstance(data, dict):
            return _error(400, "malformed", "the body must be a JSON object")
        return self._command(action, conversation, data, request_id)

    def _refuse(self, authorization: str | None) -> ApiResponse | None:
        try:
            expected = self._token()
        except ConfigError as exc:
            from parley.observability import logger

            logger.error("agent API token unusable", extra={"error": str(exc)})
            expected = None
        if not expected:
            return _error(503, "not_configured", "the agent API is not configured (AGENT_API_TOKEN)")
        scheme, _, presented = (authorization or "").strip().partition(" ")
        # Constant time: how much of a guess matched must not show in how long the answer takes.
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), expected.encode()):
            return _error(401, "unauthorised", "a valid bearer token is required", **{"WWW-Authenticate": "Bearer"})
        return None

    def _command(
        self, action: AgentAction, conversation: ConversationRef, data: dict[str, Any], header_id: str | None
    ) -> ApiResponse:
        request_id = header_id or data.get("request_id") or new_request_id()
        if not isinstance(request_id, str) or not valid_request_id(request_id):
            return _error(400, "bad_request_id", "a request id is 1 to 64 letters, digits, '.', '_', ':' or '-'")
        text, language = "", ""
        if action is AgentAction.REPLY:
            raw_text = data.get("text")
            if not isinstance(raw_text, str) or not raw_text.strip():
                return _error(400, "no_text", 'the body needs a "text": the message for the customer')
            text = raw_text.strip()
            if len(text) > MAX_AGENT_TEXT:
                return _error(400, "text_too_long", f"the text is longer than {MAX_AGENT_TEXT} characters")
            raw_language = data.get("language")
            if raw_language is not None:
                language = (language_code(raw_language) if isinstance(raw_language, str) else None) or ""
                if not language:
                    return _error(400, "bad_language", '"language" is the code of the language you write in, like es')
        # Characters SQS refuses (U+FFFF, most control characters) would have the queue refuse the command on every
        # try: they become U+FFFD, as in customers' messages.
        now = int(self._clock())
        command = queueable(AgentCommand(action, conversation.key, request_id, now, text, language))
        if (header_id or "request_id" in data) and self._ledger is not None:
            # A key the caller chose: the same request again is accepted (and carried out once, downstream); another
            # request under it would be dropped there as a repeat, so it is refused here. A RequestLedgerError
            # propagates: the handler answers 500 and the agent tries again.
            held = self._ledger.claim(command.idempotency_key, command.fingerprint, now, now + self._remember_seconds)
            if held != command.fingerprint:
                return _error(
                    409,
                    "idempotency_key_reused",
                    "this Idempotency-Key was already used for another request; use a new key for a new message",
                )
        # A QueueError propagates: the handler answers 500 and the agent (or the CLI) tries again.
        self._queue.put_commands([command])
        body = {
            "status": "queued",
            "action": action.value,
            "conversation_id": conversation.public_id,
            "request_id": request_id,
        }
        return ApiResponse(202, body, "queued", conversation_hash=conversation.sender_hash)
