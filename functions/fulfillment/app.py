"""Fulfillment Lambda: a batch of queued messages and agent commands, each handled once, failures per record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response

from parley.fulfillment import record_handler
from parley.observability import logger, metrics, trace_handler
from parley.wiring import fulfillment_runtime

runtime = fulfillment_runtime()
# FIFO: when a message fails, the later messages of the same customer wait for it (their order is kept), while
# other customers' messages in the batch go on; the failed one comes back after a delay that grows with each
# attempt, over a horizon that outlasts Meta's and AWS's outages (parley.fulfillment.retrying).
processor = runtime.batch_processor
handle_record = record_handler(runtime.process, runtime.process_agent_command)


@trace_handler
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    runtime.register_context(context)
    try:
        # When every record fails, Powertools raises: Lambda then retries the whole batch, which is all of them.
        return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
    finally:
        # The batch's analytics events in one go, whatever happened to its records.
        runtime.flush_events()
