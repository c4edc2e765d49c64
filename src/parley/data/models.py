"""pynamodb models: the one definition of every DynamoDB table, used by the repositories and the table checks."""

from __future__ import annotations

from typing import Any, ClassVar

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
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


class CustomerWhatsAppUserIndex(GlobalSecondaryIndex["CustomerModel"]):
    """WhatsApp's business-scoped user id: the one id a customer with a username writes with."""

    class Meta:
        index_name = "whatsapp-user-index"
        projection = AllProjection()

    whatsapp_user_id = UnicodeAttribute(hash_key=True)


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
    whatsapp_user_id = UnicodeAttribute(null=True)
    marketing_opt_in = BooleanAttribute(null=True)
    by_phone = CustomerPhoneIndex()
    by_psid = CustomerPsidIndex()
    by_whatsapp_user = CustomerWhatsAppUserIndex()


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
    delivered_at = UnicodeAttribute(null=True)
    shipping_address = UnicodeAttribute(null=True)
    # Written by Parley, not imported: when the customer cancelled, and the return under way (at most one); when the
    # customer last changed the delivery address.
    cancelled_at = UnicodeAttribute(null=True)
    open_return_id = UnicodeAttribute(null=True)
    address_changed_at = UnicodeAttribute(null=True)
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
    payment_failure_reason = UnicodeAttribute(null=True)
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


class ReturnCustomerIndex(GlobalSecondaryIndex["ReturnModel"]):
    class Meta:
        index_name = "customer-index"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ReturnModel(Model):
    """One return of an order; the order item points at the open one, which keeps it to one at a time."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ReturnsTable"
    point_in_time_recovery: ClassVar[bool] = True
    ttl_attribute: ClassVar[str | None] = None

    return_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    refund_amount = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    refunded_at = UnicodeAttribute(null=True)
    # For a problem the customer reported: which (damaged, wrong_item), the item's SKU, a replacement wanted.
    reason = UnicodeAttribute(null=True)
    sku = UnicodeAttribute(null=True)
    replacement = BooleanAttribute(null=True)
    by_customer = ReturnCustomerIndex()


class ConversationSubjectIndex(GlobalSecondaryIndex["ConversationModel"]):
    """Staff erase or export a customer's conversations: which ones are theirs (keys only, nothing else)."""

    class Meta:
        index_name = "data-subject-index"
        projection = KeysOnlyProjection()

    data_subject_id = UnicodeAttribute(hash_key=True)


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
    rating_asked_at = NumberAttribute(null=True)
    # The customer as last read (their record's fields), and when: see ConversationState.customer.
    customer = MapAttribute[str, str](null=True)
    customer_read_at = NumberAttribute(null=True)
    # Whose personal data the conversation holds: the linked customer or, for an unknown sender, the one they
    # proved to be. Absent for anonymous conversations, so the index stays sparse.
    data_subject_id = UnicodeAttribute(null=True)
    by_data_subject = ConversationSubjectIndex()


class ConversationMessageModel(Model):
    """One message of a conversation per item (never a whole transcript in one item), expiring with its TTL."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ConversationMessagesTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = "expires_at"

    conversation_id = UnicodeAttribute(hash_key=True)
    # "<UTC time, fixed width>#<message id>": sorts by time, and two messages in the same instant stay apart.
    at_message_id = UnicodeAttribute(range_key=True)
    message_id = UnicodeAttribute()
    direction = UnicodeAttribute()
    text = UnicodeAttribute()
    language = UnicodeAttribute(null=True)
    at = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)
    # A reply's item is also its outbox entry (domain.conversation.OutboxEntry): the composed turn, written with
    # the state, and how far its sending got. Absent on customers' messages and on replies logged before.
    outbox = UnicodeAttribute(null=True)
    sent_parts = NumberAttribute(null=True)
    unconfirmed_parts = NumberAttribute(null=True)
    late = BooleanAttribute(null=True)
    transient = BooleanAttribute(null=True)


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


class PseudonymKeyModel(Model):
    """One analytics subject's HMAC key (parley.privacy.pseudonyms), keyed by a SHA-256 of the subject: no phone
    number, PSID or customer id in the table. Erasing a customer deletes their items. No point-in-time recovery on
    purpose: a restore would bring erased keys back, and with them the link to the customer's past events."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "PseudonymKeysTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = None

    subject = UnicodeAttribute(hash_key=True)
    hmac_key = UnicodeAttribute()  # hex
    created_at = NumberAttribute(null=True)


class ProofAttemptModel(Model):
    """Attempts at proving who you are, counted per order number or email across conversations
    (domain.proof_limits). Keyed by a hash, never the number or the email; each item expires with its window."""

    class Meta(_Meta):
        pass

    logical_id: ClassVar[str] = "ProofAttemptsTable"
    point_in_time_recovery: ClassVar[bool] = False
    ttl_attribute: ClassVar[str | None] = "expires_at"

    subject = UnicodeAttribute(hash_key=True)
    attempts = NumberAttribute(null=True)
    window_ends = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)


# Settings.tables field name → model.
MODELS: dict[str, type[Model]] = {
    "customers": CustomerModel,
    "orders": OrderModel,
    "invoices": InvoiceModel,
    "subscriptions": SubscriptionModel,
    "products": ProductModel,
    "returns": ReturnModel,
    "conversations": ConversationModel,
    "conversation_messages": ConversationMessageModel,
    "processed_messages": ProcessedMessageModel,
    "translation_cache": TranslationCacheModel,
    "pseudonym_keys": PseudonymKeyModel,
    "proof_attempts": ProofAttemptModel,
}
