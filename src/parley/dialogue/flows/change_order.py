"""Changing an order: which one (the one named, the one being discussed, or a choice among the open ones), then
either a new delivery address, written after the customer has read it back and said yes (a conditional write: a
shipment in between is explained, never overwritten), or any other change (items, sizes, colours, quantities, the
delivery date), taken down in the customer's own words and handed to a person with the order's number. An order a
carrier already has is said so, with what is still possible: a person while it travels, a return once it arrived."""

from __future__ import annotations

from collections.abc import Mapping

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import WHICH_ORDER, Ask, Flow, FlowStep, customer_of, register, which_order
from parley.dialogue.orders import describe_status
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.reading import SURE
from parley.dialogue.wording import mentions
from parley.domain.records import Customer, Order, OrderStatus
from parley.domain.rules import ADDRESS_CHANGEABLE, AddressOutcome, one_line_address
from parley.i18n import Catalog
from parley.nlu.intents import Intent

FLOW = "change_order"
WHAT = "what"  # what should change?
ADDRESS = "address"  # the new address, please
CONFIRM = "confirm"  # the address read back: change it?
PERSON = "person"  # the order has left: pass the request to a person?
# What the customer wants changed: the address (done here) or anything else (a person does it).
ADDRESS_CHANGE, OTHER_CHANGE = "address", "other"
RETURN_PAYLOAD = "intent:return_refund"
HANDOFF = "change_order"
_ON_ITS_WAY = frozenset({OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY})
# Catalog word lists: words that ask for another delivery address, and words that say what else should change.
ADDRESS_WORDS, DETAIL_WORDS = "change_address", "change_details"


@register
class ChangeOrder(Flow):
    name = FLOW
    intents = (Intent.CHANGE_ORDER,)
    needs_customer = True
    uses = ("orders",)
    verbatim = frozenset({ADDRESS})  # "Calle Mayor 5, 28013 Madrid" is an address, not Spanish
    yes_no_steps = frozenset({CONFIRM, PERSON})  # "sí, cámbiala", "👍", the order's number restated

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._orders = ports.orders

    def start(self, ask: Ask) -> FlowStep:
        catalog, customer = ask.catalog, customer_of(ask)
        wish = _wish(ask)
        wanted = ask.order_id or ask.last_order_id
        if wanted:
            order = self._orders.get(wanted)
            if order is not None and order.customer_id == customer.customer_id:
                return self._about(catalog, order, wish)
            if ask.order_id:
                # Someone else's order and a missing one get the same answer.
                return FlowStep(catalog.render("order.not_found", order_id=ask.order_id))
        open_orders = [o for o in self._orders.for_customer(customer.customer_id) if o.status.is_open]
        if not open_orders:
            return FlowStep(catalog.render("change.none"))
        if len(open_orders) == 1:
            return self._about(catalog, open_orders[0], wish)
        step = which_order(catalog.render("change.which"), open_orders, FLOW)
        return FlowStep(step.text, step.choices, FLOW, WHICH_ORDER, slots=wish)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, customer, slots = ask.catalog, customer_of(ask), ask.slots
        if ask.step == WHICH_ORDER:
            return self._chosen(catalog, customer, ask.order_id, slots) if ask.order_id else None
        order = self._mine(customer, slots.get("order_id", ""))
        if order is None:
            return None
        if ask.step == WHAT and _free_text(ask):
            if mentions(ask.message.text, catalog, ADDRESS_WORDS) or mentions(ask.text, catalog, ADDRESS_WORDS):
                return self._about(catalog, order, {"change": ADDRESS_CHANGE})
            return _to_person(catalog, order, {"change": OTHER_CHANGE, "request": ask.message.text})
        if ask.step == ADDRESS:
            return self._address(ask, order)
        if ask.step == CONFIRM and slots.get("address"):
            if ask.answer is Answer.YES:
                return self._change(catalog, customer, order, slots["address"])
            if ask.answer is Answer.NO:
                return FlowStep(catalog.render("change.address_kept", order_id=order.order_id), order_id=order.order_id)
        if ask.step == PERSON:
            if ask.answer is Answer.YES:
                return _to_person(catalog, order, slots)
            if ask.answer is Answer.NO:
                return FlowStep(catalog.render("flow.stopped"), order_id=order.order_id)
        return None

    def _chosen(self, catalog: Catalog, customer: Customer, order_id: str, slots: Mapping[str, str]) -> FlowStep:
        order = self._mine(customer, order_id)
        if order is None:
            return FlowStep(catalog.render("order.not_found", order_id=order_id))
        return self._about(catalog, order, slots)

    def _mine(self, customer: Customer, order_id: str) -> Order | None:
        order = self._orders.get(order_id) if order_id else None
        return order if order is not None and order.customer_id == customer.customer_id else None

    def _about(self, catalog: Catalog, order: Order, wish: Mapping[str, str]) -> FlowStep:
        """What can be done with this order: ask for the address or what to change while it is in the warehouse;
        otherwise say where it is and what is still possible."""
        order_id = order.order_id
        if order.status in _ON_ITS_WAY:
            # Only the carrier can still do something: a person may ask them.
            text = catalog.sentences([describe_status(order, catalog), catalog.render("change.on_its_way")])
            slots = {"order_id": order_id, **wish}
            return FlowStep(text, confirm_choices(catalog), FLOW, PERSON, slots, order_id=order_id)
        if order.status is OrderStatus.DELIVERED:
            text = catalog.sentences([describe_status(order, catalog), catalog.render("change.delivered")])
            return FlowStep(text, (Choice(RETURN_PAYLOAD, catalog.render("choice.start_return")),), order_id=order_id)
        if order.status not in ADDRESS_CHANGEABLE:
            text = catalog.sentences([describe_status(order, catalog), catalog.render("change.closed")])
            return FlowStep(text, order_id=order_id)
        if _address(wish):
            return _ask_address(catalog, order_id, "change.ask_address")
        if wish.get("request"):
            return _to_person(catalog, order, wish)
        return FlowStep(catalog.render("change.ask_what", order_id=order_id), flow=FLOW, step=WHAT,
                        slots={"order_id": order_id}, order_id=order_id)  # fmt: skip

    def _address(self, ask: Ask, order: Order) -> FlowStep | None:
        """The new address as the customer wrote it, read back for a yes."""
        catalog, order_id = ask.catalog, order.order_id
        if not _free_text(ask):
            return None
        has_digits = any(c.isdigit() for c in ask.message.text)
        if ask.answer is Answer.NO and not has_digits:
            return FlowStep(catalog.render("change.address_kept", order_id=order_id), order_id=order_id)
        address = one_line_address(ask.message.text)
        if address is None or len(address) < 5 or (ask.answer is Answer.YES and not has_digits):
            return _ask_address(catalog, order_id, "change.address_again")
        return FlowStep(
            catalog.render("change.confirm_address", order_id=order_id, address=address),
            choices=confirm_choices(catalog),
            flow=FLOW,
            step=CONFIRM,
            slots={"order_id": order_id, "address": address},
            order_id=order_id,
        )

    def _change(self, catalog: Catalog, customer: Customer, order: Order, address: str) -> FlowStep:
        result = self._orders.change_address(order.order_id, customer.customer_id, address)
        order_id = order.order_id
        if result.outcome is AddressOutcome.CHANGED:
            text = catalog.render("change.address_done", order_id=order_id, address=address)
            return FlowStep(text, order_id=order_id, completed=True)
        if result.order is None:
            return FlowStep(catalog.render("order.not_found", order_id=order_id))
        if result.outcome is AddressOutcome.TOO_LATE and result.order.status in _ON_ITS_WAY:
            # It left the warehouse between the question and the yes: the write did not happen; say so.
            text = catalog.sentences([describe_status(result.order, catalog), catalog.render("change.left_meanwhile")])
            slots = {"order_id": order_id, "change": ADDRESS_CHANGE, "address": address}
            return FlowStep(text, confirm_choices(catalog), FLOW, PERSON, slots, order_id=order_id)
        return self._about(catalog, result.order, {"change": ADDRESS_CHANGE})


def _to_person(catalog: Catalog, order: Order, wish: Mapping[str, str]) -> FlowStep:
    """A person makes the change: they are handed the order, where it stands, what should change and the customer's
    own words (the new address, when it was given)."""
    change = "delivery_address" if _address(wish) else "other"
    brief = {"order_id": order.order_id, "status": order.status.value, "change": change,
             "request": " ".join(wish.get("request", "").split()), "address": wish.get("address", "")}  # fmt: skip
    text = catalog.render("change.noted", order_id=order.order_id)
    return FlowStep(text, order_id=order.order_id, handoff=HANDOFF, brief=brief)


def _wish(ask: Ask) -> dict[str, str]:
    """What the first message asks to change: the address, or something else in so many words (kept as written for
    the person who will do it), or it does not say yet."""
    said = (ask.message.text, ask.text)
    if any(mentions(text, ask.catalog, ADDRESS_WORDS) for text in said):
        return {"change": ADDRESS_CHANGE}
    if ask.message.kind not in PAYLOAD_KINDS and any(mentions(text, ask.catalog, DETAIL_WORDS) for text in said):
        return {"change": OTHER_CHANGE, "request": ask.message.text}
    return {}


def _address(wish: Mapping[str, str]) -> bool:
    return wish.get("change") == ADDRESS_CHANGE


def _ask_address(catalog: Catalog, order_id: str, key: str) -> FlowStep:
    return FlowStep(catalog.render(key, order_id=order_id), flow=FLOW, step=ADDRESS, slots={"order_id": order_id},
                    order_id=order_id)  # fmt: skip


def _free_text(ask: Ask) -> bool:
    """The message may be the customer's answer in their own words: typed, and not a request the intent model is
    sure of (an address or a change has digits, or is no request at all)."""
    if ask.message.kind in PAYLOAD_KINDS or not ask.message.text.strip():
        return False
    other_request = ask.intent not in {Intent.OUT_OF_SCOPE, Intent.CHANGE_ORDER} and ask.confidence >= SURE
    has_digits = any(c.isdigit() for c in ask.message.text)
    return not other_request or (has_digits and ask.order_id is None)
