"""Proving who you are: a sender whose number, WhatsApp user id or Messenger account is not on file gives an order
number and the email on that order before Parley shows any order, invoice or subscription (every intent of a flow
that needs a customer: dialogue.registry derives them). Repeated failures lock it for a while.

The email is never kept: between messages only a hash of it waits in the conversation, to be compared with the
hash of the email on the order. A wrong order number and a wrong email get the same answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from parley.dialogue.flow import FlowStep
from parley.domain.ports import CustomerRepository, OrderRepository
from parley.domain.records import Customer
from parley.i18n import Catalog
from parley.nlu.intents import Intent

FLOW = "verify"
STEP = "order_and_email"
MAX_FAILURES = 3
LOCK_SECONDS = 30 * 60


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


@dataclass(frozen=True)
class Check:
    """Either the customer proved who they are (`customer`, and what they asked for in the first place), or
    `step` says what Parley answers now."""

    step: FlowStep | None = None
    customer: Customer | None = None
    then: Intent | None = None
    order_id: str | None = None
    failures: int = 0
    locked_until: int | None = None


class Verification:
    def __init__(self, customers: CustomerRepository, orders: OrderRepository) -> None:
        self._customers = customers
        self._orders = orders

    def check(
        self,
        catalog: Catalog,
        wanted: Intent,
        order_id: str | None,
        email: str | None,
        slots: dict[str, str],
        failures: int,
        locked_until: int | None,
        now: int,
    ) -> Check:
        """One message of an unknown sender who asked for `wanted` (or is answering the questions of this flow)."""
        if locked_until is not None and now < locked_until:
            return Check(FlowStep(catalog.render("verify.locked")), failures=failures, locked_until=locked_until)
        then = slots.get("then") or wanted.value
        order_id = order_id or slots.get("order_id")
        hashed = email_hash(email) if email else slots.get("email_hash")
        if not order_id or not hashed:
            key = (
                "verify.ask" if not order_id and not hashed else "verify.ask_email" if order_id else "verify.ask_order"
            )
            kept = (
                {"then": then}
                | ({"order_id": order_id} if order_id else {})
                | ({"email_hash": hashed} if hashed else {})
            )
            return Check(FlowStep(catalog.render(key), flow=FLOW, step=STEP, slots=kept), failures=failures)
        customer = self._owner(order_id)
        if customer is not None and customer.email and email_hash(customer.email) == hashed:
            return Check(customer=customer, then=Intent(then), order_id=order_id)
        failures += 1
        if failures >= MAX_FAILURES:
            return Check(FlowStep(catalog.render("verify.locked")), failures=0, locked_until=now + LOCK_SECONDS)
        # The order number is kept for a corrected email ("sorry, it's …"); a new number replaces it.
        retry = FlowStep(
            catalog.render("verify.failed"), flow=FLOW, step=STEP, slots={"then": then, "order_id": order_id}
        )
        return Check(retry, failures=failures)

    def _owner(self, order_id: str) -> Customer | None:
        order = self._orders.get(order_id)
        return self._customers.get(order.customer_id) if order else None
