"""`parley dlq replay`: what failed every retry, moved back to the inbound queue once the cause is fixed."""

from __future__ import annotations

import argparse
import sys

from parley.config import load_settings


def replay(args: argparse.Namespace) -> int:
    from parley.fulfillment.dead_letters import DeadLetterError, DeadLetters
    from parley.wiring import aws_client

    if args.limit is not None and args.limit < 1:
        print("parley dlq replay: --limit must be 1 or more", file=sys.stderr)
        return 2
    settings = load_settings()
    sqs = aws_client("sqs", settings)
    queue_url = args.queue_url or settings.inbound_queue_url
    if not queue_url and settings.is_local_endpoint:
        from botocore.exceptions import BotoCoreError, ClientError

        from parley.local.stack import QUEUE_NAME

        try:
            queue_url = sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
        except (BotoCoreError, ClientError):
            print(f"parley dlq replay: no {QUEUE_NAME} at {settings.aws_endpoint_url}: is `parley serve` running "
                  "there?", file=sys.stderr)  # fmt: skip
            return 1
    if not queue_url:
        print("parley dlq replay: which queue? Set INBOUND_QUEUE_URL (the stack's InboundQueueUrl output) or pass "
              "--queue-url", file=sys.stderr)  # fmt: skip
        return 2
    try:
        replay = DeadLetters(sqs, queue_url).replay(limit=args.limit, dry_run=args.dry_run)
    except DeadLetterError as exc:
        if exc.moved is None:
            print(f"parley dlq replay: {exc}", file=sys.stderr)
            return 1
        print(f"parley dlq replay: {exc} after moving {exc.moved}; the rest are still in the dead-letter queue, "
              "nothing is lost: run it again to move them", file=sys.stderr)  # fmt: skip
        return 130 if isinstance(exc.__cause__, KeyboardInterrupt) else 1
    plural = "" if replay.moved == 1 else "s"
    if replay.dry_run:
        print(f"{replay.moved} message{plural} in {replay.dead_letter_queue} would be moved back to {replay.queue} "
              "(dry run: nothing moved).")  # fmt: skip
    else:
        print(f"Moved {replay.moved} message{plural} from {replay.dead_letter_queue} back to {replay.queue}: each "
              "is answered in its customer's turn, once.")  # fmt: skip
    return 0
