"""The normalised inbound message every customer event becomes, whatever its kind or channel."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from enum import Enum, StrEnum
from typing import Any, TypeVar

from parley.observability import hashed_id


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"


class MessageKind(StrEnum):
    TEXT = "text"
    BUTTON_REPLY = "button_reply"  # WhatsApp interactive reply button: payload = button id, text = its title
    LIST_REPLY = "list_reply"  # WhatsApp interactive list row: payload = row id, text = its title
    BUTTON = "button"  # WhatsApp template quick-reply button: payload, text = button label
    QUICK_REPLY = "quick_reply"  # Messenger quick reply: payload, text = its title
    POSTBACK = "postback"  # Messenger button, persistent menu or Get Started: payload, text = title
    LOCATION = "location"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"  # WhatsApp document, Messenger file
    STICKER = "sticker"
    LINK = "link"  # Messenger "fallback" attachment: a shared link
    REACTION = "reaction"
    CONTACTS = "contacts"
    ORDER = "order"
    SYSTEM = "system"  # WhatsApp: the customer changed number or identity
    REFERRAL = "referral"  # Messenger: the customer came back through an m.me link, ad or chat plugin
    FORM = "form"  # WhatsApp: the answers to a WhatsApp Flow (nfm_reply); text = its fields, one "name: value" a line
    UNSUPPORTED = "unsupported"  # a type the platform (or Parley) cannot show; see errors / unsupported_type


# Kinds whose payload names an action directly: no language detection or NLU needed.
PAYLOAD_KINDS = frozenset(
    {
        MessageKind.BUTTON_REPLY,
        MessageKind.LIST_REPLY,
        MessageKind.BUTTON,
        MessageKind.QUICK_REPLY,
        MessageKind.POSTBACK,
    }
)
# Kinds that carry media; their text is the caption, often empty.
MEDIA_KINDS = frozenset(
    {
        MessageKind.IMAGE,
        MessageKind.AUDIO,
        MessageKind.VIDEO,
        MessageKind.DOCUMENT,
        MessageKind.STICKER,
        MessageKind.LINK,
    }
)


# The characters SQS takes in a message body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. It
# refuses a body with any other (InvalidMessageContents), which would fail every redelivery of the message alike.
_NOT_QUEUEABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_Queued = TypeVar("_Queued")


# What a queued message keeps of a customer's free text: more than anyone reads (understanding reads 4,096
# characters; WhatsApp caps a message at 4,096, Messenger at 2,000) and little enough that ten of them, in any
# script, fit in one SQS batch (queue.SQS_BATCH_BYTES). A display name is a few words; a payload a button's id.
MAX_QUEUED_TEXT, MAX_QUEUED_NAME, MAX_QUEUED_PAYLOAD = 8192, 256, 1024


def within_queue_limits(message: InboundMessage) -> InboundMessage:
    """The message with its text, display name and payload cut to what the queue carries (MAX_QUEUED_*): a
    120,000-character profile name copied into ten messages is no reason to refuse all ten, on every redelivery."""
    if (
        len(message.text) <= MAX_QUEUED_TEXT
        and len(message.profile_name) <= MAX_QUEUED_NAME
        and len(message.payload) <= MAX_QUEUED_PAYLOAD
    ):
        return message
    return replace(
        message,
        text=message.text[:MAX_QUEUED_TEXT],
        profile_name=message.profile_name[:MAX_QUEUED_NAME],
        payload=message.payload[:MAX_QUEUED_PAYLOAD],
    )


def queueable(value: _Queued) -> _Queued:
    """The value with every character SQS refuses replaced by U+FFFD, in every string however deep (a message's
    text, names, payloads and ids, an agent's words): the message is still answered, the odd character shown as
    the replacement mark its platform would show, instead of being refused by the queue on every redelivery."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return _NOT_QUEUEABLE.sub("\ufffd", value) if _NOT_QUEUEABLE.search(value) else value  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(queueable(item) for item in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: queueable(getattr(value, f.name)) for f in fields(value) if f.init})
    return value


def user_hash(channel: Channel, user_id: str) -> str:
    """What logs, traces and channel events may say about a user: a short HMAC under the stack's log hash key (see
    observability.hashed_id), never the number or PSID itself nor a plain hash one could reverse by trying numbers."""
    return hashed_id(f"{channel}#{user_id}", 12)


def message_ref(channel: Channel, message_id: str) -> str:
    """A platform message id as logs and channel events may name it. A wamid is base64 around the customer's phone
    number, so it is hashed, under the same key; whoever records an outbound message's id records this same
    reference, to join on it."""
    return hashed_id(f"{channel}:{message_id}", 24)


@dataclass(frozen=True)
class Attachment:
    type: str  # the platform's word: image, audio, video, document, sticker, file, fallback
    media_id: str = ""  # WhatsApp: fetched with GET /{media-id}; Messenger gives a URL instead
    mime_type: str = ""
    sha256: str = ""
    url: str = ""
    filename: str = ""
    title: str = ""  # Messenger fallback: the shared page's title
    voice: bool = False  # WhatsApp audio recorded as a voice note
    animated: bool = False
    sticker_id: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""
    url: str = ""


@dataclass(frozen=True)
class Reaction:
    message_id: str  # the message reacted to
    emoji: str = ""
    removed: bool = False  # WhatsApp sends an empty emoji, Messenger action "unreact"


@dataclass(frozen=True)
class CatalogOrderItem:
    product_retailer_id: str
    quantity: int
    item_price: str  # as Meta sent it, kept as text so no float rounding creeps into money
    currency: str


@dataclass(frozen=True)
class CatalogOrder:
    catalog_id: str
    items: tuple[CatalogOrderItem, ...] = ()


@dataclass(frozen=True)
class ReferredProduct:
    """The catalog product a WhatsApp customer asked about ("Message business" on a product)."""

    catalog_id: str
    product_retailer_id: str


@dataclass(frozen=True)
class Referral:
    source: str = ""  # Messenger: SHORTLINK, ADS, CUSTOMER_CHAT_PLUGIN…; WhatsApp: ad or post
    type: str = ""  # Messenger: OPEN_THREAD
    ref: str = ""  # the ref parameter of the m.me link
    ad_id: str = ""


@dataclass(frozen=True)
class SystemChange:
    type: str  # user_changed_number, customer_identity_changed…
    new_user_id: str = ""  # user_changed_number: the new wa_id
    body: str = ""


# Meta's error text can echo what was sent or whom it went to; keep phone numbers, PSIDs and e-mail addresses out.
_PERSONAL = re.compile(r"\+?\d[\d\s-]{5,}\d|[\w.+-]+@[\w-]+\.[\w.-]+")


def without_personal(text: str) -> str:
    """A platform's error text as logs, exceptions and channel events may hold it: at most 200 characters, with
    anything like a phone number, a PSID or an e-mail address replaced by "…"."""
    return _PERSONAL.sub("…", text)[:200]


@dataclass(frozen=True)
class PlatformError:
    code: int
    title: str = ""


_Nested = TypeVar("_Nested")


def _build(cls: type[_Nested], data: dict[str, Any]) -> _Nested:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in known})


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    """A field as JSON holds it: nested values as objects, tuples as lists."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


def _order(data: dict[str, Any]) -> CatalogOrder:
    items = tuple(_build(CatalogOrderItem, i) for i in data.get("items", ()))
    return CatalogOrder(catalog_id=data["catalog_id"], items=items)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "channel": Channel,
    "kind": MessageKind,
    "attachments": lambda v: tuple(_build(Attachment, a) for a in v),
    "location": lambda v: _build(Location, v),
    "reaction": lambda v: _build(Reaction, v),
    "order": _order,
    "referred_product": lambda v: _build(ReferredProduct, v),
    "referral": lambda v: _build(Referral, v),
    "system": lambda v: _build(SystemChange, v),
    "errors": lambda v: tuple(_build(PlatformError, e) for e in v),
}
# Always written, as before kinds existed, so a text message's JSON is what it always was.
_ALWAYS = (
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
)


@dataclass(frozen=True)
class InboundMessage:
    channel: Channel
    # Who wrote, as the channel addresses them: WhatsApp's wa_id (digits), or the business-scoped user id when Meta
    # withholds the number (a customer with a username); Messenger's PSID.
    sender_id: str
    message_id: str  # the platform's id: wamid.… or m_…; the unit of exactly-once
    timestamp: int  # seconds since the epoch, as the platform stamped it
    kind: MessageKind = MessageKind.TEXT
    text: str = ""  # the customer's words: the body, a caption, a button's title
    recipient_id: str = ""  # our WhatsApp phone number id or Messenger page id
    profile_name: str = ""
    locale_hint: str = ""  # neither platform's webhook reliably gives one: empty unless known
    reply_to: str = ""  # id of the earlier message this one answers (WhatsApp context, Messenger reply_to)
    payload: str = ""  # the action id of a button, list row, quick reply or postback (see PAYLOAD_KINDS)
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    reaction: Reaction | None = None
    order: CatalogOrder | None = None
    referred_product: ReferredProduct | None = None
    referral: Referral | None = None
    system: SystemChange | None = None
    errors: tuple[PlatformError, ...] = ()
    shared_contacts: int = 0  # how many contact cards were shared; their names and numbers are not kept
    unsupported_type: str = ""  # what the platform says could not be shown (poll_update, template…)
    received_at: int = 0  # seconds since the epoch when our webhook took it; 0 when unknown
    received_at_ms: int = 0  # the same in milliseconds: a reply's latency is measured from it
    # WhatsApp's business-scoped user id (BSUID, e.g. "US.13491208655302741918"), sent with every message since
    # April 2026 whether or not the number is; "" when the payload has none.
    user_id: str = ""

    @property
    def conversation_key(self) -> str:
        """One conversation per channel and user; also the FIFO group, so one user's messages stay in order. Keyed
        by the business-scoped user id when there is one: it stays the same whether or not Meta shows the number."""
        return f"{self.channel}#{self.user_id or self.sender_id}"

    @property
    def sender_hash(self) -> str:
        """What logs may say about the sender: a short one-way hash, never the number itself."""
        return user_hash(self.channel, self.user_id or self.sender_id)

    def to_json(self) -> str:
        data: dict[str, Any] = {name: getattr(self, name) for name in _ALWAYS}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in data and value:  # kind-specific fields only when set: small SQS bodies
                data[f.name] = _plain(value)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> InboundMessage:
        data: dict[str, Any] = json.loads(raw)
        known = {f.name for f in fields(cls)}
        return cls(**{k: _DECODERS.get(k, _same)(v) for k, v in data.items() if k in known})
