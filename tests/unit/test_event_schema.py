"""The event record of schema version 1: the fields every record has, and what validation keeps out of it."""

from __future__ import annotations

import json

import pytest

from parley.analytics.schema import FIELD_NAMES, Event, EventType, SchemaError
from support.analytics import FIELDS

CONVERSATION = "0123456789abcdef"


def reply(**changes) -> Event:
    values = {
        "type": EventType.REPLY_SENT,
        "at_ms": 1_772_409_600_000,
        "channel": "whatsapp",
        "conversation": CONVERSATION,
        "message": "fedcba9876543210",
        "latency_ms": 840,
        "language": "es",
    }
    return Event(**(values | changes))


def test_a_record_has_every_field_of_the_contract_and_reads_back_as_written():
    record = reply().to_dict()

    # The KPI engine's tests build their records from the same field list: one contract for both sides.
    assert set(record) == set(FIELDS) | {"type", "at_ms"} == set(FIELD_NAMES)
    assert record["v"] == 1 and record["type"] == "reply_sent" and record["channel"] == "whatsapp"
    assert Event.from_dict(json.loads(json.dumps(record))) == reply()


def test_every_event_type_the_kpi_engine_reads_is_in_the_schema():
    from parley.analytics.tally import _TALLIED, Tally

    handled = set(Tally(0, 1, 1)._handlers) | _TALLIED
    assert {"rating_commented", "rating_requested", "clarification_asked"} <= _TALLIED  # counted, nothing more
    assert handled == {t.value for t in EventType}


@pytest.mark.parametrize(
    "changes",
    [
        {"conversation": "14155550123"},  # a phone number where a pseudonym goes
        {"customer": "emily.carter@example.com"},
        {"message": "wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQzQTRB"},
        {"reason": "Emily Carter asked for a person"},  # words where a code goes
        {"intent": "where is my order"},
        {"status": "x" * 65},
        {"rating": 6},
        {"latency_ms": -1},
        {"confidence": 1.5},
        {"at_ms": 1.5},
        {"known_customer": "yes"},
        {"v": 2},
    ],
)
def test_anything_but_codes_and_pseudonyms_is_refused(changes):
    with pytest.raises(SchemaError):
        reply(**changes)


def test_a_record_missing_a_field_or_of_an_unknown_type_is_refused():
    record = reply().to_dict()
    with pytest.raises(SchemaError, match="latency_ms"):
        Event.from_dict({k: v for k, v in record.items() if k != "latency_ms"})
    with pytest.raises(SchemaError):
        Event.from_dict(record | {"type": "message_deleted"})
    with pytest.raises(SchemaError):
        Event.from_dict(record | {"channel": "sms"})
    # A field added by a later version is ignored by this one.
    assert Event.from_dict(record | {"sentiment": "happy"}) == reply()
