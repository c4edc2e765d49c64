"""Imports into DynamoDB: every record written or, when a write fails or the import is cancelled (Ctrl-C, SIGTERM),
the table as it was. An import killed outright leaves a journal the next import finishes (data.import_journal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from parley.data.dynamo_customers import DynamoCustomers
from parley.data.dynamo_mapping import customer_from, to_item
from parley.data.import_journal import ImportJournal, JournalEntry
from parley.data.interruption import NAMES, ImportCancelledError, shielded, signal_of
from parley.data.models import MODELS, CustomerModel
from parley.domain.ports import StorageError
from parley.domain.records import Customer, Record
from parley.domain.senders import keep_remembered

# Told how many of how many items are written, after each batch (the command line shows long imports' progress).
Progress = Callable[[int, int], None]
_FIELD_OF = {model: name for name, model in MODELS.items()}


def _hash_key(model: type[Model]) -> str:
    name = model._hash_keyname
    if name is None:  # pragma: no cover - every model here has a hash key
        raise TypeError(f"{model.__name__} has no hash key")
    return name


class DynamoRecordWriter:
    """Imports: write every record, and on any failure or cancellation restore what the table held before."""

    def __init__(
        self, journal: ImportJournal | None = None, progress: Progress | None = None, source: str = ""
    ) -> None:
        """`journal`: where an import killed outright is recorded for the next one to finish (None: nowhere);
        `source`: the file imported, as the journal names it."""
        self._journal = journal
        self._progress = progress
        self._source = source
        self.finished: list[str] = []  # the tables whose import was written whole

    def customers_holding(self, links: Sequence[tuple[str, str]]) -> list[Customer]:
        return DynamoCustomers().holding(links)

    def replace_all(self, records: Sequence[Record]) -> Callable[[], None]:
        """Write the records; returns how to undo it, so a multi-file import can be rolled back whole. A customer
        row that leaves whatsapp_user_id empty keeps the one Parley remembered (senders.keep_remembered)."""
        items = [to_item(r) for r in records]
        if not items:
            return lambda: None
        model = type(items[0])
        key_name = _hash_key(model)
        keys = [getattr(item, key_name) for item in items]
        table = model.Meta.table_name
        try:
            # Strongly consistent: the snapshot must be what a rollback puts back, even right after another import.
            previous = {getattr(i, key_name): i for i in model.batch_get(keys, consistent_read=True)}
        except PynamoDBException as exc:
            raise StorageError(f"import into {table} failed before writing; nothing was changed") from exc
        if model is CustomerModel:
            stored = {key: customer_from(item) for key, item in previous.items() if isinstance(item, CustomerModel)}
            customers = [r for r in records if isinstance(r, Customer)]
            items = [to_item(c) for c in keep_remembered(customers, stored)]
        # Every item about to be written is listed before the first is sent, so a restore also covers an item whose
        # batch was on its way when the import stopped.
        written: list[Model] = []
        try:
            if self._journal is not None:
                started = datetime.now(UTC).isoformat(timespec="seconds")
                self._journal.begin(table, _FIELD_OF[model], self._source, started, [i.serialize() for i in items])
            with model.batch_write() as batch:
                for item in items:
                    written.append(item)
                    batch.save(item)
                    if self._progress is not None and len(batch.pending_operations) == 1 and len(written) > 1:
                        self._progress(len(written) - 1, len(items))  # a batch was just written
            if self._journal is not None:
                self._journal.finish(table)
            self.finished.append(table)
        except PynamoDBException as exc:
            if not self._put_back(model, written, previous):
                raise StorageError(
                    f"import into {table} failed and the previous items could not be restored; the table may be "
                    f"partly written: {self._next_run}"
                ) from exc
            raise StorageError(f"import into {table} failed; nothing was changed") from exc
        except KeyboardInterrupt as interrupt:
            signum = signal_of(interrupt)
            if not self._put_back(model, written, previous):
                raise ImportCancelledError(
                    f"stopped by {NAMES[signum]}, and {table} could not be put back as it was: {self._next_run}",
                    signum,
                    restored=False,
                ) from None
            raise ImportCancelledError(
                f"stopped by {NAMES[signum]}; {table} was put back as it was and nothing was imported", signum
            ) from None

        def undo() -> None:
            if not self._put_back(model, written, previous, journaled=False):
                raise StorageError(f"could not undo the import into {table}; import the files again")

        return undo

    @property
    def _next_run(self) -> str:
        if self._journal is None:
            return "import the file again"
        return "the next `parley data import` finishes this import first"

    def _put_back(
        self, model: type[Model], written: list[Model], previous: dict[Any, Model], journaled: bool = True
    ) -> bool:
        """Restore the table, with no Ctrl-C or SIGTERM cutting it short; then the journal has done its job. False
        when the table could not be restored (the journal stays, for the next import to finish)."""
        with shielded():
            try:
                self._restore(model, written, previous)
            except PynamoDBException:
                return False
            if journaled and self._journal is not None:
                self._journal.finish(model.Meta.table_name)
            return True

    @staticmethod
    def _restore(model: type[Model], written: list[Model], previous: dict[Any, Model]) -> None:
        key_name = _hash_key(model)
        with model.batch_write() as batch:
            for item in written:
                key = getattr(item, key_name)
                if key in previous:
                    batch.save(previous[key])
                else:
                    batch.delete(item)


def finish_interrupted(entry: JournalEntry) -> int:
    """Write every item of an import that was killed before it finished (idempotent: whole items are put again);
    returns how many. The journal entry is deleted by the caller once this returns."""
    model = MODELS[entry.model]
    try:
        with model.batch_write() as batch:
            for data in entry.items:
                batch.save(model.from_raw_data(data))
    except PynamoDBException as exc:
        raise StorageError(f"could not finish the interrupted import into {entry.table}; try again") from exc
    return len(entry.items)
