"""A general question about the business's policies (delivery times and costs, the returns policy, the payment methods
accepted, opening hours…): recognised as one, and answered honestly until the knowledge base answers it (a later
issue): Parley cannot answer it here yet, and a person can, one tap away. Nothing was answered, so nothing is rated,
and analytics counts the question as unresolved.

"Can I pay with PayPal?" reads like a payment to the intent model; its words say it asks which methods the shop
accepts (each catalog's payment_options, in locales/words/), so it is claimed here rather than answered with what
the customer owes."""

from __future__ import annotations

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.wording import mentions
from parley.nlu.intents import Intent

REASON = "faq"  # a person is asked because Parley could not answer a question about the business
PERSON_PAYLOAD = "faq:person"
_ABOUT_PAYING = frozenset({Intent.PAYMENT, Intent.INVOICE})


def _says(ask: Ask, key: str) -> bool:
    return mentions(ask.message.text, ask.catalog, key) or mentions(ask.text, ask.catalog, key)


@register
class Faq(Flow):
    name = "faq"
    intents = (Intent.FAQ,)
    payloads = (PERSON_PAYLOAD,)
    rating_after = False

    def claims(self, ask: Ask) -> bool:
        # Which methods are accepted, not a payment of theirs that failed ("my PayPal payment was declined").
        return ask.intent in _ABOUT_PAYING and _says(ask, "payment_options") and not _says(ask, "payment_failed")

    def start(self, ask: Ask) -> FlowStep:
        if ask.message.kind in PAYLOAD_KINDS and ask.message.payload == PERSON_PAYLOAD:
            return FlowStep("", handoff=REASON)
        catalog = ask.catalog
        return FlowStep(
            catalog.render("faq.unavailable"),
            choices=(Choice(PERSON_PAYLOAD, catalog.render("choice.talk_to_person")),),
        )
