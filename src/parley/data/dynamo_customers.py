"""The DynamoDB adapter of customers: who a sender is (by WhatsApp's business-scoped user id, their number or their
Messenger PSID, in the order domain.senders gives), the business-scoped user id remembered once a sender proved
who they are, and the customer's choice about promotional messages."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import PynamoDBException, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex

from parley.data.dynamo_mapping import condition_failed, customer_from
from parley.data.models import CustomerModel
from parley.domain.ports import StorageError
from parley.domain.records import Customer
from parley.domain.senders import SENDER_FIELDS, Sender, is_bsuid, only_one

_INDEXES: dict[str, GlobalSecondaryIndex[CustomerModel]] = {
    "whatsapp_user_id": CustomerModel.by_whatsapp_user,
    "phone": CustomerModel.by_phone,
    "messenger_psid": CustomerModel.by_psid,
}

# Up to this many links are looked up one query each; more are found in one pass over the table.
_FEW_LINKS = 60


class DynamoCustomers:
    def by_sender(self, sender: Sender) -> Customer | None:
        # One query per link, stopping at the first hit: a known WhatsApp sender costs one (their BSUID) or two. Two
        # items are asked for, to see a link two customers share (senders.only_one): in the same call.
        for field, value in sender.links():
            try:
                found = [customer_from(item) for item in _INDEXES[field].query(value, limit=2)]
            except PynamoDBException as exc:
                raise StorageError("customer lookup failed") from exc
            if found:
                return only_one(found)
        return None

    def holding(self, values: Sequence[tuple[str, str]]) -> list[Customer]:
        """The customers on file with any of these (field, value) links: one query each for a few, one pass over
        the table (its link fields only) for many."""
        try:
            if len(values) <= _FEW_LINKS:
                return [customer_from(item) for field, value in values for item in _INDEXES[field].query(value)]
            wanted = set(values)
            fields = ("customer_id", *SENDER_FIELDS)
            return [
                customer_from(item)
                for item in CustomerModel.scan(attributes_to_get=list(fields), consistent_read=True)
                if any((field, getattr(item, field)) in wanted for field in SENDER_FIELDS)
            ]
        except PynamoDBException as exc:
            raise StorageError("reading the customers on file failed; nothing was imported") from exc

    def get(self, customer_id: str) -> Customer | None:
        try:
            return customer_from(CustomerModel.get(customer_id))
        except CustomerModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("customer lookup failed") from exc

    def remember_whatsapp_user_id(self, customer_id: str, user_id: str) -> Customer | None:
        if not is_bsuid(user_id):
            return self.get(customer_id)
        # Only on an existing record that names no BSUID yet (senders.may_remember): one already there (imported, or
        # remembered by an earlier proof) is kept, and a customer deleted meanwhile is not brought back as a stub.
        item = CustomerModel(customer_id=customer_id)
        try:
            item.update(
                actions=[CustomerModel.whatsapp_user_id.set(user_id)],
                condition=CustomerModel.customer_id.exists() & CustomerModel.whatsapp_user_id.does_not_exist(),
            )
        except UpdateError as exc:
            if condition_failed(exc):
                return self.get(customer_id)
            raise StorageError("remembering the WhatsApp user id failed") from exc
        return customer_from(item)

    def set_marketing_opt_in(self, customer_id: str, opted_in: bool) -> Customer | None:
        # Only on an existing record: a customer deleted meanwhile (an erasure, a re-import) is not brought back as a
        # stub holding nothing but a consent. The new value is read back with the write (ALL_NEW), no second call.
        item = CustomerModel(customer_id=customer_id)
        try:
            item.update(
                actions=[CustomerModel.marketing_opt_in.set(opted_in)],
                condition=CustomerModel.customer_id.exists(),
            )
        except UpdateError as exc:
            if condition_failed(exc):
                return None
            raise StorageError("recording the marketing preference failed") from exc
        return customer_from(item)
