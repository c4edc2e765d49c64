"""The one structured logger, metrics collector and tracer; what they may say is counts, ids, hashes and outcomes,
never message content."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer

# Service name comes from POWERTOOLS_SERVICE_NAME (set per function in the template).
logger = Logger(log_uncaught_exceptions=True)
# CloudWatch metrics in the embedded metric format, flushed by each handler's log_metrics decorator.
metrics = Metrics(namespace="Parley")
# Many invocations have nothing to count (a verification GET, a batch of duplicates): not worth a warning each time.
warnings.filterwarnings("ignore", message="No application metrics to publish")
_Handler = TypeVar("_Handler", bound=Callable[..., Any])
# X-Ray (active tracing in the template): the handlers' invocations and the AWS SDK calls made in them. Only
# botocore is patched, whose subsegments name the table, queue or stream and never an item's contents; the Graph
# API's URLs are not traced. The handlers capture neither responses nor exception messages (see trace_handler).
# Outside Lambda (tests, the local stack) Powertools switches tracing off by itself.
tracer = Tracer(patch_modules=("botocore",))


def trace_handler(handler: _Handler) -> _Handler:
    """Trace a Lambda handler without recording what it returned or what an exception said (either could carry a
    customer's words or a platform's error text)."""
    return cast(_Handler, tracer.capture_lambda_handler(handler, capture_response=False, capture_error=False))


@contextmanager
def message_keys(conversation: str, message: str) -> Iterator[None]:
    """Every log line written while one message (or agent command) is handled carries its hashed conversation and
    message ids: set once, here, rather than repeated as `extra=` on each call."""
    logger.append_keys(conversation=conversation, message_ref=message)
    try:
        yield
    finally:
        logger.remove_keys(["conversation", "message_ref"])


def quiet(level: str) -> None:
    """Log at `level` from now on (the local conversation commands keep the functions' INFO lines out of the way)."""
    logger.setLevel(level)


# ------------------------------------------------------------------------------------------------------ hashed ids
# A user's id in a log line, a trace or a channel event is an HMAC under a key of the stack, never a plain hash: a
# phone number has so few possible values that SHA-256 of one is reversed by trying them all in seconds. The
# composition root names the key's source once, at a cold start (see parley.config's load_log_hash_key: LOG_HASH_KEY,
# else the secret the template generates for the stack, so every function of a stack hashes a customer alike and a
# cold start changes nothing); it is read on first use and kept for the life of the process. With no source, or one
# that has no key (a shell without configuration), the key is random for this process: its hashes agree with each
# other and nothing else.
_KeySource = Callable[[], bytes | None]


class _LogHashKey:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: _KeySource | None = None
        self._key: bytes | None = None

    def use(self, source: bytes | _KeySource | None) -> None:
        with self._lock:
            self._source = (lambda: source) if isinstance(source, bytes) else source
            self._key = None

    def get(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = (self._source() if self._source is not None else None) or secrets.token_bytes(32)
            return self._key


_log_hash_key = _LogHashKey()


def use_log_hash_key(source: bytes | _KeySource | None) -> None:
    """Where id hashes take their key from now on: the key itself, a function that reads it (called once, on first
    use; whatever it raises reaches the caller, and it is asked again next time), or None for a random key."""
    _log_hash_key.use(source)


def hashed_id(value: str, length: int) -> str:
    """The first `length` hex digits of the HMAC-SHA256 of `value` under the stack's log hash key."""
    digest = hmac.new(_log_hash_key.get(), value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return digest[:length]
