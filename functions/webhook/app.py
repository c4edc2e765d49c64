"""Webhook Lambda: Meta's front door. Verify, check the signature, enqueue, answer 200; nothing slow here."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from parley.channels.model import Channel
from parley.config import CredentialsUnavailableError
from parley.ingress import Outcome
from parley.observability import logger
from parley.queue import QueueError
from parley.wiring import build_ingress

app = APIGatewayHttpResolver()
ingress = build_ingress()


def _respond(channel: str, outcome: Outcome) -> Response:
    logger.info(
        "webhook",
        extra={"channel": channel, "result": outcome.reason, "enqueued": outcome.enqueued, "events": outcome.events},
    )
    r = outcome.response
    return Response(status_code=r.status, content_type=r.content_type, body=r.body)


def _channel(name: str) -> Channel:
    try:
        return Channel(name)
    except ValueError as exc:
        raise NotFoundError(f"no webhook for {name!r}") from exc


@app.get("/webhook/<channel>")
def verify(channel: str) -> Response:
    _channel(channel)
    return _respond(channel, ingress.verify(app.current_event.query_string_parameters or {}))


@app.post("/webhook/<channel>")
def receive(channel: str) -> Response:
    event = app.current_event
    # decoded_body undoes API Gateway's base64; the signature covers these exact bytes.
    raw = event.decoded_body.encode() if isinstance(event.decoded_body, str) else event.decoded_body or b""
    return _respond(channel, ingress.receive(_channel(channel), raw, event.headers.get("x-hub-signature-256")))


@app.exception_handler(QueueError)
@app.exception_handler(CredentialsUnavailableError)
def dependency_unavailable(exc: Exception) -> Response:
    # Our failure, not the sender's: 500 makes Meta redeliver, so nothing is lost.
    logger.error("dependency unavailable", extra={"error": str(exc)})
    return Response(status_code=500, content_type="text/plain", body="temporarily unavailable")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
