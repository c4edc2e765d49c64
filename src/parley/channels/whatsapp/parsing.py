"""Reading a WhatsApp Cloud API webhook: every entry, change, message, status and call.

Who wrote: since April 2026 Meta adds a business-scoped user id (BSUID) to every message (`from_user_id`, and
`user_id` on its contact), and a customer who adopted a username may write with no phone number at all (`from` and
`wa_id` absent). Such a message is a message like any other: the sender is the wa_id when Meta gives it, else the
BSUID, and the conversation is keyed by the BSUID (InboundMessage.conversation_key).

What is not answered, by choice:
- a deleted message (`revoke`): the customer took it back; answering it would answer words they withdrew;
- an edited message (`edit`): the original was answered already, and answering the edit as well would say the
  same thing twice, or contradict the first answer the customer has read. It is acknowledged as a channel event;
  a customer who wants another answer writes again;
- calls (the `calls` field) and answers to a call-permission request: Parley does not take calls;
- a message in a group the business's number is in (`group_id`): Parley serves one customer at a time.
Each becomes a content-free channel event; none is queued. `request_welcome` (the customer opened the chat for the
first time) is queued as a referral: a new conversation gets the welcome, and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from parley.channels.events import EventType
from parley.channels.model import (
    Attachment,
    CatalogOrder,
    CatalogOrderItem,
    Channel,
    InboundMessage,
    Location,
    MessageKind,
    Reaction,
    Referral,
    ReferredProduct,
    SystemChange,
)
from parley.channels.payload_reading import (
    Found,
    ParsedPayload,
    PayloadError,
    as_float,
    as_int,
    as_obj,
    as_price,
    as_seconds,
    as_str,
    as_word,
    dicts,
    errors_of,
    synthetic_id,
)

# A WhatsApp Flow's answers: at most this many fields, each value at most this long, go into the message text.
FORM_FIELDS = 50
FORM_VALUE_LIMIT = 500
_NOT_ANSWERS = frozenset({"flow_token"})  # the business's own correlation id, not the customer's answer

# WhatsApp Cloud API ------------------------------------------------------------------------------------------


def _wa_text(msg: dict[str, Any]) -> dict[str, Any]:
    return {"kind": MessageKind.TEXT, "text": as_str(as_obj(msg.get("text")).get("body"))}


def _wa_interactive(msg: dict[str, Any]) -> dict[str, Any]:
    interactive = as_obj(msg.get("interactive"))
    subtype = as_str(interactive.get("type"))
    if subtype in {MessageKind.BUTTON_REPLY, MessageKind.LIST_REPLY}:
        reply = as_obj(interactive.get(subtype))
        return {"kind": MessageKind(subtype), "payload": as_str(reply.get("id")), "text": as_str(reply.get("title"))}
    if subtype == "nfm_reply":  # a WhatsApp Flow's answers (or an address message): readable as its fields
        return {"kind": MessageKind.FORM, "text": form_text(as_obj(interactive.get("nfm_reply")).get("response_json"))}
    return {"kind": MessageKind.UNSUPPORTED, "unsupported_type": as_word(f"interactive.{subtype}")}


def _form_fields(value: Any, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not name and key in _NOT_ANSWERS:
                continue
            yield from _form_fields(inner, f"{name}.{key}" if name else str(key))
    elif isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        yield name, ", ".join(as_str(v) or (str(v) if isinstance(v, float | bool) else "") for v in value)
    elif isinstance(value, list):
        for i, inner in enumerate(value, 1):
            yield from _form_fields(inner, f"{name}.{i}")
    elif value is not None and value != "":
        yield name, str(value).lower() if isinstance(value, bool) else as_str(value) or str(value)


def form_text(response_json: Any) -> str:
    """A Flow's answers as the customer gave them, one "name: value" a line (nested fields as "a.b"); the
    business's flow_token is not an answer and is left out. Meta sends them as a JSON string; anything else
    (missing, not JSON, not an object) reads as no answers."""
    try:
        answers = json.loads(response_json) if isinstance(response_json, str) else None
    except (ValueError, RecursionError):
        return ""
    if not isinstance(answers, dict):
        return ""
    lines = [f"{name}: {' '.join(value.split())[:FORM_VALUE_LIMIT]}" for name, value in _form_fields(answers, "")]
    return "\n".join(lines[:FORM_FIELDS])


def _wa_button(msg: dict[str, Any]) -> dict[str, Any]:
    button = as_obj(msg.get("button"))
    return {"kind": MessageKind.BUTTON, "payload": as_str(button.get("payload")), "text": as_str(button.get("text"))}


def _wa_location(msg: dict[str, Any]) -> dict[str, Any]:
    loc = as_obj(msg.get("location"))
    location = Location(
        latitude=as_float(loc.get("latitude")),
        longitude=as_float(loc.get("longitude")),
        name=as_str(loc.get("name")),
        address=as_str(loc.get("address")),
        url=as_str(loc.get("url")),
    )
    return {"kind": MessageKind.LOCATION, "location": location}


def _wa_media(kind: MessageKind) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def media(msg: dict[str, Any]) -> dict[str, Any]:
        body = as_obj(msg.get(kind.value))
        attachment = Attachment(
            type=kind.value,
            media_id=as_str(body.get("id")),
            mime_type=as_str(body.get("mime_type")),
            sha256=as_str(body.get("sha256")),
            url=as_str(body.get("url")),
            filename=as_str(body.get("filename")),
            voice=body.get("voice") is True,
            animated=body.get("animated") is True,
        )
        # A caption is the customer's words about the media: it counts as text.
        return {"kind": kind, "text": as_str(body.get("caption")), "attachments": (attachment,)}

    return media


def _wa_reaction(msg: dict[str, Any]) -> dict[str, Any]:
    reaction = as_obj(msg.get("reaction"))
    emoji = as_str(reaction.get("emoji"))
    # WhatsApp removes a reaction by sending it again with no emoji.
    return {
        "kind": MessageKind.REACTION,
        "reaction": Reaction(message_id=as_str(reaction.get("message_id")), emoji=emoji, removed=not emoji),
    }


def _wa_contacts(msg: dict[str, Any]) -> dict[str, Any]:
    # Shared cards hold other people's names and numbers: only how many were shared is kept.
    return {"kind": MessageKind.CONTACTS, "shared_contacts": sum(1 for _ in dicts(msg.get("contacts")))}


def _wa_order(msg: dict[str, Any]) -> dict[str, Any]:
    order = as_obj(msg.get("order"))
    items = tuple(
        CatalogOrderItem(
            product_retailer_id=as_str(item.get("product_retailer_id")),
            quantity=as_int(item.get("quantity")),
            item_price=as_price(item.get("item_price")),
            currency=as_str(item.get("currency")),
        )
        for item in dicts(order.get("product_items"))
    )
    return {
        "kind": MessageKind.ORDER,
        "text": as_str(order.get("text")),
        "order": CatalogOrder(catalog_id=as_str(order.get("catalog_id")), items=items),
    }


def _wa_system(msg: dict[str, Any]) -> dict[str, Any]:
    system = as_obj(msg.get("system"))
    change = SystemChange(
        type=as_word(system.get("type")),
        # user_changed_number: the new wa_id; user_changed_user_id: the new BSUID.
        new_user_id=as_str(system.get("wa_id")) or as_str(system.get("new_wa_id")) or as_str(system.get("user_id")),
        body=as_str(system.get("body")),
    )
    return {"kind": MessageKind.SYSTEM, "system": change}


def _wa_unsupported(msg: dict[str, Any]) -> dict[str, Any]:
    return {"kind": MessageKind.UNSUPPORTED, "unsupported_type": as_word(as_obj(msg.get("unsupported")).get("type"))}


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
    # The customer opened the chat for the first time: a new conversation is welcomed, an old one left alone.
    "request_welcome": lambda msg: {"kind": MessageKind.REFERRAL, "referral": Referral(type="request_welcome")},
}
# Message types that are not a customer's words to answer: a channel event each, never queued.
_EVENT_TYPES = {"revoke": EventType.MESSAGE_DELETED, "edit": EventType.MESSAGE_EDITED}


def _wa_context(msg: dict[str, Any]) -> dict[str, Any]:
    context = as_obj(msg.get("context"))
    product = as_obj(context.get("referred_product"))
    ad = as_obj(msg.get("referral"))  # a Click-to-WhatsApp ad or post the customer came from
    return {
        "reply_to": as_str(context.get("id")),
        "referred_product": ReferredProduct(
            as_str(product.get("catalog_id")), as_str(product.get("product_retailer_id"))
        )
        if product
        else None,
        "referral": Referral(source=as_word(ad.get("source_type")), ad_id=as_str(ad.get("source_id"))) if ad else None,
    }


@dataclass(frozen=True)
class _Contact:
    wa_id: str
    user_id: str
    name: str


def _contacts(value: dict[str, Any]) -> dict[str, _Contact]:
    """The payload's contacts, findable by wa_id and by BSUID (either may be missing)."""
    found = [
        _Contact(
            as_str(c.get("wa_id")),
            as_str(c.get("user_id")),
            # Meta allows a username in place of a profile name when addressing the customer.
            as_str(as_obj(c.get("profile")).get("name")) or as_str(as_obj(c.get("profile")).get("username")),
        )
        for c in dicts(value.get("contacts"))
    ]
    return {key: c for c in found for key in (c.wa_id, c.user_id) if key}


def _sender(msg: dict[str, Any], by_id: dict[str, _Contact]) -> tuple[str, str, str]:
    """The message's wa_id (may be ""), BSUID (may be "") and profile name. A message names its sender itself;
    its contact adds the other id and the name (never a sender for a message that names none)."""
    phone, bsuid = as_str(msg.get("from")), as_str(msg.get("from_user_id"))
    contact = by_id.get(phone) or by_id.get(bsuid)
    if contact is None:
        return phone, bsuid, ""
    return phone or contact.wa_id, bsuid or contact.user_id, contact.name


def _wa_messages(value: dict[str, Any], found: Found) -> None:
    recipient = as_str(as_obj(value.get("metadata")).get("phone_number_id"))
    by_id = _contacts(value)
    for msg in dicts(value.get("messages")):
        phone, bsuid, name = _sender(msg, by_id)
        timestamp, type_ = as_seconds(msg.get("timestamp")), as_str(msg.get("type"))
        # Meta always sends a wamid; without one, an id derived from the message itself is the same on every
        # redelivery, so the message is still answered once.
        message_id = as_str(msg.get("id")) or synthetic_id(
            MessageKind.TEXT, json.dumps(msg, sort_keys=True, default=str)
        )
        if type_ == "system" and not (phone or bsuid):
            # A number or BSUID change names the old id in the change itself.
            bsuid = as_str(as_obj(msg.get("system")).get("previous_user_id"))
        sender = phone or bsuid
        if not sender or not message_id:
            found.unhandled("incomplete_message", timestamp)
            continue
        if as_str(msg.get("group_id")):
            # Parley serves one customer at a time: a reply in the group would speak to everyone in it, one in the
            # private chat would answer words the customer addressed to the group.
            found.event(EventType.GROUP_MESSAGE, timestamp, bsuid or phone, message_id, detail=as_word(type_))
            continue
        if type_ in _EVENT_TYPES:
            original = as_str(as_obj(msg.get(type_)).get("original_message_id")) or message_id
            found.event(_EVENT_TYPES[type_], timestamp, bsuid or phone, original)
            continue
        if type_ == "interactive" and as_obj(msg.get("interactive")).get("type") == "call_permission_reply":
            reply = as_obj(as_obj(msg.get("interactive")).get("call_permission_reply"))
            found.event(EventType.CALL, timestamp, bsuid or phone, message_id, status=as_word(reply.get("response")),
                        detail="call_permission_reply")  # fmt: skip
            continue
        build = _WHATSAPP_KINDS.get(type_)
        # A type newer than this code is still a customer's message: fulfillment decides.
        fields = build(msg) if build else {"kind": MessageKind.UNSUPPORTED, "unsupported_type": as_word(type_)}
        found.messages.append(
            InboundMessage(
                channel=Channel.WHATSAPP,
                sender_id=sender,
                user_id=bsuid,
                message_id=message_id,
                timestamp=timestamp,
                recipient_id=recipient,
                profile_name=name,
                errors=errors_of(msg.get("errors")),
                **{**_wa_context(msg), **fields},  # a kind's own referral (request_welcome) over the context's
            )
        )


def _wa_statuses(value: dict[str, Any], found: Found) -> None:
    for status in dicts(value.get("statuses")):
        # Keyed as the conversation is (the BSUID first), so a status joins its conversation in analytics.
        user = as_str(status.get("recipient_user_id")) or as_str(status.get("recipient_id"))
        found.delivery(
            as_seconds(status.get("timestamp")),
            user,
            as_str(status.get("id")),
            status=as_word(status.get("status")),
            errors=errors_of(status.get("errors")),
            pricing_category=as_word(as_obj(status.get("pricing")).get("category")),
        )


def _wa_calls(value: dict[str, Any], found: Found) -> None:
    """The `calls` field: a call connecting or ending, and call statuses. Parley takes no calls: events only."""
    for call in dicts(value.get("calls")):
        user_initiated = as_str(call.get("direction")) != "BUSINESS_INITIATED"
        side = "from" if user_initiated else "to"
        user = as_str(call.get(f"{side}_user_id")) or as_str(call.get(side))
        found.event(EventType.CALL, as_seconds(call.get("timestamp")), user, as_str(call.get("id")),
                    status=as_word(call.get("event")), detail=as_word(call.get("direction")) or "call")  # fmt: skip
    for status in dicts(value.get("statuses")):
        user = as_str(status.get("recipient_user_id")) or as_str(status.get("recipient_id"))
        found.event(EventType.CALL, as_seconds(status.get("timestamp")), user, as_str(status.get("id")),
                    status=as_word(status.get("status")), detail="call_status")  # fmt: skip


def read_whatsapp(payload: Any, received_at: int = 0) -> ParsedPayload:
    """A WhatsApp Cloud API webhook (object = whatsapp_business_account): messages and status events.

    `received_at` (seconds) stamps events for which Meta gives no time of their own."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise PayloadError("not a WhatsApp Business Account webhook")
    found = Found(Channel.WHATSAPP, received_at)
    for entry in dicts(payload.get("entry")):
        for change in dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            field = change.get("field")
            if field is None:  # Meta always names it; hand-written payloads (other projects' tests) may not
                field = "calls" if "calls" in value else "messages" if {"messages", "statuses"} & set(value) else None
            if field == "calls":
                _wa_calls(value, found)
                continue
            if field != "messages":
                # Template status, account updates, SMB echoes, BSUID updates…: acknowledged and counted, not handled.
                found.unhandled(field)
                continue
            _wa_messages(value, found)
            _wa_statuses(value, found)
            if "errors" in value:
                found.event(EventType.PLATFORM_ERROR, 0, errors=errors_of(value.get("errors")))
    return found.result()
