"""pynamodb models: the one definition of every DynamoDB table, used by the repositories and the table checks."""

from __future__ import annotations

from typing import Any, ClassVar

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _Meta:
    table_name = ""
    region = "us-east-1"
    host: str | None = None
    # Lambda has a deadline; a DynamoDB hiccup should fail the message (SQS retries it), not stall the batch.
    max_retry_attempts = 2
    connect_timeout_seconds = 2
    read_timeout_seconds = 3


class CustomerPhoneIndex(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "phone-index"
        projection = AllProjection()

    phone = UnicodeAttribute(hash_key=True)


class CustomerPsidIndex(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "psid-index"
        projection = AllProjection()

    messenger_psid = UnicodeAttribute(hash_key=True)


class CustomerModel(Model):
    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "CustomersTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    customer_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    messenger_psid = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    by_phone = CustomerPhoneIndex()
    by_psid = CustomerPsidIndex()


class OrderCustomerIndex(GlobalSecondaryIndex["OrderModel"]):
    class Meta:
        index_name = "customer-index"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    placed_at = UnicodeAttribute(range_key=True)


class OrderItemMap(MapAttribute[str, Any]):
    sku = UnicodeAttribute()
    quantity = NumberAttribute()


class OrderModel(Model):
    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "OrdersTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    order_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    status = UnicodeAttribute()
    placed_at = UnicodeAttribute()
    carrier = UnicodeAttribute(null=True)
    tracking_number = UnicodeAttribute(null=True)
    estimated_delivery = UnicodeAttribute(null=True)
    # Amounts are decimal strings: floats would turn 19.90 into 19.899999.
    total = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    items = ListAttribute(of=OrderItemMap, null=True)
    by_customer = OrderCustomerIndex()


class InvoiceCustomerIndex(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "customer-index"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    issued_at = UnicodeAttribute(range_key=True)


class InvoiceModel(Model):
    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "InvoicesTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    invoice_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    due_at = UnicodeAttribute(null=True)
    amount = UnicodeAttribute()
    currency = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    url = UnicodeAttribute(null=True)
    by_customer = InvoiceCustomerIndex()


class SubscriptionCustomerIndex(GlobalSecondaryIndex["SubscriptionModel"]):
    class Meta:
        index_name = "customer-index"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)


class SubscriptionModel(Model):
    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "SubscriptionsTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    subscription_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    plan = UnicodeAttribute()
    status = UnicodeAttribute()
    renews_at = UnicodeAttribute(null=True)
    price = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    by_customer = SubscriptionCustomerIndex()


class ProductModel(Model):
    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ProductsTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    sku = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    price = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    stock = NumberAttribute(null=True)
    attributes = MapAttribute[str, Any](null=True)


class ConversationModel(Model):
    """One small item per conversation: its language and context, never the transcript."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ConversationsTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = "expires_at"

    conversation_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    last_order_id = UnicodeAttribute(null=True)
    updated_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    flow = UnicodeAttribute(null=True)
    step = UnicodeAttribute(null=True)
    slots = MapAttribute[str, str](null=True)
    misunderstood = NumberAttribute(null=True)
    handoff_at = NumberAttribute(null=True)
    verified_customer_id = UnicodeAttribute(null=True)
    verify_failures = NumberAttribute(null=True)
    verify_locked_until = NumberAttribute(null=True)


class ProcessedMessageModel(Model):
    """The layout Powertools' idempotency utility writes: one record per platform message id."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ProcessedMessagesTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = "expiration"

    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)


class TranslationCacheModel(Model):
    """One machine translation, keyed by provider, languages and a SHA-256 of the text: no customer identifiers."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "TranslationCacheTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = "expires_at"

    key = UnicodeAttribute(hash_key=True)
    translated = UnicodeAttribute()
    provider = UnicodeAttribute()
    created_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)


# Settings.tables field name → model.
MODELS: dict[str, type[Model]] = {
    "customers": CustomerModel,
    "orders": OrderModel,
    "invoices": InvoiceModel,
    "subscriptions": SubscriptionModel,
    "products": ProductModel,
    "conversations": ConversationModel,
    "processed_messages": ProcessedMessageModel,
    "translation_cache": TranslationCacheModel,
}
