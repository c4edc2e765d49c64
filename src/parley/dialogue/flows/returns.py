"""Returns and refunds: where a return and its refund stand, or a new return for a delivered order (which order,
a confirmation, then the data layer's checks: delivered, within the window, one open return per order).

A damaged, wrong or missing item, which the customer's words report (dialogue.problems), goes its own way: which
order and which item, then a return for a replacement or the money back under the same rules; a person when the rules
do not settle it (a missing item, an order not marked delivered, the return period over), with what was found out."""

from __future__ import annotations

from datetime import datetime

from parley.channels.model import PAYLOAD_KINDS
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import (
    ORDER_SLOT,
    WHICH_ORDER,
    Ask,
    Flow,
    FlowStep,
    customer_of,
    present,
    register,
    which_order,
)
from parley.dialogue.item_returns import REMEDY, ItemProblems
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.problems import reported_problem
from parley.domain.records import Customer, OrderStatus, Return, ReturnStatus
from parley.domain.rules import ReturnOutcome
from parley.i18n import Catalog
from parley.nlu.intents import Intent

FLOW = "return"
CONFIRM = "confirm"
_OPEN = {ReturnStatus.REQUESTED, ReturnStatus.RECEIVED}


@register
class Returns(Flow):
    name = FLOW
    intents = (Intent.RETURN_REFUND,)
    needs_customer = True
    uses = ("orders", "returns")
    # "Shall I start it?", and a replacement or the money back?, to which a "no" is "neither" (dialogue.item_returns).
    yes_no_steps = frozenset({CONFIRM, REMEDY})

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._orders = ports.orders
        self._returns = present(ports.returns, "returns")
        self._window_days = ports.return_window_days
        self._problems = ItemProblems(ports, FLOW)

    def start(self, ask: Ask) -> FlowStep:
        """A problem with an item received: its own way (see the module). An order named: its return (if one exists)
        or a new one. None named: the open return's news, else a new return for a delivered order."""
        catalog, customer = ask.catalog, customer_of(ask)
        problem = (
            reported_problem(catalog, ask.message.text, ask.text) if ask.message.kind not in PAYLOAD_KINDS else None
        )
        if problem is not None:
            return self._problems.start(ask, problem)
        # A tapped "start a return" (offered when an order can no longer be cancelled) means the order just discussed.
        order_id = ask.order_id or (ask.last_order_id if ask.message.kind in PAYLOAD_KINDS else None)
        mine = self._returns.returns_for_customer(customer.customer_id)
        if order_id:
            existing = next((r for r in mine if r.order_id == order_id), None)
            return self.describe(catalog, existing) if existing else self._offer(catalog, customer, order_id)
        open_return = next((r for r in mine if r.status in _OPEN), None)
        if open_return:
            return self.describe(catalog, open_return)
        returned = {r.order_id for r in mine if r.status is not ReturnStatus.REJECTED}
        delivered = [
            o
            for o in self._orders.for_customer(customer.customer_id)
            if o.status is OrderStatus.DELIVERED and o.order_id not in returned
        ]
        if not delivered:
            # Nothing left to send back: the latest return (and its refund) is what they are asking about.
            return self.describe(catalog, mine[0]) if mine else FlowStep(catalog.render("return.none"))
        if len(delivered) == 1:
            return self._offer(catalog, customer, delivered[0].order_id)
        return which_order(catalog.render("return.which"), delivered, FLOW)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, customer, slots = ask.catalog, customer_of(ask), ask.slots
        if slots.get("problem"):
            return self._problems.resume(ask)
        if ask.step == WHICH_ORDER and ask.order_id:
            return self._offer(catalog, customer, ask.order_id)
        if ask.step == CONFIRM and slots.get(ORDER_SLOT):
            if ask.answer is Answer.YES:
                return self._start(catalog, customer, slots[ORDER_SLOT], ask.now)
            if ask.answer is Answer.NO:
                return FlowStep(catalog.render("flow.stopped"))
        return None

    @staticmethod
    def describe(catalog: Catalog, request: Return) -> FlowStep:
        values: dict[str, str] = {"return_id": request.return_id, "order_id": request.order_id}
        if request.status is ReturnStatus.REFUNDED:
            values["amount"] = (
                catalog.money(request.refund_amount, request.currency)
                if request.refund_amount is not None and request.currency
                else ""
            )
            values["date"] = catalog.date((request.refunded_at or request.created_at).date())
        key = f"return.{request.status.value}"
        if request.replacement and request.status is ReturnStatus.RECEIVED:
            key = "return.received_replacement"  # a new item is on its way, not money
        return FlowStep(catalog.render(key, **values), order_id=request.order_id)

    def _offer(self, catalog: Catalog, customer: Customer, order_id: str) -> FlowStep:
        order = self._orders.get(order_id)
        if order is None or order.customer_id != customer.customer_id:
            return FlowStep(catalog.render("order.not_found", order_id=order_id))
        if order.status is not OrderStatus.DELIVERED:
            return FlowStep(catalog.render("return.not_delivered", order_id=order_id), order_id=order_id)
        return FlowStep(
            catalog.render("return.confirm", order_id=order_id),
            choices=confirm_choices(catalog),
            flow=FLOW,
            step=CONFIRM,
            slots={ORDER_SLOT: order_id},
            order_id=order_id,
        )

    def _start(self, catalog: Catalog, customer: Customer, order_id: str, now: datetime) -> FlowStep:
        result = self._returns.start_return(order_id, customer.customer_id, now, self._window_days)
        if result.outcome is ReturnOutcome.STARTED and result.request:
            text = catalog.render("return.started", return_id=result.request.return_id, order_id=order_id)
            return FlowStep(text, order_id=order_id, completed=True)
        if result.outcome is ReturnOutcome.ALREADY_OPEN and result.request:
            text = catalog.render("return.already_open", order_id=order_id, return_id=result.request.return_id)
            return FlowStep(text, order_id=order_id)
        if result.outcome is ReturnOutcome.WINDOW_PASSED and result.deadline:
            text = catalog.render("return.window_passed", order_id=order_id, date=catalog.date(result.deadline.date()))
            return FlowStep(text, order_id=order_id)
        if result.outcome is ReturnOutcome.NOT_DELIVERED:
            return FlowStep(catalog.render("return.not_delivered", order_id=order_id), order_id=order_id)
        return FlowStep(catalog.render("order.not_found", order_id=order_id))
