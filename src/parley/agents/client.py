"""The client side of the agent endpoint, for `parley agent reply|release`: one POST, a clear answer or error."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlparse

from parley.agents.commands import parse_conversation_id


class AgentClientError(RuntimeError):
    """The command was not accepted; the message says why and what to do. exit_code: 1 refused, 2 unusable."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def send_command(
    base_url: str,
    token: str,
    conversation_id: str,
    text: str | None,
    language: str | None = None,
    request_id: str | None = None,
    timeout: float = 10.0,
) -> str:
    """POST a reply (text given) or a hand-back (text None); returns what to print. Raises AgentClientError."""
    if urlparse(base_url).scheme not in {"http", "https"}:
        raise AgentClientError(f"--url must be an http(s) URL, got {base_url!r}", exit_code=2)
    conversation = parse_conversation_id(conversation_id)
    if conversation is None:
        raise AgentClientError(f"{conversation_id!r} is not a conversation id (like whatsapp:14155550123)", 2)
    action = "messages" if text is not None else "release"
    url = f"{base_url.rstrip('/')}/agent/conversations/{quote(conversation.public_id, safe=':')}/{action}"
    body: dict[str, str] = {}
    if text is not None:
        body["text"] = text
    if language:
        body["language"] = language
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if request_id:
        headers["Idempotency-Key"] = request_id
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked above)
            answer = _json(response.read())
    except urllib.error.HTTPError as exc:
        raise AgentClientError(_refusal(exc.code, _json(exc.read()))) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AgentClientError(f"cannot reach {base_url} ({reason}); is `parley serve` running?", 2) from exc
    what = "Reply" if text is not None else "Hand-back"
    return (
        f"{what} queued for {answer.get('conversation_id', conversation.public_id)} "
        f"(request {answer.get('request_id', '?')}). It goes out in order with the customer's messages; "
        "a reply that cannot be translated or delivered is reported on the handoff topic."
    )


def _json(raw: bytes) -> dict[str, object]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refusal(status: int, answer: dict[str, object]) -> str:
    said = str(answer.get("error") or answer.get("message") or "").strip()
    if status == 401:
        return "the token was refused (401): check AGENT_API_TOKEN or --token"
    if status == 404:
        return f"not found (404): {said or 'no agent endpoint at this URL'}"
    if status == 409:
        return "this --request-id was already used for another request (409): give this one a new --request-id"
    return f"refused ({status}): {said or 'no reason given'}"
