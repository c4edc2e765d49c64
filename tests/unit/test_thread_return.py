"""Messenger: when a person in the Page Inbox passes the conversation back to our app, the webhook queues the same
hand-back an agent's release would, in the customer's message group, once however often Meta delivers it."""

from __future__ import annotations

import json

from fakes import InMemoryAgentCommandQueue, InMemoryEventSink, InMemoryInboundQueue
from parley.agents.commands import AgentAction, CommandSource
from parley.channels.events import EventType
from parley.channels.meta import sign
from parley.channels.model import Channel
from parley.config import MetaCredentials
from parley.ingress import WebhookIngress
from support.events import APP_SECRET, load, raw

CREDENTIALS = MetaCredentials(app_secret=APP_SECRET)


def receive(payload: bytes) -> tuple[InMemoryAgentCommandQueue, InMemoryInboundQueue, InMemoryEventSink]:
    commands, messages, events = InMemoryAgentCommandQueue(), InMemoryInboundQueue(), InMemoryEventSink()
    ingress = WebhookIngress(lambda: CREDENTIALS, messages, events=events, commands=commands)
    assert ingress.receive(Channel.MESSENGER, payload, sign(payload, APP_SECRET)).response.status == 200
    return commands, messages, events


def test_a_thread_passed_back_by_the_page_inbox_is_handed_back_to_the_assistant():
    commands, messages, events = receive(raw("messenger_pass_thread_control.json"))

    [command] = commands.commands
    assert command.action is AgentAction.RELEASE and command.source is CommandSource.PAGE_INBOX
    assert command.conversation_id == "messenger#5512345678901234"
    assert messages.messages == []
    # Still counted for analytics, as every handover event is.
    assert [e.type for e in events.events] == [EventType.HANDOVER]


def test_a_redelivered_pass_back_is_the_same_command():
    first, _, _ = receive(raw("messenger_pass_thread_control.json"))
    again, _, _ = receive(raw("messenger_pass_thread_control.json"))

    assert first.commands[0].request_id == again.commands[0].request_id


def test_the_inbox_taking_a_thread_or_asking_for_one_hands_nothing_back():
    for name in ("messenger_take_thread_control.json", "messenger_request_thread_control.json"):
        commands, _, _ = receive(raw(name))
        assert commands.commands == [], name


def test_a_pass_in_standby_is_not_ours():
    payload = load("messenger_pass_thread_control.json")
    entry = payload["entry"][0]
    entry["standby"] = entry.pop("messaging")

    commands, _, _ = receive(json.dumps(payload).encode())

    assert commands.commands == []
