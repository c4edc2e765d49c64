"""DynamoDB adapters of what a customer pays: invoices (read only) and subscriptions, changed by conditional writes
so a concurrent change is never overwritten."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.exceptions import PynamoDBException, UpdateError
from pynamodb.expressions.condition import Condition

from parley.data.dynamo_mapping import ATTEMPTS, condition_failed, invoice_from, subscription_from
from parley.data.models import InvoiceModel, SubscriptionModel
from parley.domain.ports import StorageError
from parley.domain.records import Invoice, Subscription
from parley.domain.rules import (
    OPEN_INVOICE,
    PLAN_CHANGE_FROM,
    ChangeOutcome,
    SubscriptionChange,
    SubscriptionTransition,
    plan_change_outcome,
    transition_outcome,
)


class DynamoInvoices:
    def for_customer(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        try:
            items = InvoiceModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
            return [invoice_from(i) for i in items]
        except PynamoDBException as exc:
            raise StorageError("invoice listing failed") from exc

    def open_for_customer(self, customer_id: str) -> list[Invoice]:
        still_due = InvoiceModel.status.is_in(*(s.value for s in OPEN_INVOICE))
        try:
            items = InvoiceModel.by_customer.query(customer_id, scan_index_forward=False, filter_condition=still_due)
            return [invoice_from(i) for i in items]
        except PynamoDBException as exc:
            raise StorageError("invoice listing failed") from exc

    def get(self, invoice_id: str, customer_id: str) -> Invoice | None:
        try:
            found = invoice_from(InvoiceModel.get(invoice_id))
        except InvoiceModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("invoice lookup failed") from exc
        # Someone else's invoice reads exactly like a missing one.
        return found if found.customer_id == customer_id else None


class DynamoSubscriptions:
    def for_customer(self, customer_id: str) -> list[Subscription]:
        try:
            items = SubscriptionModel.by_customer.query(customer_id)
            return sorted((subscription_from(i) for i in items), key=lambda s: s.subscription_id)
        except PynamoDBException as exc:
            raise StorageError("subscription listing failed") from exc

    def get(self, subscription_id: str, customer_id: str) -> Subscription | None:
        found = self._read(subscription_id, consistent=False)
        return found if found is not None and found.customer_id == customer_id else None

    def change_plan(
        self, subscription_id: str, customer_id: str, new_plan: str, new_price: Decimal | None = None
    ) -> SubscriptionChange:
        for _ in range(ATTEMPTS):
            current = self._read(subscription_id, consistent=True)
            mine = current if current is not None and current.customer_id == customer_id else None
            refusal = plan_change_outcome(mine, customer_id, new_plan, new_price)
            if refusal is not None:
                return SubscriptionChange(refusal, mine)
            assert mine is not None
            # Optimistic: only over the plan and status just read, so a concurrent change is not overwritten.
            unchanged = (
                (SubscriptionModel.customer_id == customer_id)
                & SubscriptionModel.status.is_in(*(s.value for s in PLAN_CHANGE_FROM))
                & (SubscriptionModel.plan == mine.plan)
            )
            actions: list[Any] = [SubscriptionModel.plan.set(new_plan)]
            if new_price is not None:
                actions.append(SubscriptionModel.price.set(str(new_price)))
            changed = self._update(subscription_id, actions, unchanged)
            if changed is not None:
                return SubscriptionChange(ChangeOutcome.CHANGED, changed)
        raise StorageError("plan change kept conflicting with other writes")

    def change_status(
        self, subscription_id: str, customer_id: str, transition: SubscriptionTransition
    ) -> SubscriptionChange:
        condition = (SubscriptionModel.customer_id == customer_id) & SubscriptionModel.status.is_in(
            *(s.value for s in transition.allowed_from)
        )
        for _ in range(ATTEMPTS):
            changed = self._update(subscription_id, [SubscriptionModel.status.set(transition.to.value)], condition)
            if changed is not None:
                return SubscriptionChange(ChangeOutcome.CHANGED, changed)
            current = self._read(subscription_id, consistent=True)
            mine = current if current is not None and current.customer_id == customer_id else None
            refusal = transition_outcome(mine, customer_id, transition)
            if refusal is not None:
                return SubscriptionChange(refusal, mine)
        raise StorageError("subscription change kept conflicting with other writes")

    @staticmethod
    def _update(subscription_id: str, actions: list[Any], condition: Condition) -> Subscription | None:
        """The subscription after the write, or None when the condition did not hold (nothing written)."""
        item = SubscriptionModel(subscription_id=subscription_id)
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if condition_failed(exc):
                return None
            raise StorageError("subscription change failed") from exc
        return subscription_from(item)

    @staticmethod
    def _read(subscription_id: str, consistent: bool) -> Subscription | None:
        try:
            return subscription_from(SubscriptionModel.get(subscription_id, consistent_read=consistent))
        except SubscriptionModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("subscription lookup failed") from exc
