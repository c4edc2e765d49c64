"""Every realistic payload in tests/events, posted to `parley serve` as Meta would: right status codes,
exactly one reply per customer message that needs one, none for statuses, echoes, standby or reactions,
every reply within its platform's limits, and never a 5xx."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from parley.channels.model import Channel, InboundMessage
from parley.channels.registry import CHANNELS
from parley.cli import main
from parley.dialogue.engine import SILENT_KINDS
from parley.i18n import load_catalogs
from parley.local.graph_standin import SentRequest
from parley.local.payloads import post_signed

EVENTS = sorted((Path(__file__).resolve().parents[1] / "events").glob("*.json"))


def fresh(value: Any, now: float) -> Any:
    """The payload as Meta would deliver it now: message and event times restamped (seconds or ms)."""
    if isinstance(value, dict):
        return {k: restamp(v, now) if k in {"timestamp", "time"} else fresh(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v, now) for v in value]
    return value


def restamp(value: Any, now: float) -> Any:
    if isinstance(value, str) and value.isdigit():
        return str(int(now))
    if isinstance(value, int):
        return int(now * 1000) if value > 10**11 else int(now)
    return value


def channel_of(path: Path) -> Channel:
    return Channel.MESSENGER if path.name.startswith("messenger") else Channel.WHATSAPP


def within_limits(request: SentRequest) -> bool:
    body = request.body
    if "interactive" in body:
        interactive = body["interactive"]
        buttons = interactive.get("action", {}).get("buttons", [])
        rows = [r for s in interactive.get("action", {}).get("sections", []) for r in s.get("rows", [])]
        return (
            len(interactive.get("body", {}).get("text", "")) <= 1024
            and len(buttons) <= 3
            and all(len(b["reply"]["title"]) <= 20 for b in buttons)
            and len(rows) <= 10
            and all(len(r["title"]) <= 24 for r in rows)
        )
    if "text" in body:
        return len(body["text"]["body"]) <= 4096
    message = body.get("message", {})
    quick = message.get("quick_replies", [])
    return len(message.get("text", "")) <= 2000 and len(quick) <= 13 and all(len(q["title"]) <= 20 for q in quick)


HANDOFF_TEXTS = [catalog.render("handoff.started") for catalog in load_catalogs()]


def handed_over(replies: list[SentRequest]) -> set[str]:
    """The conversations a reply just handed to a person: the bot says nothing more there."""
    keys = set()
    for reply in replies:
        text = reply.body.get("text", {}).get("body", "") or reply.body.get("message", {}).get("text", "")
        if any(handoff in text for handoff in HANDOFF_TEXTS):
            channel = Channel.WHATSAPP if reply.body.get("messaging_product") == "whatsapp" else Channel.MESSENGER
            keys.add(f"{channel}#{reply.recipient}")
    return keys


def expected_replies(
    messages: list[InboundMessage], seen_users: set[str], seen_ids: set[str], with_person: set[str]
) -> int:
    count = 0
    for m in messages:
        key = f"{m.channel}:{m.message_id}"
        if key in seen_ids or m.conversation_key in with_person:
            continue
        seen_ids.add(key)
        new_conversation = m.conversation_key not in seen_users
        seen_users.add(m.conversation_key)
        if m.kind not in SILENT_KINDS or (m.kind.value == "referral" and new_conversation):
            count += 1
    return count


def test_every_payload_kind_is_acknowledged_and_answered_exactly_as_it_should_be(session):
    seen_users: set[str] = set()
    seen_ids: set[str] = set()
    with_person: set[str] = set()
    for path in EVENTS:
        channel = channel_of(path)
        payload = fresh(json.loads(path.read_text(encoding="utf-8")), time.time())
        messages = list(CHANNELS[channel].parse(payload, int(time.time())).messages)
        want = expected_replies(messages, seen_users, seen_ids, with_person)
        before = len(session.graph.replies)

        status = post_signed(session.webhook_url(channel), payload, session.app_secret).status

        assert status == 200, path.name
        if want:
            session.graph.wait_for(before + want, timeout=15)
        time.sleep(0.3)  # anything extra would arrive now
        replies = session.graph.replies[before:]
        assert len(replies) == want, f"{path.name}: {len(replies)} replies for {want} messages needing one"
        assert all(within_limits(r) for r in replies), path.name
        with_person |= handed_over(replies)
    # A person hands each conversation back, as after any handoff ("The box arrived crushed" reaches one): the tests
    # after this one start with the bot answering.
    released = len(session.graph.replies)
    for key in with_person:
        assert main(["agent", "release", key.replace("#", ":", 1), "--url", session.stack.url]) == 0
    session.graph.wait_for(released + len(with_person), timeout=15)  # each is told the assistant is back
    time.sleep(0.5)


def test_a_redelivered_and_a_concurrently_duplicated_payload_get_no_more_replies(session):
    payload = fresh(json.loads((EVENTS[0].parent / "whatsapp_batched.json").read_text()), time.time())
    messages = [m for e in payload["entry"] for c in e["changes"] for m in c["value"].get("messages", [])]
    for message in messages:
        message["id"] += ".dup"  # new messages, so that only the duplication is under test
    before = len(session.graph.replies)
    url = session.webhook_url(Channel.WHATSAPP)

    threads = [threading.Thread(target=post_signed, args=(url, payload, session.app_secret)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.graph.wait_for(before + len(messages), timeout=15)
    time.sleep(1.0)
    assert post_signed(url, payload, session.app_secret).status == 200
    time.sleep(1.0)

    assert len(session.graph.replies[before:]) == len(messages) == 3  # each message once


def test_tampered_and_malformed_posts_get_4xx_and_no_reply(session):
    url = session.webhook_url(Channel.WHATSAPP)
    body = (EVENTS[0].parent / "whatsapp_text.json").read_bytes()
    before = len(session.graph.replies)

    unsigned = post_signed(url, body, None)
    wrong_secret = post_signed(url, body, "someone-elses-secret")
    malformed = post_signed(url, b'{"object": "whatsapp_business_account", "entry": [', session.app_secret)

    assert (unsigned.status, wrong_secret.status, malformed.status) == (401, 401, 400)
    time.sleep(1.0)
    assert session.graph.replies[before:] == []
