"""Counting the DynamoDB calls a fulfillment runtime makes, by who made them and by operation (for `make bench` and
the call-budget test).

Two kinds of client talk to DynamoDB: Powertools' idempotency store has a boto3 client, and every pynamodb model
has its own connection with its own botocore client. A `before-call` hook on each counts every API call once,
whatever botocore retries underneath.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from parley.data.models import MODELS

if TYPE_CHECKING:
    from parley.wiring import FulfillmentRuntime

IDEMPOTENCY = "idempotency"
PARLEY = "parley"


class DynamoCallCounter:
    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()  # (who, operation) → calls
        self._watched: list[tuple[Any, Any]] = []

    def watch(self, client: Any, who: str) -> None:
        """Count the calls this botocore (or boto3) client makes to DynamoDB from now on."""
        if client.meta.service_model.service_name != "dynamodb":
            raise ValueError("not a DynamoDB client")

        def count(model: Any, **_: Any) -> None:
            self.calls[(who, model.name)] += 1

        client.meta.events.register("before-call.dynamodb.*", count)
        self._watched.append((client, count))

    def watch_runtime(self, runtime: FulfillmentRuntime) -> None:
        """The idempotency store's client and the client of every pynamodb model (each has its own)."""
        self.watch(runtime.idempotency_store.client, IDEMPOTENCY)
        clients = {id(c): c for c in (model._get_connection().connection.client for model in MODELS.values())}
        for client in clients.values():
            self.watch(client, PARLEY)

    def stop(self) -> None:
        for client, count in self._watched:
            client.meta.events.unregister("before-call.dynamodb.*", count)
        self._watched.clear()

    def reset(self) -> None:
        self.calls.clear()

    def total(self, who: str | None = None) -> int:
        return sum(n for (caller, _), n in self.calls.items() if who is None or caller == who)

    def breakdown(self, who: str) -> str:
        """The operations of one caller with their counts, by name ("GetItem 2, TransactWriteItems 1")."""
        mine = sorted((operation, n) for (caller, operation), n in self.calls.items() if caller == who)
        return ", ".join(f"{operation} {n}" for operation, n in mine) or "none"
