"""Order answers: status, carrier, tracking and expected delivery, worded and dated in the customer's language."""

from __future__ import annotations

from datetime import date

from parley.channels.replies import Choice
from parley.dialogue.flow import ORDER_PAYLOAD, Ask, customer_of
from parley.domain.ports import OrderRepository
from parley.domain.records import Order, OrderStatus
from parley.i18n import Catalog


def describe_status(order: Order, catalog: Catalog) -> str:
    """One sentence: where the order stands ("Your order ORD-104233 has shipped.")."""
    return catalog.render(
        f"order.{order.status.value}", order_id=order.order_id, placed_on=catalog.date(order.placed_at.date())
    )


def describe_order(order: Order, catalog: Catalog, today: date) -> str:
    sentences = [describe_status(order, catalog)]
    in_transit = order.status in {OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY}
    if order.carrier and order.status is not OrderStatus.CANCELLED:
        sentences.append(catalog.render("order.carrier", carrier=order.carrier))
    if order.tracking_number and order.status is not OrderStatus.CANCELLED:
        sentences.append(catalog.render("order.tracking", tracking_number=order.tracking_number))
    if order.estimated_delivery and order.status.is_open:
        when = catalog.date(order.estimated_delivery)
        late = in_transit and order.estimated_delivery < today
        sentences.append(catalog.render("order.eta_passed" if late else "order.eta", date=when))
    return catalog.sentences(sentences)


def pick_order(orders: list[Order]) -> tuple[Order | None, list[Order]]:
    """Without an order number: the newest open order (else the newest), and the other open or recent ones."""
    if not orders:
        return None, []
    open_orders = [o for o in orders if o.status.is_open]
    chosen = open_orders[0] if open_orders else orders[0]
    others = [o for o in (open_orders or orders) if o is not chosen][:3]
    return chosen, others


def order_status(orders: OrderRepository, ask: Ask) -> tuple[str, str | None, tuple[Choice, ...]]:
    """The answer to "where is my order?": the order named (or the one just discussed), else the newest open one
    with the others as choices. Returns the text, the order now discussed and the choices."""
    catalog, customer, order_id, remembered = ask.catalog, customer_of(ask), ask.order_id, ask.last_order_id
    wanted = order_id or remembered
    if wanted:
        order = orders.get(wanted)
        # Someone else's order and a missing one get the same answer: nothing about it leaks.
        if order is None or order.customer_id != customer.customer_id:
            if order_id:
                return catalog.render("order.not_found", order_id=order_id), remembered, ()
        else:
            return describe_order(order, catalog, ask.now.date()), order.order_id, ()
    chosen, others = pick_order(orders.for_customer(customer.customer_id))
    if chosen is None:
        return catalog.render("order.none"), None, ()
    text = describe_order(chosen, catalog, ask.now.date())
    choices: tuple[Choice, ...] = ()
    if others and not remembered:
        text += "\n" + catalog.render("order.others", order_ids=", ".join(o.order_id for o in others))
        # One tap asks about another order: its payload goes straight to the answer, no NLU involved.
        choices = tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in others)
    return text, chosen.order_id, choices
