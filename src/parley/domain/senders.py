"""Who a message is from, as the business's data can link them to a customer: on WhatsApp the business-scoped user
id (BSUID) first, then the phone number (when WhatsApp shows it); on Messenger the page-scoped id (PSID).

Since April 2026 WhatsApp sends a BSUID with every message ("US.13491208655302741918"; a parent BSUID shared by a
business's portfolios reads "US.ENT.11815799212886844830"); a customer who adopted a username may come with no
phone number at all. The rules here are pure: every store (DynamoDB, the tests' fakes) follows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from parley.domain.records import Customer

WHATSAPP = "whatsapp"
MESSENGER = "messenger"
# Two-letter country code, a dot, then up to 128 letters and digits; ENT. before them for a parent BSUID.
_BSUID = re.compile(r"^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$")
# WhatsApp's wa_id: the number with its country code, digits only.
_WA_ID = re.compile(r"^[0-9]{7,15}$")
# The customer fields that link a sender to a customer: each value links one customer only, unless the business
# allows shared phone numbers (SHARED_PHONE_NUMBERS).
SENDER_FIELDS = ("whatsapp_user_id", "phone", "messenger_psid")


def is_bsuid(value: str) -> bool:
    return bool(_BSUID.match(value))


def is_wa_id(value: str) -> bool:
    return bool(_WA_ID.match(value))


@dataclass(frozen=True)
class Sender:
    """One message's author as the channel names them."""

    channel: str  # "whatsapp" or "messenger"
    sender_id: str  # WhatsApp: the wa_id, or the BSUID when the number is withheld; Messenger: the PSID
    user_id: str = ""  # WhatsApp: the BSUID ("" when the payload has none)

    def links(self) -> list[tuple[str, str]]:
        """The customer fields that would link this sender, in the order they are looked up: (field, value)."""
        if self.channel != WHATSAPP:
            return [("messenger_psid", self.sender_id)] if self.sender_id else []
        bsuid = self.user_id or (self.sender_id if is_bsuid(self.sender_id) else "")
        found = [("whatsapp_user_id", bsuid)] if bsuid else []
        # A BSUID in sender_id is no phone number: never look it up as one.
        return found + ([("phone", self.sender_id)] if is_wa_id(self.sender_id) else [])

    @property
    def whatsapp_user_id(self) -> str:
        """The BSUID a customer's record may remember for this sender ("" none)."""
        return dict(self.links()).get("whatsapp_user_id", "")


def linked(customer: Customer, sender: Sender) -> bool:
    """The customer's record links the sender (by any of its ids)."""
    return any(getattr(customer, field) == value for field, value in sender.links())


def find_linked(customers: Iterable[Customer], sender: Sender) -> Customer | None:
    """The customer linked to the sender, the links tried in order (a BSUID outranks a number)."""
    people = list(customers)
    for field, value in sender.links():
        found = [customer for customer in people if getattr(customer, field) == value]
        if found:
            return only_one(found)
    return None


def only_one(found: Sequence[Customer]) -> Customer | None:
    """The customer a link found, or None when it found several: a number shared by two customers (allowed by the
    business, or imported before imports refused it) links neither, so the sender proves which one they are before
    anything is shown, rather than seeing whichever record a lookup happens to return first."""
    return found[0] if len({customer.customer_id for customer in found}) == 1 else None


@dataclass(frozen=True)
class SharedLink:
    """An imported customer's phone, WhatsApp user id or PSID that a customer on file already has."""

    customer_id: str  # the imported customer
    field: str
    holder_id: str  # the customer on file who has it


def linking_fields(shared_phone_numbers: bool = False) -> tuple[str, ...]:
    """The fields whose values must each belong to one customer."""
    return tuple(f for f in SENDER_FIELDS if not (shared_phone_numbers and f == "phone"))


def shared_links(
    imported: Sequence[Customer], stored: Iterable[Customer], shared_phone_numbers: bool = False
) -> list[SharedLink]:
    """Each sender id of an imported customer that a customer on file outside the import already has. The imported
    customers' records are replaced whole, so what they held before does not count: a number moves from one
    customer to another when both are in the file."""
    fields = linking_fields(shared_phone_numbers)
    importing = {customer.customer_id for customer in imported}
    holders: dict[tuple[str, str], str] = {}
    for customer in stored:
        if customer.customer_id not in importing:
            for field in fields:
                if value := getattr(customer, field):
                    holders.setdefault((field, value), customer.customer_id)
    return [
        SharedLink(customer.customer_id, field, holders[(field, value)])
        for customer in imported
        for field in fields
        if (value := getattr(customer, field)) and (field, value) in holders
    ]


def may_remember(customer: Customer, user_id: str) -> bool:
    """Whether the record may take this BSUID: only when it names none. A BSUID already there (from the business's
    data or an earlier proof) is never replaced by a sender's: proving who you are once must not take a customer's
    WhatsApp identity from them."""
    return bool(user_id) and is_bsuid(user_id) and not customer.whatsapp_user_id


def keep_remembered(imported: Sequence[Customer], stored: Mapping[str, Customer]) -> list[Customer]:
    """The imported customers, each with the BSUID Parley remembered for them when the file leaves that cell empty
    (and no other row of the file claims that BSUID: the business's data wins)."""
    claimed = {c.whatsapp_user_id for c in imported if c.whatsapp_user_id}

    def kept(customer: Customer) -> Customer:
        before = stored.get(customer.customer_id)
        remembered = before.whatsapp_user_id if before is not None else None
        if not customer.whatsapp_user_id and remembered and remembered not in claimed:
            return replace(customer, whatsapp_user_id=remembered)
        return customer

    return [kept(customer) for customer in imported]
