"""Whatever bytes reach the webhook function, and whatever API Gateway's base64 flag says about them, the answer is
the sender's mistake (401 unsigned, 400 when not UTF-8) or an acceptance: never a 5xx, which would page whoever
watches the webhook's 5xx alarm and have Meta retry for days."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from parley.channels.meta import sign
from parley.local.lambda_runtime import LocalLambdaContext, load_handler_module
from support.events import APP_SECRET, VERIFY_TOKEN, http_api_event

TOKEN = "agent-token-for-bodies-0123"
LUCIA = "whatsapp:34612345678"
# Property tests share one cold-started handler: what one example queues does not change the next one's answer.
SHARED = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


not_utf8 = st.binary(min_size=1, max_size=200).filter(lambda b: not utf8(b))


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="inbound.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        monkeypatch.setenv("INBOUND_QUEUE_URL", url)
        monkeypatch.setenv("META_APP_SECRET", APP_SECRET)
        monkeypatch.setenv("META_VERIFY_TOKEN", VERIFY_TOKEN)
        monkeypatch.setenv("AGENT_API_TOKEN", TOKEN)
        yield load_handler_module("webhook")


def post(path: str, body: bytes, headers: dict[str, str], base64_flag: bool) -> dict[str, Any]:
    """The event API Gateway makes of these bytes: base64 when its flag is set; else the text the Lambda runtime
    would hand over, where bytes that are not UTF-8 can only appear as lone surrogates."""
    event = http_api_event("POST", path, b"", headers)
    if base64_flag:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    else:
        event["body"] = body.decode("utf-8", "surrogateescape")
    return event


def call(module: ModuleType, event: dict[str, Any]) -> int:
    status: int = module.handler(event, LocalLambdaContext("parley-webhook"))["statusCode"]
    return status


def meta_post(body: bytes, signed: bool, base64_flag: bool, channel: str = "whatsapp") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = sign(body, APP_SECRET)
    return post(f"/webhook/{channel}", body, headers, base64_flag)


def agent_post(body: bytes, authorised: bool, base64_flag: bool, action: str = "messages") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if authorised:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return post(f"/agent/conversations/{LUCIA}/{action}", body, headers, base64_flag)


@SHARED
@given(body=not_utf8, base64_flag=st.booleans(), channel=st.sampled_from(["whatsapp", "messenger"]))
def test_a_signed_body_that_is_not_utf8_is_400_whatever_the_base64_flag(webhook, body, base64_flag, channel):
    assert call(webhook, meta_post(body, True, base64_flag, channel)) == 400


@SHARED
@given(body=st.binary(max_size=200), base64_flag=st.booleans())
def test_an_unsigned_body_is_401_whatever_it_holds(webhook, body, base64_flag):
    assert call(webhook, meta_post(body, False, base64_flag)) == 401


@SHARED
@given(body=st.binary(max_size=200), base64_flag=st.booleans())
def test_any_signed_bytes_are_acknowledged_or_refused_never_a_5xx(webhook, body, base64_flag):
    assert call(webhook, meta_post(body, True, base64_flag)) in ({200, 400} if utf8(body) else {400})


@SHARED
@given(body=not_utf8, base64_flag=st.booleans(), action=st.sampled_from(["messages", "release"]))
def test_the_agents_endpoint_answers_400_to_a_body_that_is_not_utf8(webhook, body, base64_flag, action):
    assert call(webhook, agent_post(body, True, base64_flag, action)) == 400


@SHARED
@given(body=st.binary(max_size=200), base64_flag=st.booleans())
def test_the_agents_endpoint_answers_401_first_to_a_caller_without_the_token(webhook, body, base64_flag):
    assert call(webhook, agent_post(body, False, base64_flag)) == 401


@pytest.mark.parametrize(
    "body",
    [
        "{}".encode("utf-16"),  # json.loads would read UTF-16 and UTF-32 by their byte order mark
        json.dumps({"object": "page", "entry": []}).encode("utf-32"),
        b'{"object": "page", "entry": [], "x": "\xc3"}',
        b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark is not JSON either
    ],
)
def test_json_in_another_encoding_is_400_not_read(webhook, body):
    for base64_flag in (True, False):
        assert call(webhook, meta_post(body, True, base64_flag)) == 400


def test_a_base64_flag_over_text_that_is_not_base64_is_refused_not_a_crash(webhook):
    event = meta_post(b"{}", True, False)
    event["body"], event["isBase64Encoded"] = "¿esto no es base64?", True

    assert call(webhook, event) == 401
