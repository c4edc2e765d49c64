"""The one structured logger and the one metrics collector; what they may say is counts, ids, hashes and outcomes,
never message content."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics

# Service name comes from POWERTOOLS_SERVICE_NAME (set per function in the template).
logger = Logger(log_uncaught_exceptions=True)
# CloudWatch metrics in the embedded metric format, flushed by each handler's log_metrics decorator.
metrics = Metrics(namespace="Parley")
# Many invocations have nothing to count (a verification GET, a batch of duplicates): not worth a warning each time.
warnings.filterwarnings("ignore", message="No application metrics to publish")
