"""Order answers: status, carrier, tracking and expected delivery, worded and dated in the customer's language."""

from __future__ import annotations

from datetime import date

from parley.domain.records import Order, OrderStatus
from parley.i18n import Catalog


def describe_status(order: Order, catalog: Catalog) -> str:
    """One sentence: where the order stands ("Your order ORD-104233 has shipped.")."""
    return catalog.render(
        f"order.{order.status.value}", order_id=order.order_id, placed_on=catalog.date(order.placed_at.date())
    )


def describe_shipment(order: Order, catalog: Catalog) -> list[str]:
    """Who carries the order and its tracking number, as far as known (nothing for a cancelled order)."""
    sentences = []
    if order.carrier and order.status is not OrderStatus.CANCELLED:
        sentences.append(catalog.render("order.carrier", carrier=order.carrier))
    if order.tracking_number and order.status is not OrderStatus.CANCELLED:
        sentences.append(catalog.render("order.tracking", tracking_number=order.tracking_number))
    return sentences


def describe_order(order: Order, catalog: Catalog, today: date) -> str:
    sentences = [describe_status(order, catalog), *describe_shipment(order, catalog)]
    in_transit = order.status in {OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY}
    if order.estimated_delivery and order.status.is_open:
        when = catalog.date(order.estimated_delivery)
        late = in_transit and order.estimated_delivery < today
        sentences.append(catalog.render("order.eta_passed" if late else "order.eta", date=when))
    return catalog.sentences(sentences)
