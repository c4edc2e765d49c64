"""Bounded-memory counting: exact while small, close estimates past that, never growing without end."""

from __future__ import annotations

import os
import random
import subprocess
import sys

from parley.analytics.sketches import CappedCounter, DistinctCounter, KeyedDistinct, Quantiles, TopTexts


def test_distinct_counts_are_exact_below_the_limit_and_repeats_do_not_count() -> None:
    counter = DistinctCounter(exact_limit=1000)
    for i in range(800):
        counter.add(f"conversation-{i}")
        counter.add(f"conversation-{i}")

    assert counter.count() == 800 and counter.exact


def test_past_the_limit_the_estimate_stays_within_two_percent_in_a_fixed_size() -> None:
    counter = DistinctCounter(exact_limit=1000)
    for i in range(60_000):
        counter.add(f"{random.Random(i).getrandbits(64):016x}")
    size_then = sys.getsizeof(counter._registers)
    for i in range(60_000, 120_000):
        counter.add(f"{random.Random(i).getrandbits(64):016x}")

    assert not counter.exact
    assert abs(counter.count() - 120_000) / 120_000 < 0.02
    assert sys.getsizeof(counter._registers) == size_then  # twice the values, the same memory


_COUNT_IN_A_FRESH_PROCESS = """
from parley.analytics.sketches import DistinctCounter
counter = DistinctCounter(exact_limit=100)
for i in range(20_000):
    counter.add(f"conversation-{i}")
print(counter.count())
"""


def test_the_same_events_give_the_same_estimate_in_every_process() -> None:
    # Each run of a report is a new process, with its own string-hash seed: the estimate must not depend on it.
    counts = {
        subprocess.run(
            [sys.executable, "-c", _COUNT_IN_A_FRESH_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }

    assert len(counts) == 1 and abs(int(counts.pop()) - 20_000) / 20_000 < 0.02


def test_percentiles_are_nearest_rank_while_exact_and_within_two_percent_after() -> None:
    exact = Quantiles()
    for value in (300, 100, 200, 400):
        exact.add(value)
    approximate = Quantiles(exact_limit=100)
    values = list(range(1, 10_001))
    random.Random(3).shuffle(values)
    for value in values:
        approximate.add(value)

    assert (exact.percentile(50), exact.percentile(95), exact.percentile(25)) == (200, 400, 100)
    assert not approximate.exact and len(approximate) == 10_000
    assert abs(approximate.percentile(50) - 5000) <= 100
    assert abs(approximate.percentile(95) - 9500) <= 190
    assert Quantiles().percentile(50) is None


def test_names_beyond_the_cap_are_counted_as_other() -> None:
    counter = CappedCounter(limit=3)
    for name in ["es", "en", "fr", "de", "it", "es"]:
        counter.bump(name)
    keyed = KeyedDistinct(limit=2)
    for name, conversation in [("es", "a"), ("en", "b"), ("fr", "c"), ("de", "d"), ("es", "a")]:
        keyed.add(name, conversation)

    assert counter == {"es": 2, "en": 1, "fr": 1, "other": 2}
    assert keyed.counts() == {"es": 1, "en": 1, "other": 2}


def test_top_texts_keep_the_frequent_ones_when_rare_ones_overflow_the_table() -> None:
    top = TopTexts(capacity=100)
    for i in range(1000):
        top.add(f"rare {i}", "en")
        if i % 10 == 0:
            top.add("where is my parcel", "en")

    assert top.pruned
    assert top.top(1)[0][0] == "where is my parcel"
