"""Webhook Lambda: Meta's front door (verify, check the signature, enqueue, answer 200) and the agents' endpoint
(check the token, validate, enqueue, answer 202); nothing slow here."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from parley.agents.api import ApiResponse
from parley.channels.model import Channel
from parley.config import CredentialsUnavailableError
from parley.ingress import Outcome
from parley.observability import logger, metrics
from parley.queue import QueueError
from parley.wiring import build_webhook

app = APIGatewayHttpResolver()
ingress, agents = build_webhook()


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


def _agent(action: str, result: ApiResponse) -> Response:
    logger.info("agent request", extra={"action": action, "result": result.reason, "sender": result.conversation_hash})
    return Response(result.status, "application/json", result.json, headers=result.headers)


def _agent_request() -> tuple[str | None, bytes, str | None]:
    event = app.current_event
    raw = event.decoded_body.encode() if isinstance(event.decoded_body, str) else event.decoded_body or b""
    return event.headers.get("authorization"), raw, event.headers.get("idempotency-key")


@app.post("/agent/conversations/<conversation_id>/messages")
def agent_reply(conversation_id: str) -> Response:
    return _agent("reply", agents.reply(conversation_id, *_agent_request()))


@app.post("/agent/conversations/<conversation_id>/release")
def agent_release(conversation_id: str) -> Response:
    return _agent("release", agents.release(conversation_id, *_agent_request()))


@app.exception_handler(QueueError)
@app.exception_handler(CredentialsUnavailableError)
def dependency_unavailable(exc: Exception) -> Response:
    # Our failure, not the sender's: 500 makes Meta redeliver, so nothing is lost.
    logger.error("dependency unavailable", extra={"error": str(exc)})
    return Response(status_code=500, content_type="text/plain", body="temporarily unavailable")


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
