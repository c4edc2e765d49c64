"""Turn a webhook payload into normalised inbound messages and content-free channel events.

Every entry, change, message, status, messaging and standby item is read, never only the first. Anything odd
inside a payload is skipped or counted as an unhandled event, never fatal: the only error raised is PayloadError,
for a body that is not the channel's webhook at all.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

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
from parley.events import ChannelEvent, EventType


class PayloadError(ValueError):
    """The body is not a Meta webhook payload of the expected channel."""


@dataclass(frozen=True)
class ThreadReturn:
    """Messenger: the Page Inbox passed a conversation back to us (pass_thread_control): the person is done."""

    sender_id: str  # the customer's PSID
    timestamp_ms: int  # with the PSID, names this event on every redelivery


@dataclass(frozen=True)
class ParsedPayload:
    messages: tuple[InboundMessage, ...] = ()  # customer messages to answer, in payload order
    events: tuple[ChannelEvent, ...] = ()  # everything else, for analytics
    thread_returns: tuple[ThreadReturn, ...] = ()  # conversations a person handed back to the assistant


# Words from Meta's vocabulary (status names, types, field names) are kept; anything else becomes "unknown",
# so a free-text value can never smuggle content into an event.
_WORD = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")


def _str(value: Any) -> str:
    """A string field; ids Meta sometimes sends as numbers become text, anything else is empty."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return ""
    try:
        text.encode()
    except UnicodeEncodeError:
        # JSON may escape a lone surrogate; it is not UTF-8 and would break hashing and SQS further on.
        return text.encode("utf-8", "replace").decode()
    return text


def _word(value: Any) -> str:
    text = _str(value)
    return text if not text or _WORD.fullmatch(text) else "unknown"


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return 0
    return 0


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _price(value: Any) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return _str(value)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Items of a list that are objects; anything else in a payload is skipped, never fatal."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _errors(value: Any) -> tuple[PlatformError, ...]:
    return tuple(PlatformError(_int(e.get("code")), _str(e.get("title"))[:200]) for e in _dicts(value))


def _synthetic_id(kind: MessageKind, *parts: str) -> str:
    """Messenger gives reactions, referrals and some postbacks no message id. Derived from the event itself,
    the id is the same on every redelivery, so exactly-once still holds."""
    return f"{kind}.{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


class _Found:
    """What one payload holds, gathered in payload order."""

    def __init__(self, channel: Channel, received_at: int) -> None:
        self.channel = channel
        self.received_at = received_at
        self.messages: list[InboundMessage] = []
        self.events: list[ChannelEvent] = []
        self.thread_returns: list[ThreadReturn] = []

    def event(self, type_: EventType, occurred_at: int, user: str = "", message_id: str = "", **extra: Any) -> None:
        self.events.append(
            ChannelEvent(
                channel=self.channel,
                type=type_,
                occurred_at=occurred_at or self.received_at,
                user_hash=user_hash(self.channel, user) if user else "",
                message_ref=message_ref(self.channel, message_id) if message_id else "",
                **extra,
            )
        )

    def unhandled(self, what: Any, occurred_at: int = 0, user: str = "") -> None:
        self.event(EventType.UNHANDLED, occurred_at, user, detail=_word(what) or "unknown")

    def result(self) -> ParsedPayload:
        stamped = tuple(replace(m, received_at=self.received_at) for m in self.messages)
        return ParsedPayload(stamped, tuple(self.events), tuple(self.thread_returns))


# WhatsApp Cloud API ------------------------------------------------------------------------------------------


def _wa_text(msg: dict[str, Any]) -> dict[str, Any]:
    return {"kind": MessageKind.TEXT, "text": _str(_obj(msg.get("text")).get("body"))}


def _wa_interactive(msg: dict[str, Any]) -> dict[str, Any]:
    interactive = _obj(msg.get("interactive"))
    subtype = _str(interactive.get("type"))
    if subtype in {MessageKind.BUTTON_REPLY, MessageKind.LIST_REPLY}:
        reply = _obj(interactive.get(subtype))
        return {"kind": MessageKind(subtype), "payload": _str(reply.get("id")), "text": _str(reply.get("title"))}
    # e.g. nfm_reply (a WhatsApp Flow's answer): nothing Parley sends yet, so nothing it can act on.
    return {"kind": MessageKind.UNSUPPORTED, "unsupported_type": _word(f"interactive.{subtype}")}


def _wa_button(msg: dict[str, Any]) -> dict[str, Any]:
    button = _obj(msg.get("button"))
    return {"kind": MessageKind.BUTTON, "payload": _str(button.get("payload")), "text": _str(button.get("text"))}


def _wa_location(msg: dict[str, Any]) -> dict[str, Any]:
    loc = _obj(msg.get("location"))
    location = Location(
        latitude=_float(loc.get("latitude")),
        longitude=_float(loc.get("longitude")),
        name=_str(loc.get("name")),
        address=_str(loc.get("address")),
        url=_str(loc.get("url")),
    )
    return {"kind": MessageKind.LOCATION, "location": location}


def _wa_media(kind: MessageKind) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def media(msg: dict[str, Any]) -> dict[str, Any]:
        body = _obj(msg.get(kind.value))
        attachment = Attachment(
            type=kind.value,
            media_id=_str(body.get("id")),
            mime_type=_str(body.get("mime_type")),
            sha256=_str(body.get("sha256")),
            url=_str(body.get("url")),
            filename=_str(body.get("filename")),
            voice=body.get("voice") is True,
            animated=body.get("animated") is True,
        )
        # A caption is the customer's words about the media: it counts as text.
        return {"kind": kind, "text": _str(body.get("caption")), "attachments": (attachment,)}

    return media


def _wa_reaction(msg: dict[str, Any]) -> dict[str, Any]:
    reaction = _obj(msg.get("reaction"))
    emoji = _str(reaction.get("emoji"))
    # WhatsApp removes a reaction by sending it again with no emoji.
    return {
        "kind": MessageKind.REACTION,
        "reaction": Reaction(message_id=_str(reaction.get("message_id")), emoji=emoji, removed=not emoji),
    }


def _wa_contacts(msg: dict[str, Any]) -> dict[str, Any]:
    # Shared cards hold other people's names and numbers: only how many were shared is kept.
    return {"kind": MessageKind.CONTACTS, "shared_contacts": sum(1 for _ in _dicts(msg.get("contacts")))}


def _wa_order(msg: dict[str, Any]) -> dict[str, Any]:
    order = _obj(msg.get("order"))
    items = tuple(
        CatalogOrderItem(
            product_retailer_id=_str(item.get("product_retailer_id")),
            quantity=_int(item.get("quantity")),
            item_price=_price(item.get("item_price")),
            currency=_str(item.get("currency")),
        )
        for item in _dicts(order.get("product_items"))
    )
    return {
        "kind": MessageKind.ORDER,
        "text": _str(order.get("text")),
        "order": CatalogOrder(catalog_id=_str(order.get("catalog_id")), items=items),
    }


def _wa_system(msg: dict[str, Any]) -> dict[str, Any]:
    system = _obj(msg.get("system"))
    change = SystemChange(
        type=_word(system.get("type")),
        new_user_id=_str(system.get("wa_id")) or _str(system.get("new_wa_id")),
        body=_str(system.get("body")),
    )
    return {"kind": MessageKind.SYSTEM, "system": change}


def _wa_unsupported(msg: dict[str, Any]) -> dict[str, Any]:
    return {"kind": MessageKind.UNSUPPORTED, "unsupported_type": _word(_obj(msg.get("unsupported")).get("type"))}


_WHATSAPP_KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "text": _wa_text,
    "interactive": _wa_interactive,
    "button": _wa_button,
    "location": _wa_location,
    "image": _wa_media(MessageKind.IMAGE),
    "audio": _wa_media(MessageKind.AUDIO),
    "video": _wa_media(MessageKind.VIDEO),
    "document": _wa_media(MessageKind.DOCUMENT),
    "sticker": _wa_media(MessageKind.STICKER),
    "reaction": _wa_reaction,
    "contacts": _wa_contacts,
    "order": _wa_order,
    "system": _wa_system,
    "unsupported": _wa_unsupported,
}


def _wa_context(msg: dict[str, Any]) -> dict[str, Any]:
    context = _obj(msg.get("context"))
    product = _obj(context.get("referred_product"))
    ad = _obj(msg.get("referral"))  # a Click-to-WhatsApp ad or post the customer came from
    return {
        "reply_to": _str(context.get("id")),
        "referred_product": ReferredProduct(_str(product.get("catalog_id")), _str(product.get("product_retailer_id")))
        if product
        else None,
        "referral": Referral(source=_word(ad.get("source_type")), ad_id=_str(ad.get("source_id"))) if ad else None,
    }


def _wa_messages(value: dict[str, Any], found: _Found) -> None:
    recipient = _str(_obj(value.get("metadata")).get("phone_number_id"))
    names = {_str(c.get("wa_id")): _str(_obj(c.get("profile")).get("name")) for c in _dicts(value.get("contacts"))}
    for msg in _dicts(value.get("messages")):
        sender, message_id = _str(msg.get("from")), _str(msg.get("id"))
        timestamp = _int(msg.get("timestamp"))
        if not sender or not message_id:
            found.unhandled("incomplete_message", timestamp)
            continue
        type_ = _str(msg.get("type"))
        build = _WHATSAPP_KINDS.get(type_)
        # A type newer than this code (or request_welcome) is still a customer's message: fulfillment decides.
        fields = build(msg) if build else {"kind": MessageKind.UNSUPPORTED, "unsupported_type": _word(type_)}
        found.messages.append(
            InboundMessage(
                channel=Channel.WHATSAPP,
                sender_id=sender,
                message_id=message_id,
                timestamp=timestamp,
                recipient_id=recipient,
                profile_name=names.get(sender, ""),
                errors=_errors(msg.get("errors")),
                **_wa_context(msg),
                **fields,
            )
        )


def _wa_statuses(value: dict[str, Any], found: _Found) -> None:
    for status in _dicts(value.get("statuses")):
        found.event(
            EventType.DELIVERY_STATUS,
            _int(status.get("timestamp")),
            _str(status.get("recipient_id")),
            _str(status.get("id")),
            status=_word(status.get("status")),
            errors=_errors(status.get("errors")),
            pricing_category=_word(_obj(status.get("pricing")).get("category")),
        )


def read_whatsapp(payload: Any, received_at: int = 0) -> ParsedPayload:
    """A WhatsApp Cloud API webhook (object = whatsapp_business_account): messages and status events.

    `received_at` (seconds) stamps events for which Meta gives no time of their own."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise PayloadError("not a WhatsApp Business Account webhook")
    found = _Found(Channel.WHATSAPP, received_at)
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            if change.get("field") != "messages":
                # Template status, account updates, SMB echoes…: acknowledged and counted, not handled.
                found.unhandled(change.get("field"))
                continue
            _wa_messages(value, found)
            _wa_statuses(value, found)
            if "errors" in value:
                found.event(EventType.PLATFORM_ERROR, 0, errors=_errors(value.get("errors")))
    return found.result()


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
    referral = _obj(value)
    if not referral:
        return None
    return Referral(
        source=_word(referral.get("source")),
        type=_word(referral.get("type")),
        ref=_str(referral.get("ref")),
        ad_id=_str(referral.get("ad_id")),
    )


def _messenger_content(message: dict[str, Any]) -> dict[str, Any]:
    """Kind, text, payload and attachments of one Messenger message (not an echo)."""
    text = _str(message.get("text"))
    quick_reply = _obj(message.get("quick_reply"))
    if quick_reply:
        return {"kind": MessageKind.QUICK_REPLY, "text": text, "payload": _str(quick_reply.get("payload"))}
    sticker_id = _str(message.get("sticker_id"))
    kinds: list[MessageKind] = []
    attachments: list[Attachment] = []
    location: Location | None = None
    unsupported = ""
    for item in _dicts(message.get("attachments")):
        type_, body = _str(item.get("type")), _obj(item.get("payload"))
        if type_ == "location":
            coordinates = _obj(body.get("coordinates"))
            location = Location(
                latitude=_float(coordinates.get("lat")),
                longitude=_float(coordinates.get("long")),
                name=_str(item.get("title")),
                url=_str(item.get("url")),
            )
            kinds.append(MessageKind.LOCATION)
            continue
        kind = _MESSENGER_MEDIA.get(type_)
        if kind is None:  # template, reel, ig_reel, post, appointment_booking…
            unsupported = unsupported or _word(type_)
            continue
        item_sticker = _str(body.get("sticker_id"))
        if item_sticker or (sticker_id and type_ == "image"):
            kind, type_ = MessageKind.STICKER, "sticker"
        if kind is MessageKind.STICKER and any(a.type == "sticker" for a in attachments):
            continue  # during Meta's sticker transition one sticker arrives as both "sticker" and "image"
        attachments.append(
            Attachment(
                type=type_,
                url=_str(body.get("url")) or _str(item.get("url")),
                title=_str(body.get("title")) or _str(item.get("title")),
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


def _messenger_event(item: dict[str, Any], page_id: str, found: _Found, standby: bool) -> None:
    sender = _str(_obj(item.get("sender")).get("id"))
    recipient = _str(_obj(item.get("recipient")).get("id"))
    stamp_ms = _int(item.get("timestamp"))
    seconds = stamp_ms // 1000  # Messenger stamps milliseconds; WhatsApp and InboundMessage use seconds
    user = recipient if page_id and sender == page_id else sender  # an echo is sent by the page
    what = next((k for k in item if k not in _ENVELOPE and isinstance(item[k], dict)), "")
    body = _obj(item.get(what))

    if standby:
        # Another app (the Page Inbox, a human agent) owns this thread: note it, never answer it.
        mid = _str(body.get("mid"))
        detail = "message_echo" if what == "message" and body.get("is_echo") else what or "unknown"
        found.event(EventType.STANDBY, seconds, user, mid, detail=_word(detail))
        return
    if what in _HANDOVERS:
        owner = _str(body.get("new_owner_app_id")) or _str(body.get("requested_owner_app_id"))
        found.event(EventType.HANDOVER, seconds, user, status=what, owner_app_id=owner)
        # Meta sends pass_thread_control to the app that receives the thread: here, us, from the Page Inbox.
        if what == "pass_thread_control" and sender and sender != page_id:
            found.thread_returns.append(ThreadReturn(sender, stamp_ms))
        return
    if what == "delivery":
        watermark = _int(body.get("watermark"))
        mids = [_str(m) for m in body.get("mids", ()) if _str(m)] if isinstance(body.get("mids"), list) else []
        for mid in mids or [""]:
            found.event(EventType.DELIVERY_STATUS, seconds, user, mid, status="delivered", watermark_ms=watermark)
        return
    if what == "read":
        watermark = _int(body.get("watermark"))
        found.event(EventType.DELIVERY_STATUS, seconds, user, status="read", watermark_ms=watermark)
        return
    if what == "message" and body.get("is_echo"):
        return  # our own sends (and the Page's) coming back: nothing to answer, nothing to count
    if what not in {"message", "postback", "reaction", "referral"}:
        found.unhandled(what or "unknown", seconds, user)  # optins, policy enforcement, message edits…
        return
    if not sender:
        found.unhandled(f"{what}_without_sender", seconds)
        return

    fields: dict[str, Any]
    if what == "message":
        fields = {"message_id": _str(body.get("mid")), **_messenger_content(body)}
        fields["reply_to"] = _str(_obj(body.get("reply_to")).get("mid"))
    elif what == "postback":
        title, payload = _str(body.get("title")), _str(body.get("payload"))
        fields = {
            "message_id": _str(body.get("mid"))
            or _synthetic_id(MessageKind.POSTBACK, sender, str(stamp_ms), payload, title),
            "kind": MessageKind.POSTBACK,
            "text": title,
            "payload": payload,
            "referral": _referral(body.get("referral")),
        }
    elif what == "reaction":
        action, emoji, mid = _str(body.get("action")), _str(body.get("emoji")), _str(body.get("mid"))
        fields = {
            "message_id": _synthetic_id(MessageKind.REACTION, sender, str(stamp_ms), mid, action, emoji),
            "kind": MessageKind.REACTION,
            "reaction": Reaction(message_id=mid, emoji=emoji, removed=action == "unreact"),
        }
    else:
        referral = _referral(body)
        fields = {
            "message_id": _synthetic_id(MessageKind.REFERRAL, sender, str(stamp_ms), _str(body.get("ref"))),
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
    found = _Found(Channel.MESSENGER, received_at)
    for entry in _dicts(payload.get("entry")):
        page_id = _str(entry.get("id"))
        for item in _dicts(entry.get("messaging")):
            _messenger_event(item, page_id, found, standby=False)
        for item in _dicts(entry.get("standby")):
            _messenger_event(item, page_id, found, standby=True)
        for change in _dicts(entry.get("changes")):
            found.unhandled(change.get("field"))  # Page feed and other subscriptions are not Parley's
    return found.result()


def parse_whatsapp(payload: Any) -> list[InboundMessage]:
    """The customer messages of a WhatsApp payload alone (statuses are events, see read_whatsapp)."""
    return list(read_whatsapp(payload).messages)


def parse_messenger(payload: Any) -> list[InboundMessage]:
    """The customer messages of a Messenger payload alone (see read_messenger for its events)."""
    return list(read_messenger(payload).messages)


PARSERS: dict[Channel, Callable[[Any, int], ParsedPayload]] = {
    Channel.WHATSAPP: read_whatsapp,
    Channel.MESSENGER: read_messenger,
}
