"""moto's DynamoDB made atomic, as DynamoDB is: one write at a time, and no read in the middle of one.

DynamoDB applies a conditional write atomically, and exactly-once rests on that: Powertools' idempotency record is
claimed with a conditional PutItem, so of two concurrent deliveries of one message only one proceeds. moto checks
the condition and then writes, with nothing in between to stop a second thread (measured: two threads putting the
same key under `attribute_not_exists` both won in 1 of 300 rounds on an idle machine, more often on a busy one).
The embedded local stack and the tests run several threads against one moto, so they serialise its table
operations here; on AWS nothing of this runs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

# Every operation that reads or writes items: a read during a multi-item write must not see half of it.
_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "batch_get_item",
    "batch_write_item",
    "query",
    "scan",
    "transact_get_items",
    "transact_write_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)
_LOCK = threading.RLock()
_MARK = "_parley_serialised"


def _serialised(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def under_lock(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return operation(*args, **kwargs)

    setattr(under_lock, _MARK, True)
    return under_lock


def serialise_dynamodb() -> None:
    """Make moto's DynamoDB operations atomic with respect to one another, in this process. Idempotent."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in _OPERATIONS:
        operation = getattr(DynamoDBBackend, name, None)
        if operation is not None and not getattr(operation, _MARK, False):
            setattr(DynamoDBBackend, name, _serialised(operation))
