"""DynamoDB adapters of conversations: their small state (with TTL) and their message log, a turn written in one
transaction with its composed reply (the outbox)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PynamoDBException, UpdateError
from pynamodb.transactions import TransactWrite

from parley.data.dynamo_mapping import (
    condition_failed,
    iso,
)
from parley.data.models import (
    ConversationMessageModel,
    ConversationModel,
)
from parley.domain.conversation import DEFAULT_MESSAGE_LOG_DAYS, ConversationState, OutboxEntry
from parley.domain.ports import StorageError
from parley.domain.records import (
    Customer,
    LoggedMessage,
    MessageDirection,
    message_as_dict,
)


class DynamoConversations:
    def __init__(self, ttl_days: int = 30) -> None:
        self._ttl_seconds = ttl_days * 86_400

    def get(self, conversation_id: str) -> ConversationState | None:
        try:
            item = ConversationModel.get(conversation_id)
        except ConversationModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("conversation lookup failed") from exc
        if item.expires_at is not None and item.expires_at <= time.time():
            return None  # DynamoDB deletes expired items within days, not at once: expired is gone
        return ConversationState(
            conversation_id=item.conversation_id,
            customer_id=item.customer_id,
            language=item.language,
            last_order_id=item.last_order_id,
            updated_at=int(item.updated_at or 0),
            flow=item.flow,
            step=item.step,
            slots={str(k): str(v) for k, v in (item.slots.as_dict() if item.slots else {}).items()},
            misunderstood=int(item.misunderstood or 0),
            handoff_at=int(item.handoff_at) if item.handoff_at is not None else None,
            verified_customer_id=item.verified_customer_id,
            verify_failures=int(item.verify_failures or 0),
            verify_locked_until=int(item.verify_locked_until) if item.verify_locked_until is not None else None,
            rating_asked_at=int(item.rating_asked_at) if item.rating_asked_at is not None else None,
            customer=_customer_snapshot(item.customer.as_dict()) if item.customer else None,
            customer_read_at=int(item.customer_read_at) if item.customer_read_at is not None else None,
        )

    def save(self, state: ConversationState) -> None:
        try:
            _conversation_item(state, int(time.time()), self._ttl_seconds).save()
        except PynamoDBException as exc:
            raise StorageError("conversation save failed") from exc


def _conversation_item(state: ConversationState, now: int, ttl_seconds: int) -> ConversationModel:
    return ConversationModel(
        conversation_id=state.conversation_id,
        customer_id=state.customer_id,
        language=state.language,
        last_order_id=state.last_order_id,
        updated_at=state.updated_at or now,
        expires_at=now + ttl_seconds,
        flow=state.flow,
        step=state.step,
        slots=dict(state.slots) or None,
        misunderstood=state.misunderstood or None,
        handoff_at=state.handoff_at,
        verified_customer_id=state.verified_customer_id,
        verify_failures=state.verify_failures or None,
        verify_locked_until=state.verify_locked_until,
        rating_asked_at=state.rating_asked_at,
        customer=_customer_fields(state.customer),
        customer_read_at=state.customer_read_at,
        data_subject_id=state.customer_id or state.verified_customer_id,
    )


# The snapshot is a map of strings; a yes/no field is kept as these words.
_YES_NO = {True: "yes", False: "no"}


def _customer_fields(customer: Customer | None) -> dict[str, str] | None:
    if customer is None:
        return None
    fields = dataclasses.asdict(customer)
    return {k: _YES_NO[v] if isinstance(v, bool) else str(v) for k, v in fields.items() if v is not None}


def _customer_snapshot(fields: dict[str, Any]) -> Customer | None:
    known: dict[str, Any] = {k: str(v) for k, v in fields.items() if k in Customer.__dataclass_fields__}
    if "marketing_opt_in" in known:
        known["marketing_opt_in"] = {"yes": True, "no": False}.get(known["marketing_opt_in"])
    return Customer(**known) if "customer_id" in known else None


def _message_key(message: LoggedMessage) -> str:
    at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
    # Fixed width (microseconds always written), so the strings sort as the instants do.
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{message.message_id}"


def _message_from(item: ConversationMessageModel) -> LoggedMessage:
    return LoggedMessage(
        conversation_id=item.conversation_id,
        message_id=item.message_id,
        direction=MessageDirection(item.direction),
        text=item.text,
        at=datetime.fromisoformat(item.at),
        language=item.language,
    )


class DynamoMessageLog:
    """One item per message, expiring ttl_days after it was written; erase removes the state item too. A reply's
    item is also its outbox entry until it is sent (parley.dialogue.outbox)."""

    def __init__(self, ttl_days: int = DEFAULT_MESSAGE_LOG_DAYS, clock: Callable[[], float] = time.time) -> None:
        self._ttl_seconds = ttl_days * 86_400
        self._clock = clock

    def append(self, message: LoggedMessage) -> None:
        try:
            self._item(message).save()
        except PynamoDBException as exc:
            raise StorageError("message log write failed") from exc

    def save_turn(
        self, state: ConversationState, messages: Sequence[LoggedMessage] = (), outbox: OutboxEntry | None = None
    ) -> None:
        """One TransactWriteItems for the state item and the messages (the state expires ttl_days from now, as
        DynamoConversations' does with the same setting): a turn costs one write call, and a transcript never
        shows a reply whose conversation state was not saved, nor the reverse. The reply's item carries `outbox`,
        so the composed reply is saved with the state it goes with, or neither is."""
        state_item = _conversation_item(state, int(time.time()), self._ttl_seconds)
        items = [self._item(message) for message in messages if outbox is None or message != outbox.reply]
        if outbox is not None:
            items.append(self._outbox_item(outbox))
        try:
            if not items:
                state_item.save()
                return
            with TransactWrite(connection=ConversationModel._get_connection().connection) as transaction:
                transaction.save(state_item)
                for item in items:
                    transaction.save(item)
        except PynamoDBException as exc:
            raise StorageError("conversation save failed") from exc

    def _item(self, message: LoggedMessage) -> ConversationMessageModel:
        at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
        return ConversationMessageModel(
            conversation_id=message.conversation_id,
            at_message_id=_message_key(message),
            message_id=message.message_id,
            direction=message.direction.value,
            text=message.text,
            language=message.language,
            at=iso(at),
            expires_at=int(at.timestamp()) + self._ttl_seconds,
        )

    def _outbox_item(self, entry: OutboxEntry) -> ConversationMessageModel:
        item = self._item(entry.reply)
        item.outbox = entry.turn
        item.sent_parts = entry.sent or None
        item.unconfirmed_parts = entry.unconfirmed or None
        item.late = entry.late or None
        item.transient = entry.transient or None
        return item

    # ------------------------------------------------------------------------------------ the outbox (ReplyOutbox)

    def pending_reply(self, conversation_id: str, reply_id: str, at: datetime) -> OutboxEntry | None:
        key = _message_key(LoggedMessage(conversation_id, reply_id, MessageDirection.OUT, "", at))
        try:
            item = ConversationMessageModel.get(conversation_id, key, consistent_read=True)
        except ConversationMessageModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("outbox read failed") from exc
        if item.outbox is None:
            return None
        return OutboxEntry(
            _message_from(item),
            item.outbox,
            sent=int(item.sent_parts or 0),
            unconfirmed=int(item.unconfirmed_parts or 0),
            late=bool(item.late),
            transient=bool(item.transient),
        )

    def keep_reply(self, entry: OutboxEntry) -> None:
        try:
            self._outbox_item(entry).save()
        except PynamoDBException as exc:
            raise StorageError("outbox write failed") from exc

    def record_progress(self, entry: OutboxEntry) -> None:
        item = self._item(entry.reply)
        try:
            # Only an entry still there: a customer who erased their data meanwhile gets nothing written back.
            item.update(
                actions=[
                    ConversationMessageModel.sent_parts.set(entry.sent),
                    ConversationMessageModel.unconfirmed_parts.set(entry.unconfirmed),
                    ConversationMessageModel.late.set(entry.late),
                ],
                condition=ConversationMessageModel.outbox.exists(),
            )
        except UpdateError as exc:
            if not condition_failed(exc):
                raise StorageError("outbox progress write failed") from exc
        except PynamoDBException as exc:
            raise StorageError("outbox progress write failed") from exc

    def discard(self, entry: OutboxEntry) -> None:
        try:
            self._item(entry.reply).delete()
        except PynamoDBException as exc:
            raise StorageError("outbox delete failed") from exc

    def recent(self, conversation_id: str, limit: int = 20) -> list[LoggedMessage]:
        if limit <= 0:
            return []
        now = self._clock()
        try:
            items = ConversationMessageModel.query(
                conversation_id, scan_index_forward=False, limit=limit, consistent_read=True
            )
            # DynamoDB deletes expired items within days, not at once: expired is gone. A transient outbox entry
            # (an erased conversation's last reply, until it is sent) is no part of the transcript.
            newest_first = [
                _message_from(i) for i in items if (i.expires_at is None or i.expires_at > now) and not i.transient
            ]
        except PynamoDBException as exc:
            raise StorageError("message log read failed") from exc
        return newest_first[::-1]

    def export_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            items = ConversationMessageModel.query(conversation_id, consistent_read=True)
            return [message_as_dict(_message_from(i)) for i in items if not i.transient]
        except PynamoDBException as exc:
            raise StorageError("message log export failed") from exc

    def erase_conversation(self, conversation_id: str) -> int:
        erased = 0
        try:
            # Until a read finds nothing: a message logged while erasing would otherwise survive.
            while keys := list(
                ConversationMessageModel.query(
                    conversation_id, consistent_read=True, attributes_to_get=["conversation_id", "at_message_id"]
                )
            ):
                with ConversationMessageModel.batch_write() as batch:
                    for item in keys:
                        batch.delete(item)
                erased += len(keys)
        except PynamoDBException as exc:
            raise StorageError("message log erase failed") from exc
        try:
            ConversationModel(conversation_id=conversation_id).delete(
                condition=ConversationModel.conversation_id.exists()
            )
            erased += 1
        except DeleteError as exc:
            if not condition_failed(exc):  # a failed condition: there was no state item to delete
                raise StorageError("conversation erase failed") from exc
        return erased

    def conversations_of_customer(self, customer_id: str) -> list[str]:
        try:
            return sorted(i.conversation_id for i in ConversationModel.by_data_subject.query(customer_id))
        except PynamoDBException as exc:
            raise StorageError("conversation lookup failed") from exc
