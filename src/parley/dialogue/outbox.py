"""The outbox: a turn's composed reply, saved with the turn's state, so that a message delivered again after its reply
failed to go out is answered with that reply instead of running the dialogue a second time.

Why: the state is saved before the reply is sent (the turn is over once saved). Without the outbox, a redelivery of
"yes" to "cancel ORD-310006?" would find the order cancelled and no question open, and answer "sorry, I don't
understand"; a redelivery of a message that started a flow would start it again. With it, the customer gets the
answer the turn composed, once, and the change the turn made is made once.

The turn is kept whole (reply and what analytics records of it), encoded here; the stores keep it as an opaque string
on the message log's entry of the reply (domain.conversation.OutboxEntry).
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from typing import Any

from parley.channels.base import SendProgress
from parley.channels.model import InboundMessage
from parley.channels.replies import Choice, Link, Reply
from parley.dialogue.flow_report import FlowEnd, FlowReport, Outcome, Requested
from parley.dialogue.interpreting import TranslationUse
from parley.dialogue.turn import Turn
from parley.dialogue.turn_log import REPLY_SUFFIX, logged_at, reply_text
from parley.domain.conversation import OutboxEntry
from parley.domain.ports import ReplyOutbox
from parley.domain.records import LoggedMessage, MessageDirection
from parley.nlu.intents import Intent


def encode_turn(turn: Turn) -> str:
    return json.dumps(asdict(turn), ensure_ascii=False, separators=(",", ":"))


def decode_turn(raw: str) -> Turn:
    """The turn encode_turn wrote. Fields a later version added are left at their defaults; fields it dropped are
    ignored, so a reply composed before a deployment still goes out after it."""
    data: dict[str, Any] = json.loads(raw)
    known = {f.name for f in fields(Turn)}
    values = {name: value for name, value in data.items() if name in known}
    values["reply"] = _reply(data.get("reply"))
    values["intent"] = Intent(data["intent"])
    values["translation"] = TranslationUse(data.get("translation", TranslationUse.NOT_NEEDED))
    values["flows"] = _flows(data.get("flows") or {})
    return Turn(**values)


def _reply(data: dict[str, Any] | None) -> Reply | None:
    if data is None:
        return None
    link = data.get("link")
    return Reply(
        text=data["text"],
        choices=tuple(Choice(**choice) for choice in data.get("choices", ())),
        link=Link(**link) if link else None,
        header=data.get("header", ""),
        footer=data.get("footer", ""),
        menu_label=data.get("menu_label", ""),
        persistent=data.get("persistent", False),
    )


def _flows(data: dict[str, Any]) -> FlowReport:
    def end(value: dict[str, Any] | None) -> FlowEnd | None:
        return FlowEnd(value["flow"], Outcome(value["outcome"]), value.get("reason", "")) if value else None

    def requested(value: dict[str, Any]) -> Requested:
        return Requested(
            Intent(value["intent"]), value["confidence"], value.get("opened", ""), end(value.get("opened_end"))
        )

    return FlowReport(
        request=data.get("request", False),
        opened=data.get("opened", ""),
        earlier=end(data.get("earlier")),
        opened_end=end(data.get("opened_end")),
        requests=tuple(requested(value) for value in data.get("requests", ())),
        clarified=data.get("clarified", False),
    )


def reply_entry(message: InboundMessage, reply: Reply, language: str | None) -> LoggedMessage:
    """The message log's entry of the reply to `message` (where its outbox entry is kept)."""
    reply_id = message.message_id + REPLY_SUFFIX
    return LoggedMessage(
        message.conversation_key, reply_id, MessageDirection.OUT, reply_text(reply), logged_at(message), language
    )


def outbox_entry(logged_reply: LoggedMessage, turn: Turn, transient: bool = False) -> OutboxEntry:
    return OutboxEntry(logged_reply, encode_turn(turn), transient=transient)


class PendingReply:
    """A reply the turn of a message composed and has not (all) gone out: the turn, and how far its sending got."""

    def __init__(self, entry: OutboxEntry) -> None:
        self.entry = entry
        self.turn = decode_turn(entry.turn)
        self.progress = SendProgress(sent=entry.sent, unconfirmed=entry.unconfirmed)

    @property
    def late(self) -> bool:
        return self.entry.late

    def advanced(self, late: bool) -> OutboxEntry:
        """The entry as far as the sending has got now."""
        return replace(self.entry, sent=self.progress.sent, unconfirmed=self.progress.unconfirmed, late=late)


class Outbox:
    """Finds the reply composed for a message, and keeps how far it went (see the module)."""

    def __init__(self, store: ReplyOutbox) -> None:
        self._store = store

    def pending(self, message: InboundMessage) -> PendingReply | None:
        entry = self._store.pending_reply(
            message.conversation_key, message.message_id + REPLY_SUFFIX, logged_at(message)
        )
        return PendingReply(entry) if entry is not None else None

    def keep(self, entry: OutboxEntry) -> None:
        self._store.record_progress(entry)

    def done(self, entry: OutboxEntry) -> None:
        """The reply is out. Only a transient one (an erased conversation's) is removed: the others are the log's."""
        if entry.transient:
            self._store.discard(entry)
