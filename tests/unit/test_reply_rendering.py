"""One behaviour suite for both senders: whatever the reply, what goes out is within the platform's limits,
degrades instead of failing, and keeps to the messaging windows. No sockets: the Graph API is a recorder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.channels.base import Sender
from parley.channels.messenger.sender import MessengerSender
from parley.channels.meta import GraphApiError, GraphRequest
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Choice, Link, Reply
from parley.channels.text import platform_length
from parley.channels.whatsapp.sender import WhatsAppSender
from parley.config import MetaCredentials
from support.factories import inbound

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CREDENTIALS = MetaCredentials(whatsapp_access_token="wa-token", whatsapp_phone_number_id="111",
                              messenger_page_access_token="page-token")  # fmt: skip


class RecordingGraph:
    def __init__(self, fail_with: GraphApiError | None = None) -> None:
        self.requests: list[GraphRequest] = []
        self.fail_with = fail_with

    def post(self, request: GraphRequest) -> dict[str, Any]:
        self.requests.append(request)
        if self.fail_with:
            raise self.fail_with
        return {}

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests]


def n(text: str) -> int:
    return platform_length(text)


def whatsapp_violations(body: dict[str, Any]) -> list[str]:
    """Every documented WhatsApp Cloud API limit this body breaks."""
    problems: list[str] = []
    if body.get("status") == "read":
        return problems
    kind = body["type"]
    if kind == "text":
        text = body["text"]["body"]
        if not 0 < n(text) <= 4096:
            problems.append(f"text of {n(text)}")
    elif kind == "interactive":
        interactive = body["interactive"]
        if not 0 < n(interactive["body"]["text"]) <= 1024:
            problems.append("interactive body")
        if "header" in interactive and not 0 < n(interactive["header"]["text"]) <= 60:
            problems.append("header")
        if "footer" in interactive and not 0 < n(interactive["footer"]["text"]) <= 60:
            problems.append("footer")
        action = interactive["action"]
        if interactive["type"] == "button":
            buttons = action["buttons"]
            titles = [b["reply"]["title"] for b in buttons]
            if not 1 <= len(buttons) <= 3:
                problems.append(f"{len(buttons)} buttons")
            if any(not 0 < n(t) <= 20 for t in titles) or len({t.casefold() for t in titles}) != len(titles):
                problems.append(f"button titles {titles}")
            if any(not 0 < len(b["reply"]["id"]) <= 256 for b in buttons):
                problems.append("button id")
        elif interactive["type"] == "list":
            sections = action["sections"]
            rows = [row for section in sections for row in section["rows"]]
            if not 0 < n(action["button"]) <= 20:
                problems.append("list button")
            if not 1 <= len(sections) <= 10 or not 1 <= len(rows) <= 10:
                problems.append(f"{len(sections)} sections, {len(rows)} rows")
            if len(sections) > 1 and any(not 0 < n(s.get("title", "")) <= 24 for s in sections):
                problems.append("section titles")
            if any(not 0 < n(r["title"]) <= 24 or n(r.get("description", "")) > 72 for r in rows):
                problems.append("row title or description")
            if any(not 0 < len(r["id"]) <= 200 for r in rows) or len({r["id"] for r in rows}) != len(rows):
                problems.append("row ids")
        elif interactive["type"] == "cta_url":
            parameters = action["parameters"]
            if not 0 < n(parameters["display_text"]) <= 20 or not parameters["url"].startswith("https://"):
                problems.append("cta_url")
        else:
            problems.append(f"interactive {interactive['type']}")
    elif kind != "template":
        problems.append(f"type {kind}")
    return problems


def messenger_violations(body: dict[str, Any]) -> list[str]:
    """Every documented Messenger Send API limit this body breaks."""
    problems: list[str] = []
    if "sender_action" in body:
        return problems
    if body.get("messaging_type") not in ("RESPONSE", "MESSAGE_TAG"):
        problems.append("messaging_type")
    message = body["message"]
    if "attachment" in message:
        payload = message["attachment"]["payload"]
        buttons = payload["buttons"]
        if payload["template_type"] != "button" or not 0 < n(payload["text"]) <= 640:
            problems.append("button template text")
        if not 1 <= len(buttons) <= 3 or any(not 0 < n(b["title"]) <= 20 for b in buttons):
            problems.append("template buttons")
        if any(b["type"] == "postback" and not 0 < len(b["payload"]) <= 1000 for b in buttons):
            problems.append("postback payload")
    else:
        if not 0 < n(message["text"]) <= 2000:
            problems.append(f"text of {n(message['text'])}")
        quick_replies = message.get("quick_replies", [])
        if len(quick_replies) > 13:
            problems.append(f"{len(quick_replies)} quick replies")
        if any(not 0 < n(q["title"]) <= 20 or not 0 < len(q["payload"]) <= 1000 for q in quick_replies):
            problems.append("quick reply")
    return problems


def visible_text(channel: Channel, body: dict[str, Any]) -> str:
    if channel is Channel.WHATSAPP:
        if body["type"] == "text":
            return str(body["text"]["body"])
        return str(body.get("interactive", {}).get("body", {}).get("text", ""))
    message = body.get("message", {})
    if "attachment" in message:
        return str(message["attachment"]["payload"]["text"])
    return str(message.get("text", ""))


def tappable(channel: Channel, body: dict[str, Any]) -> list[tuple[str, str]]:
    """(payload, title) of every option the customer can tap in this body."""
    if channel is Channel.WHATSAPP:
        interactive = body.get("interactive", {})
        action = interactive.get("action", {})
        if interactive.get("type") == "button":
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
        if interactive.get("type") == "list":
            return [(r["id"], r["title"]) for s in action["sections"] for r in s["rows"]]
        return []
    message = body.get("message", {})
    if "attachment" in message:
        buttons = message["attachment"]["payload"]["buttons"]
        return [(b["payload"], b["title"]) for b in buttons if b["type"] == "postback"]
    return [(q["payload"], q["title"]) for q in message.get("quick_replies", [])]


@dataclass(frozen=True)
class Platform:
    channel: Channel
    make: Any
    violations: Any

    def sender(self, graph: RecordingGraph, **options: Any) -> Sender:
        sender: Sender = self.make(graph, lambda: CREDENTIALS, now=lambda: NOW, **options)
        return sender

    def message(self, written_ago: timedelta = timedelta(minutes=1)) -> InboundMessage:
        return inbound("hi", channel=self.channel, sender="14155550123" if self.channel is Channel.WHATSAPP
                       else "5512345678901234", timestamp=int((NOW - written_ago).timestamp()))  # fmt: skip


PLATFORMS = [
    pytest.param(Platform(Channel.WHATSAPP, WhatsAppSender, whatsapp_violations), id="whatsapp"),
    pytest.param(Platform(Channel.MESSENGER, MessengerSender, messenger_violations), id="messenger"),
]


def send(platform: Platform, reply: Reply) -> list[dict[str, Any]]:
    graph = RecordingGraph()
    platform.sender(graph).send(platform.message(), reply)
    return graph.bodies


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_sender_declares_its_limits(platform):
    caps = platform.sender(RecordingGraph()).capabilities
    assert caps.max_buttons == 3
    assert caps.button_title_limit == 20
    assert caps.max_choices == (10 if platform.channel is Channel.WHATSAPP else 13)
    assert caps.text_limit == (4096 if platform.channel is Channel.WHATSAPP else 2000)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_tapped_choice_comes_back_as_its_id(platform):
    reply = Reply("Did this answer your question?", (Choice("feedback:yes", "Yes"), Choice("feedback:no", "No")))

    [body] = send(platform, reply)

    assert tappable(platform.channel, body) == [("feedback:yes", "Yes"), ("feedback:no", "No")]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_too_many_choices_degrade_to_a_numbered_list(platform):
    choices = tuple(Choice(f"ORD-{200000 + i}", f"Order ORD-{200000 + i}") for i in range(1, 21))

    bodies = send(platform, Reply("Which order do you mean?", choices))

    assert all(tappable(platform.channel, body) == [] for body in bodies)
    text = "\n".join(visible_text(platform.channel, body) for body in bodies)
    for i in range(1, 21):
        assert f"{i}. Order ORD-{200000 + i}" in text
    assert all(platform.violations(body) == [] for body in bodies)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_most_choices_a_platform_shows_are_all_tappable(platform):
    most = platform.sender(RecordingGraph()).capabilities.max_choices
    choices = tuple(Choice(f"c{i}", f"Option {i}") for i in range(most))

    [body] = send(platform, Reply("Pick one", choices))

    assert [payload for payload, _ in tappable(platform.channel, body)] == [c.id for c in choices]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_long_title_is_shortened_at_a_word_boundary_with_an_ellipsis(platform):
    [body] = send(platform, Reply("What next?", (Choice("track", "Track my parcel delivery status"),)))

    assert tappable(platform.channel, body) == [("track", "Track my parcel…")]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_titles_that_shorten_to_the_same_words_are_not_offered_as_lookalike_buttons(platform):
    choices = (Choice("a", "Order ORD-104233 placed 18 November"), Choice("b", "Order ORD-104233 placed 19 November"))

    bodies = send(platform, Reply("Which one?", choices))

    titles = [title for body in bodies for _, title in tappable(platform.channel, body)]
    assert len(set(titles)) == len(titles)
    text = "\n".join(visible_text(platform.channel, body) for body in bodies) + " ".join(titles)
    assert "18" in text and "19" in text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_link_is_a_button_that_opens_it(platform):
    [body] = send(platform, Reply("Your invoice is ready.", link=Link("https://shop.example.com/i/1", "View invoice")))

    if platform.channel is Channel.WHATSAPP:
        assert body["interactive"]["action"]["parameters"]["url"] == "https://shop.example.com/i/1"
    else:
        assert body["message"]["attachment"]["payload"]["buttons"][0]["url"] == "https://shop.example.com/i/1"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_long_reply_is_split_and_loses_no_words(platform):
    text = " ".join(f"Sentence number {i} tells the customer something useful." for i in range(300))

    bodies = send(platform, Reply(text))

    assert len(bodies) > 1
    sent = " ".join(visible_text(platform.channel, body) for body in bodies)
    assert sent.split() == text.split()
    assert all(platform.violations(body) == [] for body in bodies)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_acknowledging_a_message_is_best_effort(platform):
    graph = RecordingGraph(fail_with=GraphApiError(400, 100, "Invalid parameter"))

    assert platform.sender(graph).acknowledge(platform.message()) is False
    assert graph.requests and all(r.attempts == 1 for r in graph.requests)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_nothing_free_form_is_sent_a_week_after_the_customers_last_message(platform):
    graph = RecordingGraph()
    sender = platform.sender(graph)

    with pytest.raises(GraphApiError) as raised:
        sender.send(platform.message(written_ago=timedelta(days=8)), Reply("Your order has shipped."))

    assert raised.value.reason == "window_closed"
    assert raised.value.retryable is False
    assert graph.requests == []


# Any reply, rendered for either platform, stays within every limit.

titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip)
ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789:_-", min_size=1, max_size=200)
choice_lists = st.lists(
    st.builds(Choice, id=ids, title=titles, description=st.one_of(st.just(""), titles),
              section=st.sampled_from(["", "", "Orders", "Returns"])),
    max_size=16, unique_by=lambda c: c.id,
)  # fmt: skip
words = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    st.sampled_from(["👍🏽", "👨‍👩‍👧", "🇪🇸", "é", "क्ष", "订单已发货。", "تم الشحن.", ".", "\n\n"]),
)
bodies_text = st.lists(words, max_size=400).map(" ".join)
links = st.one_of(st.none(), st.builds(Link, url=st.just("https://shop.example.com/track/1Z999"), label=titles))
replies = st.builds(
    Reply, text=bodies_text, choices=choice_lists.map(tuple), link=links, header=st.one_of(st.just(""), titles),
    footer=st.one_of(st.just(""), titles), menu_label=st.one_of(st.just(""), titles), persistent=st.booleans(),
)  # fmt: skip


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies)
def test_any_reply_renders_to_requests_within_every_limit(platform, reply):
    bodies = send(platform, reply)

    for body in bodies:
        assert platform.violations(body) == [], body
    offered = [payload for body in bodies for payload, _ in tappable(platform.channel, body)]
    assert offered in ([], [c.id for c in reply.choices])  # all the choices, in order, or none (numbered)
    if reply.choices and not offered:
        text = "\n".join(visible_text(platform.channel, body) for body in bodies)
        assert f"{len(reply.choices)}. " in text


@settings(max_examples=100, deadline=None)
@given(reply=replies, hours=st.floats(min_value=24, max_value=24 * 30))
def test_whatsapp_never_sends_free_form_outside_the_window(reply, hours):
    graph = RecordingGraph()
    sender = WhatsAppSender(graph, lambda: CREDENTIALS, template_name="service_followup", now=lambda: NOW)
    written = NOW - timedelta(hours=hours)

    sender.send(inbound("hi", timestamp=int(written.timestamp())), reply)

    assert [body["type"] for body in graph.bodies] == ["template"]


def test_whatsapp_replies_go_to_the_number_when_known_and_else_to_the_business_scoped_id():
    graph = RecordingGraph()
    sender = WhatsAppSender(graph, lambda: CREDENTIALS, now=lambda: NOW)
    stamp = int(NOW.timestamp())
    with_number = inbound("hi", sender="818012345678", user_id="JP.19283746501928374650", timestamp=stamp)
    username_only = inbound("hi", sender="DE.27381947561029384756", user_id="DE.27381947561029384756", timestamp=stamp)

    sender.send(with_number, Reply("Hello", choices=(Choice("a", "Yes"), Choice("b", "No"))))
    sender.send(username_only, Reply("Hello", choices=(Choice("a", "Yes"), Choice("b", "No"))))
    assert sender.acknowledge(username_only)

    first, second, receipt = graph.bodies
    assert (first["to"], "recipient" in first) == ("818012345678", False)
    assert (second["recipient"], "to" in second) == ("DE.27381947561029384756", False)
    assert receipt["message_id"] == username_only.message_id and "to" not in receipt
