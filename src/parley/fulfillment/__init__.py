"""Fulfillment: one queued message answered exactly once (processing), retried with backoff over a horizon that outlasts
Meta's and AWS's outages (retrying), late replies apologised for (lateness), and what still fails parked in the
dead-letter queue until it is replayed (dead_letters)."""

from parley.fulfillment.processing import MessageProcessor, record_handler

__all__ = ["MessageProcessor", "record_handler"]
