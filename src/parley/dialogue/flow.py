"""What one step of a multi-message flow (cancel an order, walk through a troubleshooting guide) hands back."""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.channels.replies import Choice
from parley.data.records import Order

# The payload of an order choice: a tap names the order (the same payload answers "where is it?" outside a flow).
ORDER_PAYLOAD = "order:"
WHICH_ORDER = "which_order"


@dataclass(frozen=True)
class FlowStep:
    """What one message of a flow says, and where the flow stands afterwards (flow None: it is over)."""

    text: str
    choices: tuple[Choice, ...] = ()
    flow: str | None = None
    step: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    order_id: str | None = None  # the order now being discussed
    completed: bool = False  # the customer got what they came for (a rating may follow)
    handoff: str | None = None  # the flow ends with a person taking over, for this reason
    erased: bool = False  # the conversation was erased: nothing of it may be written back


def which_order(question: str, orders: list[Order], flow: str) -> FlowStep:
    """Ask which of these orders the customer means, each a button naming it."""
    return FlowStep(
        question,
        choices=tuple(Choice(f"{ORDER_PAYLOAD}{o.order_id}", o.order_id, verbatim=True) for o in orders),
        flow=flow,
        step=WHICH_ORDER,
    )
