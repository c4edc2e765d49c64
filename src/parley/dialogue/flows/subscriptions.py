"""Subscriptions in conversation: a customer's plans (status, renewal date, price), and pausing, resuming, cancelling
or changing one — each said exactly before a yes, then done by the data layer's conditional writes.

What the customer wants done is read literally from each catalog's words (as yes and no are), not guessed by the
intent model: the intent model only says the message is about a subscription.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import Ask, Flow, FlowStep, customer_of, present, register
from parley.dialogue.ports import DialoguePorts
from parley.domain.records import Product, Subscription, SubscriptionStatus
from parley.domain.rules import (
    CANCEL,
    PAUSE,
    PLAN_CHANGE_FROM,
    RESUME,
    ChangeOutcome,
    SubscriptionChange,
    transition_outcome,
)
from parley.folding import fold
from parley.i18n import Catalog
from parley.nlu.intents import Intent

FLOW = "subscription"
WHICH = "which_subscription"
PLAN = "which_plan"
CONFIRM = "confirm"
# Payloads of this flow's choices. A tap may come after the flow ended (a button of an earlier answer): every one of
# them is routed here.
SUBSCRIPTION_PAYLOAD = "subscription:"  # subscription:<id>
ACTION_PAYLOAD = "subscription_action:"  # subscription_action:<action>[:<id>]
PLAN_PAYLOAD = "plan:"  # plan:<sku>
PAYLOADS = (SUBSCRIPTION_PAYLOAD, ACTION_PAYLOAD, PLAN_PAYLOAD)
# The plans a subscription may switch to are the products of this category, in its currency.
PLAN_CATEGORY = "plan"

_NOT_WORD = re.compile(r"[^\w\s']+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


class Action(StrEnum):
    """What can be done to a subscription; each value is also its catalog key in "words" and "choice.*"."""

    RESUME = "resume"
    PAUSE = "pause"
    CHANGE_PLAN = "change_plan"
    CANCEL = "cancel_plan"


_TRANSITIONS = {Action.PAUSE: PAUSE, Action.RESUME: RESUME, Action.CANCEL: CANCEL}
_ALREADY = {
    SubscriptionStatus.ACTIVE: "subscription.already_active",
    SubscriptionStatus.PAUSED: "subscription.already_paused",
    SubscriptionStatus.CANCELLED: "subscription.already_cancelled",
}
_DONE = {
    Action.PAUSE: "subscription.paused_done",
    Action.RESUME: "subscription.resumed_done",
    Action.CANCEL: "subscription.cancelled_done",
}


def _normal(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def _contains(normal: str, phrase: str) -> bool:
    """A phrase at the start of a word ("paus" in "pausar", "cancel" in "cancelled"); anywhere in Chinese."""
    return phrase in normal if _UNSPACED.search(phrase) else f" {phrase}" in f" {normal}"


def read_action(text: str, catalog: Catalog) -> Action | None:
    """The action the words ask for. The longest phrase found wins ("取消暂停" is a resume, not a cancel; "un pause"
    is not a pause); between phrases of one length, the milder action."""
    normal = _normal(text)
    found: list[tuple[int, int, Action]] = []
    for rank, action in enumerate(Action):
        for phrase in {_normal(p) for p in catalog.words.get(action.value, [])}:
            if phrase and _contains(normal, phrase):
                found.append((len(phrase), -rank, action))
    return max(found)[2] if found else None


def _word_matches(word: str, words: set[str]) -> bool:
    """The same word, or one a start of the other from four letters on ("year" and "yearly")."""
    return word in words or (len(word) >= 4 and any(w.startswith(word) or word.startswith(w) for w in words if w))


def named_plan(text: str, plans: list[Product], current: str) -> Product | None:
    """The plan the words name: in full, or by the words that tell it from the others ("the yearly one")."""
    normal = _normal(text)
    whole = [p for p in plans if _normal(p.name) and _contains(normal, _normal(p.name))]
    if whole:
        return max(whole, key=lambda p: len(p.name))
    said = set(normal.split())
    shared = set(_normal(current).split())
    if len(plans) > 1:
        shared |= set.intersection(*(set(_normal(p.name).split()) for p in plans))
    scores = [(sum(_word_matches(w, said) for w in set(_normal(p.name).split()) - shared), p) for p in plans]
    best = max((score for score, _ in scores), default=0)
    chosen = [p for score, p in scores if score == best]
    return chosen[0] if best and len(chosen) == 1 else None


@register
class Subscriptions(Flow):
    name = FLOW
    intents = (Intent.SUBSCRIPTION,)
    needs_customer = True
    payloads = PAYLOADS
    uses = ("subscriptions",)  # and the products, when there are plans to switch to
    yes_no_steps = frozenset({CONFIRM})
    echoes = (Intent.CANCEL_ORDER,)  # "yes, cancel it" reads as cancelling an order

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._subscriptions = present(ports.subscriptions, "subscriptions")
        self._products = ports.products

    def start(self, ask: Ask) -> FlowStep:
        catalog, customer_id = ask.catalog, customer_of(ask).customer_id
        payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
        if payload.startswith(SUBSCRIPTION_PAYLOAD):  # a "which one?" answered after the question was left
            shown = self._subscriptions.get(payload.removeprefix(SUBSCRIPTION_PAYLOAD), customer_id)
            return self._show(catalog, [shown]) if shown else FlowStep(catalog.render("subscription.not_found"))
        mine = self._subscriptions.for_customer(customer_id)
        if not mine:
            return FlowStep(catalog.render("subscription.none"))
        action, named, sku = self._request(ask, payload, mine)
        if named is None and payload.startswith(ACTION_PAYLOAD) and ":" in payload.removeprefix(ACTION_PAYLOAD):
            # A tap naming a subscription that is not (or no longer) this customer's.
            return FlowStep(catalog.render("subscription.not_found"))
        if action is None:
            return self._show(catalog, [named] if named else mine)
        return self._act(ask, action, mine, named, sku)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, customer_id, slots = ask.catalog, customer_of(ask).customer_id, ask.slots
        if slots.get("action") not in Action.__members__.values():
            return None
        action = Action(slots["action"])
        payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
        if ask.step == WHICH:
            if payload.startswith(SUBSCRIPTION_PAYLOAD):
                chosen = self._subscriptions.get(payload.removeprefix(SUBSCRIPTION_PAYLOAD), customer_id)
                if chosen is None:
                    return FlowStep(catalog.render("subscription.not_found"))
            elif not (chosen := self._named(ask.text, self._subscriptions.for_customer(customer_id))):
                return None
            return self._act(ask, action, [chosen], chosen, slots.get("sku"))
        subscription = self._subscriptions.get(slots.get("subscription_id", ""), customer_id)
        if subscription is None:
            return FlowStep(catalog.render("subscription.not_found"))
        if ask.step == PLAN:
            plans = self._plans(subscription)
            sku = payload.removeprefix(PLAN_PAYLOAD) if payload.startswith(PLAN_PAYLOAD) else None
            plan = (
                next((p for p in plans if p.sku == sku), None)
                if sku
                else named_plan(ask.text, plans, subscription.plan)
            )
            return self._confirm_plan(catalog, subscription, plan, ask.now) if plan else None
        if ask.step == CONFIRM and ask.answer is Answer.YES:
            return self._carry_out(catalog, action, subscription, slots)
        if ask.step == CONFIRM and ask.answer is Answer.NO:
            return FlowStep(catalog.render("subscription.kept", plan=subscription.plan))
        return None

    # ---------------------------------------------------------------------------------------------- reading

    def _request(
        self, ask: Ask, payload: str, mine: list[Subscription]
    ) -> tuple[Action | None, Subscription | None, str | None]:
        """What the message asks for: an action, the subscription it names, and a plan tapped (its SKU)."""
        if payload.startswith(ACTION_PAYLOAD):
            value, _, subscription_id = payload.removeprefix(ACTION_PAYLOAD).partition(":")
            action = Action(value) if value in Action.__members__.values() else None
            named = self._subscriptions.get(subscription_id, customer_of(ask).customer_id) if subscription_id else None
            return action, named, None
        if payload.startswith(PLAN_PAYLOAD):
            return Action.CHANGE_PLAN, None, payload.removeprefix(PLAN_PAYLOAD)
        return read_action(ask.text, ask.catalog), self._named(ask.text, mine), None

    @staticmethod
    def _named(text: str, mine: list[Subscription]) -> Subscription | None:
        """The customer's own subscription the words name, by its id or its plan (only theirs can be named)."""
        normal = f" {_normal(text)} "
        by_id = [s for s in mine if f" {_normal(s.subscription_id)} " in normal]
        by_plan = [s for s in mine if _normal(s.plan) and f" {_normal(s.plan)} " in normal]
        found = by_id or by_plan
        return found[0] if len(found) == 1 else None

    def _plans(self, subscription: Subscription | None = None) -> list[Product]:
        """The plans on offer, each with a price; for a subscription, those in its currency other than its own."""
        if self._products is None or (subscription is not None and not subscription.currency):
            return []
        offered = [p for p in self._products.in_category(PLAN_CATEGORY) if p.price is not None and p.currency]
        if subscription is None:
            return offered
        return [
            p
            for p in offered
            if (p.currency or "").upper() == (subscription.currency or "").upper()
            and fold(p.name.strip()) != fold(subscription.plan.strip())
        ]

    # ---------------------------------------------------------------------------------------------- answers

    def _show(self, catalog: Catalog, shown: list[Subscription]) -> FlowStep:
        lines = [self._describe(catalog, s) for s in shown]
        text = (
            lines[0]
            if len(lines) == 1
            else "\n".join([catalog.render("subscription.list"), *(f"• {x}" for x in lines)])
        )
        live = [s for s in shown if s.status in PLAN_CHANGE_FROM]
        offered = [
            action
            for action, wanted in (
                (Action.CHANGE_PLAN, any(self._plans(s) for s in live)),
                (Action.PAUSE, any(s.status is SubscriptionStatus.ACTIVE for s in live)),
                (Action.RESUME, any(s.status is SubscriptionStatus.PAUSED for s in live)),
                (Action.CANCEL, bool(live)),
            )
            if wanted
        ]
        # Shown alone, the subscription goes with the tap; shown among others, a tap asks which one.
        suffix = f":{shown[0].subscription_id}" if len(shown) == 1 else ""
        choices = tuple(
            Choice(f"{ACTION_PAYLOAD}{a.value}{suffix}", catalog.render(f"choice.{a.value}")) for a in offered
        )
        return FlowStep(text, choices=choices, completed=True)

    @staticmethod
    def _describe(catalog: Catalog, subscription: Subscription) -> str:
        parts = [catalog.render(f"subscription.{subscription.status.value}", plan=subscription.plan)]
        if subscription.status is SubscriptionStatus.ACTIVE and subscription.renews_at is not None:
            parts.append(catalog.render("subscription.renews", date=catalog.date(subscription.renews_at.date())))
        live, price, currency = subscription.status in PLAN_CHANGE_FROM, subscription.price, subscription.currency
        if live and price is not None and currency:
            parts.append(catalog.render("subscription.price", amount=catalog.money(price, currency)))
        return catalog.sentences(parts)

    def _act(
        self,
        ask: Ask,
        action: Action,
        candidates: list[Subscription],
        named: Subscription | None,
        sku: str | None,
    ) -> FlowStep:
        catalog, customer_id = ask.catalog, customer_of(ask).customer_id
        target = named
        if target is None:
            possible = [s for s in candidates if self._refusal(action, s, customer_id) is None]
            if len(possible) > 1:
                if action is Action.CHANGE_PLAN and sku is None:
                    # "Switch to premium": the plan named now is remembered while they pick the subscription.
                    wanted = named_plan(ask.text, self._plans(), "")
                    sku = wanted.sku if wanted else None
                return self._which(catalog, action, possible, sku)
            # None possible: the one it already applies to says so best ("already paused"), else the first.
            already = [s for s in candidates if self._refusal(action, s, customer_id) is ChangeOutcome.ALREADY]
            target = (possible or already or candidates)[0]
        refusal = self._refusal(action, target, customer_id)
        if refusal is not None:
            return self._refused(catalog, refusal, target)
        if action is not Action.CHANGE_PLAN:
            return self._confirm(catalog, action, target, ask.now)
        plans = self._plans(target)
        plan = next((p for p in plans if p.sku == sku), None) if sku else named_plan(ask.text, plans, target.plan)
        if plan is not None:
            return self._confirm_plan(catalog, target, plan, ask.now)
        if not plans:
            return FlowStep(catalog.render("subscription.no_plans", plan=target.plan))
        choices = tuple(
            Choice(f"{PLAN_PAYLOAD}{p.sku}", p.name, description=self._price(catalog, p), verbatim=True) for p in plans
        )
        slots = {"action": action.value, "subscription_id": target.subscription_id}
        text = catalog.render("subscription.plan_which", plan=target.plan)
        return FlowStep(text, choices=choices, flow=FLOW, step=PLAN, slots=slots)

    @staticmethod
    def _which(catalog: Catalog, action: Action, possible: list[Subscription], sku: str | None) -> FlowStep:
        plans = [s.plan for s in possible]

        def title(s: Subscription) -> str:
            return s.plan if plans.count(s.plan) == 1 else f"{s.plan} ({s.subscription_id})"

        choices = tuple(Choice(f"{SUBSCRIPTION_PAYLOAD}{s.subscription_id}", title(s), verbatim=True) for s in possible)
        slots = {"action": action.value} | ({"sku": sku} if sku else {})
        return FlowStep(catalog.render("subscription.which"), choices=choices, flow=FLOW, step=WHICH, slots=slots)

    @staticmethod
    def _refusal(action: Action, subscription: Subscription, customer_id: str) -> ChangeOutcome | None:
        if action is Action.CHANGE_PLAN:
            return None if subscription.status in PLAN_CHANGE_FROM else ChangeOutcome.NOT_ALLOWED
        return transition_outcome(subscription, customer_id, _TRANSITIONS[action])

    @staticmethod
    def _refused(catalog: Catalog, outcome: ChangeOutcome, subscription: Subscription | None) -> FlowStep:
        if subscription is None or outcome is ChangeOutcome.NOT_FOUND:
            return FlowStep(catalog.render("subscription.not_found"))
        if outcome is ChangeOutcome.NOT_ALLOWED:
            return FlowStep(catalog.render("subscription.not_allowed", plan=subscription.plan))
        return FlowStep(catalog.render(_ALREADY[subscription.status], plan=subscription.plan))

    @staticmethod
    def _renewal(catalog: Catalog, subscription: Subscription, now: datetime, resuming: bool = False) -> str | None:
        """The next renewal date, when one is known and still ahead (a paused subscription has one only once it is
        resumed)."""
        renews = subscription.renews_at
        if renews is None or not (resuming or subscription.status is SubscriptionStatus.ACTIVE):
            return None
        moment = now if now.tzinfo else now.replace(tzinfo=UTC)
        if (renews if renews.tzinfo else renews.replace(tzinfo=UTC)) < moment:
            return None
        return catalog.date(renews.date())

    @staticmethod
    def _price(catalog: Catalog, plan: Product) -> str:
        return catalog.money(plan.price, plan.currency) if plan.price is not None and plan.currency else ""

    def _confirm(self, catalog: Catalog, action: Action, subscription: Subscription, now: datetime) -> FlowStep:
        key = {Action.PAUSE: "pause", Action.RESUME: "resume", Action.CANCEL: "cancel"}[action]
        date = self._renewal(catalog, subscription, now, resuming=action is Action.RESUME)
        text = (
            catalog.render(f"subscription.{key}_confirm", plan=subscription.plan, date=date)
            if date
            else catalog.render(f"subscription.{key}_confirm_undated", plan=subscription.plan)
        )
        slots = {"action": action.value, "subscription_id": subscription.subscription_id}
        return FlowStep(text, choices=confirm_choices(catalog), flow=FLOW, step=CONFIRM, slots=slots)

    def _confirm_plan(self, catalog: Catalog, subscription: Subscription, plan: Product, now: datetime) -> FlowStep:
        amount, date = self._price(catalog, plan), self._renewal(catalog, subscription, now)
        text = (
            catalog.render("subscription.plan_confirm", plan=plan.name, amount=amount, date=date)
            if date
            else catalog.render("subscription.plan_confirm_undated", plan=plan.name, amount=amount)
        )
        # The plan and price asked about are the ones written, whatever the catalog says by the time of the yes.
        slots = {
            "action": Action.CHANGE_PLAN.value,
            "subscription_id": subscription.subscription_id,
            "plan": plan.name,
            "price": str(plan.price),
        }
        return FlowStep(text, choices=confirm_choices(catalog), flow=FLOW, step=CONFIRM, slots=slots)

    def _carry_out(
        self, catalog: Catalog, action: Action, subscription: Subscription, slots: Mapping[str, str]
    ) -> FlowStep:
        customer_id, subscription_id = subscription.customer_id, subscription.subscription_id
        result: SubscriptionChange
        if action is Action.CHANGE_PLAN:
            plan, price = _plan_slots(slots)
            if plan is None:
                return FlowStep(catalog.render("subscription.not_found"))
            result = self._subscriptions.change_plan(subscription_id, customer_id, new_plan=plan, new_price=price)
            if result.outcome is ChangeOutcome.ALREADY and result.subscription:
                return FlowStep(catalog.render("subscription.already_plan", plan=result.subscription.plan))
        else:
            result = self._subscriptions.change_status(subscription_id, customer_id, _TRANSITIONS[action])
        changed = result.subscription
        if result.outcome is not ChangeOutcome.CHANGED or changed is None:
            # Changed by someone else between the question and the yes: the write did not happen.
            return self._refused(catalog, result.outcome, changed)
        if action is Action.CHANGE_PLAN:
            amount = catalog.money(changed.price, changed.currency) if changed.price and changed.currency else ""
            return FlowStep(catalog.render("subscription.plan_done", plan=changed.plan, amount=amount), completed=True)
        return FlowStep(catalog.render(_DONE[action], plan=changed.plan), completed=True)


def _plan_slots(slots: Mapping[str, str]) -> tuple[str | None, Decimal | None]:
    """The plan and price the customer said yes to."""
    try:
        price = Decimal(slots["price"]) if slots.get("price") else None
    except InvalidOperation:
        price = None
    return slots.get("plan") or None, price
