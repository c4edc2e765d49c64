"""A customer's own "delete my data": a confirmation, then every conversation of theirs is erased (its state and its
message log). Orders and invoices are business records the shop must keep; they stay."""

from __future__ import annotations

from parley.data.records import Customer
from parley.data.repositories import MessageLog
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import FlowStep
from parley.i18n import Catalog
from parley.privacy import erase

FLOW = "delete_data"
CONFIRM = "confirm"


class Erasure:
    def __init__(self, log: MessageLog) -> None:
        self._log = log

    @staticmethod
    def start(catalog: Catalog) -> FlowStep:
        return FlowStep(catalog.render("privacy.confirm"), choices=confirm_choices(catalog), flow=FLOW, step=CONFIRM)

    def resume(
        self, catalog: Catalog, customer: Customer, answer: Answer | None, conversation_id: str
    ) -> FlowStep | None:
        if answer is Answer.NO:
            return FlowStep(catalog.render("flow.stopped"))
        if answer is not Answer.YES:
            return None
        erase(self._log, customer.customer_id, conversation_id)
        return FlowStep(catalog.render("privacy.erased"), erased=True)
