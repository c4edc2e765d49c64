import json
from pathlib import Path

import pytest

from parley.channels.events import EventType
from parley.channels.messenger.parsing import read_messenger
from parley.channels.model import (
    Attachment,
    CatalogOrder,
    CatalogOrderItem,
    Channel,
    InboundMessage,
    Location,
    MessageKind,
    PlatformError,
    Reaction,
    Referral,
    ReferredProduct,
    SystemChange,
    message_ref,
    user_hash,
)
from parley.channels.payload_reading import PayloadError
from parley.channels.whatsapp.parsing import read_whatsapp
from support.events import EVENTS, load

RECEIVED_AT = 1_795_600_000
ALL_FIXTURES = sorted(p.name for p in Path(EVENTS).glob("*.json"))


def parse_whatsapp(payload: object) -> list[InboundMessage]:
    """The customer messages of a WhatsApp payload alone (statuses are events)."""
    return list(read_whatsapp(payload).messages)


def parse_messenger(payload: object) -> list[InboundMessage]:
    """The customer messages of a Messenger payload alone."""
    return list(read_messenger(payload).messages)


def read(name: str):
    reader = read_whatsapp if name.startswith("whatsapp") else read_messenger
    return reader(load(name), RECEIVED_AT)


def only_message(name: str) -> InboundMessage:
    parsed = read(name)
    assert parsed.events == ()
    [message] = parsed.messages
    return message


def wa_message(name: str, index: int = 0) -> dict:
    return load(name)["entry"][0]["changes"][0]["value"]["messages"][index]


# Text, as before ----------------------------------------------------------------------------------------------


def test_every_message_of_a_batched_payload_is_taken_and_statuses_are_not():
    messages = parse_whatsapp(load("whatsapp_batched.json"))

    assert [(m.sender_id, m.text) for m in messages] == [
        ("14155550123", "Hi"),
        ("34612345678", "¿Y cuándo llega?"),
        ("447700900123", "where's my parcel?"),
    ]
    assert len({m.message_id for m in messages}) == 3


def test_whatsapp_message_keeps_what_fulfillment_needs():
    [message] = parse_whatsapp(load("whatsapp_text.json"))

    assert message.channel is Channel.WHATSAPP
    assert message.kind is MessageKind.TEXT
    assert message.message_id.startswith("wamid.")
    assert message.recipient_id == "106540352242922"
    assert message.profile_name == "Emily Carter"
    assert message.timestamp == 1795500000


def test_a_text_message_travels_as_the_same_json_as_before_kinds_existed():
    [message] = parse_whatsapp(load("whatsapp_text.json"))

    assert list(json.loads(message.to_json())) == [
        "channel",
        "sender_id",
        "message_id",
        "timestamp",
        "kind",
        "text",
        "recipient_id",
        "profile_name",
        "locale_hint",
        "reply_to",
    ]


def test_a_reply_to_an_earlier_message_records_which_one():
    messages = parse_whatsapp(load("whatsapp_batched.json"))

    assert messages[1].reply_to.startswith("wamid.")
    assert messages[0].reply_to == ""


def test_a_failed_status_callback_is_not_a_customer_message():
    assert parse_whatsapp(load("whatsapp_status_failed.json")) == []


def test_messenger_echoes_and_deliveries_are_skipped_and_text_is_taken():
    messages = parse_messenger(load("messenger_echo_and_text.json"))

    assert [(m.sender_id, m.text) for m in messages] == [("5512345678901234", "thanks!")]
    assert messages[0].timestamp == 1795500000  # Messenger's milliseconds become seconds
    assert messages[0].locale_hint == ""  # Messenger gives none: left empty, not guessed


def test_a_payload_of_the_other_channel_is_refused():
    with pytest.raises(PayloadError):
        read_messenger(load("whatsapp_text.json"))
    with pytest.raises(PayloadError):
        read_whatsapp(load("messenger_text.json"))


def test_junk_inside_a_payload_is_skipped_not_fatal():
    payload = load("whatsapp_text.json")
    payload["entry"].insert(0, "junk")
    payload["entry"][1]["changes"].append({"field": "messages", "value": None})
    payload["entry"][1]["changes"][0]["value"]["messages"].append({"type": "text", "text": "no sender"})

    parsed = read_whatsapp(payload, RECEIVED_AT)

    assert len(parsed.messages) == 1
    assert [(e.type, e.detail) for e in parsed.events] == [(EventType.UNHANDLED, "incomplete_message")]


# WhatsApp kinds -----------------------------------------------------------------------------------------------


def test_whatsapp_reply_button_gives_its_id_as_payload_and_its_title_as_text():
    message = only_message("whatsapp_interactive_button_reply.json")

    assert message.kind is MessageKind.BUTTON_REPLY
    assert (message.payload, message.text) == ("track_order:ORD-104233", "Track my order")
    assert message.reply_to == wa_message("whatsapp_interactive_button_reply.json")["context"]["id"]


def test_whatsapp_list_row_gives_its_id_as_payload_and_its_title_as_text():
    message = only_message("whatsapp_interactive_list_reply.json")

    assert message.kind is MessageKind.LIST_REPLY
    assert (message.payload, message.text) == ("topic:return_refund", "Devoluciones")
    assert message.profile_name == "Lucía Fernández"


def test_whatsapp_template_quick_reply_button_gives_payload_and_label():
    message = only_message("whatsapp_template_quick_reply_button.json")

    assert message.kind is MessageKind.BUTTON
    assert (message.payload, message.text) == ("DELIVERY_RESCHEDULE", "Change delivery day")
    assert message.reply_to.startswith("wamid.")


def test_whatsapp_location_keeps_coordinates_name_and_address():
    message = only_message("whatsapp_location.json")

    assert message.kind is MessageKind.LOCATION
    assert message.location == Location(
        latitude=51.51239,
        longitude=-0.12519,
        name="Long Acre pick-up point",
        address="12 Long Acre, London WC2E 9LH",
        url="https://maps.example.com/?q=51.51239,-0.12519",
    )


def test_whatsapp_image_caption_counts_as_text_and_the_media_is_described():
    message = only_message("whatsapp_image_with_caption.json")
    image = wa_message("whatsapp_image_with_caption.json")["image"]

    assert message.kind is MessageKind.IMAGE
    assert message.text == "The box arrived crushed, order ORD-104233"
    assert message.attachments == (
        Attachment(
            type="image", media_id=image["id"], mime_type="image/jpeg", sha256=image["sha256"], url=image["url"]
        ),
    )


def test_whatsapp_image_without_caption_has_no_text():
    message = only_message("whatsapp_image_without_caption.json")

    assert message.kind is MessageKind.IMAGE
    assert message.text == ""
    assert message.attachments[0].media_id == wa_message("whatsapp_image_without_caption.json")["image"]["id"]


def test_whatsapp_voice_note_is_audio_flagged_as_voice():
    message = only_message("whatsapp_audio_voice_note.json")

    assert message.kind is MessageKind.AUDIO
    [audio] = message.attachments
    assert (audio.type, audio.mime_type, audio.voice) == ("audio", "audio/ogg; codecs=opus", True)


def test_whatsapp_video_caption_counts_as_text():
    message = only_message("whatsapp_video.json")

    assert message.kind is MessageKind.VIDEO
    assert message.text == "the zip on the jacket is stuck"
    assert message.attachments[0].mime_type == "video/mp4"


def test_whatsapp_document_keeps_its_filename_and_caption():
    message = only_message("whatsapp_document.json")

    assert message.kind is MessageKind.DOCUMENT
    assert message.text == "This invoice looks wrong"
    assert (message.attachments[0].filename, message.attachments[0].mime_type) == (
        "INV-2026-0042.pdf",
        "application/pdf",
    )


def test_whatsapp_sticker_is_flagged_animated():
    message = only_message("whatsapp_sticker.json")

    assert message.kind is MessageKind.STICKER
    assert (message.attachments[0].mime_type, message.attachments[0].animated) == ("image/webp", True)


def test_whatsapp_reaction_names_the_emoji_and_the_message_reacted_to():
    message = only_message("whatsapp_reaction.json")

    assert message.kind is MessageKind.REACTION
    assert message.reaction == Reaction(
        message_id=wa_message("whatsapp_reaction.json")["reaction"]["message_id"], emoji="👍", removed=False
    )


def test_whatsapp_reaction_with_an_empty_emoji_is_a_removal():
    message = only_message("whatsapp_reaction_removed.json")

    assert message.reaction is not None
    assert (message.reaction.emoji, message.reaction.removed) == ("", True)


def test_shared_contacts_are_counted_and_their_names_and_numbers_are_not_kept():
    message = only_message("whatsapp_contacts.json")

    assert message.kind is MessageKind.CONTACTS
    assert message.shared_contacts == 2
    queued = message.to_json()
    for private in ("14155550142", "555-0142", "7700 900456", "Ava", "Martin", "ava.martin@example.com", "1 Market"):
        assert private not in queued


def test_whatsapp_order_keeps_catalog_items_prices_and_its_text():
    message = only_message("whatsapp_order.json")

    assert message.kind is MessageKind.ORDER
    assert message.text == "¿Podéis enviarlo antes del viernes?"
    assert message.order == CatalogOrder(
        catalog_id="1418297562834521",
        items=(
            CatalogOrderItem("SKU-JKT-BLU-M", quantity=1, item_price="129.9", currency="EUR"),
            CatalogOrderItem("SKU-SOCKS", quantity=2, item_price="9.5", currency="EUR"),
        ),
    )


def test_a_product_enquiry_names_the_product_and_the_message_it_answers():
    message = only_message("whatsapp_product_enquiry.json")

    assert message.kind is MessageKind.TEXT
    assert message.text == "Do you have this in size L?"
    assert message.referred_product == ReferredProduct("1418297562834521", "SKU-JKT-BLU-M")
    assert message.reply_to == wa_message("whatsapp_product_enquiry.json")["context"]["id"]


def test_a_message_from_a_click_to_whatsapp_ad_records_the_ad():
    message = only_message("whatsapp_text_from_click_to_whatsapp_ad.json")

    assert message.kind is MessageKind.TEXT
    assert message.referral == Referral(source="ad", ad_id="120211234567890123")


def test_a_changed_number_is_a_system_message_with_the_new_wa_id():
    message = only_message("whatsapp_system_user_changed_number.json")

    assert message.kind is MessageKind.SYSTEM
    assert message.sender_id == "14155550123"
    assert message.text == ""  # not the customer's words: nothing for NLU
    assert message.system == SystemChange(
        type="user_changed_number",
        new_user_id="14155550199",
        body="User Emily Carter changed from 14155550123 to 14155550199",
    )


def test_an_unsupported_message_keeps_metas_error_code_and_title():
    message = only_message("whatsapp_unsupported.json")

    assert message.kind is MessageKind.UNSUPPORTED
    assert message.errors == (PlatformError(131051, "Message type unknown"),)
    assert message.unsupported_type == "poll_update"


def test_a_whatsapp_type_newer_than_parley_is_still_a_message_marked_unsupported():
    payload = load("whatsapp_text.json")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["type"] = "hologram"
    del message["text"]

    [parsed] = parse_whatsapp(payload)

    assert (parsed.kind, parsed.unsupported_type) == (MessageKind.UNSUPPORTED, "hologram")


def test_whatsapp_statuses_are_delivery_events_never_messages():
    parsed = read("whatsapp_statuses_sent_delivered_read.json")
    statuses = load("whatsapp_statuses_sent_delivered_read.json")["entry"][0]["changes"][0]["value"]["statuses"]

    assert parsed.messages == ()
    assert [(e.type, e.status, e.occurred_at, e.pricing_category) for e in parsed.events] == [
        (EventType.DELIVERY_STATUS, "sent", 1795500300, "service"),
        (EventType.DELIVERY_STATUS, "delivered", 1795500301, "service"),
        (EventType.DELIVERY_STATUS, "read", 1795500302, "service"),
    ]
    assert [e.message_ref for e in parsed.events] == [message_ref(Channel.WHATSAPP, s["id"]) for s in statuses]


def test_a_failed_status_carries_metas_error_codes_and_titles():
    [event] = read("whatsapp_status_failed.json").events

    assert (event.type, event.status) == (EventType.DELIVERY_STATUS, "failed")
    assert event.errors == (PlatformError(131047, "Re-engagement message"),)


def test_a_failed_status_whose_title_names_the_recipient_keeps_the_code_but_not_the_number():
    """Channel events are logged: Meta's title may say whom the message did not reach."""
    payload = load("whatsapp_status_failed.json")
    status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    status["errors"] = [{"code": 131026, "title": "Message undeliverable to 34699887766 (jane.doe@example.com)"}]

    [event] = read_whatsapp(payload, RECEIVED_AT).events

    assert event.errors[0].code == 131026
    assert "34699887766" not in json.dumps(event.to_dict())
    assert "jane.doe@example.com" not in json.dumps(event.to_dict())
    assert event.errors[0].title.startswith("Message undeliverable to")


def test_an_account_level_error_is_a_platform_error_event():
    parsed = read("whatsapp_errors.json")

    assert parsed.messages == ()
    [event] = parsed.events
    assert (event.type, event.errors, event.occurred_at) == (
        EventType.PLATFORM_ERROR,
        (PlatformError(130429, "Rate limit hit"),),
        RECEIVED_AT,  # Meta gives no time: the time we received it
    )


def test_a_field_parley_does_not_handle_is_acknowledged_as_an_unhandled_event():
    parsed = read("whatsapp_template_status_update.json")

    assert parsed.messages == ()
    assert [(e.type, e.detail) for e in parsed.events] == [(EventType.UNHANDLED, "message_template_status_update")]


def test_every_entry_change_message_and_status_of_a_mixed_whatsapp_batch_is_taken():
    payload = load("whatsapp_batched_mixed_kinds.json")
    values = [c["value"] for e in payload["entry"] for c in e["changes"]]
    message_ids = [m["id"] for v in values for m in v.get("messages", [])]
    status_ids = [s["id"] for v in values for s in v.get("statuses", [])]

    parsed = read_whatsapp(payload, RECEIVED_AT)

    assert [m.message_id for m in parsed.messages] == message_ids
    assert [m.kind for m in parsed.messages] == [
        MessageKind.TEXT,
        MessageKind.IMAGE,
        MessageKind.BUTTON_REPLY,
        MessageKind.REACTION,
        MessageKind.LOCATION,
        MessageKind.AUDIO,
    ]
    assert [e.message_ref for e in parsed.events] == [message_ref(Channel.WHATSAPP, i) for i in status_ids]
    assert [e.status for e in parsed.events] == ["delivered", "read", "failed", "sent"]
    # Each message keeps its own business number and its own sender's profile name.
    assert {m.recipient_id for m in parsed.messages} == {"106540352242922", "106540352242923"}
    assert parsed.messages[4].profile_name == "Priya Natarajan"


# Messenger kinds ----------------------------------------------------------------------------------------------


def test_messenger_quick_reply_gives_payload_and_title():
    message = only_message("messenger_quick_reply.json")

    assert message.kind is MessageKind.QUICK_REPLY
    assert (message.payload, message.text) == ("TRACK_ORDER", "Track my order")
    assert message.recipient_id == "110938475629384"


def test_messenger_images_are_all_kept_in_one_message():
    message = only_message("messenger_image.json")
    urls = [
        a["payload"]["url"] for a in load("messenger_image.json")["entry"][0]["messaging"][0]["message"]["attachments"]
    ]

    assert message.kind is MessageKind.IMAGE
    assert [(a.type, a.url) for a in message.attachments] == [("image", u) for u in urls]


@pytest.mark.parametrize(
    ("name", "kind", "attachment_type"),
    [
        ("messenger_video.json", MessageKind.VIDEO, "video"),
        ("messenger_audio.json", MessageKind.AUDIO, "audio"),
        ("messenger_file.json", MessageKind.DOCUMENT, "file"),
        ("messenger_shared_link.json", MessageKind.LINK, "fallback"),
    ],
)
def test_messenger_attachments_become_their_kind_with_their_url(name, kind, attachment_type):
    message = only_message(name)
    [sent] = load(name)["entry"][0]["messaging"][0]["message"]["attachments"]

    assert message.kind is kind
    assert [(a.type, a.url) for a in message.attachments] == [(attachment_type, sent["payload"]["url"])]


def test_a_shared_link_keeps_the_page_title():
    message = only_message("messenger_shared_link.json")

    assert message.attachments[0].title == "Blue rain jacket | Example Shop"


def test_messenger_location_keeps_its_coordinates():
    message = only_message("messenger_location.json")

    assert message.kind is MessageKind.LOCATION
    assert message.location is not None
    assert (message.location.latitude, message.location.longitude, message.location.name) == (
        40.41678,
        -3.70379,
        "Pinned Location",
    )
    assert message.attachments == ()


def test_a_messenger_sticker_sent_as_sticker_and_image_is_one_sticker():
    message = only_message("messenger_sticker.json")

    assert message.kind is MessageKind.STICKER
    assert [(a.type, a.sticker_id) for a in message.attachments] == [("sticker", "369239263222822")]


def test_a_messenger_reply_records_the_message_it_answers():
    message = only_message("messenger_reply_to.json")
    sent = load("messenger_reply_to.json")["entry"][0]["messaging"][0]["message"]

    assert (message.kind, message.text, message.reply_to) == (MessageKind.TEXT, sent["text"], sent["reply_to"]["mid"])


def test_messenger_postback_gives_payload_title_and_its_mid():
    message = only_message("messenger_postback.json")
    postback = load("messenger_postback.json")["entry"][0]["messaging"][0]["postback"]

    assert message.kind is MessageKind.POSTBACK
    assert (message.payload, message.text, message.message_id) == ("TRACK_ORDER", "Track my order", postback["mid"])


def test_a_postback_without_a_mid_gets_an_id_that_is_the_same_on_every_redelivery():
    first = only_message("messenger_postback_get_started_with_referral.json")
    again = only_message("messenger_postback_get_started_with_referral.json")

    assert (first.kind, first.payload) == (MessageKind.POSTBACK, "GET_STARTED")
    assert first.referral == Referral(source="SHORTLINK", type="OPEN_THREAD", ref="winter-sale")
    assert first.message_id and first.message_id == again.message_id


def test_messenger_reaction_and_unreact_name_the_emoji_and_the_message():
    react = only_message("messenger_reaction.json")
    unreact = only_message("messenger_unreact.json")
    reacted_mid = load("messenger_reaction.json")["entry"][0]["messaging"][0]["reaction"]["mid"]

    assert react.kind is unreact.kind is MessageKind.REACTION
    assert react.reaction == Reaction(message_id=reacted_mid, emoji="❤️", removed=False)
    assert unreact.reaction is not None and unreact.reaction.removed
    assert react.message_id != unreact.message_id  # two events, two ids: neither swallows the other


def test_messenger_referral_is_a_message_of_kind_referral():
    message = only_message("messenger_referral.json")

    assert message.kind is MessageKind.REFERRAL
    assert message.referral == Referral(source="SHORTLINK", type="OPEN_THREAD", ref="order-help")
    assert message.sender_id == "6623456789012345"


def test_messenger_delivery_and_read_are_events_not_messages():
    delivery, read_ = read("messenger_delivery.json"), read("messenger_read.json")
    mids = load("messenger_delivery.json")["entry"][0]["messaging"][0]["delivery"]["mids"]

    assert delivery.messages == read_.messages == ()
    assert [(e.type, e.status, e.message_ref) for e in delivery.events] == [
        (EventType.DELIVERY_STATUS, "delivered", message_ref(Channel.MESSENGER, mid)) for mid in mids
    ]
    [seen] = read_.events
    assert (seen.status, seen.watermark_ms) == ("read", 1795500514900)


def test_standby_traffic_is_recorded_never_answered():
    parsed = read("messenger_standby.json")

    assert parsed.messages == ()
    assert [(e.type, e.detail) for e in parsed.events] == [
        (EventType.STANDBY, "message"),
        (EventType.STANDBY, "message_echo"),
        (EventType.STANDBY, "read"),
    ]


@pytest.mark.parametrize(
    ("name", "status", "owner"),
    [
        ("messenger_pass_thread_control.json", "pass_thread_control", "1517776481860111"),
        ("messenger_take_thread_control.json", "take_thread_control", "263902037430900"),
        ("messenger_request_thread_control.json", "request_thread_control", "263902037430900"),
        ("messenger_app_roles.json", "app_roles", ""),
    ],
)
def test_handover_protocol_callbacks_are_handover_events(name, status, owner):
    parsed = read(name)

    assert parsed.messages == ()
    [event] = parsed.events
    assert (event.type, event.status, event.owner_app_id) == (EventType.HANDOVER, status, owner)


def test_every_entry_and_item_of_a_batched_messenger_payload_is_taken_and_echoes_are_not():
    payload = load("messenger_batched.json")

    parsed = read_messenger(payload, RECEIVED_AT)

    assert [(m.kind, m.sender_id) for m in parsed.messages] == [
        (MessageKind.TEXT, "5512345678901234"),
        (MessageKind.POSTBACK, "6623456789012345"),
        (MessageKind.REACTION, "5512345678901234"),
        (MessageKind.QUICK_REPLY, "7734567890123456"),
        (MessageKind.REFERRAL, "8845678901234567"),
        (MessageKind.IMAGE, "7734567890123456"),
        (MessageKind.TEXT, "8845678901234567"),  # a typed link: text, with the link preview kept
    ]
    assert parsed.messages[-1].attachments[0].type == "fallback"
    assert [(e.type, e.status or e.detail) for e in parsed.events] == [
        (EventType.DELIVERY_STATUS, "delivered"),
        (EventType.DELIVERY_STATUS, "read"),
        (EventType.STANDBY, "message"),
    ]
    echo_text = "Your order ORD-104233 is on its way."
    assert all(m.text != echo_text for m in parsed.messages)


def test_a_messenger_event_kind_parley_does_not_handle_is_counted():
    payload = load("messenger_text.json")
    payload["entry"][0]["messaging"].append(
        {"sender": {"id": "5512345678901234"}, "recipient": {"id": "110938475629384"}, "timestamp": 1, "game_play": {}}
    )

    parsed = read_messenger(payload, RECEIVED_AT)

    assert len(parsed.messages) == 1
    assert [(e.type, e.detail) for e in parsed.events] == [(EventType.UNHANDLED, "game_play")]


def test_a_free_text_field_name_never_reaches_an_event():
    payload = load("whatsapp_template_status_update.json")
    payload["entry"][0]["changes"][0]["field"] = "Where is my order ORD-104233?"

    [event] = read_whatsapp(payload, RECEIVED_AT).events

    assert event.detail == "unknown"


def test_a_lone_surrogate_in_a_payload_is_replaced_so_hashing_and_the_queue_work():
    payload = json.loads(
        '{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"5512345678901234\\ud800"},'
        '"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m_1","text":"hi \\udfff"}}]}]}'
    )

    [message] = parse_messenger(payload)

    assert message.text.encode() and message.sender_hash
    assert InboundMessage.from_json(message.to_json()) == message


# The queue round trip -----------------------------------------------------------------------------------------


# Only payloads that hold messages: for the others a loop over none would pass and prove nothing.
@pytest.mark.parametrize("name", [name for name in ALL_FIXTURES if read(name).messages])
def test_every_message_of_every_payload_survives_the_queue_round_trip(name):
    messages = read(name).messages

    assert [InboundMessage.from_json(m.to_json()) for m in messages] == list(messages)


def test_the_payloads_cover_every_kind_and_every_kind_round_trips():
    messages = [m for name in ALL_FIXTURES for m in read(name).messages]

    assert {m.kind for m in messages} == set(MessageKind)
    for message in messages:
        assert InboundMessage.from_json(message.to_json()) == message


def test_a_message_queued_by_the_previous_version_is_still_read():
    old = (
        '{"channel":"whatsapp","sender_id":"14155550123","message_id":"wamid.X","timestamp":1795500000,'
        '"text":"hi","recipient_id":"106540352242922","profile_name":"","locale_hint":"","reply_to":""}'
    )

    assert InboundMessage.from_json(old) == InboundMessage(
        Channel.WHATSAPP, "14155550123", "wamid.X", 1795500000, text="hi", recipient_id="106540352242922"
    )


# WhatsApp usernames and the events a person would not answer -------------------------------------------------


def test_a_whatsapp_customer_with_a_username_and_no_number_is_a_message_keyed_by_their_business_scoped_id():
    [message] = read("whatsapp_username_only_text.json").messages

    assert (message.sender_id, message.user_id) == ("DE.27381947561029384756", "DE.27381947561029384756")
    assert message.conversation_key == "whatsapp#DE.27381947561029384756"
    assert (message.kind, message.text, message.profile_name) == (
        MessageKind.TEXT,
        "Hallo, wo ist meine Bestellung?",
        "Mika",
    )


def test_a_message_with_both_number_and_business_scoped_id_is_answered_at_the_number_in_the_ids_conversation():
    [message] = read("whatsapp_text_with_user_id.json").messages

    assert (message.sender_id, message.user_id) == ("818012345678", "JP.19283746501928374650")
    assert message.conversation_key == "whatsapp#JP.19283746501928374650"
    assert message.profile_name == "Aiko Tanaka"


def test_a_username_stands_in_for_a_missing_profile_name():
    payload = load("whatsapp_username_only_text.json")
    del payload["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"]

    [message] = parse_whatsapp(payload)

    assert (message.sender_id, message.profile_name) == ("DE.27381947561029384756", "mika.travels")


def test_a_status_sent_to_a_business_scoped_id_joins_the_conversation_of_that_id():
    parsed = read("whatsapp_status_to_user_id.json")

    [delivery] = parsed.deliveries
    assert delivery.conversation_key == "whatsapp#DE.27381947561029384756"
    [event] = parsed.events
    [message] = read("whatsapp_username_only_text.json").messages
    assert event.user_hash == message.sender_hash


@pytest.mark.parametrize(
    ("name", "type_", "kind"),
    [
        ("whatsapp_revoke.json", "revoke", EventType.MESSAGE_DELETED),
        ("whatsapp_edit.json", "edit", EventType.MESSAGE_EDITED),
    ],
)
def test_a_deleted_or_edited_whatsapp_message_is_an_event_naming_the_original_and_never_a_message(name, type_, kind):
    parsed = read(name)
    original = load(name)["entry"][0]["changes"][0]["value"]["messages"][0][type_]["original_message_id"]

    assert parsed.messages == ()
    [event] = parsed.events
    assert event.type is kind
    assert event.message_ref == message_ref(Channel.WHATSAPP, original)
    assert "ORD-104251" not in json.dumps(event.to_dict())  # the edited words stay out of the event


def test_a_message_in_a_whatsapp_group_is_an_event_without_its_words_and_never_answered():
    parsed = read("whatsapp_group_image.json")

    assert parsed.messages == ()
    [event] = parsed.events
    assert (event.type, event.detail) == (EventType.GROUP_MESSAGE, "image")
    assert event.user_hash == user_hash(Channel.WHATSAPP, "MX.88123456770012345")
    for private in ("roto", "5215512345688", "120363041234567890", "wamid"):
        assert private not in json.dumps(event.to_dict())


def test_a_whatsapp_flow_answer_is_a_form_readable_as_its_fields_without_the_flow_token():
    [message] = read("whatsapp_flow_response.json").messages

    assert message.kind is MessageKind.FORM
    assert message.text.splitlines() == [
        "order_number: ORD-104233",
        "reason: Wrong size",
        "pickup.day: Monday",
        "pickup.slots: morning, afternoon",
        "contact_me: true",
    ]
    assert "return-form" not in message.text


@pytest.mark.parametrize("response_json", [None, "{not json", "[1, 2]", '"text"', json.dumps({"flow_token": "x"})])
def test_a_flow_answer_without_readable_fields_is_still_a_form_with_no_text(response_json):
    payload = load("whatsapp_flow_response.json")
    nfm = payload["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["nfm_reply"]
    nfm["response_json"] = response_json

    [message] = parse_whatsapp(payload)

    assert (message.kind, message.text) == (MessageKind.FORM, "")


def test_request_welcome_is_a_referral_so_only_a_new_conversation_is_welcomed():
    [message] = read("whatsapp_request_welcome.json").messages

    assert message.kind is MessageKind.REFERRAL
    assert message.referral == Referral(type="request_welcome")


def test_calls_and_call_permission_answers_are_call_events_never_messages():
    calls = read("whatsapp_calls_connect_terminate.json")
    permission = read("whatsapp_call_permission_reply.json")

    assert calls.messages == () and permission.messages == ()
    assert [(e.type, e.status) for e in calls.events] == [(EventType.CALL, "connect"), (EventType.CALL, "terminate")]
    assert [(e.type, e.status, e.detail) for e in permission.events] == [
        (EventType.CALL, "accept", "call_permission_reply")
    ]
    assert calls.events[0].user_hash == permission.events[0].user_hash  # the same caller, by BSUID


def test_a_changed_business_scoped_id_is_a_system_message_carrying_the_new_id():
    [message] = read("whatsapp_system_user_changed_user_id.json").messages

    assert message.kind is MessageKind.SYSTEM
    assert message.conversation_key == "whatsapp#US.13491208655302741918"
    assert message.system == SystemChange(
        type="user_changed_user_id",
        new_user_id="US.99887766554433221100",
        body="User changed their business-scoped user ID",
    )


def test_a_messenger_edit_and_opt_in_are_events_without_content():
    edit = read("messenger_message_edit.json")
    optin = read("messenger_optin.json")

    assert edit.messages == () and optin.messages == ()
    [edited] = edit.events
    assert edited.type is EventType.MESSAGE_EDITED
    assert "ORD-600901" not in json.dumps(edited.to_dict())
    [opted] = optin.events
    assert (opted.type, opted.status) == (EventType.OPTIN, "notification_messages")


def test_an_unsent_messenger_message_is_a_deleted_message_event():
    payload = load("messenger_text.json")
    payload["entry"][0]["messaging"][0]["message"] = {"mid": "m_deleted", "is_deleted": True}

    parsed = read_messenger(payload, RECEIVED_AT)

    assert parsed.messages == ()
    assert [e.type for e in parsed.events] == [EventType.MESSAGE_DELETED]
