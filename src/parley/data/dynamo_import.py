"""Imports into DynamoDB: every record written or, when any write fails, the table as it was."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from parley.data.dynamo_customers import DynamoCustomers
from parley.data.dynamo_mapping import customer_from, to_item
from parley.data.models import CustomerModel
from parley.domain.ports import StorageError
from parley.domain.records import Customer, Record
from parley.domain.senders import keep_remembered


def _hash_key(model: type[Model]) -> str:
    name = model._hash_keyname
    if name is None:  # pragma: no cover - every model here has a hash key
        raise TypeError(f"{model.__name__} has no hash key")
    return name


class DynamoRecordWriter:
    """Imports: write every record, and on any failure restore what the table held before."""

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
        written: list[Model] = []
        try:
            with model.batch_write() as batch:
                for item in items:
                    batch.save(item)
                    written.append(item)
        except PynamoDBException as exc:
            try:
                self._restore(model, written, previous)
            except PynamoDBException as restore_exc:
                raise StorageError(
                    f"import into {table} failed and the previous items could not be restored; "
                    "the table may be partly written, so import the file again"
                ) from restore_exc
            raise StorageError(f"import into {table} failed; nothing was changed") from exc

        def undo() -> None:
            try:
                self._restore(model, written, previous)
            except PynamoDBException as exc:
                raise StorageError(f"could not undo the import into {table}; import the files again") from exc

        return undo

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
