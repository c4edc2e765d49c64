"""Proving who you are: a sender whose number, WhatsApp user id or Messenger account is not on file gives an order
number and the email on that order before Parley shows any order, invoice or subscription (every intent of a flow
that needs a customer: dialogue.registry derives them). Repeated failures lock it for a while: in this
conversation, and, across every conversation, channel and account, for the order number and the email tried
(domain.proof_limits), so a stranger cannot guess the email on one order from many accounts. Whichever limit
refuses, the sender gets the same answer; the operators get a log line saying which, and a metric.

The email is never kept: between messages only a hash of it waits in the conversation, to be compared with the
hash of the email on the order. A wrong order number and a wrong email get the same answer.

A flow that needs no customer may still have one request that does (reading how to close an account is for anyone,
closing it is not): it asks for the proof itself (prove_first), with the details of that request, which wait in the
conversation while the sender proves who they are and are handed to the flow it then starts (Ask.asked_before).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from parley.dialogue.flow import FlowStep
from parley.domain.ports import CustomerRepository, OrderRepository, ProofAttempts
from parley.domain.proof_limits import ProofLimit, ProofLimits
from parley.domain.records import Customer
from parley.i18n import Catalog
from parley.nlu.intents import Intent
from parley.observability import logger, metrics

FLOW = "verify"
STEP = "order_and_email"
MAX_FAILURES = ProofLimits().per_conversation
LOCK_SECONDS = ProofLimits().lock_seconds
# CloudWatch metric (namespace Parley): a limit on proving who you are refused an attempt.
CHECKS_LIMITED = "IdentityChecksLimited"
# Slots holding the details of the request asked before proving who they are (prove_first), named with this prefix.
DETAIL = "then_"


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
    details: dict[str, str] = field(default_factory=dict)  # of the request asked for in the first place


def prove_first(text: str, then: Intent, **details: str) -> FlowStep:
    """A flow's request that needs a customer, from a sender not on file: `text` (which ends by asking for the proof:
    "verify.ask") starts proving who they are; once they have, the flow of `then` starts with `details`."""
    slots = {"then": then.value} | {f"{DETAIL}{name}": value for name, value in details.items()}
    return FlowStep(text, flow=FLOW, step=STEP, slots=slots)


class Verification:
    def __init__(
        self,
        customers: CustomerRepository,
        orders: OrderRepository,
        attempts: ProofAttempts | None = None,
        limits: ProofLimits | None = None,
    ) -> None:
        """`attempts`: the counts across conversations (None: per conversation only)."""
        self._customers = customers
        self._orders = orders
        self._attempts = attempts
        self._limits = limits or ProofLimits()

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
        details = {name: value for name, value in slots.items() if name.startswith(DETAIL)}
        order_id = order_id or slots.get("order_id")
        hashed = email_hash(email) if email else slots.get("email_hash")
        if not order_id or not hashed:
            key = (
                "verify.ask" if not order_id and not hashed else "verify.ask_email" if order_id else "verify.ask_order"
            )
            kept = (
                {"then": then}
                | details
                | ({"order_id": order_id} if order_id else {})
                | ({"email_hash": hashed} if hashed else {})
            )
            return Check(FlowStep(catalog.render(key), flow=FLOW, step=STEP, slots=kept), failures=failures)
        # Counted before it is checked, so that no more guesses than the limits allow are ever checked, however
        # many arrive at once; taken back when it proves who the sender is.
        subjects = self._limits.subjects(order_id, hashed)
        refused = self._attempts.count(subjects, now, self._limits.window_seconds) if self._attempts else None
        if refused is not None:
            return self._locked(catalog, now, refused.limit)
        customer = self._owner(order_id)
        if customer is not None and customer.email and email_hash(customer.email) == hashed:
            if self._attempts is not None:
                self._attempts.take_back(subjects, now)
            asked = {name.removeprefix(DETAIL): value for name, value in details.items()}
            return Check(customer=customer, then=Intent(then), order_id=order_id, details=asked)
        failures += 1
        if failures >= self._limits.per_conversation:
            return self._locked(catalog, now, ProofLimit.CONVERSATION)
        # The order number is kept for a corrected email ("sorry, it's …"); a new number replaces it.
        retry = FlowStep(
            catalog.render("verify.failed"), flow=FLOW, step=STEP, slots={"then": then, "order_id": order_id} | details
        )
        return Check(retry, failures=failures)

    def _locked(self, catalog: Catalog, now: int, limit: ProofLimit) -> Check:
        """Today's lock, whichever limit was reached: the sender is told nothing about which."""
        logger.info("proving who the sender is was refused for a while", extra={"limit": limit.value})
        if not is_metrics_disabled():
            metrics.add_metric(name=CHECKS_LIMITED, unit=MetricUnit.Count, value=1)
        locked = FlowStep(catalog.render("verify.locked"))
        return Check(locked, failures=0, locked_until=now + self._limits.lock_seconds)

    def _owner(self, order_id: str) -> Customer | None:
        order = self._orders.get(order_id)
        return self._customers.get(order.customer_id) if order else None
