"""Where is my order: the order named (or the one just discussed), else the newest open one, with the customer's
other orders as one-tap choices. Answered in one message: nothing is asked back."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.flow import ORDER_PAYLOAD, Ask, Flow, FlowStep, customer_of, register
from parley.dialogue.orders import describe_order
from parley.dialogue.ports import DialoguePorts
from parley.domain.records import Order
from parley.nlu.intents import Intent


def pick_order(orders: list[Order]) -> tuple[Order | None, list[Order]]:
    """Without an order number: the newest open order (else the newest), and the other open or recent ones."""
    if not orders:
        return None, []
    open_orders = [o for o in orders if o.status.is_open]
    chosen = open_orders[0] if open_orders else orders[0]
    others = [o for o in (open_orders or orders) if o is not chosen][:3]
    return chosen, others


@register
class OrderStatusAnswer(Flow):
    name = "order_status"
    intents = (Intent.ORDER_STATUS,)
    needs_customer = True
    # One tap on an order asks about it, whichever answer offered the choice.
    payloads = (ORDER_PAYLOAD,)
    uses = ("orders",)
    reported = False  # an answer of one message

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._orders = ports.orders

    def start(self, ask: Ask) -> FlowStep:
        catalog, customer, order_id, remembered = ask.catalog, customer_of(ask), ask.order_id, ask.last_order_id
        wanted = order_id or remembered
        if wanted:
            order = self._orders.get(wanted)
            # Someone else's order and a missing one get the same answer: nothing about it leaks.
            if order is None or order.customer_id != customer.customer_id:
                if order_id:
                    return FlowStep(catalog.render("order.not_found", order_id=order_id))
            else:
                return FlowStep(describe_order(order, catalog, ask.now.date()), order_id=order.order_id)
        chosen, others = pick_order(self._orders.for_customer(customer.customer_id))
        if chosen is None:
            return FlowStep(catalog.render("order.none"), forget_order=True)
        text = describe_order(chosen, catalog, ask.now.date())
        choices: tuple[Choice, ...] = ()
        if others and not remembered:
            text += "\n" + catalog.render("order.others", order_ids=", ".join(o.order_id for o in others))
            # One tap asks about another order: its payload goes straight to the answer, no NLU involved.
            choices = tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in others)
        return FlowStep(text, choices=choices, order_id=chosen.order_id)
