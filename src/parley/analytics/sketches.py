"""Bounded-memory counters for the KPI engine: distinct counts, percentiles, top texts and capped category counts."""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter

_HLL_BITS = 14  # 16,384 one-byte registers: about 0.8 % standard error, 16 KB whatever the volume
_HLL_REGISTERS = 1 << _HLL_BITS
_HLL_REST_BITS = 64 - _HLL_BITS


class DistinctCounter:
    """How many different values were seen: exact (a set of 64-bit hashes) up to `exact_limit` values, then a
    HyperLogLog estimate, so counting millions of conversations costs 16 KB instead of a set of millions.

    Values are hashed with a fixed-key BLAKE2b, the same in every process: Python's own `hash()` of a string is
    randomised per process, which would make the same report's estimate differ from run to run."""

    __slots__ = ("_exact", "_limit", "_registers")

    def __init__(self, exact_limit: int = 100_000) -> None:
        self._exact: set[int] | None = set()
        self._limit = exact_limit
        self._registers: bytearray | None = None

    def add(self, value: str) -> None:
        hashed = stable_hash(value)
        if self._exact is not None:
            self._exact.add(hashed)
            if len(self._exact) > self._limit:
                self._to_sketch()
        else:
            self._observe(hashed)

    @property
    def exact(self) -> bool:
        return self._exact is not None

    def count(self) -> int:
        if self._exact is not None:
            return len(self._exact)
        assert self._registers is not None
        registers = self._registers
        estimate = _hll_alpha() * _HLL_REGISTERS**2 / sum(2.0**-r for r in registers)
        zeros = registers.count(0)
        if estimate <= 2.5 * _HLL_REGISTERS and zeros:
            estimate = _HLL_REGISTERS * math.log(_HLL_REGISTERS / zeros)
        return round(estimate)

    def _to_sketch(self) -> None:
        assert self._exact is not None
        self._registers = bytearray(_HLL_REGISTERS)
        for hashed in self._exact:
            self._observe(hashed)
        self._exact = None

    def _observe(self, hashed: int) -> None:
        assert self._registers is not None
        index = hashed >> _HLL_REST_BITS
        rest = hashed & ((1 << _HLL_REST_BITS) - 1)
        rank = _HLL_REST_BITS - rest.bit_length() + 1
        self._registers[index] = max(self._registers[index], rank)


def stable_hash(value: str) -> int:
    """A 64-bit hash of `value`, identical across processes and machines."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _hll_alpha() -> float:
    return 0.7213 / (1 + 1.079 / _HLL_REGISTERS)


class Quantiles:
    """Percentiles of non-negative integers (milliseconds): exact (nearest rank over every value, 8 bytes each)
    up to `exact_limit` values, then a histogram of buckets 2 % wide, so any volume fits in a few kilobytes and a
    percentile is then off by at most 2 %."""

    __slots__ = ("_buckets", "_count", "_limit", "_values")

    _GROWTH = math.log(1.02)

    def __init__(self, exact_limit: int = 1_000_000) -> None:
        self._values: array[int] | None = array("q")
        self._buckets: Counter[int] = Counter()
        self._limit = exact_limit
        self._count = 0

    def add(self, value: int) -> None:
        value = max(0, int(value))
        self._count += 1
        if self._values is not None:
            self._values.append(value)
            if len(self._values) > self._limit:
                for kept in self._values:
                    self._buckets[self._bucket(kept)] += 1
                self._values = None
        else:
            self._buckets[self._bucket(value)] += 1

    def __len__(self) -> int:
        return self._count

    @property
    def exact(self) -> bool:
        return self._values is not None

    def percentile(self, p: float) -> int | None:
        """The nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
        if self._count == 0:
            return None
        rank = max(1, math.ceil(p / 100 * self._count))
        if self._values is not None:
            import numpy as np

            # Selected in place over the array's own 8-byte values: sorted() would make a million Python ints.
            values = np.frombuffer(self._values, dtype=np.int64).copy()
            return int(np.partition(values, rank - 1)[rank - 1])
        seen = 0
        for bucket in sorted(self._buckets):
            seen += self._buckets[bucket]
            if seen >= rank:
                return 0 if bucket == 0 else round(math.exp((bucket - 0.5) * self._GROWTH))
        return None  # pragma: no cover (the ranks add up to the count)

    def _bucket(self, value: int) -> int:
        return 0 if value <= 0 else 1 + math.floor(math.log(value) / self._GROWTH)


class CappedCounter(Counter[str]):
    """Counts per name for fields with a known vocabulary (languages, channels, intents, reasons). A stream that
    brings more names than `limit` (a bug upstream, or hostile input) puts the rest under "other" instead of
    growing without end."""

    OTHER = "other"

    def __init__(self, limit: int = 64) -> None:
        super().__init__()
        self._limit = limit

    def bump(self, name: str, by: int = 1) -> None:
        if name not in self and len(self) >= self._limit:
            name = self.OTHER
        self[name] += by


class KeyedDistinct:
    """Distinct values per name (conversations per language, per channel), names capped as in CappedCounter."""

    def __init__(self, limit: int = 64, exact_limit: int = 20_000) -> None:
        self._counters: dict[str, DistinctCounter] = {}
        self._limit = limit
        self._exact_limit = exact_limit

    def add(self, name: str, value: str) -> None:
        counter = self._counters.get(name)
        if counter is None:
            if len(self._counters) >= self._limit:
                name = CappedCounter.OTHER
                counter = self._counters.get(name)
            if counter is None:
                counter = self._counters[name] = DistinctCounter(self._exact_limit)
        counter.add(value)

    def counts(self) -> dict[str, int]:
        return {name: counter.count() for name, counter in self._counters.items()}

    @property
    def exact(self) -> bool:
        return all(counter.exact for counter in self._counters.values())


class TopTexts:
    """The most frequent texts, each shown only once `min_senders` different senders have sent it (k-anonymity:
    a text one customer wrote could be about them however it was scrubbed). Counts are exact while fewer than
    `capacity` different texts have been seen; past that, the rarer half is dropped whenever the table fills (a
    text seen again starts from zero), so memory stays bounded and the top entries, which are far more frequent
    than the dropped ones, keep their place. Per text, at most `min_senders` sender hashes are kept."""

    def __init__(self, capacity: int = 50_000, min_senders: int = 0) -> None:
        self._counts: Counter[str] = Counter()
        self._language: dict[str, str] = {}
        self._senders: dict[str, set[int]] = {}
        self._capacity = capacity
        self._min_senders = min_senders
        self.pruned = False

    def add(self, text: str, language: str, sender: str = "") -> None:
        """`sender`: who sent it (a pseudonym); "" when unknown, which never counts towards `min_senders`."""
        self._counts[text] += 1
        self._language.setdefault(text, language)
        senders = self._senders.setdefault(text, set())
        if sender and len(senders) < self._min_senders:
            senders.add(stable_hash(sender))
        if len(self._counts) > self._capacity:
            kept = dict(self._counts.most_common(self._capacity // 2))
            self._counts = Counter(kept)
            self._language = {t: self._language[t] for t in kept}
            self._senders = {t: self._senders[t] for t in kept}
            self.pruned = True

    def top(self, n: int) -> list[tuple[str, int, str]]:
        """The n most frequent texts that enough different senders sent."""
        shown = [item for item in self._counts.items() if len(self._senders[item[0]]) >= self._min_senders]
        # Ties are broken by the text, so the same events always give the same list.
        ranked = sorted(shown, key=lambda item: (-item[1], item[0]))[:n]
        return [(text, count, self._language[text]) for text, count in ranked]
