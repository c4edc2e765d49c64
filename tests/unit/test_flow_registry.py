"""The flow registry: every module of parley.dialogue.flows is found, and what used to be listed by hand (the intents
an unknown sender proves who they are for, payload routing, the report's flows) follows from the declarations —
with two flows claiming one intent, payload or kind refused before any message is answered."""

from __future__ import annotations

import pkgutil

import pytest

import parley.dialogue.flows as flows_package
from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.channels.model import MessageKind
from parley.dialogue.flow import Ask, Flow, FlowStep
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.registry import FlowDeclarationError, FlowRegistry
from parley.nlu.intents import Intent

REGISTRY = FlowRegistry.discover()


def test_every_module_of_the_flows_package_registers_a_flow() -> None:
    modules = {f"{flows_package.__name__}.{m.name}" for m in pkgutil.iter_modules(flows_package.__path__)}

    assert {flow.__module__ for flow in REGISTRY.flows} == modules


def test_every_request_parley_understands_has_a_flow_or_is_the_fallback() -> None:
    served = {intent for flow in REGISTRY.flows for intent in flow.intents}

    assert served == set(Intent) - {Intent.OUT_OF_SCOPE}


def test_an_unknown_sender_proves_who_they_are_for_everything_personal() -> None:
    assert REGISTRY.protected == {
        Intent.ORDER_STATUS,
        Intent.CANCEL_ORDER,
        Intent.CHANGE_ORDER,
        Intent.RETURN_REFUND,
        Intent.INVOICE,
        Intent.PAYMENT,
        Intent.SUBSCRIPTION,
        Intent.DELETE_DATA,
        Intent.MARKETING_PREFERENCES,  # a change to the customer's record
    }


@pytest.mark.parametrize(
    ("payload", "intent"),
    [
        ("order:ORD-104233", Intent.ORDER_STATUS),
        ("lang:de", Intent.CHANGE_LANGUAGE),
        ("product:SKU-SOCKS", Intent.PRODUCT_INFO),
        ("subscription:SUB-7001", Intent.SUBSCRIPTION),
        ("subscription_action:pause:SUB-7001", Intent.SUBSCRIPTION),
        ("plan:SKU-PLAN-YEAR", Intent.SUBSCRIPTION),
        ("confirm:yes", None),  # an answer to the flow under way, not a request
        ("rating:5", None),
    ],
)
def test_a_tapped_payload_asks_for_its_flows_request(payload: str, intent: Intent | None) -> None:
    assert REGISTRY.payload_intent(payload) is intent


def test_a_deployment_leaves_out_the_flows_whose_data_it_lacks() -> None:
    ports = DialoguePorts(InMemoryCustomers(), InMemoryOrders(), InMemoryConversations())

    deployed = {flow.name for flow in REGISTRY.deploy(ports).flows}

    assert {"cancel_order", "order_status", "tech_support", "small_talk", "human_agent"} <= deployed
    assert not {"return", "billing", "subscription", "products", "delete_data"} & deployed


def test_the_report_counts_the_flows_a_request_opens_not_one_message_answers() -> None:
    ports = DialoguePorts(InMemoryCustomers(), InMemoryOrders(), InMemoryConversations())

    reported = REGISTRY.deploy(ports).reported_by_intent()

    assert reported == {
        "account": "account",
        "cancel_order": "cancel_order",
        "change_order": "change_order",
        "tech_support": "tech_support",
        "feedback": "feedback",
        "faq": "faq",
        "marketing_preferences": "marketing_preferences",
    }
    assert "csat" in REGISTRY.unreported


def flow(name: str, **declarations: object) -> type[Flow]:
    def start(self: Flow, ask: Ask) -> FlowStep:
        return FlowStep("")

    return type(name.title(), (Flow,), {"name": name, "start": start, **declarations})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"intents": (Intent.CANCEL_ORDER,)}, {"intents": (Intent.CANCEL_ORDER,)}),
        (
            {"intents": (Intent.GREETING,), "payloads": ("size:",)},
            {"intents": (Intent.THANKS,), "payloads": ("size:",)},
        ),
        ({"intents": (Intent.GREETING,), "payloads": ("size:",)}, {"intents": (Intent.THANKS,), "payloads": ("si",)}),
        ({"kinds": frozenset({MessageKind.FORM})}, {"kinds": frozenset({MessageKind.FORM})}),
    ],
)
def test_two_flows_claiming_the_same_request_are_refused(first: dict[str, object], second: dict[str, object]) -> None:
    with pytest.raises(FlowDeclarationError):
        FlowRegistry([flow("one", **first), flow("two", **second)])


@pytest.mark.parametrize(
    "declarations",
    [
        {"uses": ("warehouse",)},  # not a store Parley has
        {"payloads": ("size:",)},  # a payload stands for an intent
        {"intents": (Intent.GREETING,), "payloads": ("intent:",)},  # the engine's own
    ],
)
def test_a_flow_declaring_what_cannot_be_is_refused(declarations: dict[str, object]) -> None:
    with pytest.raises(FlowDeclarationError):
        FlowRegistry([flow("odd", **declarations)])
