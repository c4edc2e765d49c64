"""The agent endpoint: only a caller with the token gets in; a clear answer for every bad request; an accepted
command waits on the queue in the customer's own message group."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes import InMemoryAgentCommandQueue, InMemoryRequestLedger
from parley.agents.api import MAX_AGENT_TEXT, AgentApi
from parley.agents.commands import AgentAction, AgentCommand, CommandSource, is_command, parse_conversation_id
from parley.channels.model import Channel
from parley.config import ConfigError, load_agent_token, load_settings
from parley.queue import message_group_id
from support.factories import inbound

TOKEN = "s3cret-agent-token-0123"
BEARER = f"Bearer {TOKEN}"
LUCIA = "whatsapp:34612345678"


def body(**values: object) -> bytes:
    return json.dumps(values).encode()


@pytest.fixture
def queue() -> InMemoryAgentCommandQueue:
    return InMemoryAgentCommandQueue()


@pytest.fixture
def api(queue: InMemoryAgentCommandQueue) -> AgentApi:
    return AgentApi(lambda: TOKEN, queue, clock=lambda: 1_795_500_000.0)


def test_a_reply_with_the_token_is_accepted_and_queued_for_the_conversation(api, queue):
    result = api.reply(LUCIA, BEARER, body(text="  Your refund was approved today.  "), None)

    assert result.status == 202
    assert result.body["status"] == "queued" and result.body["conversation_id"] == LUCIA
    [command] = queue.commands
    assert command.action is AgentAction.REPLY
    assert command.conversation_id == "whatsapp#34612345678"
    assert command.text == "Your refund was approved today."
    assert command.at == 1_795_500_000 and command.request_id == result.body["request_id"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token-0000000000", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"],
)
def test_without_the_right_bearer_token_it_is_401_and_nothing_is_queued(api, queue, authorization):
    result = api.reply(LUCIA, authorization, body(text="hello"), None)

    assert result.status == 401
    assert result.headers == {"WWW-Authenticate": "Bearer"}
    assert queue.commands == []


def test_the_token_is_checked_before_anything_else_is_revealed(api):
    assert api.reply("not-a-conversation", "Bearer nope", b"{bad json", None).status == 401


def test_without_a_configured_token_the_endpoint_refuses_everything(queue):
    api = AgentApi(lambda: None, queue)

    result = api.reply(LUCIA, "Bearer ", body(text="hello"), None)

    assert result.status == 503 and "AGENT_API_TOKEN" in result.body["error"]
    assert queue.commands == []


def test_a_token_too_short_to_be_safe_is_not_accepted():
    settings = load_settings({})
    with pytest.raises(ConfigError, match="at least 16"):
        load_agent_token(settings, {"AGENT_API_TOKEN": "short"})
    assert load_agent_token(settings, {"AGENT_API_TOKEN": TOKEN}) == TOKEN
    assert load_agent_token(settings, {}) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("whatsapp:34612345678", "whatsapp#34612345678"),
        ("whatsapp%3A34612345678", "whatsapp#34612345678"),
        ("whatsapp%2334612345678", "whatsapp#34612345678"),
        ("messenger:5512345678901234", "messenger#5512345678901234"),
    ],
)
def test_conversation_ids_are_accepted_as_typed_or_url_encoded(api, queue, raw, expected):
    assert api.release(raw, BEARER, b"", None).status == 202
    assert queue.commands[0].conversation_id == expected


@pytest.mark.parametrize(
    "raw",
    [
        "telegram:34612345678",
        "whatsapp:+34 612 345 678",
        "whatsapp",
        "whatsapp:",
        "34612345678",
        "whatsapp:12",
        # Digits no platform writes ids in: Arabic-Indic, extended Arabic-Indic (Persian), full-width, Devanagari,
        # and one such digit among ASCII ones, typed or URL-encoded.
        "whatsapp:٣٤٦١٢٣٤٥٦٧٨",
        "whatsapp:۳۴۶۱۲۳۴۵۶۷۸",
        "messenger:５５１２３４５６７８９０１２３４",
        "whatsapp:३४६१२३४५६७८",
        "whatsapp:3461234567٨",
        "whatsapp%3A3461234567%D9%A8",
        # Only the separator may be encoded: an encoded digit or an encoded colon's encoding is not the canonical id.
        "whatsapp:3461234567%38",
        "whatsapp%3A%334612345678",
        "whatsapp%253A34612345678",
        "whatsapp:US.١٣٤٩١٢٠٨٦٥٥٣٠٢٧٤١٩١٨",
        "whatsapp:US.1349120865530274191８",
        # A business-scoped user id is WhatsApp's: Messenger names people by PSID only.
        "messenger:US.13491208655302741918",
        "whatsapp:us.13491208655302741918",
    ],
)
def test_an_id_that_is_no_conversation_is_404(api, queue, raw):
    result = api.reply(raw, BEARER, body(text="hello"), None)

    assert result.status == 404 and "whatsapp:" in result.body["error"]
    assert queue.commands == []


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (body(), '"text"'),
        (body(text="   "), '"text"'),
        (body(text=42), '"text"'),
        (body(text="x" * (MAX_AGENT_TEXT + 1)), "longer than"),
        (body(text="hola", language="Spanish!"), '"language"'),
        (body(text="hola", request_id="has spaces in it"), "request id"),
        (b"\xff\xfe", "not JSON"),
        (json.dumps({"text": "hola"}).encode("utf-16"), "UTF-8"),  # JSON, but not in UTF-8
        (b'{"text": "caf\xe9"}', "UTF-8"),  # Latin-1
    ],
)
def test_a_bad_body_is_400_with_the_reason(api, queue, payload, complaint):
    result = api.reply(LUCIA, BEARER, payload, None)

    assert result.status == 400
    assert complaint in result.body["error"]
    assert queue.commands == []


def test_the_agent_may_name_the_language_they_write_in(api, queue):
    api.reply(LUCIA, BEARER, body(text="Votre remboursement est validé.", language="fr-CA"), None)

    assert queue.commands[0].language == "fr"


def test_a_request_id_given_by_the_caller_is_kept_so_a_repeat_is_one_command(api, queue):
    first = api.reply(LUCIA, BEARER, body(text="hello"), "retry-7")
    second = api.reply(LUCIA, BEARER, body(text="hello"), "retry-7")

    assert first.body["request_id"] == second.body["request_id"] == "retry-7"
    assert queue.commands[0].idempotency_key == queue.commands[1].idempotency_key
    other = AgentCommand(AgentAction.REPLY, "whatsapp#49170000000", "retry-7", 0, "hello")
    assert other.idempotency_key != queue.commands[0].idempotency_key


@pytest.fixture
def ledger() -> InMemoryRequestLedger:
    return InMemoryRequestLedger()


@pytest.fixture
def remembering(queue: InMemoryAgentCommandQueue, ledger: InMemoryRequestLedger) -> AgentApi:
    """The endpoint as deployed: the keys callers choose are remembered with what they carried, for eight days."""
    return AgentApi(lambda: TOKEN, queue, clock=lambda: 1_795_500_000.0, ledger=ledger)


def test_a_key_reused_with_another_text_is_409_and_the_second_text_is_not_queued(remembering, queue):
    first = remembering.reply(LUCIA, BEARER, body(text="Your refund was approved."), "retry-7")
    second = remembering.reply(LUCIA, BEARER, body(text="Sorry, it was declined."), "retry-7")

    assert (first.status, second.status) == (202, 409)
    assert "Idempotency-Key" in second.body["error"] and second.reason == "idempotency_key_reused"
    assert [c.text for c in queue.commands] == ["Your refund was approved."]


def test_the_same_request_under_the_same_key_is_accepted_again_and_is_one_command(remembering, queue):
    """A retry after a timeout or a 500 must succeed: SQS and fulfillment make the two one command."""
    first = remembering.reply(LUCIA, BEARER, body(text="Your refund was approved."), "retry-7")
    again = remembering.reply(LUCIA, BEARER, body(text="  Your refund was approved.  "), "retry-7")

    assert (first.status, again.status) == (202, 202)
    assert len(queue.commands) == 2
    assert len({(c.idempotency_key, c.fingerprint) for c in queue.commands}) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("reply", body(text="Bye!")), ("release", b"")),
        (("release", b""), ("reply", body(text="Bye!"))),
        (("reply", body(text="Bye!", language="fr")), ("reply", body(text="Bye!", language="es"))),
    ],
)
def test_a_key_reused_for_another_action_or_language_is_409(remembering, queue, first, second):
    def send(action: str, payload: bytes) -> int:
        return getattr(remembering, action)(LUCIA, BEARER, payload, "key-1").status

    assert (send(*first), send(*second)) == (202, 409)
    assert len(queue.commands) == 1


def test_a_key_chosen_in_the_body_is_remembered_like_the_header(remembering, queue):
    assert remembering.reply(LUCIA, BEARER, body(text="hello", request_id="k-9"), None).status == 202
    assert remembering.reply(LUCIA, BEARER, body(text="bye", request_id="k-9"), None).status == 409


def test_the_same_key_in_another_conversation_is_another_request(remembering, queue):
    assert remembering.reply(LUCIA, BEARER, body(text="hello"), "retry-1").status == 202
    assert remembering.reply("whatsapp:14155550123", BEARER, body(text="bye"), "retry-1").status == 202


def test_a_key_is_free_again_once_its_record_expires(queue, ledger):
    now = [1_795_500_000.0]
    api = AgentApi(lambda: TOKEN, queue, clock=lambda: now[0], ledger=ledger, remember_seconds=600)
    assert api.reply(LUCIA, BEARER, body(text="hello"), "k").status == 202

    now[0] += 601

    assert api.reply(LUCIA, BEARER, body(text="another day"), "k").status == 202


def test_requests_without_a_chosen_key_are_not_recorded(remembering, ledger):
    assert remembering.reply(LUCIA, BEARER, body(text="hello"), None).status == 202
    assert remembering.release(LUCIA, BEARER, b"", None).status == 202
    assert ledger.records == {}


def test_a_release_needs_no_body(api, queue):
    assert api.release(LUCIA, BEARER, b"", None).status == 202
    assert queue.commands[0].action is AgentAction.RELEASE


def test_a_command_travels_as_a_queue_body_fulfillment_tells_from_a_message(api, queue):
    api.reply(LUCIA, BEARER, body(text="¿Le puedo ayudar en algo más?"), None)
    [command] = queue.commands

    data = json.loads(command.to_json())

    assert is_command(data) and not is_command(json.loads(inbound("hi").to_json()))
    assert AgentCommand.from_body(data) == command
    assert command.source is CommandSource.AGENT_API


def test_an_agent_command_shares_the_customers_fifo_group():
    message = inbound("¿Hola?", sender="34612345678")
    ref = parse_conversation_id(LUCIA)

    assert ref is not None and ref.channel is Channel.WHATSAPP
    assert message_group_id(ref.key) == message_group_id(message.conversation_key)


def test_a_whatsapp_username_conversation_can_be_named_by_its_business_scoped_user_id():
    for raw in ("whatsapp:US.13491208655302741918", "whatsapp%23US.ENT.11815799212886844830"):
        ref = parse_conversation_id(raw)
        assert ref is not None
        assert ref.key.startswith("whatsapp#US.")
    assert parse_conversation_id("whatsapp:US.") is None
    assert parse_conversation_id("whatsapp:us.1234<script>") is None


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=5, max_size=20), st.sampled_from(list(Channel)))
def test_a_conversation_id_in_any_digits_but_ascii_ones_is_no_conversation(digits, channel):
    ref = parse_conversation_id(f"{channel}:{digits}")

    assert (ref is not None) == (digits.isascii() and not digits.startswith("0"))
    assert ref is None or ref.key == f"{channel}#{digits}"


@pytest.mark.parametrize(
    "raw",
    [
        "whatsapp:014155550123",  # a wa_id starts with its country code, never 0
        "whatsapp:0014155550123",
        "messenger:05512345678901234",
        "whatsapp:14155550123%0A",  # a line break, URL-encoded or not, around the id
        "whatsapp:14155550123\n",
        "%20whatsapp:14155550123",
        "whatsapp:14155550123 ",
        "whatsapp:+14155550123",
        "whatsapp:%2B14155550123",
        "whatsapp:14%2F155550123",
        "whatsapp:" + "1" * 33,
    ],
)
def test_an_id_in_no_canonical_form_names_no_conversation(raw):
    """Found by trying: a leading zero or a trailing line break was taken for Emily's number (202, queued)."""
    assert parse_conversation_id(raw) is None
