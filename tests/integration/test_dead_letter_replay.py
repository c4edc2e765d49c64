"""What failed every retry is parked in the dead-letter queue and can be moved back with `parley dlq replay` (a dry
run first, a count of what moved), each message back in its customer's group and order, and then answered once:
with the reply its first attempt composed when there was one, so Marie's "oui" still cancels and confirms once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError

from parley.channels.model import InboundMessage
from parley.cli import main
from parley.data.dynamo import DynamoOrders, DynamoRecordWriter
from parley.domain.records import OrderStatus
from parley.local.lambda_runtime import LocalLambdaContext
from parley.local.sqs_poller import sqs_event
from parley.queue import SqsInboundQueue
from support.dialogue import catalogs
from support.factories import customer, inbound, order
from support.fulfillment import invoke

FR = catalogs()["fr"]
MARIE = customer(name="Marie Dubois", phone="33612345678", language="fr", email="marie.dubois@example.fr")
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:parley-inbound.fifo"
SERVER_ERROR = (500, {"error": {"message": "Please retry your request later.", "code": 2}})


@pytest.fixture
def queues(aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The inbound FIFO queue and its dead-letter queue; a message is parked after its first receive."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    dlq = sqs.create_queue(QueueName="parley-inbound-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})
    queue = sqs.create_queue(QueueName="parley-inbound.fifo", Attributes={"FifoQueue": "true",
                             "RedrivePolicy": policy})["QueueUrl"]  # fmt: skip
    monkeypatch.setenv("INBOUND_QUEUE_URL", queue)
    yield {"queue": queue, "dlq": dlq}


def park(sqs: Any, queues: dict[str, str]) -> None:
    """Every attempt failed: receive what is on the queue, give it back, and SQS moves it to the dead letters."""
    for message in sqs.receive_message(QueueUrl=queues["queue"], MaxNumberOfMessages=10).get("Messages", []):
        sqs.change_message_visibility(QueueUrl=queues["queue"], ReceiptHandle=message["ReceiptHandle"],
                                      VisibilityTimeout=0)  # fmt: skip
    assert sqs.receive_message(QueueUrl=queues["queue"], MaxNumberOfMessages=10).get("Messages", []) == []


def deliver(fulfillment: ModuleType, message: dict[str, Any]) -> list[str]:
    """Lambda's event source mapping hands a received message to the handler; the ids it reports failed."""
    try:
        result = fulfillment.handler(sqs_event([message], QUEUE_ARN, "us-east-1"), LocalLambdaContext("fulfillment"))
    except BatchProcessingError:
        return [message["MessageId"]]
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def waiting(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def received(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", []):  # fmt: skip
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def test_parked_messages_are_counted_by_a_dry_run_then_moved_back_in_order(queues, capsys) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    messages = [inbound(f"message {n}", sender="14155550123" if n % 2 else "34612345678") for n in range(5)]
    SqsInboundQueue(sqs, queues["queue"]).put(messages)
    park(sqs, queues)

    assert main(["dlq", "replay", "--dry-run"]) == 0
    assert "5 messages in parley-inbound-dlq.fifo would be moved back" in capsys.readouterr().out
    assert waiting(sqs, queues["dlq"]) == 5

    assert main(["dlq", "replay", "--limit", "2"]) == 0
    assert "Moved 2 messages" in capsys.readouterr().out
    assert main(["dlq", "replay"]) == 0
    assert "Moved 3 messages" in capsys.readouterr().out

    assert waiting(sqs, queues["dlq"]) == 0
    back = received(sqs, queues["queue"])
    assert sorted(InboundMessage.from_json(m["Body"]).message_id for m in back) == sorted(
        m.message_id for m in messages
    )
    assert all(m["MessageAttributes"]["parley-replayed"]["StringValue"] == "1" for m in back)
    for sender in ("14155550123", "34612345678"):  # each customer's messages in the order they wrote them
        mine = [InboundMessage.from_json(m["Body"]) for m in back if sender in m["Body"]]
        assert [m.text for m in mine] == sorted(m.text for m in mine)


def test_replaying_an_empty_queue_moves_nothing_and_says_so(queues, capsys) -> None:
    assert main(["dlq", "replay"]) == 0
    assert "Moved 0 messages" in capsys.readouterr().out


def test_a_queue_without_a_dead_letter_queue_is_a_clear_error(aws, capsys) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="plain.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]

    assert main(["dlq", "replay", "--queue-url", url]) == 1
    assert "plain.fifo has no dead-letter queue" in capsys.readouterr().err


def test_marie_s_oui_parked_after_a_long_outage_cancels_once_and_is_confirmed_once_after_the_replay(
    queues, fulfillment, graph, capsys
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    DynamoRecordWriter().replace_all([MARIE])
    DynamoRecordWriter().replace_all([order(MARIE, order_id="ORD-310006", status=OrderStatus.PROCESSING)])
    assert invoke(fulfillment, inbound("je veux annuler la commande ORD-310006", sender=MARIE.phone)) == []
    oui = inbound("oui", sender=MARIE.phone)
    SqsInboundQueue(sqs, queues["queue"]).put([oui])
    graph.failures.extend([SERVER_ERROR] * 3)  # Meta is down while the "oui" is answered
    [first] = sqs.receive_message(QueueUrl=queues["queue"], MessageSystemAttributeNames=["All"])["Messages"]
    assert deliver(fulfillment, first) == [first["MessageId"]]  # the order is cancelled, the confirmation not sent
    sqs.change_message_visibility(QueueUrl=queues["queue"], ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    assert sqs.receive_message(QueueUrl=queues["queue"]).get("Messages", []) == []  # parked

    assert main(["dlq", "replay"]) == 0
    [back] = received(sqs, queues["queue"])
    assert deliver(fulfillment, back) == []

    asked, confirmed = graph.replies
    assert FR.render("order.cancel_confirm", order_id="ORD-310006") in asked.text
    assert FR.render("order.cancel_done", order_id="ORD-310006") in confirmed.text
    cancelled = DynamoOrders().get("ORD-310006")
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED


class Interrupting:
    """An SQS client that gives way at its `at`-th call of `method`: with an AWS error, or as Ctrl-C does."""

    def __init__(self, sqs: Any, method: str, at: int, error: BaseException) -> None:
        self._sqs, self._method, self._at, self._error, self.calls = sqs, method, at, error, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._sqs, name)
        if name != self._method:
            return real

        def call(**kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self._at:
                raise self._error
            return real(**kwargs)

        return call


THROTTLED = ClientError({"Error": {"Code": "RequestThrottled", "Message": "slow down"}}, "SendMessage")


@pytest.mark.parametrize(
    ("method", "error", "exit_code"),
    [("send_message", THROTTLED, 1), ("delete_message", KeyboardInterrupt(), 130)],
    ids=["an AWS error before the third send", "Ctrl-C between the third send and its delete"],
)
def test_an_interrupted_replay_says_what_moved_loses_nothing_and_a_second_run_moves_the_rest_once(
    queues, capsys, monkeypatch: pytest.MonkeyPatch, method: str, error: BaseException, exit_code: int
) -> None:
    import parley.wiring

    sqs = boto3.client("sqs", region_name="us-east-1")
    messages = [inbound(f"message {n}", sender=f"1415555010{n}") for n in range(5)]
    SqsInboundQueue(sqs, queues["queue"]).put(messages)
    park(sqs, queues)
    real_client = parley.wiring.aws_client
    monkeypatch.setattr(parley.wiring, "aws_client", lambda *a, **k: Interrupting(real_client(*a, **k), method, 3,
                                                                                   error))  # fmt: skip

    assert main(["dlq", "replay"]) == exit_code
    err = capsys.readouterr().err
    assert "after moving 2" in err and "nothing is lost: run it again" in err and "Traceback" not in err
    assert waiting(sqs, queues["dlq"]) == 3  # the batch in hand was given back at once, not after a minute

    monkeypatch.setattr(parley.wiring, "aws_client", real_client)
    assert main(["dlq", "replay"]) == 0
    assert waiting(sqs, queues["dlq"]) == 0
    back = [InboundMessage.from_json(m["Body"]).message_id for m in received(sqs, queues["queue"])]
    assert sorted(back) == sorted(m.message_id for m in messages)  # each once: a repeated send was deduplicated


def test_a_queue_that_does_not_exist_is_a_clear_error(aws, capsys) -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/parley-inbound-typo.fifo"

    assert main(["dlq", "replay", "--queue-url", url]) == 1
    err = capsys.readouterr().err
    assert "cannot read parley-inbound-typo.fifo: no such queue" in err and "Traceback" not in err


def test_an_endpoint_nobody_answers_is_a_clear_error(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from parley.local.stack import free_port

    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("INBOUND_QUEUE_URL", raising=False)

    assert main(["dlq", "replay"]) == 1
    assert f"no parley-inbound.fifo at {endpoint}: is `parley serve` running there?" in capsys.readouterr().err

    monkeypatch.setenv("INBOUND_QUEUE_URL", f"{endpoint}/123456789012/parley-inbound.fifo")
    assert main(["dlq", "replay"]) == 1
    err = capsys.readouterr().err
    assert f"cannot read parley-inbound.fifo: cannot reach {endpoint}" in err and "Traceback" not in err


def test_a_limit_below_one_is_refused(capsys) -> None:
    assert main(["dlq", "replay", "--limit", "0"]) == 2
    assert "--limit must be 1 or more" in capsys.readouterr().err


def test_a_local_queue_left_from_an_earlier_start_takes_the_new_retry_schedule(aws) -> None:
    """`parley serve` started again against the same moto server with another RETRY_HORIZON_SECONDS."""
    from parley.config import load_settings
    from parley.fulfillment.retrying import RetrySchedule
    from parley.local.stack import ensure_queue

    sqs = boto3.client("sqs", region_name="us-east-1")
    local = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    ensure_queue(load_settings(local), sqs)
    short = load_settings(local | {"RETRY_HORIZON_SECONDS": "8", "RETRY_FIRST_DELAY_SECONDS": "1"})

    url = ensure_queue(short, sqs)

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == RetrySchedule.from_settings(short).receives
