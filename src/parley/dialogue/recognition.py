"""Who is writing: the customer linked to the sender (WhatsApp's business-scoped user id or number, Messenger's
PSID), or the one an unknown sender proved to be.

The conversation keeps the customer's record as last read, and reuses it for CUSTOMER_RECHECK_SECONDS: most
messages of a conversation then cost no customer lookup (one DynamoDB call less per message). An unknown sender
is looked up on every message, so a number or PSID linked to a customer since the last message is recognised.

A WhatsApp sender known by number whose record names no business-scoped user id yet gets the one of this message
remembered (once, a conditional write): should they adopt a username and hide their number, they are still known.
"""

from __future__ import annotations

from dataclasses import dataclass

from parley.channels.model import InboundMessage
from parley.domain.conversation import ConversationState
from parley.domain.ports import CustomerRepository
from parley.domain.records import Customer
from parley.domain.senders import Sender, linked, may_remember

# The longest a change to a customer's record (name, language, a number or PSID unlinked) goes unseen by a
# conversation under way: after this, the record is read again.
CUSTOMER_RECHECK_SECONDS = 5 * 60


@dataclass(frozen=True)
class Recognised:
    customer: Customer | None
    read_at: int | None  # when the record was read from the customers table (None: no customer)


def sender_of(message: InboundMessage) -> Sender:
    return Sender(message.channel.value, message.sender_id, message.user_id)


def recognise(customers: CustomerRepository, message: InboundMessage, state: ConversationState, now: int) -> Recognised:
    read_at = state.customer_read_at
    kept = state.customer if read_at is not None and 0 <= now - read_at < CUSTOMER_RECHECK_SECONDS else None
    sender = sender_of(message)
    if kept is not None and linked(kept, sender):
        return Recognised(kept, read_at)
    found = customers.by_sender(sender)
    if found is not None:
        return Recognised(remember_user_id(customers, found, sender), now)
    if state.verified_customer_id is None:
        return Recognised(None, None)
    # A sender not on file who proved who they are earlier in this conversation.
    if kept is not None and kept.customer_id == state.verified_customer_id:
        return Recognised(kept, read_at)
    proven = customers.get(state.verified_customer_id)
    return Recognised(proven, now if proven else None)


def remember_user_id(customers: CustomerRepository, customer: Customer, sender: Sender) -> Customer:
    """The customer, their record now naming the sender's business-scoped user id if it named none."""
    if not may_remember(customer, sender.whatsapp_user_id):
        return customer
    return customers.remember_whatsapp_user_id(customer.customer_id, sender.whatsapp_user_id) or customer
