"""The business's rules, pure: what can be cancelled, returned, paused, resumed or changed, and what each attempt
came to. Every store applies them (the DynamoDB adapters, the tests' in-memory fakes), so all behave the same."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from parley.domain.records import (
    Customer,
    InvoiceStatus,
    ItemProblem,
    Order,
    OrderStatus,
    Return,
    ReturnStatus,
    Subscription,
    SubscriptionStatus,
)

DEFAULT_RETURN_WINDOW_DAYS = 30


# ------------------------------------------------------------------------------------------------ results


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    TOO_LATE = "too_late"  # a carrier has it (or it arrived): offer a return instead
    NOT_FOUND = "not_found"  # no such order, or not this customer's: the two are indistinguishable


@dataclass(frozen=True)
class CancelResult:
    outcome: CancelOutcome
    # The order as it stands after the attempt; None when not found.
    order: Order | None = None

    @property
    def status(self) -> OrderStatus | None:
        return self.order.status if self.order else None


class ReturnOutcome(StrEnum):
    STARTED = "started"
    NOT_DELIVERED = "not_delivered"
    WINDOW_PASSED = "window_passed"
    ALREADY_OPEN = "already_open"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class ReturnClaim:
    """A return for a problem with an item: which problem, which item (its SKU; None: the whole order), and a
    replacement instead of the money back."""

    problem: ItemProblem
    sku: str | None = None
    replacement: bool = False


@dataclass(frozen=True)
class ReturnResult:
    outcome: ReturnOutcome
    # The new return (started) or the one already under way (already_open).
    request: Return | None = None
    order: Order | None = None
    # Last moment a return can be started, when the delivery date is known.
    deadline: datetime | None = None


class ChangeOutcome(StrEnum):
    CHANGED = "changed"
    ALREADY = "already"  # it already was so (paused, active, cancelled, on that plan): nothing was written
    NOT_ALLOWED = "not_allowed"  # not from its current status (a cancelled subscription cannot be paused)
    NOT_FOUND = "not_found"


class AddressOutcome(StrEnum):
    CHANGED = "changed"
    TOO_LATE = "too_late"  # a carrier has it (or it arrived): the parcel's address is no longer ours to change
    CLOSED = "closed"  # cancelled or returned: nothing will be delivered
    NOT_FOUND = "not_found"  # no such order, or not this customer's: the two are indistinguishable


@dataclass(frozen=True)
class AddressChange:
    outcome: AddressOutcome
    # The order as it stands after the attempt; None when not found.
    order: Order | None = None


@dataclass(frozen=True)
class SubscriptionChange:
    outcome: ChangeOutcome
    # The subscription as it stands after the attempt; None when not found.
    subscription: Subscription | None = None


# ------------------------------------------------------------------------------------------------ rules
# Pure rules every store applies (DynamoDB and the tests' in-memory fakes), so all behave the same.

CANCELLABLE = frozenset({OrderStatus.PLACED, OrderStatus.PROCESSING})
# A delivery address is ours to change while the parcel is in the warehouse, as a cancel is.
ADDRESS_CHANGEABLE = CANCELLABLE
# A delivery address as a customer writes it: one line, and no longer than a label takes.
MAX_ADDRESS_LENGTH = 200
_CLOSED_ORDER = frozenset({OrderStatus.CANCELLED, OrderStatus.RETURNED})
OPEN_INVOICE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.OVERDUE})
OPEN_RETURN = frozenset(s for s in ReturnStatus if s.is_open)
# Capital letters and digits that cannot be misread for one another when read out or typed (no 0/O, 1/I/L).
_RETURN_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_return_id() -> str:
    return "RET-" + "".join(secrets.choice(_RETURN_ID_ALPHABET) for _ in range(6))


def may_promote(customer: Customer | None) -> bool:
    """Whether anything promotional (an offer, a product suggestion) may reach this customer: only one on file who
    opted in. Never asked (None) is no, and so is a sender not on file."""
    return customer is not None and customer.marketing_opt_in is True


def cancel_outcome(order: Order | None, customer_id: str) -> CancelOutcome | None:
    """Why an order cannot be cancelled by this customer, or None when it can."""
    if order is None or order.customer_id != customer_id:
        return CancelOutcome.NOT_FOUND
    if order.status is OrderStatus.CANCELLED:
        return CancelOutcome.ALREADY_CANCELLED
    if order.status not in CANCELLABLE:
        return CancelOutcome.TOO_LATE
    return None


def address_outcome(order: Order | None, customer_id: str) -> AddressOutcome | None:
    """Why this customer cannot change the order's delivery address, or None when they can."""
    if order is None or order.customer_id != customer_id:
        return AddressOutcome.NOT_FOUND
    if order.status in _CLOSED_ORDER:
        return AddressOutcome.CLOSED
    if order.status not in ADDRESS_CHANGEABLE:
        return AddressOutcome.TOO_LATE
    return None


def one_line_address(text: str) -> str | None:
    """The address as the customer wrote it, on one line (its lines joined by commas, spaces evened out), or None
    when it cannot be one: no letter in it, or longer than MAX_ADDRESS_LENGTH."""
    lines = (" ".join("".join(c if c.isprintable() else " " for c in line).split()) for line in text.splitlines())
    address = ", ".join(line.strip(" ,") for line in lines if line.strip(" ,"))
    if not any(c.isalpha() for c in address) or len(address) > MAX_ADDRESS_LENGTH:
        return None
    return address


def return_deadline(order: Order, window_days: int) -> datetime | None:
    """The end of the return window: window_days after delivery.

    Without a delivered_at the expected delivery date stands in (end of that day, UTC); with neither the
    window is unknown and a return may be started, for staff to review like any other."""
    if order.delivered_at is not None:
        delivered = order.delivered_at if order.delivered_at.tzinfo else order.delivered_at.replace(tzinfo=UTC)
    elif order.estimated_delivery is not None:
        delivered = datetime.combine(order.estimated_delivery, time.max, tzinfo=UTC)
    else:
        return None
    return delivered + timedelta(days=window_days)


def return_refusal(
    order: Order | None, customer_id: str, now: datetime, window_days: int
) -> tuple[ReturnOutcome | None, datetime | None]:
    """Why this customer cannot start a return of the order (or None), and the window's end when known.

    An open return is checked by the caller: it needs the returns store."""
    if order is None or order.customer_id != customer_id:
        return ReturnOutcome.NOT_FOUND, None
    if order.status is not OrderStatus.DELIVERED:
        return ReturnOutcome.NOT_DELIVERED, None
    deadline = return_deadline(order, window_days)
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    if deadline is not None and moment > deadline:
        return ReturnOutcome.WINDOW_PASSED, deadline
    return None, deadline


@dataclass(frozen=True)
class SubscriptionTransition:
    """A change of status: from which statuses it applies, and the status it leads to."""

    allowed_from: frozenset[SubscriptionStatus]
    to: SubscriptionStatus


PAUSE = SubscriptionTransition(frozenset({SubscriptionStatus.ACTIVE}), SubscriptionStatus.PAUSED)
RESUME = SubscriptionTransition(frozenset({SubscriptionStatus.PAUSED}), SubscriptionStatus.ACTIVE)
CANCEL = SubscriptionTransition(
    frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}), SubscriptionStatus.CANCELLED
)
# A plan changes on a live subscription (a paused one stays paused); a cancelled one is a new sign-up.
PLAN_CHANGE_FROM = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED})


def transition_outcome(
    subscription: Subscription | None, customer_id: str, transition: SubscriptionTransition
) -> ChangeOutcome | None:
    """Why the transition does not apply (or None when it does)."""
    if subscription is None or subscription.customer_id != customer_id:
        return ChangeOutcome.NOT_FOUND
    if subscription.status is transition.to:
        return ChangeOutcome.ALREADY
    if subscription.status not in transition.allowed_from:
        return ChangeOutcome.NOT_ALLOWED
    return None


def plan_change_outcome(
    subscription: Subscription | None, customer_id: str, new_plan: str, new_price: Decimal | None
) -> ChangeOutcome | None:
    if subscription is None or subscription.customer_id != customer_id:
        return ChangeOutcome.NOT_FOUND
    if subscription.status not in PLAN_CHANGE_FROM:
        return ChangeOutcome.NOT_ALLOWED
    if subscription.plan == new_plan and (new_price is None or subscription.price == new_price):
        return ChangeOutcome.ALREADY
    return None


def plan_return(
    order: Order | None,
    customer_id: str,
    under_way: Return | None,
    now: datetime,
    window_days: int,
    return_id: str,
    claim: ReturnClaim | None = None,
) -> ReturnResult:
    """What starting a return of the order comes to, before anything is written: the new return (STARTED, with
    `return_id`) for the store to write, or why not. `under_way`: the order's open return, if the store knows one;
    `claim`: the problem with an item it is for."""
    if order is not None and order.customer_id == customer_id and under_way is not None and under_way.status.is_open:
        return ReturnResult(ReturnOutcome.ALREADY_OPEN, under_way, order)
    refusal, deadline = return_refusal(order, customer_id, now, window_days)
    if refusal is not None:
        return ReturnResult(refusal, None, order if refusal is not ReturnOutcome.NOT_FOUND else None, deadline)
    assert order is not None
    created = Return(
        return_id=return_id,
        order_id=order.order_id,
        customer_id=customer_id,
        created_at=now,
        status=ReturnStatus.REQUESTED,
        refund_amount=_refund(order, claim),
        currency=order.currency,
        reason=claim.problem if claim else None,
        sku=claim.sku if claim else None,
        replacement=claim.replacement if claim else False,
    )
    return ReturnResult(ReturnOutcome.STARTED, created, order, deadline)


def _refund(order: Order, claim: ReturnClaim | None) -> Decimal | None:
    """What the return refunds: the order's total when all of it comes back for the money; unknown (for staff to
    settle) when a replacement is sent instead or only some of its items come back, as items carry no price."""
    if claim is None:
        return order.total
    whole = claim.sku is None or [(item.sku, item.quantity) for item in order.items] == [(claim.sku, 1)]
    return order.total if whole and not claim.replacement else None
