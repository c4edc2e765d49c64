"""Fulfillment of one queued message: understand, answer from the data, send, exactly once per platform message.

A turn saves the conversation's state with its composed reply (the outbox, parley.dialogue.outbox), then the reply is
sent. A message delivered again (its send failed, the function crashed, an operator replayed it) is answered with the
reply already composed, from the part not yet sent: never by running the dialogue again, which would find the state
moved on ("yes" with no question open) or make a change twice.

What "sent" means when the Graph API does not answer: a part whose request was written but never answered is counted
as sent and never repeated (channels.meta, ErrorReason.UNCONFIRMED). What can be known decides it: Meta returns the
message's id only in the answer we did not get, so the delivery statuses its webhook sends later cannot be matched to
this send; and a slow answer, the usual cause, comes with the message delivered. Repeating would show the customer
the same answer twice, which nothing can undo; not repeating risks, rarely, a reply never seen, which the customer's
next message recovers from (the conversation's state was saved with the turn, so "yes" still finds its question).
A part that certainly did not go (no connection, throttling or a server error answered) is retried.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parley.channels.base import HandsOver, Sender
from parley.channels.meta import ErrorReason, GraphApiError
from parley.channels.model import Channel, InboundMessage, message_ref
from parley.dialogue.engine import SILENT_KINDS, DialogueEngine, Turn
from parley.dialogue.outbox import Outbox, PendingReply, outbox_entry, reply_entry
from parley.domain.ports import StorageError
from parley.observability import logger, message_keys, metrics

if TYPE_CHECKING:
    from parley.agents.commands import AgentCommand
    from parley.agents.notify import HandoffNotifier
    from parley.analytics.recording import EventRecorder
    from parley.fulfillment.lateness import LateReplies

# A first delivery comes seconds after the webhook took the message. One older than this has probably been tried
# before (a crash, Meta's redelivery, a redrive): its composed reply is looked for even on a first receive.
STALE_SECONDS = 120
# The SQS message attribute `parley dlq replay` sets on a message it moves back from the dead-letter queue.
REPLAYED_ATTRIBUTE = "parley-replayed"


@dataclass(frozen=True)
class Delivery:
    """How this copy of a message reached fulfillment: the queue's receive count (1 the first time) and whether an
    operator replayed it from the dead-letter queue."""

    receive_count: int = 1
    replayed: bool = False

    @classmethod
    def of_record(cls, record: Any) -> Delivery:
        attributes = record.get("attributes") or {}
        try:
            count = int(attributes.get("ApproximateReceiveCount") or 1)
        except ValueError:
            count = 1
        return cls(count, REPLAYED_ATTRIBUTE in (record.get("messageAttributes") or {}))

    @property
    def again(self) -> bool:
        return self.receive_count > 1 or self.replayed


class MessageProcessor:
    def __init__(
        self,
        service: DialogueEngine,
        senders: Mapping[Channel, Sender],
        recorder: EventRecorder | None = None,
        notifier: HandoffNotifier | None = None,
        outbox: Outbox | None = None,
        late: LateReplies | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`outbox`: where turns keep their composed replies (None: a redelivery runs the dialogue again, as
        deployments without a message log do); `late`: the apology a reply sent long after the message gets."""
        self._service = service
        self._senders = senders
        self._recorder = recorder
        self._notifier = notifier
        self._outbox = outbox
        self._late = late
        self._clock = clock

    def process(self, message: InboundMessage, delivery: Delivery | None = None) -> dict[str, Any]:
        """Answer one message. Raises to have it retried (storage or a transient send failure); a permanent
        send failure is recorded as an event and not retried, since retrying would never deliver it. Analytics
        events go out once the message is handled, so a retried message is counted once."""
        sender = self._senders[message.channel]
        pending = self._composed(message, delivery or Delivery())
        if pending is not None:
            turn = pending.turn
            logger.info("sending the reply already composed", extra={"parts_sent": pending.progress.sent})
        else:
            turn = self._service.respond(message)
            if turn.reply is not None:
                entry = reply_entry(message, turn.reply, turn.language)
                pending = PendingReply(outbox_entry(entry, turn, transient=turn.erased))
        answered_ms = self._recorder.now_ms() if self._recorder is not None else 0
        if self._notifier is not None:
            # Before the reply: a failed publish raises and the message is retried, with nothing sent yet.
            if turn.handoff:
                self._notifier.handoff(message, turn.handoff, turn.language, turn.handoff_order)
            elif turn.with_person and message.kind not in SILENT_KINDS:
                self._notifier.customer_message(message, turn.language)
        # Read receipt and typing indicator before the reply is sent (a send may take a while through retries).
        # Not when there is no answer (a reaction, a number change, a conversation a person has taken over):
        # "typing…" and then nothing would mislead.
        if pending is not None and message.kind not in SILENT_KINDS and not pending.progress.sent:
            sender.acknowledge(message)
        outcome, send_error = self._send(message, sender, pending) if pending is not None else ("no_reply", "")
        if self._recorder is not None:
            sent_ms = self._recorder.now_ms() if outcome == "sent" else 0
            self._recorder.turn(message, turn, answered_ms=answered_ms, sent_ms=sent_ms, send_error=send_error)
        if turn.handoff and outcome == "sent":
            self._hand_over(message, sender, turn.handoff)
        return self._summary(message, turn, outcome, pending)

    def _composed(self, message: InboundMessage, delivery: Delivery) -> PendingReply | None:
        """The reply an earlier delivery of this message composed. Looked for only when the message may have been
        tried before, so a first delivery costs no read."""
        if self._outbox is None:
            return None
        received = message.received_at or message.timestamp
        if not (delivery.again or (received and self._clock() - received > STALE_SECONDS)):
            return None
        return self._outbox.pending(message)

    def _send(self, message: InboundMessage, sender: Sender, pending: PendingReply) -> tuple[str, str]:
        """Send the reply from its first part not yet out: ("sent" or "send_failed", the reason of a failure)."""
        turn, progress = pending.turn, pending.progress
        assert turn.reply is not None
        # Decided before the first part and kept: the parts already sent were rendered with (or without) it.
        late = pending.late if progress.sent else self._is_late(message)
        reply = self._late.apologise(turn.reply, turn.language) if late and self._late is not None else turn.reply
        before = progress.sent
        while True:
            try:
                sender.send(message, reply, progress)
                break
            except GraphApiError as exc:
                if exc.reason is ErrorReason.UNCONFIRMED:
                    # Written, never answered: counted as sent (see the module), and the next part goes on.
                    progress.unanswered()
                    self._keep(pending, late, required=False)
                    continue
                if exc.retryable:
                    if progress.sent > before:
                        self._keep(pending, late, required=True)
                    raise
                logger.warning(
                    "reply not deliverable",
                    extra={"status": exc.status, "code": exc.code, "reason": exc.reason.value},
                )
                return "send_failed", exc.reason.value
        if progress.unconfirmed:
            logger.warning("reply sent without an answer from Meta", extra={"unconfirmed_parts": progress.unconfirmed})
            metrics.add_metric(name="RepliesUnconfirmed", unit="Count", value=1)
        if late:
            metrics.add_metric(name="RepliesLate", unit="Count", value=1)
        if self._outbox is not None:
            self._outbox.done(pending.advanced(late))
        return "sent", ""

    def _is_late(self, message: InboundMessage) -> bool:
        received = message.received_at or message.timestamp
        return self._late is not None and bool(received) and self._clock() - received > self._late.after_seconds

    def _keep(self, pending: PendingReply, late: bool, *, required: bool) -> None:
        """Write how far the reply got, for the next delivery of its message. `required`: the message is about to be
        retried, and without this the parts sent would go again; otherwise it is insurance against a crash."""
        if self._outbox is None:
            return
        try:
            self._outbox.keep(pending.advanced(late))
        except StorageError:
            if required:
                raise
            logger.warning("reply progress not saved")

    @staticmethod
    def _summary(message: InboundMessage, turn: Turn, outcome: str, pending: PendingReply | None) -> dict[str, Any]:
        summary = {
            "outcome": outcome,
            "intent": turn.intent.value,
            "confidence": turn.confidence,
            "language": turn.language,
            "known_customer": turn.known_customer,
            "handoff": turn.handoff,
        }
        unconfirmed = pending.progress.unconfirmed if pending is not None else 0
        logger.info(
            "message answered",
            extra={"channel": message.channel.value, "unconfirmed_parts": unconfirmed, **summary},
        )
        return summary

    @staticmethod
    def _hand_over(message: InboundMessage, sender: Sender, reason: str) -> None:
        """Messenger: the thread goes to the Page Inbox, where the business's people answer. Best effort: the
        customer has been told already, and raising now would have the message retried and told twice."""
        if not isinstance(sender, HandsOver):
            return
        try:
            sender.hand_over(message, note=f"Parley: customer handed over ({reason})")
        except GraphApiError as exc:
            logger.warning(
                "thread not handed to the inbox",
                extra={"status": exc.status, "code": exc.code},
            )


def record_handler(
    process_once: Callable[[InboundMessage, Delivery], dict[str, Any]],
    command_once: Callable[[AgentCommand], dict[str, Any]] | None = None,
) -> Callable[[Any], dict[str, Any]]:
    """Adapt the processor (and the agents' desk, for agent commands) to Powertools' batch record handler (an
    SQSRecord in, raise to fail it: a body neither can read ends in the dead-letter queue, never dropped)."""
    from parley.agents.commands import AgentCommand, is_command

    def handle(record: Any) -> dict[str, Any]:
        data = json.loads(record.body)
        if is_command(data):
            if command_once is None:
                raise ValueError("an agent command, and no desk to carry it out")
            command = AgentCommand.from_body(data)
            with message_keys(command.conversation.sender_hash, command.log_ref):
                return command_once(command)
        message = InboundMessage.from_json(record.body)
        with message_keys(message.sender_hash, message_ref(message.channel, message.message_id)):
            return process_once(message, Delivery.of_record(record.raw_event))

    return handle
