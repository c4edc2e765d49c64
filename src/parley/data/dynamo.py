"""The DynamoDB adapters (pynamodb) of the business's data, one module per job; the composition root and the tools
import them from here."""

from parley.data.dynamo_accounts import DynamoInvoices, DynamoSubscriptions
from parley.data.dynamo_customers import DynamoCustomers
from parley.data.dynamo_import import DynamoRecordWriter
from parley.data.dynamo_orders import DynamoOrders, DynamoReturns
from parley.data.dynamo_products import DynamoProducts
from parley.data.dynamo_proofs import DynamoProofAttempts

__all__ = [
    "DynamoCustomers",
    "DynamoInvoices",
    "DynamoOrders",
    "DynamoProducts",
    "DynamoProofAttempts",
    "DynamoRecordWriter",
    "DynamoReturns",
    "DynamoSubscriptions",
]
