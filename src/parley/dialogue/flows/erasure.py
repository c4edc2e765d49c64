"""A customer's own "delete my data": a confirmation, then every conversation of theirs is erased (its state and its
message log). Orders and invoices are business records the shop must keep; they stay."""

from __future__ import annotations

from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import Ask, Flow, FlowStep, customer_of, present, register
from parley.dialogue.ports import DialoguePorts
from parley.nlu.intents import Intent
from parley.privacy.rights import erase

FLOW = "delete_data"
CONFIRM = "confirm"


@register
class Erasure(Flow):
    name = FLOW
    intents = (Intent.DELETE_DATA,)
    needs_customer = True
    uses = ("message_log",)  # and the analytics keys, when this deployment keeps any
    yes_no_steps = frozenset({CONFIRM})
    echoes = (Intent.ACCOUNT,)  # "yes, close my account"

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._log = present(ports.message_log, "message_log")
        self._pseudonyms = ports.pseudonyms

    def start(self, ask: Ask) -> FlowStep:
        catalog = ask.catalog
        return FlowStep(catalog.render("privacy.confirm"), choices=confirm_choices(catalog), flow=FLOW, step=CONFIRM)

    def resume(self, ask: Ask) -> FlowStep | None:
        if ask.answer is Answer.NO:
            return FlowStep(ask.catalog.render("flow.stopped"))
        if ask.answer is not Answer.YES:
            return None
        customer = customer_of(ask)
        erase(self._log, customer.customer_id, ask.conversation_id, pseudonyms=self._pseudonyms, customer=customer)
        return FlowStep(ask.catalog.render("privacy.erased"), erased=True)
