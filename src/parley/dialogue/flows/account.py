"""The customer account: how to reset a password, change their details, register or log in (the business's page
and a few steps, for anyone), and closing it, after a yes, for a customer Parley knows.

Parley does not hold the shop's accounts (they live in the shop's own system), so it cannot close one. A closure is
a request a person carries out: after the customer's yes the conversation goes to the business's people with the
reason `account_closure`, and the notification names the customer's id, so they close that account in the shop's
system and confirm it to the customer here. Closing is not erasure: the customer's conversations and personal data
stay until they ask for that too ("delete my data", flows/erasure.py), and the reply says so. A sender not on file
proves who they are first: anyone may read how an account is closed, only its owner may ask for it.
"""

from __future__ import annotations

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice, Link
from parley.dialogue.answers import Answer, confirm_choices
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.verification import prove_first
from parley.i18n import Catalog
from parley.nlu.intents import Intent
from parley.support.account_help import AccountTopic, TopicHelp

FLOW = "account"
PAYLOAD = "account:"  # a topic's button: "account:password-reset"
WHICH_TOPIC = "which_topic"
CONFIRM_CLOSE = "confirm_close"
TOPIC = "topic"  # the detail of a closure asked for before the sender proved who they are
# The handoff's reason: the business's people are asked to close the account in the shop's system.
CLOSURE = "account_closure"


@register
class Account(Flow):
    name = FLOW
    intents = (Intent.ACCOUNT,)
    payloads = (PAYLOAD,)
    uses = ("account_help",)
    yes_no_steps = frozenset({CONFIRM_CLOSE})  # "yes, close it", "👍"

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._help = ports.account_help

    def start(self, ask: Ask) -> FlowStep:
        asked = ask.asked_before.get(TOPIC, "")
        topic = _topic(asked) or self._tapped(ask) or self._help.topic_of(ask.text, ask.catalog.language)
        return self._menu(ask.catalog) if topic is None else self._about(ask, topic)

    def resume(self, ask: Ask) -> FlowStep | None:
        if ask.step == WHICH_TOPIC:
            topic = self._tapped(ask) or self._help.topic_of(ask.text, ask.catalog.language)
            return self._about(ask, topic) if topic else None
        if ask.step == CONFIRM_CLOSE and ask.customer is not None:
            if ask.answer is Answer.YES:
                return FlowStep(ask.catalog.render("account.close_requested"), handoff=CLOSURE)
            if ask.answer is Answer.NO:
                return FlowStep(ask.catalog.render("account.close_kept"), completed=True)
        return None

    def _about(self, ask: Ask, topic: AccountTopic) -> FlowStep:
        catalog, help_ = ask.catalog, self._help[topic]
        steps = _steps(catalog, help_)
        link = Link(help_.url(catalog.language), help_.title(catalog.language))
        if topic is not AccountTopic.CLOSE_ACCOUNT:
            return FlowStep(f"{steps}\n\n{catalog.render('account.link')}", link=link, completed=True)
        if ask.customer is None:
            # Only the account's owner may ask for it to be closed: proven, the same request goes on (start).
            first = catalog.sentences([catalog.render("account.close_identity"), catalog.render("verify.ask")])
            text = f"{steps}\n\n{first}"
            return prove_first(text, Intent.ACCOUNT, **{TOPIC: topic.value})
        return FlowStep(
            f"{steps}\n\n{catalog.render('account.close_confirm')}",
            choices=confirm_choices(catalog),
            flow=FLOW,
            step=CONFIRM_CLOSE,
            link=link,
        )

    def _menu(self, catalog: Catalog) -> FlowStep:
        """What about the account? Every topic, by its title."""
        language = catalog.language
        return FlowStep(
            catalog.render("account.which"),
            choices=tuple(Choice(f"{PAYLOAD}{help_.topic.value}", help_.title(language)) for help_ in self._help),
            flow=FLOW,
            step=WHICH_TOPIC,
            menu_label=catalog.render("menu.account"),
        )

    @staticmethod
    def _tapped(ask: Ask) -> AccountTopic | None:
        message = ask.message
        if message.kind in PAYLOAD_KINDS and message.payload.startswith(PAYLOAD):
            return _topic(message.payload.removeprefix(PAYLOAD))
        return None


def _topic(value: str) -> AccountTopic | None:
    return AccountTopic(value) if value in AccountTopic.__members__.values() else None


def _steps(catalog: Catalog, help_: TopicHelp) -> str:
    """The topic's title and its steps, numbered, in the customer's language (or English, where the business has not
    written theirs)."""
    steps = help_.steps(catalog.language)
    lines = [
        catalog.render("support.step", number=number, total=len(steps), step=step)
        for number, step in enumerate(steps, start=1)
    ]
    return "\n".join([help_.title(catalog.language), *lines])
