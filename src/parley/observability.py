"""The one structured logger, metrics collector and tracer; what they may say is counts, ids, hashes and outcomes,
never message content."""

from __future__ import annotations

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
