"""Realistic webhook payloads from tests/events/, as Meta sends them (raw bytes, signed)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from parley.channels.meta import sign

EVENTS = Path(__file__).resolve().parent.parent / "events"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return data


def raw(name: str) -> bytes:
    return (EVENTS / name).read_bytes()


def http_api_event(
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as the webhook Lambda receives it."""
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "queryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "173.252.88.1"},
            "requestId": "req",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "timeEpoch": 1795500000000,
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


def signed_post(channel: str, body: bytes, secret: str = APP_SECRET, base64_body: bool = False) -> dict[str, Any]:
    return http_api_event(
        "POST",
        f"/webhook/{channel}",
        body,
        {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)},
        base64_body=base64_body,
    )
