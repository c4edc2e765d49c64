"""The exact Graph API requests each reply shape becomes, as Meta documents them (WhatsApp Cloud API messages,
Messenger Send API, sender actions, handover protocol). No sockets: the Graph API is an in-memory recorder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.channels.messenger.sender import MessengerSender
from parley.channels.meta import GraphRequest, MessagingWindowClosedError
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Choice, Link, Reply
from parley.channels.whatsapp.sender import WhatsAppSender
from parley.config import MetaCredentials
from support.factories import inbound

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
WA_ID = "14155550123"
PSID = "5512345678901234"
PHONE_NUMBER_ID = "106540352242922"
PAGE_ID = "110938475629384"
CREDENTIALS = MetaCredentials(whatsapp_access_token="wa-token", whatsapp_phone_number_id="999",
                              messenger_page_access_token="page-token")  # fmt: skip


class RecordingGraph:
    def __init__(self) -> None:
        self.requests: list[GraphRequest] = []

    def post(self, request: GraphRequest) -> dict[str, Any]:
        self.requests.append(request)
        return {}

    @property
    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        return [(r.path, r.body) for r in self.requests]


def whatsapp_message(written_ago: timedelta = timedelta(minutes=1)) -> InboundMessage:
    return inbound("hi", sender=WA_ID, message_id="wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQzQTg", recipient_id=PHONE_NUMBER_ID,
                   timestamp=int((NOW - written_ago).timestamp()))  # fmt: skip


def messenger_message(written_ago: timedelta = timedelta(minutes=1)) -> InboundMessage:
    return inbound("hi", sender=PSID, channel=Channel.MESSENGER, message_id="m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM",
                   recipient_id=PAGE_ID, timestamp=int((NOW - written_ago).timestamp()))  # fmt: skip


def whatsapp(graph: RecordingGraph, **options: Any) -> WhatsAppSender:
    return WhatsAppSender(graph, lambda: CREDENTIALS, now=lambda: NOW, **options)


def messenger(graph: RecordingGraph, **options: Any) -> MessengerSender:
    return MessengerSender(graph, lambda: CREDENTIALS, now=lambda: NOW, **options)


def wa(kind: str, content: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": WA_ID, "type": kind, kind: content}
    return f"{PHONE_NUMBER_ID}/messages", body


def fb(message: dict[str, Any], **messaging: str) -> tuple[str, dict[str, Any]]:
    return f"{PAGE_ID}/messages", {"recipient": {"id": PSID}, **(messaging or {"messaging_type": "RESPONSE"}),
                                   "message": message}  # fmt: skip


FEEDBACK = (Choice("yes", "Yes"), Choice("no", "No"), Choice("agent", "Talk to a person"))
TOPICS = (
    Choice("order_status", "Where is my order?", "Track a parcel and its delivery date"),
    Choice("return_refund", "Return an item", "Start a return or follow a refund"),
    Choice("invoice", "Invoices and payments"),
    Choice("subscription", "Change my subscription plan or pause it"),
    Choice("human_agent", "Talk to a person", "Someone from our team answers within the day"),
)


# WhatsApp


def test_whatsapp_text():
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply("Your order ORD-104233 has shipped with UPS."))

    assert graph.sent == [wa("text", {"preview_url": False, "body": "Your order ORD-104233 has shipped with UPS."})]
    assert graph.requests[0].token == "wa-token"


def test_whatsapp_long_text_is_split_at_a_sentence():
    first = "Your parcel left our warehouse in Leeds this morning. " * 74
    second = "It should reach you on Friday. " * 5
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply(first + second))

    assert graph.sent == [
        wa("text", {"preview_url": False, "body": (first + second[:93]).strip()}),
        wa("text", {"preview_url": False, "body": second[93:].strip()}),
    ]


def test_whatsapp_reply_buttons():
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply("Did this answer your question?", FEEDBACK))

    assert graph.sent == [
        wa("interactive", {
            "type": "button",
            "body": {"text": "Did this answer your question?"},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                {"type": "reply", "reply": {"id": "no", "title": "No"}},
                {"type": "reply", "reply": {"id": "agent", "title": "Talk to a person"}},
            ]},
        })
    ]  # fmt: skip


def test_whatsapp_list_with_header_footer_and_shortened_titles():
    graph = RecordingGraph()
    reply = Reply("What can I help you with?", TOPICS, header="Customer service", footer="Replies in minutes",
                  menu_label="Topics")  # fmt: skip
    whatsapp(graph).send(whatsapp_message(), reply)

    assert graph.sent == [
        wa("interactive", {
            "type": "list",
            "header": {"type": "text", "text": "Customer service"},
            "body": {"text": "What can I help you with?"},
            "footer": {"text": "Replies in minutes"},
            "action": {
                "button": "Topics",
                "sections": [{"rows": [
                    {"id": "order_status", "title": "Where is my order?",
                     "description": "Track a parcel and its delivery date"},
                    {"id": "return_refund", "title": "Return an item",
                     "description": "Start a return or follow a refund"},
                    {"id": "invoice", "title": "Invoices and payments"},
                    {"id": "subscription", "title": "Change my subscription…"},
                    {"id": "human_agent", "title": "Talk to a person",
                     "description": "Someone from our team answers within the day"},
                ]}],
            },
        })
    ]  # fmt: skip


def test_whatsapp_list_sections():
    choices = (Choice("jkt-m", "Jacket M", section="Jackets"), Choice("jkt-l", "Jacket L", section="Jackets"),
               Choice("sock", "Socks", section="Accessories"), Choice("cap", "Cap", section="Accessories"))  # fmt: skip
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply("Which item?", choices, menu_label="Items"))

    [(_, body)] = graph.sent
    assert body["interactive"]["action"] == {
        "button": "Items",
        "sections": [
            {"title": "Jackets", "rows": [{"id": "jkt-m", "title": "Jacket M"}, {"id": "jkt-l", "title": "Jacket L"}]},
            {"title": "Accessories", "rows": [{"id": "sock", "title": "Socks"}, {"id": "cap", "title": "Cap"}]},
        ],
    }


def test_whatsapp_more_than_ten_choices_become_a_numbered_list():
    choices = tuple(Choice(f"ORD-10{n:04d}", f"Order ORD-10{n:04d}") for n in range(1, 13))
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply("Which order do you mean?", choices))

    lines = "\n".join(f"{n}. Order ORD-10{n:04d}" for n in range(1, 13))
    assert graph.sent == [wa("text", {"preview_url": False, "body": f"Which order do you mean?\n\n{lines}"})]


def test_whatsapp_link_is_a_url_button():
    graph = RecordingGraph()
    reply = Reply("Your invoice INV-2041 is ready.", link=Link("https://shop.example.com/i/INV-2041", "View invoice"))
    whatsapp(graph).send(whatsapp_message(), reply)

    assert graph.sent == [
        wa("interactive", {
            "type": "cta_url",
            "body": {"text": "Your invoice INV-2041 is ready."},
            "action": {"name": "cta_url",
                       "parameters": {"display_text": "View invoice", "url": "https://shop.example.com/i/INV-2041"}},
        })
    ]  # fmt: skip


def test_whatsapp_link_beside_buttons_goes_into_the_text():
    graph = RecordingGraph()
    reply = Reply("Track it here.", FEEDBACK[:2], link=Link("https://track.example.com/1Z999", "Tracking"))
    whatsapp(graph).send(whatsapp_message(), reply)

    [(_, body)] = graph.sent
    assert body["interactive"]["body"] == {"text": "Track it here.\n\nTracking: https://track.example.com/1Z999"}


def test_whatsapp_text_too_long_for_an_interactive_body_goes_first_as_text():
    sentence = "We looked at your order. "  # 50 of them: 1250 characters, more than an interactive body takes
    graph = RecordingGraph()
    whatsapp(graph).send(whatsapp_message(), Reply(sentence * 50 + "Was this helpful?", FEEDBACK[:2]))

    # As much as fits stays with the buttons; the rest goes first, cut at a sentence.
    assert graph.sent == [
        wa("text", {"preview_url": False, "body": (sentence * 10).strip()}),
        wa("interactive", {
            "type": "button",
            "body": {"text": sentence * 40 + "Was this helpful?"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                                   {"type": "reply", "reply": {"id": "no", "title": "No"}}]},
        }),
    ]  # fmt: skip


def test_whatsapp_outside_the_window_sends_only_the_configured_template():
    graph = RecordingGraph()
    sender = whatsapp(graph, template_name="customer_service_followup", template_language="en_US")
    sender.send(whatsapp_message(written_ago=timedelta(hours=25)), Reply("Your order has shipped.", FEEDBACK))

    assert graph.sent == [
        wa("template", {"name": "customer_service_followup", "language": {"code": "en_US"}}),
    ]


def test_whatsapp_outside_the_window_without_a_template_sends_nothing():
    graph = RecordingGraph()

    with pytest.raises(MessagingWindowClosedError) as raised:
        whatsapp(graph).send(whatsapp_message(written_ago=timedelta(days=2)), Reply("Your order has shipped."))

    assert raised.value.retryable is False
    assert raised.value.reason == "window_closed"
    assert graph.sent == []


def test_whatsapp_mark_as_read_with_typing_indicator():
    graph = RecordingGraph()
    assert whatsapp(graph).acknowledge(whatsapp_message()) is True

    assert graph.sent == [
        (f"{PHONE_NUMBER_ID}/messages", {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQzQTg",
            "typing_indicator": {"type": "text"},
        })
    ]  # fmt: skip


# Messenger


def test_messenger_text():
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(), Reply("Your order ORD-104233 has shipped with UPS."))

    assert graph.sent == [fb({"text": "Your order ORD-104233 has shipped with UPS."})]
    assert graph.requests[0].token == "page-token"


def test_messenger_long_text_is_split():
    text = "Your parcel left our warehouse in Leeds this morning. " * 40  # 2160 characters
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(), Reply(text))

    cut = 54 * 37
    assert graph.sent == [fb({"text": text[:cut].strip()}), fb({"text": text[cut:].strip()})]


def test_messenger_quick_replies():
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(), Reply("What can I help you with?", TOPICS))

    assert graph.sent == [
        fb({"text": "What can I help you with?", "quick_replies": [
            {"content_type": "text", "title": "Where is my order?", "payload": "order_status"},
            {"content_type": "text", "title": "Return an item", "payload": "return_refund"},
            {"content_type": "text", "title": "Invoices and…", "payload": "invoice"},
            {"content_type": "text", "title": "Change my…", "payload": "subscription"},
            {"content_type": "text", "title": "Talk to a person", "payload": "human_agent"},
        ]})
    ]  # fmt: skip


def test_messenger_more_than_thirteen_choices_become_a_numbered_list():
    choices = tuple(Choice(f"size-{n}", f"EU {n}") for n in range(36, 50))
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(), Reply("Which size?", choices))

    lines = "\n".join(f"{i}. EU {n}" for i, n in enumerate(range(36, 50), start=1))
    assert graph.sent == [fb({"text": f"Which size?\n\n{lines}"})]


def test_messenger_button_template_for_a_link_and_choices():
    graph = RecordingGraph()
    reply = Reply("Your invoice INV-2041 is ready.", (Choice("pay_invoice", "Pay now"),),
                  link=Link("https://shop.example.com/i/INV-2041", "View invoice"))  # fmt: skip
    messenger(graph).send(messenger_message(), reply)

    assert graph.sent == [
        fb({"attachment": {"type": "template", "payload": {
            "template_type": "button",
            "text": "Your invoice INV-2041 is ready.",
            "buttons": [
                {"type": "web_url", "url": "https://shop.example.com/i/INV-2041", "title": "View invoice"},
                {"type": "postback", "title": "Pay now", "payload": "pay_invoice"},
            ],
        }}})
    ]  # fmt: skip


def test_messenger_persistent_choices_are_postback_buttons():
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(), Reply("Did this answer your question?", FEEDBACK, persistent=True))

    [(_, body)] = graph.sent
    assert body["message"]["attachment"]["payload"]["buttons"] == [
        {"type": "postback", "title": "Yes", "payload": "yes"},
        {"type": "postback", "title": "No", "payload": "no"},
        {"type": "postback", "title": "Talk to a person", "payload": "agent"},
    ]


def test_messenger_sender_actions_mark_seen_then_typing_on():
    graph = RecordingGraph()
    assert messenger(graph).acknowledge(messenger_message()) is True

    assert graph.sent == [
        (f"{PAGE_ID}/messages", {"recipient": {"id": PSID}, "sender_action": "mark_seen"}),
        (f"{PAGE_ID}/messages", {"recipient": {"id": PSID}, "sender_action": "typing_on"}),
    ]


def test_messenger_an_automated_reply_after_a_day_stays_a_response_for_meta_to_judge():
    # A click-to-Messenger ad keeps the standard window open up to 7 days; only Meta knows, so the bot's reply
    # is never tagged (HUMAN_AGENT is for people) and a refusal comes back classified window_closed.
    graph = RecordingGraph()
    messenger(graph).send(messenger_message(written_ago=timedelta(days=2)), Reply("Your order has shipped."))

    assert graph.sent == [fb({"text": "Your order has shipped."})]


def test_messenger_a_persons_reply_after_a_day_carries_the_human_agent_tag():
    graph = RecordingGraph()
    messenger(graph).send_as_agent(messenger_message(written_ago=timedelta(days=3)), Reply("Sorry for the wait!"))

    assert graph.sent == [fb({"text": "Sorry for the wait!"}, messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")]


def test_messenger_a_persons_reply_within_a_day_is_a_plain_response():
    graph = RecordingGraph()
    messenger(graph).send_as_agent(messenger_message(written_ago=timedelta(hours=2)), Reply("Hi, I'm Ana."))

    assert graph.sent == [fb({"text": "Hi, I'm Ana."})]


def test_messenger_a_persons_reply_after_seven_days_is_refused():
    graph = RecordingGraph()

    with pytest.raises(MessagingWindowClosedError, match="7 days"):
        messenger(graph).send_as_agent(messenger_message(written_ago=timedelta(days=8)), Reply("Still there?"))

    assert graph.sent == []


def test_messenger_pass_thread_control_to_the_page_inbox():
    graph = RecordingGraph()
    messenger(graph).hand_over(messenger_message(), note="customer asked for a person (human_agent)")

    assert graph.sent == [
        (f"{PAGE_ID}/pass_thread_control", {
            "recipient": {"id": PSID},
            "target_app_id": 263902037430900,
            "metadata": "customer asked for a person (human_agent)",
        })
    ]  # fmt: skip


def test_messenger_page_inbox_app_id_is_configurable():
    graph = RecordingGraph()
    messenger(graph, page_inbox_app_id="123456789").hand_over(messenger_message())

    assert graph.sent == [(f"{PAGE_ID}/pass_thread_control", {"recipient": {"id": PSID}, "target_app_id": 123456789})]
