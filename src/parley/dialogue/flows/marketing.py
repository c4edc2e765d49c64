"""Promotional messages: a customer opts out ("stop", "unsubscribe", "no more offers") or in ("sign me up for the
newsletter") in their own words, and the choice is recorded on their record at once (a conditional write through the
customer store) and confirmed. The words decide which (each catalog's marketing_out and marketing_in, in
locales/words/; out wins when both appear); when they do not, the customer is asked. A sender not on file proves who
they are first, as for any change to a customer's record: nothing promotional reaches them meanwhile, since only a
customer on file who opted in is ever sent anything promotional (domain.rules.may_promote)."""

from __future__ import annotations

from parley.channels.model import PAYLOAD_KINDS, MessageKind
from parley.channels.replies import Choice
from parley.dialogue.flow import Ask, Flow, FlowStep, customer_of, register
from parley.dialogue.reading import INTENT_PAYLOAD
from parley.dialogue.wording import mentions, says_only
from parley.nlu.intents import Intent

FLOW = "marketing_preferences"
CHOICE_PAYLOAD = "marketing:"
OPT_IN, OPT_OUT = "in", "out"
WHICH = "which"
_PERSON_PAYLOAD = f"{INTENT_PAYLOAD}{Intent.HUMAN_AGENT.value}"
# Messages whose words are the customer's: typed, or a template's quick-reply button (WhatsApp sends its title).
_WORDS = frozenset({MessageKind.TEXT, MessageKind.BUTTON})


def wish(ask: Ask) -> bool | None:
    """True in, False out, None when neither the tapped choice nor the words say (out first: an opt-out is never
    missed because the message also names the newsletter)."""
    payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
    if payload.startswith(CHOICE_PAYLOAD):
        return {OPT_IN: True, OPT_OUT: False}.get(payload.removeprefix(CHOICE_PAYLOAD))
    # Typed, or a button of the business's own template ("Stop promotions"), whose title is the customer's words.
    for key, value in (("marketing_out", False), ("marketing_in", True)):
        if mentions(ask.message.text, ask.catalog, key) or mentions(ask.text, ask.catalog, key):
            return value
    return None


@register
class MarketingPreferences(Flow):
    name = FLOW
    intents = (Intent.MARKETING_PREFERENCES,)
    needs_customer = True
    payloads = (CHOICE_PAYLOAD,)
    rating_after = False  # a rating question right after "stop" would be the very message they asked not to get

    def claims(self, ask: Ask) -> bool:
        # "STOP", "unsubscribe", "退订" on their own, typed or the title of a template's button: an opt-out whatever the
        # intent model says, as customers of text messaging expect.
        message = ask.message
        return message.kind in _WORDS and (
            says_only(message.text, ask.catalog, "marketing_out") or says_only(ask.text, ask.catalog, "marketing_out")
        )

    def start(self, ask: Ask) -> FlowStep:
        wanted = wish(ask)
        if wanted is None:
            catalog = ask.catalog
            return FlowStep(
                catalog.render("marketing.which"),
                choices=(
                    Choice(f"{CHOICE_PAYLOAD}{OPT_IN}", catalog.render("choice.marketing_in")),
                    Choice(f"{CHOICE_PAYLOAD}{OPT_OUT}", catalog.render("choice.marketing_out")),
                ),
                flow=FLOW,
                step=WHICH,
            )
        return self._record(ask, wanted)

    def resume(self, ask: Ask) -> FlowStep | None:
        if ask.step != WHICH:
            return None
        wanted = wish(ask)
        return self._record(ask, wanted) if wanted is not None else None

    def _record(self, ask: Ask, opted_in: bool) -> FlowStep:
        catalog = ask.catalog
        updated = self.ports.customers.set_marketing_opt_in(customer_of(ask).customer_id, opted_in)
        if updated is None:  # the record went meanwhile (erased): nothing to write the choice on
            return FlowStep(
                catalog.render("marketing.unrecorded"),
                choices=(Choice(_PERSON_PAYLOAD, catalog.render("choice.talk_to_person")),),
            )
        text = catalog.render("marketing.opted_in" if opted_in else "marketing.opted_out")
        return FlowStep(text, completed=True, customer=updated)
