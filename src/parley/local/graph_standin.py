"""A stand-in for the Graph API on 127.0.0.1: records every send request and answers as Meta would, or, to try Parley
under faults, as Meta does on a bad day: slow (the message delivered, the answer late), down (every request refused
with a server error for a while), or flaky (a seeded mix of both, throttling and good answers)."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from parley.local.http import BackgroundHttpServer

# What Meta answers while it is having trouble: a transient server error, "please retry" (code 2).
SERVER_ERROR = (500, {"error": {"message": "An unexpected error has occurred. Please retry your request later.",
                                "type": "OAuthException", "is_transient": True, "code": 2}})  # fmt: skip
THROTTLED = (429, {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}})


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
        recipient = self.body.get("recipient", {})
        # WhatsApp names a customer without a known number by their business-scoped user id, as a string.
        return recipient if isinstance(recipient, str) else str(recipient.get("id", ""))

    @property
    def is_reply(self) -> bool:
        """A message the customer reads, not a read receipt, typing indicator or handover call."""
        if self.path.endswith("_thread_control"):  # pass_thread_control, take_thread_control
            return False
        return "sender_action" not in self.body and "status" not in self.body and "target_app_id" not in self.body

    @property
    def choices(self) -> list[str]:
        """The titles of buttons, list rows or quick replies offered with the message."""
        return [title for title, _ in self._options()]

    @property
    def offered(self) -> dict[str, str]:
        """Each choice that can be tapped, title → the id that comes back when it is."""
        return {title: choice_id for title, choice_id in self._options() if choice_id}

    def _options(self) -> list[tuple[str, str]]:
        action = (self.body.get("interactive") or {}).get("action") or {}
        options = [
            (b.get("reply", {}).get("title", ""), b.get("reply", {}).get("id", "")) for b in action.get("buttons", [])
        ]
        rows = [row for section in action.get("sections", []) for row in section.get("rows", [])]
        options += [(r.get("title", ""), r.get("id", "")) for r in rows]
        message = self.body.get("message") or {}
        options += [(q.get("title", ""), q.get("payload", "")) for q in message.get("quick_replies", [])]
        buttons = (message.get("attachment") or {}).get("payload", {}).get("buttons", [])
        return options + [(b.get("title", ""), b.get("payload", "")) for b in buttons]

    @property
    def text(self) -> str:
        """What the customer reads: the text, an interactive message's body, or a template's name."""
        if isinstance(self.body.get("text"), dict):
            return str(self.body["text"].get("body", ""))
        if "interactive" in self.body:
            return str((self.body["interactive"].get("body") or {}).get("text", ""))
        if "template" in self.body:
            return f"[template {self.body['template'].get('name', '')}]"
        message = self.body.get("message") or {}
        if "text" in message:
            return str(message["text"])
        return str((message.get("attachment") or {}).get("payload", {}).get("text", ""))


class RecordingGraphApi(BackgroundHttpServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[SentRequest] = []
        # Canned errors, answered first-in first-out: `failures` to replies, `ack_failures` to read receipts,
        # typing indicators and handovers (so a test can fail one kind without the other taking its turn).
        self.failures: list[tuple[int, dict[str, Any]]] = []
        self.ack_failures: list[tuple[int, dict[str, Any]]] = []
        self.delay_seconds = 0.0  # a slow Graph API, to make concurrent work overlap
        # Faults (see slow, down, flaky): how long a delivered message's answer waits; until when every request is
        # refused; the seeded draw of a flaky API. `refused` counts the requests answered with an error by them.
        self._answer_delay = 0.0
        self._down_until = 0.0
        self._flaky: tuple[random.Random, float, float, float] | None = None
        self.refused = 0
        # While held, replies wait at the door (read receipts do not): a test can catch a send in flight.
        self._held: threading.Event | None = None
        self.replies_waiting = 0
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
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return  # a slow answer the client stopped waiting for: the message was delivered all the same

        super().__init__(Handler, host, port, "graph-standin")

    def slow(self, seconds: float) -> None:
        """From now on every request is delivered at once and answered `seconds` later (0: answered at once again),
        like a Graph API slower than the client's timeout: the customer has the message, the sender no answer."""
        self._answer_delay = seconds

    def down(self, seconds: float) -> None:
        """For the next `seconds`, every request is refused with a transient server error and nothing is delivered."""
        self._down_until = time.monotonic() + seconds

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def flaky(self, seed: int, server_errors: float = 0.2, throttled: float = 0.1, slow: float = 0.2) -> None:
        """From now on each request draws (reproducibly, from `seed`) a server error or throttling (not delivered), a
        slow answer (delivered, answered after the `slow` delay set with slow()), or a good answer."""
        self._flaky = (random.Random(seed), server_errors, throttled, slow)  # noqa: S311 - a test fault, not a secret

    def healthy(self) -> None:
        """No more faults: every request delivered and answered at once."""
        self._answer_delay, self._down_until, self._flaky = 0.0, 0.0, None

    def _fault(self) -> tuple[tuple[int, dict[str, Any]] | None, float]:
        """The error to answer with instead of delivering (None: deliver), and how long the answer then waits."""
        if self.is_down:
            return SERVER_ERROR, 0.0
        if self._flaky is None:
            return None, self._answer_delay
        draw, server_errors, throttled, slow = self._flaky
        with self._changed:
            roll = draw.random()
        if roll < server_errors:
            return SERVER_ERROR, 0.0
        if roll < server_errors + throttled:
            return THROTTLED, 0.0
        return None, self._answer_delay if roll < server_errors + throttled + slow else 0.0

    def hold_replies(self) -> None:
        """From now on replies wait until release_replies (at most a minute), so a send can be caught in flight."""
        self._held = threading.Event()

    def release_replies(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.set()

    def wait_for_waiting_reply(self, timeout: float = 20.0) -> bool:
        """Block until a held reply is waiting at the door; False when none came within the timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.replies_waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def _answer(self, path: str, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        request = SentRequest(path, authorization, body, time.monotonic())
        held = self._held
        if held is not None and request.is_reply:
            with self._changed:
                self.replies_waiting += 1
                self._changed.notify_all()
            held.wait(60)
            with self._changed:
                self.replies_waiting -= 1
        refused, answer_after = self._fault()
        with self._changed:
            canned = self.failures if request.is_reply else self.ack_failures
            if canned:
                return canned.pop(0)
            if refused is not None:
                self.refused += 1
                return refused
            self.requests.append(request)
            self._changed.notify_all()
        if answer_after:
            time.sleep(answer_after)
        if body.get("messaging_product") == "whatsapp":
            key = "wa_id" if request.recipient.isdigit() else "user_id"  # as Meta answers a send to either
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": request.recipient, key: request.recipient}],
                "messages": [{"id": f"wamid.local{uuid.uuid4().hex}"}],
            }
        return 200, {"recipient_id": request.recipient, "message_id": f"m_local{uuid.uuid4().hex}"}

    @property
    def replies(self) -> list[SentRequest]:
        """The messages sent to customers, without read receipts, typing indicators and handovers."""
        with self._changed:
            return [r for r in self.requests if r.is_reply]

    def wait_for(self, count: int, timeout: float = 10.0, replies_only: bool = True) -> list[SentRequest]:
        """Block until at least `count` replies (or requests of any kind) have arrived, or the timeout passes;
        return them."""

        def arrived() -> list[SentRequest]:
            return [r for r in self.requests if r.is_reply or not replies_only]

        deadline = time.monotonic() + timeout
        with self._changed:
            while len(arrived()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return arrived()
