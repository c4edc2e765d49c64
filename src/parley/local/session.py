"""A local stack with a Graph API stand-in and data loaded: what the demo, chat and end-to-end tests run on."""

from __future__ import annotations

import os
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.channels.model import Channel
from parley.data.dynamo import DynamoRecordWriter
from parley.data.importing import ImportResult, import_directory
from parley.local.graph_standin import RecordingGraphApi, SentRequest
from parley.local.lambda_runtime import project_root
from parley.local.payloads import PostResult, messenger_tap, messenger_text, post_signed, whatsapp_tap, whatsapp_text
from parley.local.stack import LocalStack

LOCAL_SECRETS = {
    "META_APP_SECRET": "local-app-secret",
    "META_VERIFY_TOKEN": "local-verify-token",
    "WHATSAPP_ACCESS_TOKEN": "local-whatsapp-token",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "MESSENGER_PAGE_ACCESS_TOKEN": "local-page-token",
    # The agent endpoint's bearer token (`parley agent reply` reads the same variable).
    "AGENT_API_TOKEN": "local-agent-token",
}


def demo_data_dir() -> Path:
    return project_root() / "data" / "demo"


@dataclass
class Exchange:
    status: int
    replies: list[SentRequest]
    seconds: float


@dataclass
class LocalSession:
    """Start with start(); every say() is a signed webhook POST over HTTP and waits for the reply."""

    data_dir: Path | None = field(default_factory=demo_data_dir)
    graph: RecordingGraphApi = field(default_factory=RecordingGraphApi)
    stack: LocalStack = field(default_factory=LocalStack)
    imported: list[ImportResult] = field(default_factory=list)

    def start(self) -> LocalSession:
        for name, value in LOCAL_SECRETS.items():
            os.environ.setdefault(name, value)
        self.graph.start()
        os.environ["GRAPH_API_URL"] = self.graph.url
        self.stack.start()
        if self.data_dir is not None and self.stack.settings is not None:
            self.imported = import_directory(self.data_dir, self.stack.settings, DynamoRecordWriter())
            bad = [f"{r.path.name}: {e}" for r in self.imported for e in r.errors]
            if bad:
                raise RuntimeError("demo data failed its checks:\n" + "\n".join(bad))
        return self

    def stop(self) -> None:
        self.stack.stop()
        self.graph.stop()

    @property
    def app_secret(self) -> str:
        return self.stack.env["META_APP_SECRET"]

    def webhook_url(self, channel: Channel) -> str:
        return f"{self.stack.url}/webhook/{channel.value}"

    def webhook_url_for(self, payload: dict[str, Any]) -> str:
        is_whatsapp = payload.get("object") == "whatsapp_business_account"
        return self.webhook_url(Channel.WHATSAPP if is_whatsapp else Channel.MESSENGER)

    def post(self, channel: Channel, sender: str, text: str, signed: bool = True) -> PostResult:
        payload = whatsapp_text(sender, text) if channel is Channel.WHATSAPP else messenger_text(sender, text)
        return post_signed(self.webhook_url(channel), payload, self.app_secret if signed else None)

    def say(self, channel: Channel, sender: str, text: str, timeout: float = 10.0) -> Exchange:
        payload = whatsapp_text(sender, text) if channel is Channel.WHATSAPP else messenger_text(sender, text)
        return self._exchange(sender, payload, timeout)

    def tap(self, channel: Channel, sender: str, title: str, timeout: float = 10.0) -> Exchange:
        """Tap the choice titled `title` on the last message that offered it to `sender`."""
        offered = next((r for r in reversed(self.graph.replies) if r.recipient == sender and title in r.offered), None)
        if offered is None:
            raise LookupError(f"no choice {title!r} was offered to this sender")
        choice_id = offered.offered[title]
        if channel is Channel.WHATSAPP:
            rows = bool(((offered.body.get("interactive") or {}).get("action") or {}).get("sections"))
            payload = whatsapp_tap(sender, choice_id, title, list_row=rows)
        else:
            payload = messenger_tap(sender, choice_id, title)
        return self._exchange(sender, payload, timeout)

    def _exchange(self, sender: str, payload: dict[str, Any], timeout: float) -> Exchange:
        before = len(self.graph.replies)
        started = time.monotonic()
        result = post_signed(self.webhook_url_for(payload), payload, self.app_secret)
        replies: list[SentRequest] = []
        if result.status == 200:
            self.graph.wait_for(before + 1, timeout)
            seconds = time.monotonic() - started
            # Long replies arrive in parts; give the rest a moment.
            time.sleep(0.05)
            replies = [r for r in self.graph.replies[before:] if r.recipient == sender]
            return Exchange(result.status, replies, seconds)
        return Exchange(result.status, replies, time.monotonic() - started)

    def verify(self, channel: Channel, token: str, challenge: str) -> tuple[int, str]:
        query = f"hub.mode=subscribe&hub.verify_token={token}&hub.challenge={challenge}"
        try:
            with urllib.request.urlopen(f"{self.webhook_url(channel)}?{query}", timeout=5) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
