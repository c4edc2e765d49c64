"""Webhook Lambda: every channel's front door at /webhook/<channel> (verify, check the signature, enqueue, answer 200)
and the agents' endpoint (check the token, validate, enqueue, answer 202); nothing slow here."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from parley.agents.api import ApiResponse
from parley.agents.ledger import RequestLedgerError
from parley.channels.base import ChannelAdapter
from parley.channels.registry import channel_named
from parley.config import CredentialsUnavailableError
from parley.ingress import Outcome
from parley.observability import logger, metrics, trace_handler
from parley.queue import QueueError
from parley.wiring import build_webhook

app = APIGatewayHttpResolver()
ingress, agents = build_webhook()


def _channel(name: str) -> ChannelAdapter:
    channel = channel_named(name)
    if channel is None:
        raise NotFoundError(f"no webhook for {name[:32]!r}")
    logger.append_keys(channel=channel.name.value)  # every line of this request says which channel
    return channel


def _respond(outcome: Outcome) -> Response:
    logger.info("webhook", extra={"result": outcome.reason, "enqueued": outcome.enqueued, "events": outcome.events})
    return Response(outcome.response.status, outcome.response.content_type, outcome.response.body)


def _body() -> bytes:
    """The request's bytes, as the signature covers them, whatever they hold. API Gateway base64-encodes a body it
    takes for binary; Powertools' decoded_body would then decode it as UTF-8 and raise (a 500) on anything else,
    so the bytes are taken here and the checks downstream refuse them: 401 unsigned, 400 when not UTF-8."""
    event = app.current_event
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body)
        except (binascii.Error, ValueError):
            pass  # not base64 after all: its text, which no signature covers
    # Text can hold lone surrogates (JSON escapes them, Python decodes undecodable bytes to them): they become
    # bytes again, the original ones where Python's convention allows, and are refused below as not UTF-8.
    for errors in ("strict", "surrogateescape"):
        try:
            return body.encode("utf-8", errors)
        except UnicodeEncodeError:
            continue
    return body.encode("utf-8", "surrogatepass")


@app.get("/webhook/<channel>")
def verify(channel: str) -> Response:
    _channel(channel)
    return _respond(ingress.verify(app.current_event.query_string_parameters or {}))


@app.post("/webhook/<channel>")
def receive(channel: str) -> Response:
    name = _channel(channel).name
    return _respond(ingress.receive(name, _body(), app.current_event.headers.get("x-hub-signature-256")))


def _agent(action: str, result: ApiResponse) -> Response:
    logger.append_keys(action=action, conversation=result.conversation_hash)
    logger.info("agent request", extra={"result": result.reason})
    return Response(result.status, "application/json", result.json, headers=result.headers)


@app.post("/agent/conversations/<conversation_id>/messages")
def agent_reply(conversation_id: str) -> Response:
    headers = app.current_event.headers
    request = (headers.get("authorization"), _body(), headers.get("idempotency-key"))
    return _agent("reply", agents.reply(conversation_id, *request))


@app.post("/agent/conversations/<conversation_id>/release")
def agent_release(conversation_id: str) -> Response:
    headers = app.current_event.headers
    request = (headers.get("authorization"), _body(), headers.get("idempotency-key"))
    return _agent("release", agents.release(conversation_id, *request))


@app.exception_handler(QueueError)
@app.exception_handler(CredentialsUnavailableError)
@app.exception_handler(RequestLedgerError)
def dependency_unavailable(exc: Exception) -> Response:
    # Our failure, not the sender's: 500 makes Meta redeliver, so nothing is lost.
    logger.error("dependency unavailable", extra={"error": str(exc)})
    return Response(status_code=500, content_type="text/plain", body="temporarily unavailable")


@trace_handler
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
