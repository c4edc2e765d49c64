"""The one structured logger; what it may say is counts, ids, hashes and outcomes, never message content."""

from __future__ import annotations

from aws_lambda_powertools import Logger

# Service name comes from POWERTOOLS_SERVICE_NAME (set per function in the template).
logger = Logger(log_uncaught_exceptions=True)
