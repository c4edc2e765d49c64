"""A damaged, wrong or missing item in conversation: the customer's words take it to returns (not troubleshooting),
then which order and which item, a replacement or the money back under the returns rules, and a person, told what
was found out, when the rules do not settle it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProducts, InMemoryReturns
from parley.channels.model import MessageKind
from parley.dialogue.engine import DialogueEngine
from parley.domain.conversation import handoff_brief
from parley.domain.records import ItemProblem, OrderItem, OrderStatus, Product
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service, first_paragraph
from support.factories import customer, inbound, order

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EN, DE = CATALOGS["en"], CATALOGS["de"]
HEADPHONES = Product("SKU-HP-AURA", "Aura Wireless Headphones")
SOCKS = Product("SKU-SOCKS-3", "Merino Hiking Socks")

EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
JONAS = customer(name="Jonas Weber", phone="4915112345678", language="de")
NADIA = customer(name="Nadia Haddad", phone="14155550987", language="en")


def delivered(owner, order_id: str, *items: Product, days_ago: int = 3, **overrides):
    lines = tuple(OrderItem(p.sku, 1) for p in items)
    return order(owner, order_id=order_id, status=OrderStatus.DELIVERED, items=lines,
                 delivered_at=NOW - timedelta(days=days_ago), placed_at=NOW - timedelta(days=days_ago + 4),
                 **overrides)  # fmt: skip


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders(
        [
            delivered(EMILY, "ORD-720001", HEADPHONES),
            delivered(JONAS, "ORD-520001", HEADPHONES, SOCKS),
            delivered(NADIA, "ORD-620001", HEADPHONES, days_ago=45),
            delivered(NADIA, "ORD-620002", SOCKS, days_ago=2),
            order(NADIA, order_id="ORD-620003", status=OrderStatus.SHIPPED),
        ]
    )


@pytest.fixture
def returns(orders: InMemoryOrders) -> InMemoryReturns:
    return InMemoryReturns(orders)


@pytest.fixture
def conversations() -> InMemoryConversations:
    return InMemoryConversations()


@pytest.fixture
def service(orders, returns, conversations) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, JONAS, NADIA]),
        orders=orders,
        returns=returns,
        products=InMemoryProducts([HEADPHONES, SOCKS]),
        conversations=conversations,
        clock=lambda: NOW,
        return_window_days=30,
    )


def say(service: DialogueEngine, text: str, who=EMILY, **overrides):
    return service.respond(inbound(text, sender=who.phone, **overrides))


def brief_of(conversations: InMemoryConversations, who) -> dict[str, str]:
    state = conversations.get(inbound("", sender=who.phone).conversation_key)
    assert state is not None
    return handoff_brief(state.slots)


def test_damaged_headphones_get_a_return_not_troubleshooting(service, returns) -> None:
    """The message of the issue: today a guide is looked for, none fits, and a person is told "no steps yet"."""
    say(service, "hi")

    offered = say(service, "my headphones arrived damaged, the left side doesn't work")

    assert offered.intent is Intent.RETURN_REFUND and offered.handoff is None
    assert offered.reply.text == EN.sentences([
        EN.render("problem.damaged_item"),
        EN.render("problem.remedy", item="Aura Wireless Headphones", order_id="ORD-720001"),
    ])  # fmt: skip
    assert [c.id for c in offered.reply.choices] == ["remedy:replacement", "remedy:refund"]
    assert returns.returns_for_customer(EMILY.customer_id) == []  # nothing happens before the choice

    done = say(service, "Replacement", kind=MessageKind.BUTTON_REPLY, payload="remedy:replacement")

    [started] = returns.returns_for_customer(EMILY.customer_id)
    assert first_paragraph(done) == EN.render(
        "problem.replacement_started", return_id=started.return_id, order_id="ORD-720001"
    )
    assert (started.reason, started.sku, started.replacement) == (ItemProblem.DAMAGED, "SKU-HP-AURA", True)


def test_a_typed_choice_of_the_money_back_starts_a_refund(service, returns) -> None:
    say(service, "hi")
    say(service, "I received the wrong item, I ordered headphones")

    done = say(service, "no, I'd rather have my money back")

    [started] = returns.returns_for_customer(EMILY.customer_id)
    assert first_paragraph(done) == EN.render("return.started", return_id=started.return_id, order_id="ORD-720001")
    assert (started.reason, started.replacement) == (ItemProblem.WRONG, False)


def test_the_item_is_asked_for_when_the_order_has_several_in_german(service, returns) -> None:
    say(service, "Hallo", JONAS)

    which = say(service, "In meiner Bestellung war ein falscher Artikel", JONAS)

    assert which.reply.text == DE.sentences(
        [DE.render("problem.wrong_item"), DE.render("problem.which_item", order_id="ORD-520001")]
    )
    assert [(c.id, c.title) for c in which.reply.choices] == [
        ("item:SKU-HP-AURA", "Aura Wireless Headphones"), ("item:SKU-SOCKS-3", "Merino Hiking Socks"),
    ]  # fmt: skip
    offered = say(service, "Merino Hiking Socks", JONAS, kind=MessageKind.BUTTON_REPLY, payload="item:SKU-SOCKS-3")
    assert offered.reply.text == DE.render("problem.remedy", item="Merino Hiking Socks", order_id="ORD-520001")
    say(service, "Ersatz bitte", JONAS)

    [started] = returns.returns_for_customer(JONAS.customer_id)
    assert (started.sku, started.replacement, started.refund_amount) == ("SKU-SOCKS-3", True, None)


def test_the_item_named_in_the_message_is_not_asked_for(service) -> None:
    say(service, "Hallo", JONAS)

    offered = say(service, "Die Aura-Kopfhörer sind beschädigt angekommen", JONAS)

    assert offered.reply.text.endswith(
        DE.render("problem.remedy", item="Aura Wireless Headphones", order_id="ORD-520001")
    )


def test_a_missing_item_of_a_delivered_order_goes_to_a_person_with_the_order_and_item(service, conversations) -> None:
    say(service, "hi")

    turn = say(service, "the headphones were not in the box! ORD-720001")

    assert turn.handoff == "missing_item"
    assert turn.reply.text.startswith(
        EN.sentences([EN.render("problem.missing_item"), EN.render("problem.missing", order_id="ORD-720001")])
    )
    assert EN.render("handoff.started") in turn.reply.text
    assert brief_of(conversations, EMILY) == {
        "order_id": "ORD-720001", "problem": "missing_item", "item": "Aura Wireless Headphones (SKU-HP-AURA)",
        "why": "missing",
    }  # fmt: skip


def test_damage_past_the_return_period_goes_to_a_person_with_the_date(service, returns, conversations) -> None:
    say(service, "hi", NADIA)

    turn = say(service, "ORD-620001 arrived damaged", NADIA)

    deadline = (NOW - timedelta(days=45) + timedelta(days=30)).date()
    assert turn.handoff == "damaged_item"
    assert EN.render("problem.window_passed", order_id="ORD-620001", date=EN.date(deadline)) in turn.reply.text
    assert brief_of(conversations, NADIA)["why"] == "window_passed"
    assert returns.returns_for_customer(NADIA.customer_id) == []


def test_with_several_delivered_orders_the_customer_picks_one(service) -> None:
    say(service, "hi", NADIA)

    which = say(service, "the item I got is damaged", NADIA)

    assert which.reply.text == EN.sentences([EN.render("problem.damaged_item"), EN.render("problem.which_order")])
    assert [c.title for c in which.reply.choices] == ["ORD-620002", "ORD-620001"]
    offered = say(service, "ORD-620002", NADIA, kind=MessageKind.LIST_REPLY, payload="order:ORD-620002")
    assert offered.reply.text == EN.render("problem.remedy", item="Merino Hiking Socks", order_id="ORD-620002")


def test_an_order_not_marked_delivered_goes_to_a_person(service, conversations) -> None:
    say(service, "hi", NADIA)

    turn = say(service, "ORD-620003 arrived damaged", NADIA)

    assert turn.handoff == "damaged_item"
    assert EN.render("problem.not_delivered", order_id="ORD-620003") in turn.reply.text
    assert brief_of(conversations, NADIA) == {
        "order_id": "ORD-620003",
        "problem": "damaged_item",
        "why": "not_delivered",
    }


def test_an_order_with_a_return_under_way_points_to_it(service, returns) -> None:
    say(service, "hi")
    say(service, "my headphones arrived damaged")
    say(service, "Refund", kind=MessageKind.BUTTON_REPLY, payload="remedy:refund")
    [started] = returns.returns_for_customer(EMILY.customer_id)

    again = say(service, "the headphones arrived damaged")

    assert EN.render("return.already_open", order_id="ORD-720001", return_id=started.return_id) in again.reply.text
    assert len(returns.returns_for_customer(EMILY.customer_id)) == 1


def test_a_no_to_the_choice_starts_nothing(service, returns) -> None:
    say(service, "hi")
    say(service, "my headphones arrived damaged")

    turn = say(service, "no")

    assert turn.reply.text == EN.render("flow.stopped")
    assert returns.returns_for_customer(EMILY.customer_id) == []


def test_a_broken_router_without_damage_words_is_still_troubleshooting(service) -> None:
    say(service, "hi")

    turn = say(service, "my wifi router keeps disconnecting")

    assert turn.intent is Intent.TECH_SUPPORT


def test_where_is_my_refund_is_not_a_problem_with_an_item(service, returns) -> None:
    say(service, "hi")
    say(service, "my headphones arrived damaged")
    say(service, "Refund", kind=MessageKind.BUTTON_REPLY, payload="remedy:refund")
    [started] = returns.returns_for_customer(EMILY.customer_id)

    turn = say(service, "where is my refund?")

    assert turn.reply.text == EN.render("return.requested", return_id=started.return_id, order_id="ORD-720001")


def test_an_order_on_its_way_just_discussed_is_not_taken_for_the_damaged_one(service) -> None:
    say(service, "hi", NADIA)
    say(service, "where is ORD-620003?", NADIA)

    which = say(service, "the item I got is damaged", NADIA)

    assert which.handoff is None
    assert [c.title for c in which.reply.choices] == ["ORD-620002", "ORD-620001"]
