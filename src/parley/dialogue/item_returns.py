"""The returns flow's way for a damaged, wrong or missing item (flows/returns.py hands such a message here):
which order (the one named or discussed, else a choice among the delivered ones) and which item, then a return for a
replacement or the money back under the returns rules (delivered, within the window, one open return per order). A
person when the rules do not settle it: an item missing from a delivered order, an order not marked delivered, the
return period over. The person gets the order, the item, the problem and why it came to them."""

from __future__ import annotations

from collections.abc import Mapping

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.answers import Answer
from parley.dialogue.flow import ORDER_PAYLOAD, WHICH_ORDER, Ask, FlowStep, customer_of, present
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.wording import mentions, words
from parley.domain.records import Customer, ItemProblem, Order, OrderItem, OrderStatus
from parley.domain.rules import ReturnClaim, ReturnOutcome, return_refusal
from parley.i18n import Catalog

WHICH_ITEM = "which_item"
REMEDY = "remedy"
# Payloads of this way's choices; they answer its own questions (the flow under way is resumed first).
ITEM_PAYLOAD = "item:"
REMEDY_PAYLOAD = "remedy:"
REPLACEMENT, REFUND = "replacement", "refund"  # also the catalog word lists for a typed answer


class ItemProblems:
    def __init__(self, ports: DialoguePorts, flow: str) -> None:
        self._orders = ports.orders
        self._returns = present(ports.returns, "returns")
        self._products = ports.products
        self._window_days = ports.return_window_days
        self._flow = flow

    def start(self, ask: Ask, problem: ItemProblem) -> FlowStep:
        catalog, customer = ask.catalog, customer_of(ask)
        sorry = catalog.render(f"problem.{problem.value}")
        if ask.order_id:
            order = self._mine(customer, ask.order_id)
            if order is None:
                # Someone else's order and a missing one get the same answer.
                return FlowStep(catalog.render("order.not_found", order_id=ask.order_id))
            return self._about(ask, order, problem, sorry)
        discussed = self._mine(customer, ask.last_order_id or "")
        if discussed is not None and discussed.status is OrderStatus.DELIVERED:
            # The order just talked about, if it has arrived (one still on its way is not what came damaged).
            return self._about(ask, discussed, problem, sorry)
        received = [o for o in self._orders.for_customer(customer.customer_id) if o.status is OrderStatus.DELIVERED]
        if not received:
            return _to_person(catalog, problem, None, "no_delivered_order", catalog.render("problem.no_order"), sorry)
        if len(received) == 1:
            return self._about(ask, received[0], problem, sorry)
        return FlowStep(
            catalog.sentences([sorry, catalog.render("problem.which_order")]),
            choices=tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in received),
            flow=self._flow,
            step=WHICH_ORDER,
            slots={"problem": problem.value},
        )

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, customer, slots = ask.catalog, customer_of(ask), ask.slots
        problem = ItemProblem(slots["problem"])
        if ask.step == WHICH_ORDER:
            if not ask.order_id:
                return None
            order = self._mine(customer, ask.order_id)
            if order is None:
                return FlowStep(catalog.render("order.not_found", order_id=ask.order_id))
            return self._about(ask, order, problem, "")
        order = self._mine(customer, slots.get("order_id", ""))
        if order is None:
            return None
        if ask.step == WHICH_ITEM:
            item = self._item_chosen(ask, order)
            return self._settle(catalog, order, problem, item.sku, "") if item else None
        if ask.step == REMEDY:
            return self._remedy(ask, customer, order, problem, slots)
        return None

    def _mine(self, customer: Customer, order_id: str) -> Order | None:
        order = self._orders.get(order_id) if order_id else None
        return order if order is not None and order.customer_id == customer.customer_id else None

    def _about(self, ask: Ask, order: Order, problem: ItemProblem, intro: str) -> FlowStep:
        """The order is settled: what the rules say of it, then which item."""
        catalog, order_id = ask.catalog, order.order_id
        if order.status is not OrderStatus.DELIVERED:
            said = catalog.render("problem.not_delivered", order_id=order_id)
            return _to_person(catalog, problem, order, "not_delivered", said, intro)
        if problem is not ItemProblem.MISSING:
            refusal, deadline = return_refusal(order, order.customer_id, ask.now, self._window_days)
            if refusal is ReturnOutcome.WINDOW_PASSED and deadline is not None:
                said = catalog.render("problem.window_passed", order_id=order_id, date=catalog.date(deadline.date()))
                return _to_person(catalog, problem, order, "window_passed", said, intro)
            under_way = next((r for r in self._returns.returns_for_customer(order.customer_id)
                              if r.order_id == order_id and r.status.is_open), None)  # fmt: skip
            if under_way is not None:
                said = catalog.render("return.already_open", order_id=order_id, return_id=under_way.return_id)
                return FlowStep(catalog.sentences([p for p in (intro, said) if p]), order_id=order_id)
        named = self._items_named(order, (ask.message.text, ask.text))
        if len(order.items) > 1 and len(named) != 1:
            question = catalog.render("problem.which_item", order_id=order_id)
            return FlowStep(
                catalog.sentences([p for p in (intro, question) if p]),
                choices=tuple(Choice(f"{ITEM_PAYLOAD}{i.sku}", self._label(i.sku), verbatim=True) for i in order.items),
                flow=self._flow,
                step=WHICH_ITEM,
                slots={"problem": problem.value, "order_id": order_id},
                order_id=order_id,
            )
        item = named[0] if named else (order.items[0] if order.items else None)
        return self._settle(catalog, order, problem, item.sku if item else None, intro)

    def _settle(self, catalog: Catalog, order: Order, problem: ItemProblem, sku: str | None, intro: str) -> FlowStep:
        """The order and the item are known: a person for what is missing, else a replacement or the money back."""
        order_id = order.order_id
        if problem is ItemProblem.MISSING:
            said = catalog.render("problem.missing", order_id=order_id)
            return _to_person(catalog, problem, order, "missing", said, intro, self._item_brief(sku))
        if sku is not None:
            question = catalog.render("problem.remedy", item=self._label(sku), order_id=order_id)
        else:
            question = catalog.render("problem.remedy_order", order_id=order_id)
        return FlowStep(
            catalog.sentences([p for p in (intro, question) if p]),
            choices=(
                Choice(f"{REMEDY_PAYLOAD}{REPLACEMENT}", catalog.render("choice.replacement")),
                Choice(f"{REMEDY_PAYLOAD}{REFUND}", catalog.render("choice.refund")),
            ),
            flow=self._flow,
            step=REMEDY,
            slots={"problem": problem.value, "order_id": order_id, **({"sku": sku} if sku else {})},
            order_id=order_id,
        )

    def _remedy(
        self, ask: Ask, customer: Customer, order: Order, problem: ItemProblem, slots: Mapping[str, str]
    ) -> FlowStep | None:
        catalog, order_id, sku = ask.catalog, order.order_id, slots.get("sku")
        wanted = _remedy_asked(ask)  # before a "no": "no, the money back" asks for a refund
        if wanted is None and ask.answer is Answer.NO:
            return FlowStep(catalog.render("flow.stopped"), order_id=order_id)
        if wanted is None:
            # "Yes" (to which?) or a word for neither: the same question again.
            return self._settle(catalog, order, problem, sku, "") if ask.answer is Answer.YES else None
        claim = ReturnClaim(problem, sku, replacement=wanted == REPLACEMENT)
        result = self._returns.start_return(order_id, customer.customer_id, ask.now, self._window_days, claim)
        if result.outcome is ReturnOutcome.STARTED and result.request is not None:
            key = "problem.replacement_started" if claim.replacement else "return.started"
            text = catalog.render(key, return_id=result.request.return_id, order_id=order_id)
            return FlowStep(text, order_id=order_id, completed=True)
        if result.outcome is ReturnOutcome.ALREADY_OPEN and result.request is not None:
            text = catalog.render("return.already_open", order_id=order_id, return_id=result.request.return_id)
            return FlowStep(text, order_id=order_id)
        if result.outcome is ReturnOutcome.WINDOW_PASSED and result.deadline is not None:
            said = catalog.render("problem.window_passed", order_id=order_id, date=catalog.date(result.deadline.date()))
            return _to_person(catalog, problem, order, "window_passed", said, "", self._item_brief(sku))
        if result.outcome is ReturnOutcome.NOT_DELIVERED:
            said = catalog.render("problem.not_delivered", order_id=order_id)
            return _to_person(catalog, problem, order, "not_delivered", said, "", self._item_brief(sku))
        return FlowStep(catalog.render("order.not_found", order_id=order_id))

    def _item_chosen(self, ask: Ask, order: Order) -> OrderItem | None:
        """The item a tapped choice names, or the one the typed words name."""
        if ask.message.kind in PAYLOAD_KINDS:
            sku = ask.message.payload.removeprefix(ITEM_PAYLOAD) if ask.message.payload.startswith(ITEM_PAYLOAD) else ""
            return next((i for i in order.items if i.sku == sku), None)
        named = self._items_named(order, (ask.message.text, ask.text))
        return named[0] if len(named) == 1 else None

    def _items_named(self, order: Order, texts: tuple[str, ...]) -> list[OrderItem]:
        """The order's items the words name: by SKU, or by a word of the product's name ("my headphones")."""
        said = set(" ".join(words(text) for text in texts if text).split())
        found = []
        for item in order.items:
            names = {w for w in words(self._label(item.sku)).split() if len(w) >= 4} | {words(item.sku)}
            if any(w.startswith(n) for w in said for n in names):
                found.append(item)
        return found

    def _label(self, sku: str) -> str:
        product = self._products.get(sku) if self._products is not None else None
        return product.name if product is not None else sku

    def _item_brief(self, sku: str | None) -> str:
        if sku is None:
            return ""
        label = self._label(sku)
        return label if label == sku else f"{label} ({sku})"


def _remedy_asked(ask: Ask) -> str | None:
    """A replacement or the money back: a tapped choice, or the catalog's words for one (not both)."""
    if ask.message.kind in PAYLOAD_KINDS:
        chosen = ask.message.payload.removeprefix(REMEDY_PAYLOAD)
        return chosen if ask.message.payload.startswith(REMEDY_PAYLOAD) and chosen in (REPLACEMENT, REFUND) else None
    said = [
        r
        for r in (REPLACEMENT, REFUND)
        if mentions(ask.message.text, ask.catalog, r) or mentions(ask.text, ask.catalog, r)
    ]
    return said[0] if len(said) == 1 else None


def _to_person(
    catalog: Catalog, problem: ItemProblem, order: Order | None, why: str, said: str, intro: str, item: str = ""
) -> FlowStep:
    """A person settles it: they are handed the order, the item, the problem and why the rules did not."""
    brief = {"order_id": order.order_id if order else "", "problem": problem.value, "item": item, "why": why}
    return FlowStep(
        catalog.sentences([p for p in (intro, said) if p]),
        order_id=order.order_id if order else None,
        handoff=problem.value,
        brief=brief,
    )
