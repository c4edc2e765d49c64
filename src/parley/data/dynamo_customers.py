"""The DynamoDB adapter of customers: who a sender is, by their WhatsApp number or Messenger PSID."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

from parley.channels.model import Channel
from parley.data.dynamo_mapping import customer_from
from parley.data.models import CustomerModel
from parley.domain.ports import StorageError
from parley.domain.records import Customer


class DynamoCustomers:
    def by_channel_id(self, channel: str, sender_id: str) -> Customer | None:
        index = CustomerModel.by_phone if channel == Channel.WHATSAPP else CustomerModel.by_psid
        try:
            for item in index.query(sender_id, limit=1):
                return customer_from(item)
        except PynamoDBException as exc:
            raise StorageError("customer lookup failed") from exc
        return None

    def get(self, customer_id: str) -> Customer | None:
        try:
            return customer_from(CustomerModel.get(customer_id))
        except CustomerModel.DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("customer lookup failed") from exc
