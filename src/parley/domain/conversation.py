"""A conversation's small memory between messages (never a transcript)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from parley.domain.records import Customer, LoggedMessage

DEFAULT_MESSAGE_LOG_DAYS = 30
# Slots of a conversation handed to a person that tell them what the customer came for (the order, the change asked
# for in the customer's own words, the problem reported): the handoff's brief, which the agents' notification shows.
BRIEF_SLOT = "brief:"


def brief_slots(brief: Mapping[str, str]) -> dict[str, str]:
    return {f"{BRIEF_SLOT}{name}": value for name, value in brief.items() if value}


def handoff_brief(slots: Mapping[str, str]) -> dict[str, str]:
    """What the flow that handed the conversation over left for the person taking it (see BRIEF_SLOT)."""
    return {name.removeprefix(BRIEF_SLOT): value for name, value in slots.items() if name.startswith(BRIEF_SLOT)}


@dataclass(frozen=True)
class ConversationState:
    """Small per-conversation memory: never a transcript."""

    conversation_id: str
    customer_id: str | None = None
    language: str | None = None
    last_order_id: str | None = None
    updated_at: int = 0
    # The flow under way ("cancel_order", "verify"…), its step ("which_order", "confirm"…) and what it has
    # gathered so far (a few short strings: ids, a plan, a step number).
    flow: str | None = None
    step: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    # Messages in a row Parley did not understand (two hand the conversation to a person).
    misunderstood: int = 0
    # While set (when a person took over), the bot does not answer this conversation.
    handoff_at: int | None = None
    # An unknown sender who proved who they are (order number + the email on it), and failed attempts.
    verified_customer_id: str | None = None
    verify_failures: int = 0
    verify_locked_until: int | None = None
    # When a satisfaction rating was last asked for (not asked again for a while).
    rating_asked_at: int | None = None
    # The customer as last read from the customers table, and when (epoch seconds): reused for a few minutes, so
    # most messages cost no customer lookup (dialogue.recognition).
    customer: Customer | None = None
    customer_read_at: int | None = None


@dataclass(frozen=True)
class OutboxEntry:
    """A turn's composed reply, kept with the turn (in the same write as the conversation's state) until it is out:
    a message delivered again after its reply failed to send is answered with this, not by running the dialogue
    again, so no change is made twice and no answer is lost to a state that has moved on.

    `reply` is the reply as the message log keeps it (its item holds this entry); `turn` the whole turn, in the
    dialogue's own encoding (parley.dialogue.outbox); `sent` the parts of it already out, `unconfirmed` of them sent
    without an answer (never repeated); `late` whether it goes with the apology for the delay; `transient` that it
    is deleted once sent (the last reply of a conversation the customer had erased)."""

    reply: LoggedMessage
    turn: str
    sent: int = 0
    unconfirmed: int = 0
    late: bool = False
    transient: bool = False
