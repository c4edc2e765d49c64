"""The report shows an unrecognised text only once several different customers sent it (k-anonymity): words one
customer wrote could be about them however well they were scrubbed. Customers are counted by the pseudonym each
record carries, through the streaming pass over the period's day partitions and the top list's pruning alike."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from parley.analytics.kpis import compute_kpis
from parley.analytics.period import report_period
from parley.analytics.sketches import TopTexts
from parley.config import ConfigError, load_report_settings
from support.analytics import DAY0, at, event, period, write_events, write_partition

START, END = period()
PHRASE = "Can I pay with vouchers?"
SHOWN = "can i pay with vouchers"


def asked(*customers: str, text: str = PHRASE, day: int = 0) -> list[dict]:
    return [
        {"at_ms": at(10 + i, day), "language": "en", "text": text, "customer": who} for i, who in enumerate(customers)
    ]


def shown(unrecognised, **options) -> list[tuple[str, int, str]]:
    return list(compute_kpis([], START, END, unrecognised, **options).top_unrecognised)


def test_a_text_two_customers_sent_is_absent_and_one_three_sent_is_present() -> None:
    assert shown(asked("p-ana", "p-ben")) == []
    assert shown(asked("p-ana", "p-ben", "p-cem")) == [(SHOWN, 3, "en")]


def test_one_customer_repeating_a_text_five_times_counts_once() -> None:
    records = asked("p-ana", "p-ana", "p-ana", "p-ana", "p-ana", "p-ben")

    kpis = compute_kpis([], START, END, records)

    assert kpis.top_unrecognised == () and kpis.unrecognised_messages == 6
    # A third customer makes it three: shown, with every time it was sent.
    assert shown([*records, *asked("p-cem")]) == [(SHOWN, 7, "en")]


def test_records_that_name_no_customer_never_make_a_text_shown() -> None:
    records = [{"at_ms": at(i), "language": "en", "text": PHRASE} for i in range(10)]
    records += [{**record, "customer": ""} for record in records]

    assert shown(records) == []
    assert shown([*records, *asked("p-ana", "p-ben", "p-cem")]) == [(SHOWN, 23, "en")]


def test_a_higher_threshold_is_honoured() -> None:
    four = asked("p-ana", "p-ben", "p-cem", "p-dan")

    assert shown(four, min_customers=5) == []
    assert shown([*four, *asked("p-eva")], min_customers=5) == [(SHOWN, 5, "en")]


@pytest.mark.parametrize("k", [0, 1, 2])
def test_a_threshold_under_three_is_refused(k) -> None:
    with pytest.raises(ValueError, match="3 customers"):
        compute_kpis([], START, END, asked("p-ana"), min_customers=k)


def test_different_texts_that_anonymise_alike_are_one_text_counted_by_its_customers() -> None:
    # Three customers, each with their own number and name: one question once those are gone.
    records = [
        {"at_ms": at(1), "language": "en", "text": "call me on 612 345 678 about vouchers", "customer": "p-ana"},
        {"at_ms": at(2), "language": "en", "text": "Call me on +44 7700 900123 about vouchers", "customer": "p-ben"},
        {"at_ms": at(3), "language": "en", "text": "call me on 0033 1 23 45 67 89 about vouchers", "customer": "p-cem"},
    ]

    assert shown(records) == [("call me on # about vouchers", 3, "en")]


def test_customers_are_counted_across_the_day_partitions_the_report_streams(tmp_path) -> None:
    """A weekly report reads seven day partitions one after the other into one tally: a customer on Monday, one on
    Wednesday and one on Sunday make three; the same text from two of them, on any number of days, does not."""
    write_events(tmp_path, [event("message_received", 1, "c1")])
    days = {0: ["p-ana", "p-ana"], 2: ["p-ben"], 6: ["p-cem"]}
    for day, customers in days.items():
        write_partition(tmp_path, "unrecognised", DAY0 + timedelta(days=day), "part.gz", asked(*customers, day=day))
    for day in range(7):  # another text from two customers, every day
        other = asked("p-dan", "p-eva", text="do you sell gift wrapping", day=day)
        write_partition(tmp_path, "unrecognised", DAY0 + timedelta(days=day), "other.json", other)

    week = report_period(tmp_path, DAY0, DAY0 + timedelta(days=7), tmp_path / "week")
    first_days = report_period(tmp_path, DAY0, DAY0 + timedelta(days=6), tmp_path / "days")

    assert week.kpis.top_unrecognised == ((SHOWN, 4, "en"),)
    assert week.kpis.unrecognised_messages == 18
    assert first_days.kpis.top_unrecognised == ()  # Sunday's customer is not in it: two customers
    report = json.loads((tmp_path / "week" / "kpis.json").read_text(encoding="utf-8"))
    assert [u["text"] for u in report["top_unrecognised"]] == [SHOWN]
    assert report["top_unrecognised_min_customers"] == 3
    html = (tmp_path / "days" / "report.html").read_text(encoding="utf-8")
    assert "gift wrapping" not in html and "vouchers" not in html
    assert "No unrecognised message was sent by 3 different customers or more" in html


def test_the_top_list_counts_customers_through_its_pruning() -> None:
    """Past its capacity the list drops its rarer half; a text that stays keeps its customers, one that was dropped
    starts again from nothing, customers included (it can only show later than it would, never earlier)."""
    top = TopTexts(capacity=8, min_senders=3)
    for round_ in range(3):
        top.add("where is the shop", "en", f"p-{round_}")
        top.add("where is the shop", "en", f"p-{round_}")
        for i in range(10):  # one-off texts from one customer each fill the table past its capacity
            top.add(f"one off {round_} {i}", "en", "p-loner")

    assert top.pruned
    assert top.top(5) == [("where is the shop", 6, "en")]


def test_the_top_list_keeps_a_bounded_number_of_hashed_customers_per_text() -> None:
    top = TopTexts(min_senders=3)
    for i in range(1000):
        top.add("hello there", "en", f"p-{i}")

    held = top._senders["hello there"]
    assert len(held) == 3 and all(isinstance(h, int) for h in held)
    assert top.top(1) == [("hello there", 1000, "en")]


def test_report_min_customers_is_read_from_the_environment_and_three_at_least() -> None:
    assert load_report_settings({}).min_customers == 3
    assert load_report_settings({"REPORT_MIN_CUSTOMERS": " 5 "}).min_customers == 5
    for raw in ("2", "0", "-4", "three", "3.5", "٣"):
        with pytest.raises(ConfigError, match="REPORT_MIN_CUSTOMERS must be a whole number of customers, 3 at least"):
            load_report_settings({"REPORT_MIN_CUSTOMERS": raw})
