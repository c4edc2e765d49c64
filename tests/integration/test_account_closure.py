"""The account through the deployed fulfillment handler, with SNS, SQS and DynamoDB in moto and the Graph API
stand-in: the business's own help (PARLEY_GUIDES_DIR, the layer's directory in AWS) reaches the customer as a link
button, and a confirmed closure reaches the business's people, naming the customer, so a person closes the account in
the shop's system."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from parley.dialogue.flows.account import CLOSURE
from parley.i18n import load_catalogs
from support.factories import inbound
from support.fulfillment import EMILY, invoke

ROOT = Path(__file__).resolve().parents[2]
EN = load_catalogs()["en"]
SIGN_IN = "https://help.example.org/en/sign-in"


@pytest.fixture
def business_guides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The business's own guides directory, its log-in page changed, as the layer ships it under /opt/guides."""
    directory = tmp_path / "guides"
    shutil.copytree(ROOT / "guides", directory)
    login = directory / "account" / "login.json"
    login.write_text(json.dumps(json.loads(login.read_text(encoding="utf-8")) | {"url": SIGN_IN}), encoding="utf-8")
    monkeypatch.setenv("PARLEY_GUIDES_DIR", str(directory))
    return directory


@pytest.fixture
def notifications(aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The handoff topic with an SQS queue subscribed, as a helpdesk would be; yields the notifications so far."""
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="parley-handoff")["TopicArn"]
    queue = sqs.create_queue(QueueName="helpdesk")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    monkeypatch.setenv("HANDOFF_TOPIC_ARN", topic)

    def published() -> list[dict[str, Any]]:
        found = []
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                envelope = json.loads(message["Body"])
                found.append({**json.loads(envelope["Message"]), "subject": envelope["Subject"]})
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return found

    yield published


@pytest.fixture
def handlers(business_guides, notifications, fulfillment) -> ModuleType:
    """Fulfillment, cold-started after the guides and the topic are configured."""
    return fulfillment


def test_a_sign_in_question_gets_the_businesss_own_page_as_a_button(handlers, notifications, graph) -> None:
    assert invoke(handlers, inbound("I can't log in to my account", sender=EMILY.phone)) == []

    [reply] = graph.replies
    assert reply.body["interactive"]["type"] == "cta_url"
    assert reply.body["interactive"]["action"]["parameters"]["url"] == SIGN_IN
    assert EN.render("account.link") in reply.text
    assert notifications() == []  # help for anyone, nobody needs to act on it


def test_a_confirmed_closure_reaches_the_businesss_people_with_the_customers_id(handlers, notifications, graph) -> None:
    assert invoke(handlers, inbound("Please close my account", sender=EMILY.phone)) == []
    assert notifications() == []  # nothing happens before the yes
    assert EN.render("account.close_confirm") in graph.replies[-1].text

    assert invoke(handlers, inbound("yes", sender=EMILY.phone)) == []

    [announced] = notifications()
    assert announced["type"] == "handoff" and announced["reason"] == CLOSURE
    assert announced["customer_id"] == EMILY.customer_id
    assert EMILY.customer_id in announced["subject"] and EMILY.phone not in announced["subject"]
    assert EN.render("account.close_requested") in graph.replies[-1].text
