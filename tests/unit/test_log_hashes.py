"""User ids in logs, traces and channel events are keyed hashes: without the stack's key, a hash cannot be traced back
to a phone number by trying numbers, as a plain SHA-256 could in seconds; with it, every function names a customer
alike."""

from __future__ import annotations

import hashlib

import pytest

from parley.agents.commands import AgentAction, AgentCommand, parse_conversation_id
from parley.channels.model import Channel, message_ref, user_hash
from parley.config import ConfigError, load_log_hash_key, load_settings
from parley.observability import use_log_hash_key
from parley.wiring import install_log_hash_key
from support.factories import inbound

EMILY = "14155550123"
KEY = b"k" * 32


def candidates() -> range:
    """The numbers an attacker would try first: a block of US numbers around Emily's."""
    return range(14155500000, 14155600000)


def reverse_by_trying_numbers(hashed: str, digest) -> str | None:
    for number in candidates():
        if digest(f"whatsapp#{number}") == hashed:
            return str(number)
    return None


def test_a_plain_hash_of_a_number_is_reversed_by_trying_numbers_which_is_why_ids_are_keyed():
    plain = hashlib.sha256(f"whatsapp#{EMILY}".encode()).hexdigest()[:12]

    assert reverse_by_trying_numbers(plain, lambda v: hashlib.sha256(v.encode()).hexdigest()[:12]) == EMILY


def test_the_hash_in_logs_of_a_known_number_cannot_be_reproduced_without_the_key():
    use_log_hash_key(KEY)
    logged = user_hash(Channel.WHATSAPP, EMILY)

    assert logged != hashlib.sha256(f"whatsapp#{EMILY}".encode()).hexdigest()[:12]
    assert reverse_by_trying_numbers(logged, lambda v: hashlib.sha256(v.encode()).hexdigest()[:12]) is None
    use_log_hash_key(b"another stack's key, just as long")
    assert user_hash(Channel.WHATSAPP, EMILY) != logged
    use_log_hash_key(KEY)
    assert user_hash(Channel.WHATSAPP, EMILY) == logged  # the same key, the same name


def test_every_id_hash_that_reaches_a_log_line_or_an_event_is_under_the_key():
    """The sender on a message's log lines and sends, the conversation an agent's command names, a message's
    reference, and an agent command's reference all change with the key."""
    message = inbound("hi", sender=EMILY)
    command = AgentCommand(AgentAction.REPLY, f"whatsapp#{EMILY}", "refund-7", 0, "Your refund")
    conversation = parse_conversation_id(f"whatsapp:{EMILY}")
    assert conversation is not None

    def names() -> list[str]:
        return [
            message.sender_hash,
            conversation.sender_hash,
            message_ref(Channel.WHATSAPP, message.message_id),
            command.log_ref,
        ]

    use_log_hash_key(KEY)
    first = names()
    use_log_hash_key(b"x" * 32)

    assert all(a != b for a, b in zip(first, names(), strict=True))
    assert first[0] == first[1]  # a customer's messages and the agents' commands name the conversation alike


def test_the_key_is_log_hash_key_from_the_environment_else_the_stacks_own_secret():
    settings = load_settings({"LOG_HASH_KEY_SECRET_NAME": "parley/log-hash-key"})
    generated = "Zq8" * 21 + "x"  # as the template's GenerateSecretString makes it: 64 letters and digits
    chosen = "a log hash key of forty characters long!"
    asked: list[str] = []

    def fetch(name: str) -> str:
        asked.append(name)
        return generated

    assert load_log_hash_key(settings, {}, fetch) == generated.encode()
    assert asked == ["parley/log-hash-key"]
    assert load_log_hash_key(settings, {"LOG_HASH_KEY": chosen}, fetch) == chosen.encode()
    assert asked == ["parley/log-hash-key"]  # the environment's key wins, and the secret is not read for it


def test_stacks_with_the_same_meta_app_hash_differently_each_under_the_key_generated_for_it():
    """Staging and production may share one Meta app, so one app secret: the key is the stack's own, not derived."""
    stacks = []
    for generated in ("a" * 64, "b" * 64):
        settings = load_settings({"META_APP_SECRET": "one-meta-app", "LOG_HASH_KEY_SECRET_NAME": "parley/key"})
        use_log_hash_key(load_log_hash_key(settings, fetch_secret=lambda name, g=generated: g))
        stacks.append(user_hash(Channel.WHATSAPP, EMILY))

    assert stacks[0] != stacks[1]


def test_with_no_key_configured_each_process_has_a_random_one():
    assert load_log_hash_key(load_settings({"META_APP_SECRET": "app-secret"})) is None
    use_log_hash_key(None)
    first = user_hash(Channel.WHATSAPP, EMILY)
    use_log_hash_key(None)  # as another process would start

    assert user_hash(Channel.WHATSAPP, EMILY) != first


@pytest.mark.parametrize("where", ["environment", "secret"])
def test_a_log_hash_key_too_short_to_be_safe_is_refused_naming_the_variable(where):
    short = "only-twenty-chars-ok"
    if where == "environment":
        with pytest.raises(ConfigError, match="LOG_HASH_KEY must be at least 32 characters"):
            load_settings({"LOG_HASH_KEY": short})
    else:
        settings = load_settings({"LOG_HASH_KEY_SECRET_NAME": "parley/log-hash-key"})
        with pytest.raises(ConfigError, match="LOG_HASH_KEY must be at least 32 characters"):
            load_log_hash_key(settings, {}, lambda name: short)


def test_the_key_is_read_once_on_first_use_and_a_failed_read_is_tried_again():
    reads: list[int] = []

    def read() -> bytes:
        reads.append(1)
        if len(reads) == 1:
            raise ConfigError("the secret could not be read")
        return KEY

    use_log_hash_key(read)
    with pytest.raises(ConfigError):
        user_hash(Channel.WHATSAPP, EMILY)
    hashed = user_hash(Channel.WHATSAPP, EMILY)
    user_hash(Channel.MESSENGER, "5512345678901234")

    assert len(reads) == 2
    use_log_hash_key(KEY)
    assert user_hash(Channel.WHATSAPP, EMILY) == hashed


def test_a_cold_start_installs_the_stacks_key_from_its_settings():
    settings = load_settings({"LOG_HASH_KEY": "the local key of this run, 32 chars or more"})
    install_log_hash_key(settings)
    installed = user_hash(Channel.WHATSAPP, EMILY)

    use_log_hash_key(load_log_hash_key(settings))

    assert user_hash(Channel.WHATSAPP, EMILY) == installed
