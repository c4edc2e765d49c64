"""Reading a Messenger Platform webhook: messaging and standby items, handover and delivery events.

Not answered, by choice, and each a content-free channel event instead: an edited message (`message_edit`: its
original was answered already; a second answer would repeat or contradict the first), a deleted one (`is_deleted`,
as Instagram reports an unsent message), an opt-in to notification messages (`optin`), and our own sends echoed back.
"""

from __future__ import annotations

from typing import Any

from parley.channels.events import EventType
from parley.channels.model import (
    Attachment,
    Channel,
    InboundMessage,
    Location,
    MessageKind,
    Reaction,
    Referral,
)
from parley.channels.payload_reading import (
    Found,
    ParsedPayload,
    PayloadError,
    ThreadReturn,
    as_float,
    as_int,
    as_milliseconds,
    as_obj,
    as_str,
    as_word,
    dicts,
    synthetic_id,
)

# Messenger Platform ------------------------------------------------------------------------------------------

_MESSENGER_MEDIA = {
    "image": MessageKind.IMAGE,
    "video": MessageKind.VIDEO,
    "audio": MessageKind.AUDIO,
    "file": MessageKind.DOCUMENT,
    "sticker": MessageKind.STICKER,
    "fallback": MessageKind.LINK,
}
_HANDOVERS = ("pass_thread_control", "take_thread_control", "request_thread_control", "app_roles")
_ENVELOPE = {"sender", "recipient", "timestamp"}


def _referral(value: Any) -> Referral | None:
    referral = as_obj(value)
    if not referral:
        return None
    return Referral(
        source=as_word(referral.get("source")),
        type=as_word(referral.get("type")),
        ref=as_str(referral.get("ref")),
        ad_id=as_str(referral.get("ad_id")),
    )


def _messenger_content(message: dict[str, Any]) -> dict[str, Any]:
    """Kind, text, payload and attachments of one Messenger message (not an echo)."""
    text = as_str(message.get("text"))
    quick_reply = as_obj(message.get("quick_reply"))
    if quick_reply:
        return {"kind": MessageKind.QUICK_REPLY, "text": text, "payload": as_str(quick_reply.get("payload"))}
    sticker_id = as_str(message.get("sticker_id"))
    kinds: list[MessageKind] = []
    attachments: list[Attachment] = []
    location: Location | None = None
    unsupported = ""
    for item in dicts(message.get("attachments")):
        type_, body = as_str(item.get("type")), as_obj(item.get("payload"))
        if type_ == "location":
            coordinates = as_obj(body.get("coordinates"))
            location = Location(
                latitude=as_float(coordinates.get("lat")),
                longitude=as_float(coordinates.get("long")),
                name=as_str(item.get("title")),
                url=as_str(item.get("url")),
            )
            kinds.append(MessageKind.LOCATION)
            continue
        kind = _MESSENGER_MEDIA.get(type_)
        if kind is None:  # template, reel, ig_reel, post, appointment_booking…
            unsupported = unsupported or as_word(type_)
            continue
        item_sticker = as_str(body.get("sticker_id"))
        if item_sticker or (sticker_id and type_ == "image"):
            kind, type_ = MessageKind.STICKER, "sticker"
        if kind is MessageKind.STICKER and any(a.type == "sticker" for a in attachments):
            continue  # during Meta's sticker transition one sticker arrives as both "sticker" and "image"
        attachments.append(
            Attachment(
                type=type_,
                url=as_str(body.get("url")) or as_str(item.get("url")),
                title=as_str(body.get("title")) or as_str(item.get("title")),
                sticker_id=item_sticker or (sticker_id if kind is MessageKind.STICKER else ""),
            )
        )
        kinds.append(kind)
    content: dict[str, Any] = {"text": text, "attachments": tuple(attachments), "location": location}
    if MessageKind.STICKER in kinds:
        content["kind"] = MessageKind.STICKER
        content["attachments"] = tuple(a for a in attachments if a.type == "sticker")
    elif kinds and not (text and set(kinds) == {MessageKind.LINK}):  # a typed URL arrives as text plus fallback
        content["kind"] = kinds[0]
    elif text or not unsupported:
        content["kind"] = MessageKind.TEXT
    else:
        content["kind"] = MessageKind.UNSUPPORTED
        content["unsupported_type"] = unsupported
    return content


def _messenger_event(item: dict[str, Any], page_id: str, found: Found, standby: bool) -> None:
    sender = as_str(as_obj(item.get("sender")).get("id"))
    recipient = as_str(as_obj(item.get("recipient")).get("id"))
    stamp_ms = as_milliseconds(item.get("timestamp"))
    seconds = stamp_ms // 1000  # Messenger stamps milliseconds; WhatsApp and InboundMessage use seconds
    user = recipient if page_id and sender == page_id else sender  # an echo is sent by the page
    what = next((k for k in item if k not in _ENVELOPE and isinstance(item[k], dict)), "")
    body = as_obj(item.get(what))

    if standby:
        # Another app (the Page Inbox, a human agent) owns this thread: note it, never answer it.
        mid = as_str(body.get("mid"))
        detail = "message_echo" if what == "message" and body.get("is_echo") else what or "unknown"
        found.event(EventType.STANDBY, seconds, user, mid, detail=as_word(detail))
        return
    if what in _HANDOVERS:
        owner = as_str(body.get("new_owner_app_id")) or as_str(body.get("requested_owner_app_id"))
        found.event(EventType.HANDOVER, seconds, user, status=what, owner_app_id=owner)
        # Meta sends pass_thread_control to the app that receives the thread: here, us, from the Page Inbox.
        if what == "pass_thread_control" and sender and sender != page_id:
            found.thread_returns.append(ThreadReturn(sender, stamp_ms))
        return
    if what == "delivery":
        watermark = as_int(body.get("watermark"))
        mids = [as_str(m) for m in body.get("mids", ()) if as_str(m)] if isinstance(body.get("mids"), list) else []
        for mid in mids or [""]:
            found.delivery(seconds, user, mid, "delivered", watermark_ms=watermark)
        return
    if what == "read":
        watermark = as_int(body.get("watermark"))
        found.delivery(seconds, user, "", "read", watermark_ms=watermark)
        return
    if what == "message" and body.get("is_echo"):
        return  # our own sends (and the Page's) coming back: nothing to answer, nothing to count
    if what == "message_edit" or (what == "message" and body.get("is_deleted")):
        kind = EventType.MESSAGE_EDITED if what == "message_edit" else EventType.MESSAGE_DELETED
        found.event(kind, seconds, user, as_str(body.get("mid")))
        return
    if what == "optin":
        found.event(EventType.OPTIN, seconds, user, status=as_word(body.get("type")) or "optin")
        return
    if what not in {"message", "postback", "reaction", "referral"}:
        found.unhandled(what or "unknown", seconds, user)  # policy enforcement, feedback, game plays…
        return
    if not sender:
        found.unhandled(f"{what}_without_sender", seconds)
        return

    fields: dict[str, Any]
    if what == "message":
        fields = {"message_id": as_str(body.get("mid")), **_messenger_content(body)}
        fields["reply_to"] = as_str(as_obj(body.get("reply_to")).get("mid"))
    elif what == "postback":
        title, payload = as_str(body.get("title")), as_str(body.get("payload"))
        fields = {
            "message_id": as_str(body.get("mid"))
            or synthetic_id(MessageKind.POSTBACK, sender, str(stamp_ms), payload, title),
            "kind": MessageKind.POSTBACK,
            "text": title,
            "payload": payload,
            "referral": _referral(body.get("referral")),
        }
    elif what == "reaction":
        action, emoji, mid = as_str(body.get("action")), as_str(body.get("emoji")), as_str(body.get("mid"))
        fields = {
            "message_id": synthetic_id(MessageKind.REACTION, sender, str(stamp_ms), mid, action, emoji),
            "kind": MessageKind.REACTION,
            "reaction": Reaction(message_id=mid, emoji=emoji, removed=action == "unreact"),
        }
    else:
        referral = _referral(body)
        fields = {
            "message_id": synthetic_id(MessageKind.REFERRAL, sender, str(stamp_ms), as_str(body.get("ref"))),
            "kind": MessageKind.REFERRAL,
            "referral": referral,
        }
    if not fields["message_id"]:
        found.unhandled("incomplete_message", seconds, user)
        return
    found.messages.append(
        InboundMessage(channel=Channel.MESSENGER, sender_id=sender, timestamp=seconds, recipient_id=recipient, **fields)
    )


def read_messenger(payload: Any, received_at: int = 0) -> ParsedPayload:
    """A Messenger Platform webhook (object = page): customer messages, and delivery, read, handover and
    standby events. Echoes of our own sends are skipped."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise PayloadError("not a Messenger page webhook")
    found = Found(Channel.MESSENGER, received_at)
    for entry in dicts(payload.get("entry")):
        page_id = as_str(entry.get("id"))
        for item in dicts(entry.get("messaging")):
            _messenger_event(item, page_id, found, standby=False)
        for item in dicts(entry.get("standby")):
            _messenger_event(item, page_id, found, standby=True)
        for change in dicts(entry.get("changes")):
            found.unhandled(change.get("field"))  # Page feed and other subscriptions are not Parley's
    return found.result()
