"""Pseudonyms of conversations, customers and messages: stable while their keys live, unlinkable once erased, and
cached so a warm turn asks the key table nothing."""

from __future__ import annotations

import re

import pytest

from fakes import InMemoryKeyStore
from parley.privacy.pseudonyms import KeyStoreError, Pseudonyms, subject_id

EMILY_WA = "whatsapp#14155550123"
EMILY_MS = "messenger#5512345678901234"
BOB_WA = "whatsapp#14155550456"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_same_conversation_and_customer_get_the_same_pseudonyms_every_time():
    keys = InMemoryKeyStore()
    first = Pseudonyms(keys).names(EMILY_WA, "CUST-1001")
    # Another execution environment, with the same table: the same pseudonyms.
    again = Pseudonyms(keys).names(EMILY_WA, "CUST-1001")

    assert (first.conversation, first.customer) == (again.conversation, again.customer)
    assert first.message("wamid.ABC") == again.message("wamid.ABC")
    assert re.fullmatch(r"[0-9a-f]{16}", first.conversation) and re.fullmatch(r"[0-9a-f]{16}", first.customer)


def test_a_customer_is_one_pseudonym_across_channels_and_conversations_are_apart():
    pseudonyms = Pseudonyms(InMemoryKeyStore())
    on_whatsapp = pseudonyms.names(EMILY_WA, "CUST-1001")
    on_messenger = pseudonyms.names(EMILY_MS, "CUST-1001")
    bob = pseudonyms.names(BOB_WA, "CUST-1002")

    assert on_whatsapp.customer == on_messenger.customer != bob.customer
    assert len({on_whatsapp.conversation, on_messenger.conversation, bob.conversation}) == 3
    assert on_whatsapp.message("m1") != on_messenger.message("m1")  # message pseudonyms are per conversation


def test_the_key_table_holds_no_phone_number_psid_or_customer_id():
    keys = InMemoryKeyStore()
    Pseudonyms(keys).names(EMILY_MS, "CUST-1001")

    stored = " ".join(keys.keys) + " ".join(k.hex() for k in keys.keys.values())
    for raw in ("5512345678901234", "CUST-1001", "messenger"):
        assert raw not in stored
    assert set(keys.keys) == {subject_id(f"conversation#{EMILY_MS}"), subject_id("customer#CUST-1001")}


def test_erasing_a_customer_leaves_their_old_events_unlinkable():
    keys = InMemoryKeyStore()
    pseudonyms = Pseudonyms(keys)
    before = pseudonyms.names(EMILY_WA, "CUST-1001")
    bob_before = pseudonyms.names(BOB_WA, "CUST-1002")
    old_key = keys.keys[subject_id(f"conversation#{EMILY_WA}")]

    pseudonyms.forget("CUST-1001", [EMILY_WA])

    # Nothing left to recompute the old pseudonyms with, here or in any other environment reading the table.
    assert old_key not in keys.keys.values()
    after = Pseudonyms(keys).names(EMILY_WA, "CUST-1001")
    assert after.conversation != before.conversation and after.customer != before.customer
    assert after.message("wamid.ABC") != before.message("wamid.ABC")
    # This environment's cache forgot them at once, and other customers are untouched.
    assert pseudonyms.names(EMILY_WA, "CUST-1001") == after
    assert pseudonyms.names(BOB_WA, "CUST-1002") == bob_before


def test_a_warm_turn_reads_no_key_and_a_cold_one_reads_them_in_one_batch():
    keys = InMemoryKeyStore()
    Pseudonyms(keys).names(EMILY_WA, "CUST-1001")  # made by another environment
    keys.calls = 0
    pseudonyms = Pseudonyms(keys)

    pseudonyms.names(EMILY_WA, "CUST-1001")
    assert keys.calls == 1  # one batch read for both keys
    pseudonyms.names(EMILY_WA, "CUST-1001")
    pseudonyms.names(EMILY_WA)
    assert keys.calls == 1


def test_a_cached_key_is_read_again_after_an_hour_so_an_erasure_elsewhere_takes_hold():
    keys, clock = InMemoryKeyStore(), Clock()
    here = Pseudonyms(keys, clock=clock)
    before = here.names(EMILY_WA, "CUST-1001")

    Pseudonyms(keys).forget("CUST-1001", [EMILY_WA])  # `parley privacy erase`, in another process
    clock.now += 3599
    assert here.names(EMILY_WA, "CUST-1001") == before
    clock.now += 2

    assert here.names(EMILY_WA, "CUST-1001").conversation != before.conversation


def test_the_webhook_reads_keys_but_never_makes_them():
    keys = InMemoryKeyStore()
    webhook = Pseudonyms(keys, create=False)

    assert webhook.conversations([EMILY_WA])[EMILY_WA].conversation == ""  # no turn has made a key yet
    assert keys.keys == {}
    fulfillment = Pseudonyms(keys).names(EMILY_WA)
    names = webhook.conversations([EMILY_WA, BOB_WA])
    assert names[EMILY_WA].conversation == fulfillment.conversation
    assert names[EMILY_WA].message("wamid.OUT") == fulfillment.message("wamid.OUT")
    assert names[BOB_WA].conversation == ""


def test_an_unreachable_key_table_is_reported_not_hidden():
    keys = InMemoryKeyStore()
    keys.failing = True

    with pytest.raises(KeyStoreError):
        Pseudonyms(keys).names(EMILY_WA)
