"""An HTTP server that turns each request into an API Gateway HTTP API (payload 2.0) event for the webhook."""

from __future__ import annotations

import base64
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from parley.channels.registry import CHANNELS
from parley.local.http import BackgroundHttpServer
from parley.local.lambda_runtime import InvocationError

# Each channel's webhook, GET for Meta's handshake and POST for its events, as the template routes them.
ROUTES = {(method, f"/webhook/{name}") for name in CHANNELS for method in ("GET", "POST")}
# Routes with a path parameter ({conversation_id}), as the template declares them: one path segment each.
ROUTE_PATTERNS = (
    ("POST", re.compile(r"/agent/conversations/[^/]+/messages")),
    ("POST", re.compile(r"/agent/conversations/[^/]+/release")),
)
# API Gateway's own limit on a request payload.
MAX_PAYLOAD = 10 * 1024 * 1024


def http_api_event(method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str) -> dict[str, Any]:
    parts = urlsplit(target)
    query: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        # HTTP APIs join repeated query parameters with commas.
        query[key] = f"{query[key]},{value}" if key in query else value
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        text, is_base64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode(), True
    now = datetime.now(UTC)
    return {
        "version": "2.0",
        "routeKey": f"{method} {parts.path}",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": lowered,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": f"{method} {parts.path}",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text if body else None,
        "isBase64Encoded": is_base64,
    }


def _content_length(header: str | None) -> int | None:
    """The body's length in bytes (0 without the header); None when the header is no length at all."""
    raw = (header or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def routed(method: str, path: str) -> bool:
    """Whether API Gateway would hand this request to the webhook function (else it answers 404 itself)."""
    return (method, path) in ROUTES or any(m == method and p.fullmatch(path) for m, p in ROUTE_PATTERNS)


class ApiGatewayServer(BackgroundHttpServer):
    def __init__(self, invoke: Callable[[dict[str, Any]], dict[str, Any]], host: str = "127.0.0.1", port: int = 0):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return  # requests are logged by the webhook itself, without content

            def _handle(self) -> None:
                method, path = self.command, urlsplit(self.path).path
                length = _content_length(self.headers.get("Content-Length"))
                if length is None:  # as API Gateway does; reading "all of it" would wait for the client to hang up
                    self._write(400, {"content-type": "application/json"}, b'{"message":"Bad Request"}')
                    return
                if length > MAX_PAYLOAD:
                    self._write(413, {"content-type": "application/json"}, b'{"message":"Request Entity Too Large"}')
                    return
                body = self.rfile.read(length) if length else b""
                if not routed(method, path):
                    self._write(404, {"content-type": "application/json"}, b'{"message":"Not Found"}')
                    return
                event = http_api_event(method, self.path, dict(self.headers.items()), body, self.client_address[0])
                try:
                    result = outer.invoke(event)
                except InvocationError:  # the function raised: Lambda's runtime answers API Gateway with a 500
                    self._write(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
                    return
                raw = result.get("body") or ""
                payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
                self._write(int(result.get("statusCode", 200)), result.get("headers") or {}, payload)

            def _write(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle  # noqa: N815

            def do_HEAD(self) -> None:
                self.send_response(404)  # no route takes HEAD; a HEAD answer has no body
                self.send_header("Content-Length", "0")
                self.end_headers()

            def __getattr__(self, name: str) -> Any:
                # Any other method (TRACE, CONNECT, made-up ones) is API Gateway's 404, never the local server's 501.
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

        self.invoke = invoke
        super().__init__(Handler, host, port, "api-gateway")
