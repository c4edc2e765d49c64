"""Analytics Lambda: the KPI report of the last day or week (or of a period named for a re-run), to S3 and by mail."""

from __future__ import annotations

from typing import Any

from parley.observability import logger, trace_handler
from parley.wiring import report_job

job = report_job()


@trace_handler
@logger.inject_lambda_context(clear_state=True)
def handler(event: Any, context: Any) -> dict[str, Any]:
    return job.handle(event)
