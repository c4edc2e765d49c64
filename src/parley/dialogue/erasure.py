"""A customer's own "delete my data": a confirmation, then every conversation of theirs is erased (its state and its
message log). Orders and invoices are business records the shop must keep; they stay."""

from __future__ import annotations

from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import Ask, FlowStep, customer_of
from parley.domain.ports import MessageLog
from parley.nlu.intents import Intent
from parley.privacy import Forgets, erase

FLOW = "delete_data"
CONFIRM = "confirm"


class Erasure:
    name = FLOW
    intents = frozenset({Intent.DELETE_DATA})
    needs_customer = True

    def __init__(self, log: MessageLog, pseudonyms: Forgets | None = None) -> None:
        self._log = log
        self._pseudonyms = pseudonyms

    @staticmethod
    def start(ask: Ask) -> FlowStep:
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
