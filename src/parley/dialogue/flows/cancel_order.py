"""Cancelling an order: which one, a confirmation, then a conditional write, so a double cancel or a cancel after
shipping cannot happen whatever arrives in between."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import ORDER_SLOT, WHICH_ORDER, Ask, Flow, FlowStep, customer_of, register, which_order
from parley.dialogue.orders import describe_shipment, describe_status
from parley.dialogue.ports import DialoguePorts
from parley.domain.records import Customer, Order, OrderStatus
from parley.domain.rules import CANCELLABLE, CancelOutcome, cancel_outcome
from parley.i18n import Catalog
from parley.nlu.intents import Intent

FLOW = "cancel_order"
CONFIRM = "confirm"
RETURN_PAYLOAD = "intent:return_refund"


@register
class CancelOrder(Flow):
    name = FLOW
    intents = (Intent.CANCEL_ORDER,)
    needs_customer = True
    uses = ("orders",)
    yes_no_steps = frozenset({CONFIRM})

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._orders = ports.orders

    def start(self, ask: Ask) -> FlowStep:
        catalog, customer = ask.catalog, customer_of(ask)
        wanted = ask.order_id or ask.last_order_id
        if wanted:
            return self._about(catalog, customer, wanted, named=ask.order_id is not None)
        open_orders = [o for o in self._orders.for_customer(customer.customer_id) if o.status in CANCELLABLE]
        if not open_orders:
            return FlowStep(catalog.render("order.cancel_none"))
        if len(open_orders) == 1:
            return self._confirm(catalog, open_orders[0])
        return which_order(catalog.render("order.cancel_which"), open_orders, FLOW)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, customer, slots = ask.catalog, customer_of(ask), ask.slots
        if ask.step == WHICH_ORDER and ask.order_id:
            return self._about(catalog, customer, ask.order_id, named=True)
        if ask.step == CONFIRM and slots.get(ORDER_SLOT):
            if ask.answer is Answer.YES:
                return self._cancel(catalog, customer, slots[ORDER_SLOT])
            if ask.answer is Answer.NO:
                return FlowStep(catalog.render("order.cancel_kept", order_id=slots[ORDER_SLOT]), completed=True)
        return None

    def _about(self, catalog: Catalog, customer: Customer, order_id: str, *, named: bool) -> FlowStep:
        order = self._orders.get(order_id)
        why_not = cancel_outcome(order, customer.customer_id)
        if order is not None and why_not is None:
            return self._confirm(catalog, order)
        if order is None or why_not is None or why_not is CancelOutcome.NOT_FOUND:
            # Someone else's order and a missing one get the same answer.
            if named:
                return FlowStep(catalog.render("order.not_found", order_id=order_id))
            return FlowStep(catalog.render("order.cancel_none"))
        return self._refused(catalog, why_not, order)

    @staticmethod
    def _confirm(catalog: Catalog, order: Order) -> FlowStep:
        return FlowStep(
            catalog.render("order.cancel_confirm", order_id=order.order_id),
            choices=confirm_choices(catalog),
            flow=FLOW,
            step=CONFIRM,
            slots={ORDER_SLOT: order.order_id},
            order_id=order.order_id,
        )

    def _cancel(self, catalog: Catalog, customer: Customer, order_id: str) -> FlowStep:
        result = self._orders.cancel(order_id, customer.customer_id)
        if result.outcome is CancelOutcome.CANCELLED:
            return FlowStep(catalog.render("order.cancel_done", order_id=order_id), order_id=order_id, completed=True)
        if result.outcome is CancelOutcome.NOT_FOUND or result.order is None:
            return FlowStep(catalog.render("order.not_found", order_id=order_id))
        # Shipped (or cancelled) between the question and the answer: the write did not happen.
        return self._refused(catalog, result.outcome, result.order)

    @staticmethod
    def _refused(catalog: Catalog, why_not: CancelOutcome, order: Order) -> FlowStep:
        if why_not is CancelOutcome.ALREADY_CANCELLED:
            return FlowStep(catalog.render("order.already_cancelled", order_id=order.order_id), order_id=order.order_id)
        # Too late: where it is (the carrier and the tracking number to follow it), and what is still possible.
        sentences = [describe_status(order, catalog), *describe_shipment(order, catalog)]
        text = catalog.sentences([*sentences, catalog.render("order.cancel_too_late")])
        choices: tuple[Choice, ...] = ()
        if order.status is OrderStatus.DELIVERED:
            choices = (Choice(RETURN_PAYLOAD, catalog.render("choice.start_return")),)
        return FlowStep(text, choices=choices, order_id=order.order_id)
