"""Machine translation for the languages without a catalog: bounded in time, retried once, cached, never fatal.

The layers, outermost first: TranslationPivot (protects spans, applies length limits, never raises) →
CachingTranslator → CircuitBreaker → DeepTranslatorAdapter (parley.language.providers: deep-translator, in a worker
thread under our deadline).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from parley.language.protect import Protector, TokenLostError
from parley.observability import logger

PIVOT_LANGUAGE = "en"
ELLIPSIS = "…"


class TranslationError(RuntimeError):
    """The text could not be translated now (provider error, deadline, open circuit, bad configuration)."""


class UnsupportedLanguageError(TranslationError):
    """The provider does not translate this pair of languages; nothing was sent, and it says nothing of its health."""


class CircuitOpenError(TranslationError):
    """The provider failed repeatedly; calls fail fast until the cool-down is over."""


class TranslationCacheError(RuntimeError):
    """The translation cache could not be read or written."""


class Translator(Protocol):
    def translate(self, text: str, source: str, target: str) -> str:
        """`text` from `source` ("auto" to let the provider detect it) into `target`; raises TranslationError."""
        ...


class Provider(StrEnum):
    GOOGLE = "google"
    DEEPL = "deepl"
    MICROSOFT = "microsoft"


@dataclass
class TranslationStats:
    """Counts for analytics: calls that reached the provider, cache hits and misses, failures, fallbacks."""

    provider_calls: int = 0
    characters: int = 0  # sent to the provider (what it bills), retries included
    retries: int = 0
    failures: int = 0
    rejected: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    cache_errors: int = 0
    fallbacks: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {name: getattr(self, name) for name in self.__dataclass_fields__ if not name.startswith("_")}


# ------------------------------------------------------------------------------------------------ circuit breaker


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """After `failure_threshold` failures in a row, fail fast for `cooldown_seconds`, then let one trial through."""

    def __init__(
        self,
        inner: Translator,
        *,
        failure_threshold: int = 5,
        cooldown_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        stats: TranslationStats | None = None,
    ) -> None:
        self._inner = inner
        self._threshold = failure_threshold
        self._cooldown = cooldown_seconds
        self._clock = clock
        self.stats = stats or TranslationStats()
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._state()

    def _state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._clock() - self._opened_at >= self._cooldown:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def translate(self, text: str, source: str, target: str) -> str:
        with self._lock:
            state = self._state()
            if state is CircuitState.OPEN or (state is CircuitState.HALF_OPEN and self._trial_running):
                self.stats.add("rejected")
                raise CircuitOpenError("translation provider unavailable; circuit open")
            self._trial_running = state is CircuitState.HALF_OPEN
        try:
            result = self._inner.translate(text, source, target)
        except UnsupportedLanguageError:
            with self._lock:
                self._trial_running = False
            raise
        except TranslationError:
            with self._lock:
                self._failures += 1
                if self._trial_running or self._failures >= self._threshold:
                    if self._opened_at is None or self._trial_running:
                        logger.warning("translation circuit opened", extra={"failures": self._failures})
                    self._opened_at = self._clock()
                self._trial_running = False
            raise
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False
        return result


# ------------------------------------------------------------------------------------------------ cache


class TranslationCache(Protocol):
    def get(self, key: str) -> str | None:
        """The cached translation, or None; raises TranslationCacheError when the store fails."""
        ...

    def put(self, key: str, translated: str, provider: str, expires_at: int) -> None:
        """Store a translation until `expires_at` (epoch seconds); raises TranslationCacheError."""
        ...


def cache_key(provider: str, source: str, target: str, text: str) -> str:
    """Provider, languages and a SHA-256 of the text: the key never holds the text itself."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{provider}:{source}:{target}:{digest}"


class CachingTranslator:
    """Translator that answers repeated texts from a cache; a broken cache only costs a provider call."""

    def __init__(
        self,
        inner: Translator,
        cache: TranslationCache,
        provider_name: str,
        *,
        ttl_days: int = 30,
        clock: Callable[[], float] = time.time,
        stats: TranslationStats | None = None,
    ) -> None:
        self._inner = inner
        self._cache = cache
        self._provider = provider_name
        self._ttl_seconds = ttl_days * 24 * 3600
        self._clock = clock
        self.stats = stats or TranslationStats()

    def translate(self, text: str, source: str, target: str) -> str:
        key = cache_key(self._provider, source, target, text)
        try:
            cached = self._cache.get(key)
        except TranslationCacheError as exc:
            self.stats.add("cache_errors")
            logger.warning("translation cache read failed", extra={"error": type(exc.__cause__).__name__})
            cached = None
        if cached is not None:
            self.stats.add("cache_hits")
            return cached
        self.stats.add("cache_misses")
        translated = self._inner.translate(text, source, target)
        try:
            self._cache.put(key, translated, self._provider, int(self._clock()) + self._ttl_seconds)
        except TranslationCacheError as exc:
            self.stats.add("cache_errors")
            logger.warning("translation cache write failed", extra={"error": type(exc.__cause__).__name__})
        return translated


# ------------------------------------------------------------------------------------------------ pivot


def truncate(text: str, max_length: int | None) -> str:
    """At most max_length characters, cut at a word boundary and ended with "…" when cut."""
    if max_length is None or len(text) <= max_length:
        return text
    if max_length <= len(ELLIPSIS):
        return text[:max_length]
    cut = text[: max_length - len(ELLIPSIS) + 1]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    cut = cut[:boundary] if boundary > 0 else cut[:-1]
    return cut.rstrip(" \n\t,.;:-–—") + ELLIPSIS


@dataclass(frozen=True)
class PivotResult:
    """`translated` is False when the text came back unchanged because translation failed."""

    text: str
    translated: bool


class TranslationPivot:
    """Customer text to English for understanding, English replies back; never raises.

    On any failure the input comes back with translated=False: the caller then sends the English reply
    with the apology from the customer's catalog.
    """

    def __init__(
        self,
        translator: Translator,
        protector: Protector | None = None,
        *,
        stats: TranslationStats | None = None,
    ) -> None:
        self._translator = translator
        self._protector = protector or Protector()
        self.stats = stats or TranslationStats()

    def to_english(self, text: str, source: str = "auto", product_names: Iterable[str] = ()) -> PivotResult:
        return self.translate(text, source, PIVOT_LANGUAGE, product_names=product_names)

    def from_english(
        self,
        text: str,
        target: str,
        *,
        max_length: int | None = None,
        product_names: Iterable[str] = (),
    ) -> PivotResult:
        result = self.translate(text, PIVOT_LANGUAGE, target, product_names=product_names)
        return PivotResult(truncate(result.text, max_length), result.translated)

    def translate(self, text: str, source: str, target: str, *, product_names: Iterable[str] = ()) -> PivotResult:
        if source == target or not text.strip():
            return PivotResult(text, True)
        protected = self._protector.protect(text, product_names)
        if not protected.has_words:
            return PivotResult(text, True)
        try:
            translated = self._translator.translate(protected.text, source, target)
            return PivotResult(self._protector.restore(protected, translated), True)
        except TranslationError as exc:
            logger.warning("translation failed; answering untranslated", extra={"error": type(exc).__name__})
        except TokenLostError:
            logger.warning("translation lost a protected value; answering untranslated")
        self.stats.add("fallbacks")
        return PivotResult(text, False)
