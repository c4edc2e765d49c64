"""How often proving who you are may fail, and where it is counted.

A conversation is locked after a few failures (its own state). That alone lets a stranger guess the email on one
order from many Messenger accounts or numbers, so attempts are also counted per order number and per email (a hash),
across every conversation, channel and account. An attempt is counted *before* it is checked and taken back when
it proves who the sender is: however many guesses arrive at once, no more than the limit are ever checked in a
window. The rules here are pure; every store (DynamoDB, the tests' fakes) applies them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class ProofLimit(StrEnum):
    """Which limit refused an attempt: for the operators' logs and metric only, never told to the sender."""

    CONVERSATION = "conversation"
    ORDER = "order"
    EMAIL = "email"


@dataclass(frozen=True)
class ProofLimits:
    """Failed attempts allowed per conversation (then it is locked for `lock_seconds`), and per order number and per
    email within `window_seconds` of the first attempt on them."""

    per_conversation: int = 3
    lock_seconds: int = 30 * 60
    per_order: int = 5
    per_email: int = 5
    window_seconds: int = 60 * 60

    def subjects(self, order_id: str, email_hash: str) -> tuple[Subject, ...]:
        """What one attempt with this order number and email counts against."""
        return (
            Subject(ProofLimit.ORDER, subject_key(ProofLimit.ORDER, order_id), self.per_order),
            Subject(ProofLimit.EMAIL, subject_key(ProofLimit.EMAIL, email_hash), self.per_email),
        )


@dataclass(frozen=True)
class Subject:
    """One thing attempts are counted against: its stored key (a hash, never the order number or email) and limit."""

    limit: ProofLimit
    key: str
    allowed: int


def subject_key(limit: ProofLimit, value: str) -> str:
    # The email arrives already hashed (verification never keeps it); hashing again keeps every key the same shape.
    return f"{limit.value}#{hashlib.sha256(value.encode()).hexdigest()}"


@dataclass(frozen=True)
class Tally:
    """A subject's attempts in its current window, which ends at `window_ends` (epoch seconds)."""

    attempts: int
    window_ends: int


def counted(tally: Tally | None, allowed: int, now: int, window_seconds: int) -> Tally | None:
    """The tally after one more attempt, or None when the limit is reached and the attempt is refused. A window
    that has ended starts again with this attempt."""
    if tally is None or tally.window_ends <= now:
        return Tally(1, now + window_seconds)
    if tally.attempts >= allowed:
        return None
    return Tally(tally.attempts + 1, tally.window_ends)


def taken_back(tally: Tally | None, now: int) -> Tally | None:
    """The tally with one attempt taken back (it proved who the sender is); None when there is nothing to take."""
    if tally is None or tally.window_ends <= now or tally.attempts <= 0:
        return None
    return Tally(tally.attempts - 1, tally.window_ends)
