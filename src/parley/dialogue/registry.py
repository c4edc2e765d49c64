"""The flows Parley knows, found rather than listed: every module of parley.dialogue.flows registers its flow, and
what used to be kept by hand is derived from their declarations — which intents an unknown sender must prove who
they are for, which button payloads go to which flow, which flow an intent opens in the analytics report.

A deployment (FlowRegistry.deploy) keeps the flows whose stores it has; the others' requests get "not yet".
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from parley.channels.model import MEDIA_KINDS, InboundMessage, MessageKind
from parley.dialogue.answers import CONFIRM_PAYLOAD
from parley.dialogue.flow import Ask, Flow, registered
from parley.dialogue.ports import PORT_NAMES, DialoguePorts
from parley.dialogue.reading import INTENT_PAYLOAD
from parley.nlu.intents import Intent

FLOWS_PACKAGE = "parley.dialogue.flows"
# Payload prefixes the engine reads itself: no flow may declare one that starts with them.
_RESERVED_PAYLOADS = (INTENT_PAYLOAD, CONFIRM_PAYLOAD)


class FlowDeclarationError(TypeError):
    """Two flows claim the same name, intent, payload or kind, or a flow uses a store Parley does not have."""


def _modules(place: str) -> Iterable[str]:
    """The module, or every module of the package (not its subpackages' modules: flows live at one level)."""
    module = importlib.import_module(place)
    yield place
    for info in pkgutil.iter_modules(getattr(module, "__path__", []), prefix=f"{place}."):
        importlib.import_module(info.name)
        yield info.name


class FlowRegistry:
    def __init__(self, flows: Iterable[type[Flow]]) -> None:
        self._flows = tuple(sorted(set(flows), key=lambda f: f.name))
        self._check()

    @classmethod
    def discover(cls, *places: str) -> FlowRegistry:
        """The flows registered by the modules of these packages or modules (default: parley.dialogue.flows)."""
        modules = {name for place in places or (FLOWS_PACKAGE,) for name in _modules(place)}
        return cls(flow for flow in registered() if flow.__module__ in modules)

    def including(self, *flows: type[Flow]) -> FlowRegistry:
        return FlowRegistry((*self._flows, *flows))

    def without(self, *names: str) -> FlowRegistry:
        return FlowRegistry(f for f in self._flows if f.name not in names)

    @property
    def flows(self) -> tuple[type[Flow], ...]:
        return self._flows

    @property
    def protected(self) -> frozenset[Intent]:
        """What an unknown sender must prove who they are for: every intent of a flow that needs a customer (whether
        or not this deployment has the flow: proving it comes before "not yet")."""
        return frozenset(intent for flow in self._flows if flow.needs_customer for intent in flow.intents)

    def payload_intent(self, payload: str) -> Intent | None:
        """What a tapped payload asks for: the first intent of the flow declaring its prefix."""
        for flow in self._flows:
            if flow.intents and payload.startswith(flow.payloads):
                return flow.intents[0]
        return None

    @property
    def unreported(self) -> frozenset[str]:
        return frozenset(flow.name for flow in self._flows if not flow.reported)

    def deploy(self, ports: DialoguePorts) -> Deployment:
        """The flows this deployment has the stores for, built on its ports."""
        return Deployment(
            tuple(flow(ports) for flow in self._flows if all(ports.has(port) for port in flow.uses)), self.unreported
        )

    def _check(self) -> None:
        seen: dict[object, str] = {}

        def claim(what: object, label: str, flow: type[Flow]) -> None:
            if what in seen and seen[what] != flow.name:
                raise FlowDeclarationError(f"{label} is claimed by flows {seen[what]} and {flow.name}")
            seen[what] = flow.name

        for flow in self._flows:
            claim(("name", flow.name), f"name {flow.name!r}", flow)
            for intent in flow.intents:
                claim(Intent(intent), f"intent {intent}", flow)
            for kind in flow.kinds:
                claim(MessageKind(kind), f"message kind {kind}", flow)
            if flow.payloads and not flow.intents:
                raise FlowDeclarationError(f"{flow.name}: payloads stand for its first intent; it declares none")
            unknown = set(flow.uses) - PORT_NAMES
            if unknown:
                raise FlowDeclarationError(f"{flow.name} uses {sorted(unknown)}: not among DialoguePorts' fields")
        prefixes = [(prefix, flow.name) for flow in self._flows for prefix in flow.payloads]
        for prefix, name in prefixes:
            if not prefix or prefix.startswith(_RESERVED_PAYLOADS):
                raise FlowDeclarationError(f"{name}: payload prefix {prefix!r} is empty or the engine's own")
            clash = [other for p, other in prefixes if p != prefix and p.startswith(prefix)]
            if clash or sum(p == prefix for p, _ in prefixes) > 1:
                raise FlowDeclarationError(f"payload prefix {prefix!r} of {name} is ambiguous")


@cache
def default_registry() -> FlowRegistry:
    return FlowRegistry.discover()


@dataclass(frozen=True)
class Deployment:
    """The flows of one deployment, built; how a message finds its flow."""

    flows: tuple[Flow, ...]
    unreported: frozenset[str]

    def named(self, name: str | None) -> Flow | None:
        return next((flow for flow in self.flows if flow.name == name), None) if name else None

    def for_intent(self, intent: Intent) -> Flow | None:
        return next((flow for flow in self.flows if intent in flow.intents), None)

    def for_kind(self, message: InboundMessage) -> Flow | None:
        if message.kind in MEDIA_KINDS and message.text.strip():
            return None  # a photo with a caption is read by its words
        return next((flow for flow in self.flows if message.kind in flow.kinds), None)

    def claiming(self, ask: Ask) -> Flow | None:
        return next((flow for flow in self.flows if flow.claims(ask)), None)

    def names_in(self, text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for flow in self.flows for name in flow.names_in(text)))

    def reported_by_intent(self) -> Mapping[str, str]:
        """Intent value → the name of the flow it opens, for the analytics report (answers of one message aside)."""
        return {intent.value: flow.name for flow in self.flows if flow.reported for intent in flow.intents}
