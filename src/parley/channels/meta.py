"""What both Meta platforms share: the X-Hub-Signature-256 check, the GET verification handshake, and a small Graph
API client (JSON over HTTPS with a timeout on every call, retries only where they help, and every failure classified
so callers can record why a message was not delivered).

A send is retried only when it certainly did not go: the connection could not be made or the request not written
(`unreachable`), or Meta answered with throttling or a server error. A request that was written but never answered
(the answer timed out, the connection dropped while waiting) may well have been delivered: Meta processes a send
once it has read it, and a slow answer is the common cause. Repeating it would show the customer the same message
twice, so it is `unconfirmed`, never retried here, and the caller counts it as sent (see parley.fulfillment)."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from parley.channels.model import without_personal
from parley.observability import logger

if TYPE_CHECKING:
    from collections.abc import Mapping

    from parley.config import Settings

# ------------------------------------------------------------------------------------------ signature, handshake

SIGNATURE_PREFIX = "sha256="


def sign(raw_body: bytes, app_secret: str) -> str:
    """X-Hub-Signature-256 as Meta computes it: HMAC-SHA256 of the raw request body, keyed with the app secret."""
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_is_valid(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time check over the exact bytes Meta signed; re-serialised JSON would not match."""
    if not header or not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    return hmac.compare_digest(sign(raw_body, app_secret).encode(), header.strip().encode())


def handshake_challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """GET: Meta subscribes a webhook by asking it to echo hub.challenge when hub.verify_token is ours.

    The challenge to answer with, or None when the request is not Meta's subscription with our token."""
    if (
        query.get("hub.mode") == "subscribe"
        and verify_token
        and hmac.compare_digest(query.get("hub.verify_token", "").encode(), verify_token.encode())
    ):
        return query.get("hub.challenge", "")
    return None


# ------------------------------------------------------------------------------------------------- Graph API


# Throttling: Graph API application (4), user (17), page (32) and custom (613) limits; business-use-case limits
# for Messenger (80006) and WhatsApp (80007); WhatsApp throughput (130429), spam (131048) and pair (131056) limits.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80006, 80007, 130429, 131048, 131056})
# Meta's own transient failures: "please retry" (1 on 5xx, 2), Messenger's temporary send failure (1200), and
# WhatsApp's "something went wrong" (131000), service unavailable (131016, 133004).
SERVER_CODES = frozenset({2, 1200, 131000, 131016, 133004})
# WhatsApp: re-engagement message (more than 24 hours since the customer's last message).
WINDOW_CLOSED_CODES = frozenset({131047})
# Messenger: code 10 with these subcodes is "sent outside of allowed window" (not a permission problem).
WINDOW_CLOSED_SUBCODES = frozenset({2018278, 2018065})
# WhatsApp: undeliverable (131026), recipient is the sender (131021), not in the test allow list (131030);
# Messenger: person not available (551; 200/1545041), no matching user (100/2018001).
INVALID_RECIPIENT_CODES = frozenset({551, 131021, 131026, 131030})
INVALID_RECIPIENT_SUBCODES = frozenset({1545041, 2018001})
# Token expired or invalid (190, 102, 0), capability (3) or permission (10, 200-299) missing.
AUTH_CODES = frozenset({0, 3, 10, 102, 190})
# Account restricted or blocked by policy, or unpaid: nothing the sender can retry its way out of.
POLICY_CODES = frozenset({368, 130497, 131031, 131042, 131049})


class ErrorReason(StrEnum):
    """Why a Graph API call failed, in words an event record or a dashboard can group by."""

    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    UNREACHABLE = "unreachable"
    # The request was written and no answer came: it may have been delivered, so it is never repeated.
    UNCONFIRMED = "unconfirmed"
    WINDOW_CLOSED = "window_closed"
    INVALID_RECIPIENT = "invalid_recipient"
    AUTH = "auth"
    TEMPLATE = "template"
    POLICY = "policy"
    BAD_REQUEST = "bad_request"


RETRYABLE_REASONS = frozenset({ErrorReason.RATE_LIMITED, ErrorReason.SERVER, ErrorReason.UNREACHABLE})


def classify(status: int, code: int | None, subcode: int | None = None, message: str = "") -> ErrorReason:
    """The reason for an error answer: Meta's code first (it is more precise than the HTTP status)."""
    if code in RATE_LIMIT_CODES:
        return ErrorReason.RATE_LIMITED
    if code in WINDOW_CLOSED_CODES or subcode in WINDOW_CLOSED_SUBCODES or code in WINDOW_CLOSED_SUBCODES:
        return ErrorReason.WINDOW_CLOSED
    if code == 10 and "outside of allowed window" in message.lower():
        return ErrorReason.WINDOW_CLOSED
    if code in INVALID_RECIPIENT_CODES or subcode in INVALID_RECIPIENT_SUBCODES:
        return ErrorReason.INVALID_RECIPIENT
    if code is not None and (code in AUTH_CODES or 200 <= code <= 299):
        return ErrorReason.AUTH
    if code is not None and 132000 <= code <= 132999:
        return ErrorReason.TEMPLATE
    if code in POLICY_CODES:
        return ErrorReason.POLICY
    if code in SERVER_CODES or status >= 500:
        return ErrorReason.SERVER
    if status == 429:
        return ErrorReason.RATE_LIMITED
    if status in (401, 403):
        return ErrorReason.AUTH
    if status == 0:
        return ErrorReason.UNREACHABLE
    return ErrorReason.BAD_REQUEST


class GraphApiError(RuntimeError):
    """A failed Graph API call. `reason` says why; `retryable` whether trying again later can help."""

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        retryable: bool | None = None,
        *,
        subcode: int | None = None,
        reason: ErrorReason | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.subcode = subcode
        self.reason = reason or classify(status, code, subcode, message)
        self.retryable = self.reason in RETRYABLE_REASONS if retryable is None else retryable
        super().__init__(f"Graph API {status} (code {code}, {self.reason}): {without_personal(message)}")


class MessagingWindowClosedError(GraphApiError):
    """Refused before any request: the platform's rules forbid this message now (no free-form text outside
    WhatsApp's 24-hour window, no person's reply on Messenger after 7 days). Retrying will not help."""

    def __init__(self, message: str) -> None:
        super().__init__(0, None, message, False, reason=ErrorReason.WINDOW_CLOSED)


@dataclass(frozen=True)
class GraphRequest:
    path: str
    body: dict[str, Any]
    token: str
    attempts: int | None = None  # fewer tries than the client's default (a typing indicator is soon stale)


class GraphPoster(Protocol):
    """What a sender needs from the Graph API; the client below, or an in-memory fake in tests."""

    def post(self, request: GraphRequest) -> dict[str, Any]: ...


class GraphClient:
    def __init__(
        self,
        base_url: str,
        version: str,
        timeout_seconds: float = 5.0,
        attempts: int = 3,
        deadline_seconds: float = 12.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self._base = f"{base_url.rstrip('/')}/{version}"
        self._timeout = timeout_seconds
        self._attempts = attempts
        self._deadline = deadline_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._jitter = jitter

    @classmethod
    def from_settings(cls, settings: Settings) -> GraphClient:
        return cls(
            settings.graph_api_url,
            settings.graph_api_version,
            timeout_seconds=settings.graph_timeout_seconds,
            attempts=settings.graph_max_attempts,
            deadline_seconds=settings.graph_deadline_seconds,
        )

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: about 0.5 s, 1 s, 2 s … (capped at 8 s), each scaled by 0.5-1.0 so
        that many senders throttled at once do not come back at the same moment."""
        return min(8.0, 0.25 * 2.0**attempt) * self._jitter(0.5, 1.0)

    def post(self, request: GraphRequest) -> dict[str, Any]:
        started = self._monotonic()
        attempts = min(self._attempts, request.attempts or self._attempts)
        edge = request.path.rstrip("/").rsplit("/", 1)[-1]  # "messages": never the ids before it
        for attempt in range(1, attempts + 1):
            try:
                return self._post_once(request)
            except GraphApiError as exc:
                delay = self.backoff(attempt)
                out_of_time = self._monotonic() - started + delay + self._timeout > self._deadline
                if not exc.retryable or attempt == attempts or out_of_time:
                    logger.warning(
                        "graph api call failed",
                        extra={
                            "edge": edge,
                            "status": exc.status,
                            "code": exc.code,
                            "subcode": exc.subcode,
                            "reason": exc.reason.value,
                            "retryable": exc.retryable,
                            "attempts": attempt,
                        },
                    )
                    raise
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(self, request: GraphRequest) -> dict[str, Any]:
        # Imported here: the webhook imports this module for the signature check and never sends.
        import http.client
        import urllib.error
        import urllib.request

        data = json.dumps(request.body, ensure_ascii=False).encode()
        http_request = urllib.request.Request(  # noqa: S310 - the base URL is configuration, checked http(s)
            f"{self._base}/{request.path.lstrip('/')}",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {request.token}"},
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self._timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise self._error(exc.code, _error_body(exc)) from exc
        except urllib.error.URLError as exc:
            # urllib raises URLError only while connecting and writing the request (AbstractHTTPHandler.do_open):
            # Meta never read it, so trying again cannot send it twice.
            raise GraphApiError(0, None, f"unreachable: {type(exc.reason).__name__}", True) from exc
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            # Raised while waiting for or reading the answer: the request was written and may have been delivered.
            raise GraphApiError(
                0, None, f"no answer: {type(exc).__name__}", False, reason=ErrorReason.UNCONFIRMED
            ) from exc
        try:
            parsed: dict[str, Any] = json.loads(payload or b"{}")
        except json.JSONDecodeError:
            parsed = {}
        return parsed

    @staticmethod
    def message_id(answer: dict[str, Any]) -> str:
        """The id Meta gave the message it accepted (WhatsApp: messages[0].id; Messenger: message_id); "" if none."""
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        return str(answer.get("message_id", ""))

    @staticmethod
    def _error(status: int, raw: bytes) -> GraphApiError:
        try:
            error = json.loads(raw).get("error", {})
        except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
            error = {}
        if not isinstance(error, dict):
            error = {}
        code = error.get("code")
        subcode = error.get("error_subcode")
        return GraphApiError(
            status,
            code if isinstance(code, int) else None,
            str(error.get("message", "")),
            subcode=subcode if isinstance(subcode, int) else None,
        )


def _error_body(error: Any) -> bytes:
    """An error answer's body; empty when it cannot be read in time (the status alone still classifies it)."""
    import http.client

    try:
        return bytes(error.read())
    except (TimeoutError, OSError, http.client.HTTPException):
        return b""
