"""Sending a reply at most once through a slow or failing Graph API: a part whose request was written and never
answered counts as sent and is never repeated; a part that certainly did not go is retried later, from where the
sending stopped; a reply that goes out long after the message opens with an apology in the customer's language; and a
first delivery costs no read of the outbox. The senders are the real ones over a scripted Graph API (no sockets)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders
from parley.channels.meta import ErrorReason, GraphApiError, GraphRequest
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Reply
from parley.channels.whatsapp.sender import WhatsAppSender
from parley.config import MetaCredentials
from parley.dialogue.outbox import Outbox, outbox_entry, reply_entry
from parley.dialogue.turn import Turn
from parley.domain.conversation import ConversationState
from parley.fulfillment.lateness import LateReplies
from parley.fulfillment.processing import Delivery, MessageProcessor
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order
from support.recording import Recording

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
CAMILLE = customer(name="Camille Martin", phone="33612345678", language="fr")
CREDENTIALS = MetaCredentials(whatsapp_access_token="wa-token", whatsapp_phone_number_id="111")
UNANSWERED = GraphApiError(0, None, "no answer: TimeoutError", False, reason=ErrorReason.UNCONFIRMED)
SERVER_ERROR = GraphApiError(500, 2, "Please retry your request later.")
# Long enough to go out as two WhatsApp text messages.
LONG = "Your order ORD-104233 has shipped with UPS. " + "It should arrive on Friday, in time for the birthday. " * 90


class ScriptedGraph:
    """The Graph API: each reply part posted takes the next outcome of `script` (an error to raise, or None for
    delivered); read receipts always go. `shown` is what the customer's phone displays."""

    def __init__(self) -> None:
        self.script: list[GraphApiError | None] = []
        self.shown: list[str] = []

    def post(self, request: GraphRequest) -> dict[str, Any]:
        if request.body.get("status") == "read":
            return {"success": True}
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None and outcome.reason is not ErrorReason.UNCONFIRMED:
            raise outcome
        self.shown.append(request.body["text"]["body"])  # written: delivered, answered or not
        if outcome is not None:
            raise outcome
        return {"messages": [{"id": f"wamid.OUT{len(self.shown)}"}]}


class CountingOutbox(InMemoryMessageLog):
    reads = 0

    def pending_reply(self, conversation_id: str, reply_id: str, at: datetime) -> Any:
        self.reads += 1
        return super().pending_reply(conversation_id, reply_id, at)


class Echo:
    """A dialogue whose reply repeats the message (a long message, a reply in parts), saved with its turn in the
    outbox as the engine saves it."""

    def __init__(self, log: InMemoryMessageLog) -> None:
        self.log = log

    def respond(self, message: InboundMessage) -> Turn:
        turn = Turn(Reply(message.text), "en", Intent.OUT_OF_SCOPE, 0.5, True)
        state = ConversationState(message.conversation_key)
        assert turn.reply is not None
        entry = reply_entry(message, turn.reply, "en")
        self.log.save_turn(state, [entry], outbox=outbox_entry(entry, turn))
        return turn


class Setup:
    def __init__(self, now: float | None = None, echo: bool = False, clock: Callable[[], float] | None = None) -> None:
        self.graph = ScriptedGraph()
        self.log = CountingOutbox(InMemoryConversations())
        self.events = Recording()
        service: Any = (
            Echo(self.log)
            if echo
            else conversation_service(
                customers=InMemoryCustomers([EMILY, CAMILLE]),
                orders=InMemoryOrders([order(EMILY, order_id="ORD-104233")]),
                conversations=self.log.conversations,
                message_log=self.log,
                clock=lambda: NOW,
            )
        )
        sender = WhatsAppSender(self.graph, lambda: CREDENTIALS, now=lambda: NOW)
        late = LateReplies(CATALOGS, after_seconds=600)
        clock = clock or ((lambda: now) if now is not None else NOW.timestamp)
        self.processor = MessageProcessor(
            service, {Channel.WHATSAPP: sender}, self.events.recorder, outbox=Outbox(self.log), late=late, clock=clock
        )


def written_at(moment: datetime, text: str, who: Any = EMILY) -> Any:
    return inbound(text, sender=who.phone, timestamp=int(moment.timestamp()), received_at=int(moment.timestamp()))


def test_a_part_written_but_never_answered_is_not_sent_again_and_the_next_part_goes_on():
    setup = Setup(echo=True)
    setup.graph.script = [UNANSWERED, None]
    message = written_at(NOW, LONG)

    summary = setup.processor.process(message)

    assert summary["outcome"] == "sent"
    assert len(setup.graph.shown) == 2 and setup.graph.shown[0] != setup.graph.shown[1]
    assert len(setup.events.of("reply_sent")) == 1


def test_a_redelivery_after_an_unanswered_part_sends_only_what_had_not_gone():
    setup = Setup(echo=True)
    setup.graph.script = [UNANSWERED, SERVER_ERROR]
    message = written_at(NOW, LONG)
    with pytest.raises(GraphApiError):
        setup.processor.process(message)
    first_part = list(setup.graph.shown)

    setup.processor.process(message, Delivery(receive_count=2))

    assert len(first_part) == 1
    assert len(setup.graph.shown) == 2 and setup.graph.shown[1] != first_part[0]  # the second part, once


def test_a_reply_that_failed_part_way_goes_on_from_the_part_that_failed():
    setup = Setup(echo=True)
    setup.graph.script = [None, SERVER_ERROR]
    message = written_at(NOW, LONG)
    with pytest.raises(GraphApiError):
        setup.processor.process(message)

    setup.processor.process(message, Delivery(receive_count=2))

    first, second = setup.graph.shown
    assert first != second and "ORD-104233" in first and f"{first} {second}" == LONG.strip()
    assert len(setup.events.of("reply_sent")) == 1  # counted once, when it was all out


def test_a_reply_that_never_went_is_sent_whole_on_the_next_delivery():
    setup = Setup()
    setup.graph.script = [SERVER_ERROR]
    message = written_at(NOW, "where is my order ORD-104233?")
    with pytest.raises(GraphApiError):
        setup.processor.process(message)

    setup.processor.process(message, Delivery(receive_count=2))

    [shown] = setup.graph.shown
    assert "ORD-104233" in shown


def test_a_reply_sent_long_after_the_message_opens_with_an_apology_in_the_customers_language():
    delivered_late = NOW.timestamp() + 45 * 60  # the Graph API was down for three quarters of an hour
    setup = Setup(now=delivered_late)

    setup.processor.process(written_at(NOW, "Bonjour, où est ma commande ?", CAMILLE))

    [shown] = setup.graph.shown
    fr = CATALOGS["fr"]
    assert shown.startswith(fr.render("reply.late") + "\n\n")
    assert fr.render("reply.late") != CATALOGS["en"].render("reply.late")


def test_a_reply_sent_at_once_has_no_apology():
    setup = Setup(now=NOW.timestamp() + 2)

    setup.processor.process(written_at(NOW, "where is my order ORD-104233?"))

    [shown] = setup.graph.shown
    assert CATALOGS["en"].render("reply.late") not in shown


def test_the_apology_decided_for_the_first_part_holds_for_the_parts_sent_later():
    now = [NOW.timestamp() + 30]  # the first part goes in time, the rest an hour later
    setup = Setup(echo=True, clock=lambda: now[0])
    setup.graph.script = [None, SERVER_ERROR]
    message = written_at(NOW, LONG)
    with pytest.raises(GraphApiError):
        setup.processor.process(message)
    now[0] = NOW.timestamp() + 3600

    setup.processor.process(message, Delivery(receive_count=2))

    # Cut from the reply without the apology: adding it now would shift the parts and repeat words.
    first, second = setup.graph.shown
    assert f"{first} {second}" == LONG.strip()


def test_a_first_delivery_reads_no_outbox_and_a_redelivery_or_an_old_message_does():
    setup = Setup()
    setup.processor.process(written_at(NOW, "hello"))
    assert setup.log.reads == 0

    setup.processor.process(written_at(NOW, "hello again"), Delivery(receive_count=2))
    setup.processor.process(written_at(NOW, "hello from a replay"), Delivery(replayed=True))
    old = Setup(now=NOW.timestamp() + 600)
    old.processor.process(written_at(NOW, "hello, sent ten minutes ago"))

    assert setup.log.reads == 2 and old.log.reads == 1
