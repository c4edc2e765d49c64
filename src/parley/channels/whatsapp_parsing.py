"""Reading a WhatsApp Cloud API webhook: every entry, change, message and status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    as_str,
    as_word,
    dicts,
    errors_of,
)
from parley.events import EventType

# WhatsApp Cloud API ------------------------------------------------------------------------------------------


def _wa_text(msg: dict[str, Any]) -> dict[str, Any]:
    return {"kind": MessageKind.TEXT, "text": as_str(as_obj(msg.get("text")).get("body"))}


def _wa_interactive(msg: dict[str, Any]) -> dict[str, Any]:
    interactive = as_obj(msg.get("interactive"))
    subtype = as_str(interactive.get("type"))
    if subtype in {MessageKind.BUTTON_REPLY, MessageKind.LIST_REPLY}:
        reply = as_obj(interactive.get(subtype))
        return {"kind": MessageKind(subtype), "payload": as_str(reply.get("id")), "text": as_str(reply.get("title"))}
    # e.g. nfm_reply (a WhatsApp Flow's answer): nothing Parley sends yet, so nothing it can act on.
    return {"kind": MessageKind.UNSUPPORTED, "unsupported_type": as_word(f"interactive.{subtype}")}


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
        new_user_id=as_str(system.get("wa_id")) or as_str(system.get("new_wa_id")),
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
}


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


def _wa_messages(value: dict[str, Any], found: Found) -> None:
    recipient = as_str(as_obj(value.get("metadata")).get("phone_number_id"))
    names = {as_str(c.get("wa_id")): as_str(as_obj(c.get("profile")).get("name")) for c in dicts(value.get("contacts"))}
    for msg in dicts(value.get("messages")):
        sender, message_id = as_str(msg.get("from")), as_str(msg.get("id"))
        timestamp = as_int(msg.get("timestamp"))
        if not sender or not message_id:
            found.unhandled("incomplete_message", timestamp)
            continue
        type_ = as_str(msg.get("type"))
        build = _WHATSAPP_KINDS.get(type_)
        # A type newer than this code (or request_welcome) is still a customer's message: fulfillment decides.
        fields = build(msg) if build else {"kind": MessageKind.UNSUPPORTED, "unsupported_type": as_word(type_)}
        found.messages.append(
            InboundMessage(
                channel=Channel.WHATSAPP,
                sender_id=sender,
                message_id=message_id,
                timestamp=timestamp,
                recipient_id=recipient,
                profile_name=names.get(sender, ""),
                errors=errors_of(msg.get("errors")),
                **_wa_context(msg),
                **fields,
            )
        )


def _wa_statuses(value: dict[str, Any], found: Found) -> None:
    for status in dicts(value.get("statuses")):
        found.delivery(
            as_int(status.get("timestamp")),
            as_str(status.get("recipient_id")),
            as_str(status.get("id")),
            status=as_word(status.get("status")),
            errors=errors_of(status.get("errors")),
            pricing_category=as_word(as_obj(status.get("pricing")).get("category")),
        )


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
            if change.get("field") != "messages":
                # Template status, account updates, SMB echoes…: acknowledged and counted, not handled.
                found.unhandled(change.get("field"))
                continue
            _wa_messages(value, found)
            _wa_statuses(value, found)
            if "errors" in value:
                found.event(EventType.PLATFORM_ERROR, 0, errors=errors_of(value.get("errors")))
    return found.result()
