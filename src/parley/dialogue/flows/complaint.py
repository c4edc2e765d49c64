"""A complaint, said as one ("I want to complain about ORD-104233") or only in the customer's words ("third time I
write, nobody answers, I'm very unhappy"): never answered as a routine request, even when it names an order. An
apology that acknowledges what they said (the order they named, by its number, and where it stands in a few words
when it is theirs), then a person: at once while the office is open, else offered as a button.

Why at once, and why a button after hours: an unhappy customer should not have to ask twice for someone who can put
things right, and while the team is in, a person reads the handoff within minutes (agent-inbox products route
complaints to a person first for the same reason). After hours a handoff would only silence the assistant for a day
while nobody reads it, so the customer is told when the team is back and decides: one tap leaves it to them, and
meanwhile Parley still answers anything else. Either way the person gets the gist with the handoff: its reason,
"complaint", and the order it is about; the customer's own words are in the conversation's log they read.
"""

from __future__ import annotations

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.answers import Answer, frustrated
from parley.dialogue.composing import after_hours_notice
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.orders import describe_status
from parley.nlu.intents import Intent

FLOW = "complaint"
REASON = "complaint"  # the handoff's reason, as the agents' inbox and analytics see it
# The "talk to a person" button: the order the complaint is about follows ("complaint:ORD-104233"; none: nothing), so
# a tap hands over with the gist even once the conversation has moved on.
PERSON_PAYLOAD = "complaint:"
OFFERED = "person_offered"
# Requests an apology must not replace: a person asked for in so many words (human_agent hands over, apologising when
# the words are unhappy), and an opt-out or an erasure, which the customer is owed whatever their mood.
_NOT_CLAIMED = frozenset({Intent.HUMAN_AGENT, Intent.MARKETING_PREFERENCES, Intent.DELETE_DATA})


def fed_up(ask: Ask) -> bool:
    """The customer's words (or their English translation) say they have had enough or are very unhappy."""
    return frustrated(ask.message.text, ask.catalog) or frustrated(ask.text, ask.catalog)


@register
class Complaint(Flow):
    name = FLOW
    intents = (Intent.COMPLAINT,)
    payloads = (PERSON_PAYLOAD,)
    reported = False  # an apology and a person (or the offer of one): counted as a handoff, by its reason
    rating_after = False  # an apology is no service to rate
    yes_no_steps = frozenset({OFFERED})  # "yes please" to a person offered after hours

    def claims(self, ask: Ask) -> bool:
        return ask.intent is Intent.COMPLAINT or (ask.intent not in _NOT_CLAIMED and fed_up(ask))

    def start(self, ask: Ask) -> FlowStep:
        tapped = self._tapped(ask)
        if tapped is not None:
            return FlowStep("", handoff=REASON, handoff_order=tapped or None)
        catalog = ask.catalog
        # Had enough ("third time I write, nobody answers"): sorry it has been frustrating; else sorry about it.
        sorry = catalog.render("handoff.frustrated" if fed_up(ask) else "complaint.sorry")
        named = ask.order_id
        order = self.ports.orders.get(named) if named and ask.customer is not None else None
        if order is not None and ask.customer is not None and order.customer_id == ask.customer.customer_id:
            text = catalog.sentences([sorry, describe_status(order, catalog)])
        elif named:
            # Someone else's order and a missing one alike: acknowledged by the number they wrote, nothing more.
            text, order = catalog.render("complaint.sorry_order", order_id=named), None
        else:
            text = sorry
        about = named or ask.last_order_id
        mine = order.order_id if order is not None else None
        hours = self.ports.office_hours
        closed = after_hours_notice(hours, catalog, ask.now) if hours is not None else None
        if closed is None:
            return FlowStep(text, handoff=REASON, handoff_order=about, order_id=mine)
        return FlowStep(
            catalog.sentences([text, closed, catalog.render("complaint.offer")]),
            choices=(Choice(f"{PERSON_PAYLOAD}{about or ''}", catalog.render("choice.talk_to_person")),),
            flow=FLOW,
            step=OFFERED,
            slots={"order": about} if about else {},
            order_id=mine,
        )

    def resume(self, ask: Ask) -> FlowStep | None:
        """After the offer: a tap on the button or a typed yes hands over; a no leaves it there."""
        if ask.step != OFFERED:
            return None
        tapped = self._tapped(ask)
        if tapped is not None or ask.answer is Answer.YES:
            about = tapped or ask.slots.get("order") or None
            return FlowStep("", handoff=REASON, handoff_order=about)
        if ask.answer is Answer.NO:
            return FlowStep(ask.catalog.render("flow.stopped"))
        return None

    @staticmethod
    def _tapped(ask: Ask) -> str | None:
        """The order named by a tapped "talk to a person" button ("" none), or None when it was not tapped."""
        payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
        return payload.removeprefix(PERSON_PAYLOAD) if payload.startswith(PERSON_PAYLOAD) else None
