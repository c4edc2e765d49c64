"""A stand-in for the Graph API on 127.0.0.1: records every send request and answers as Meta would."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from parley.local.http import BackgroundHttpServer


@dataclass(frozen=True)
class SentRequest:
    path: str
    authorization: str
    body: dict[str, Any]
    received_at: float

    @property
    def recipient(self) -> str:
        if "to" in self.body:
            return str(self.body["to"])
        return str(self.body.get("recipient", {}).get("id", ""))

    @property
    def text(self) -> str:
        if "text" in self.body and isinstance(self.body["text"], dict):
            return str(self.body["text"].get("body", ""))
        return str(self.body.get("message", {}).get("text", ""))


class RecordingGraphApi(BackgroundHttpServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[SentRequest] = []
        self.failures: list[tuple[int, dict[str, Any]]] = []  # canned errors, answered first-in first-out
        self.delay_seconds = 0.0  # a slow Graph API, to make concurrent work overlap
        self._changed = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    body = {"unparseable": raw.decode(errors="replace")}
                status, answer = outer._answer(self.path, self.headers.get("Authorization", ""), body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        super().__init__(Handler, host, port, "graph-standin")

    def _answer(self, path: str, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self._changed:
            if self.failures:
                return self.failures.pop(0)
            request = SentRequest(path, authorization, body, time.monotonic())
            self.requests.append(request)
            self._changed.notify_all()
        if body.get("messaging_product") == "whatsapp":
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": request.recipient, "wa_id": request.recipient}],
                "messages": [{"id": f"wamid.local{uuid.uuid4().hex}"}],
            }
        return 200, {"recipient_id": request.recipient, "message_id": f"m_local{uuid.uuid4().hex}"}

    def wait_for(self, count: int, timeout: float = 10.0) -> list[SentRequest]:
        """Block until at least `count` requests have arrived (or the timeout passes); return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return list(self.requests)
