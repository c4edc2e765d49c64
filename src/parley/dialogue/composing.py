"""The engine's fourth step: what the customer reads, and where the conversation stands afterwards. The welcome of a
new conversation, the flow's answer with its choices or link, the rating question after a flow that clearly resolved
the request (dialogue.rating), and for a handoff the notice that a person takes over (and, when the office is closed,
when)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from parley.channels.replies import Choice, Link, Reply
from parley.dialogue.flow import FlowStep
from parley.dialogue.rating import ASK_EVERY_SECONDS, ask_rating
from parley.dialogue.routing import HANDOFF_ORDER, HANDOFF_REASON
from parley.domain.conversation import ConversationState, brief_slots
from parley.domain.office_hours import OfficeHours
from parley.domain.records import Customer
from parley.i18n import Catalog

# Slot naming the message that started a handoff: if its reply failed to send, the redelivery says it again.
HANDOFF_MESSAGE = "handoff_message"


@dataclass(frozen=True)
class Composed:
    parts: tuple[str, ...]  # the reply's paragraphs (none: nothing to say)
    flow: str | None  # where the conversation stands afterwards
    step: str | None
    slots: dict[str, str] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    menu_label: str = ""
    link: Link | None = None
    last_order_id: str | None = None
    rating_asked_at: int | None = None
    handoff: str | None = None  # a person takes over, for this reason
    handoff_order: str | None = None  # …about this order

    def reply(self) -> Reply | None:
        if not self.parts:
            return None
        return Reply("\n\n".join(self.parts), choices=self.choices, link=self.link, menu_label=self.menu_label)


class Composer:
    def __init__(self, office_hours: OfficeHours | None) -> None:
        self._office_hours = office_hours

    def compose(
        self,
        said: FlowStep | None,
        catalog: Catalog,
        customer: Customer | None,
        state: ConversationState,
        *,
        message_id: str,
        welcome: bool,
        proven: bool,
        keep: bool,
        today: datetime,
        rating_after: bool = True,
    ) -> Composed:
        """`said`: what the message led to (routing); `welcome`: the conversation's first answer; `proven`: the
        sender just proved who they are; `keep`: the flow under way stays as it was (a reaction to its question);
        `rating_after`: the flow that said it may be followed by the rating question."""
        now = int(today.timestamp())
        parts = [catalog.render("verify.done")] if proven else []
        if welcome:
            parts.append(_welcome(catalog, customer))
        if said is None:
            kept = (state.flow, state.step, dict(state.slots)) if keep else (None, None, {})
            return Composed(tuple(parts), *kept, last_order_id=state.last_order_id,
                            rating_asked_at=state.rating_asked_at)  # fmt: skip
        parts += [said.text] if said.text else []
        choices, flow, step, slots, menu_label = said.choices, said.flow, said.step, dict(said.slots), said.menu_label
        rating_asked_at = state.rating_asked_at
        asked_lately = rating_asked_at is not None and now - rating_asked_at < ASK_EVERY_SECONDS
        resolved = said.completed and rating_after and not said.handoff
        rate = resolved and flow is None and not choices and said.link is None
        if rate and not asked_lately:
            # Got what they came for: how did we do? (Not over a link to act on: paying comes first; not when a
            # person takes over: theirs is the service to rate.)
            rating = ask_rating(catalog)
            parts.append(rating.text)
            choices, flow, step, slots, menu_label = rating.choices, rating.flow, rating.step, {}, rating.menu_label
            rating_asked_at = now
        if said.handoff:
            parts.append(catalog.render("handoff.started"))
            flow, step = None, None
            slots = {HANDOFF_MESSAGE: message_id, HANDOFF_REASON: said.handoff, **brief_slots(said.brief)}
            slots |= {HANDOFF_ORDER: said.handoff_order} if said.handoff_order else {}
            closed = after_hours_notice(self._office_hours, catalog, today) if self._office_hours else None
            parts += [closed] if closed else []
        last_order_id = None if said.forget_order else said.order_id or state.last_order_id
        return Composed(
            tuple(parts),
            flow,
            step,
            slots,
            choices,
            menu_label,
            said.link,
            last_order_id,
            rating_asked_at,
            said.handoff,
            said.handoff_order if said.handoff else None,
        )


def _welcome(catalog: Catalog, customer: Customer | None) -> str:
    if customer and customer.name:
        return catalog.render("welcome", name=customer.name.split()[0])
    return catalog.render("welcome_anonymous")


def after_hours_notice(hours: OfficeHours, catalog: Catalog, now: datetime) -> str | None:
    """What a customer handed to a person outside office hours is told: when the team next answers, the day and
    time in their language and the office's time zone (named, since the customer may live in another); None while
    the office is open."""
    opening = hours.next_opening(now)
    if opening is None:
        return None
    from babel.dates import format_date, format_time, get_timezone_name

    locale = catalog.format_locale or catalog.language
    local = opening.astimezone(hours.timezone)
    at_time = str(format_time(local, format="short", locale=locale))
    zone = str(get_timezone_name(local, width="long", locale=locale))
    if local.date() == now.astimezone(hours.timezone).date():
        return catalog.render("handoff.after_hours_today", time=at_time, timezone=zone)
    day = str(format_date(local, format="EEEE", locale=locale))
    return catalog.render("handoff.after_hours", day=day, time=at_time, timezone=zone)
