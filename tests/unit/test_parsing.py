from parley.channels.model import Channel, InboundMessage
from parley.channels.parsing import PayloadError, parse_messenger, parse_whatsapp
from support.events import load


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
    assert message.message_id.startswith("wamid.")
    assert message.recipient_id == "106540352242922"
    assert message.profile_name == "Emily Carter"
    assert message.timestamp == 1795500000


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


def test_a_payload_of_the_other_channel_is_refused():
    try:
        parse_messenger(load("whatsapp_text.json"))
    except PayloadError:
        pass
    else:
        raise AssertionError("a WhatsApp payload was accepted as Messenger")


def test_junk_inside_a_payload_is_skipped_not_fatal():
    payload = load("whatsapp_text.json")
    payload["entry"].insert(0, "junk")
    payload["entry"][1]["changes"].append({"field": "messages", "value": None})
    payload["entry"][1]["changes"][0]["value"]["messages"].append({"type": "text", "text": "no sender"})

    assert len(parse_whatsapp(payload)) == 1


def test_inbound_message_survives_the_queue_round_trip():
    [message] = parse_whatsapp(load("whatsapp_text.json"))

    assert InboundMessage.from_json(message.to_json()) == message
