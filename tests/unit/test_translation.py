"""Translation: deadline, retry, circuit breaker, cache, protected values and length limits, with no network."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import deep_translator
import pytest
import requests
from deep_translator import exceptions as dt

from fakes import InMemoryTranslationCache
from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.language.protect import Protector, TokenLostError
from parley.language.providers import (
    DeepTranslatorAdapter,
    _deep_translator_client,
    build_translation_pivot,
    provider_code,
)
from parley.language.translation import (
    CachingTranslator,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    PivotResult,
    Provider,
    TranslationCacheError,
    TranslationError,
    TranslationPivot,
    TranslationStats,
    UnsupportedLanguageError,
    cache_key,
    truncate,
)
from parley.nlu.entities import OrderIdFinder


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real deep-translator request would go through requests: make it fail loudly instead."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(requests.Session, "request", refuse)
    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests, "post", refuse)


# ------------------------------------------------------------------------------------------------ factories


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class ScriptedTranslator:
    """Translator fake: answers from a script (a string, or an exception to raise), recording every call."""

    def __init__(self, *script: str | Exception, default: Callable[[str], str] | None = None) -> None:
        self.script = list(script)
        self.default = default or (lambda text: f"<en>{text}")
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        return self.default(text)


class BrokenCache:
    def get(self, key: str) -> str | None:
        raise TranslationCacheError("read failed")

    def put(self, key: str, translated: str, provider: str, expires_at: int) -> None:
        raise TranslationCacheError("write failed")


def google_answers(monkeypatch: pytest.MonkeyPatch, *script: Any) -> list[str]:
    """Patch GoogleTranslator.translate to follow the script (value, exception or callable); returns the texts sent."""
    sent: list[str] = []
    steps = list(script)

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        sent.append(text)
        step = steps.pop(0) if steps else "translated"
        if isinstance(step, Exception):
            raise step
        if callable(step):
            return str(step())
        return str(step)

    monkeypatch.setattr(deep_translator.GoogleTranslator, "translate", translate)
    return sent


def adapter(**kwargs: Any) -> tuple[DeepTranslatorAdapter, list[float]]:
    slept: list[float] = []
    options: dict[str, Any] = {"deadline_seconds": 1.0, "sleep": slept.append, "random": lambda: 0.5}
    options.update(kwargs)
    return DeepTranslatorAdapter(Provider.GOOGLE, **options), slept


def protector() -> Protector:
    return Protector(OrderIdFinder(DEFAULT_ORDER_ID_PATTERN))


# ------------------------------------------------------------------------------------------------ import


def test_importing_translation_does_not_import_deep_translator() -> None:
    code = (
        "import sys, parley.language.translation, parley.language.protect\n"
        "assert 'deep_translator' not in sys.modules, 'deep_translator imported at module import'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ------------------------------------------------------------------------------------------------ adapter


def test_adapter_returns_the_provider_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = google_answers(monkeypatch, "Where is my order?")
    translator, _ = adapter()
    assert translator.translate("Onde está meu pedido?", "auto", "en") == "Where is my order?"
    assert sent == ["Onde está meu pedido?"]
    assert translator.stats.provider_calls == 1


def test_a_hung_provider_fails_within_our_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang() -> str:
        time.sleep(2)
        return "too late"

    google_answers(monkeypatch, hang)
    translator, slept = adapter(deadline_seconds=0.2)
    with pytest.raises(TranslationError, match="within"):
        translator.translate("Bonjour", "fr", "en")
    # The whole budget went to the first attempt: no retry after a timeout.
    assert translator.stats.provider_calls == 1
    assert slept == []


@pytest.mark.parametrize(
    ("provider", "language", "code"),
    [
        (Provider.GOOGLE, "nl", "nl"),
        (Provider.GOOGLE, "he", "iw"),
        (Provider.GOOGLE, "zh", "zh-CN"),
        (Provider.GOOGLE, "nb", "no"),
        (Provider.GOOGLE, "xx", None),
        (Provider.DEEPL, "pl", "pl"),
        (Provider.DEEPL, "sw", None),
        (Provider.MICROSOFT, "zh", "zh-Hans"),
        (Provider.MICROSOFT, "pt-BR", "pt"),
    ],
)
def test_each_provider_gets_its_own_language_codes(provider: Provider, language: str, code: str | None) -> None:
    assert provider_code(provider, language) == code


def test_the_adapter_names_languages_as_google_does(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        seen.append((self._source, self._target))
        return "שלום"

    monkeypatch.setattr(deep_translator.GoogleTranslator, "translate", translate)
    translator, _ = adapter()
    assert translator.translate("Hello", "en", "he") == "שלום"
    # Google detects the source language itself; Hebrew is "iw" to Google.
    assert seen == [("auto", "iw")]


def test_a_language_the_provider_lacks_fails_at_once_and_leaves_the_circuit_closed() -> None:
    deepl = DeepTranslatorAdapter(Provider.DEEPL, "key:fx", sleep=lambda _: None)
    breaker = CircuitBreaker(deepl, failure_threshold=2)
    for _ in range(5):
        with pytest.raises(UnsupportedLanguageError):
            breaker.translate("Habari yako", "sw", "en")
    assert deepl.stats.provider_calls == 0
    assert breaker.state is CircuitState.CLOSED


def test_deepl_free_keys_go_to_the_free_endpoint_and_paid_keys_to_the_other() -> None:
    assert "api-free.deepl.com" in _deep_translator_client(Provider.DEEPL, "abc:fx", "nl", "en")._base_url
    assert "api.deepl.com" in _deep_translator_client(Provider.DEEPL, "abc", "nl", "en")._base_url


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(dt.NotValidPayload(123), id="not-valid-payload"),
        pytest.param(dt.LanguageNotSupportedException("xx"), id="language-not-supported"),
        pytest.param(dt.AuthorizationException("key"), id="authorization"),
    ],
)
def test_permanent_provider_errors_become_translation_errors_without_retry(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    google_answers(monkeypatch, error, "never used")
    translator, slept = adapter()
    with pytest.raises(TranslationError) as raised:
        translator.translate("Hallo", "de", "en")
    assert raised.value.__cause__ is error
    assert translator.stats.provider_calls == 1
    assert slept == []


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(dt.TooManyRequests(), id="too-many-requests"),
        pytest.param(dt.ServerException(503), id="server-error"),
        pytest.param(dt.RequestError(), id="request-error"),
        pytest.param(requests.ConnectionError("reset"), id="connection-error"),
    ],
)
def test_a_transient_error_is_retried_once_with_jitter(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    google_answers(monkeypatch, error, "Hello")
    translator, slept = adapter(max_jitter_seconds=0.3)
    assert translator.translate("Hallo", "de", "en") == "Hello"
    assert slept == [pytest.approx(0.15)]
    assert (translator.stats.provider_calls, translator.stats.retries, translator.stats.failures) == (2, 1, 0)


def test_a_second_transient_error_is_not_retried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    google_answers(monkeypatch, dt.TooManyRequests(), dt.TooManyRequests(), "never used")
    translator, slept = adapter()
    with pytest.raises(TranslationError):
        translator.translate("Hallo", "de", "en")
    assert translator.stats.provider_calls == 2
    assert len(slept) == 1
    assert translator.stats.failures == 1


def test_no_retry_when_retries_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    google_answers(monkeypatch, dt.TooManyRequests(), "never used")
    translator, _ = adapter(retry=False)
    with pytest.raises(TranslationError):
        translator.translate("Hallo", "de", "en")
    assert translator.stats.provider_calls == 1


def test_an_empty_provider_answer_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    google_answers(monkeypatch, "  ", "  ")
    translator, _ = adapter(retry=False)
    with pytest.raises(TranslationError, match="no text"):
        translator.translate("Hallo", "de", "en")


def test_keyed_providers_need_a_key_given_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", "from-the-environment")
    with pytest.raises(ValueError, match="API key"):
        DeepTranslatorAdapter(Provider.DEEPL)
    with pytest.raises(ValueError, match="API key"):
        DeepTranslatorAdapter("microsoft", api_key="")


def test_deepl_gets_the_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    keys: list[str] = []

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        keys.append(self.api_key)
        return "Hello"

    monkeypatch.setattr(deep_translator.DeeplTranslator, "translate", translate)
    translator = DeepTranslatorAdapter(Provider.DEEPL, api_key="secret-from-secrets-manager")
    assert translator.translate("Hallo", "de", "en") == "Hello"
    assert keys == ["secret-from-secrets-manager"]


def test_an_unknown_provider_is_refused() -> None:
    with pytest.raises(ValueError):
        DeepTranslatorAdapter("babelfish")


# ------------------------------------------------------------------------------------------------ circuit breaker


def failing(count: int) -> list[str | Exception]:
    return [TranslationError("down") for _ in range(count)]


def test_the_circuit_opens_after_five_failures_in_a_row_and_fails_fast() -> None:
    inner = ScriptedTranslator(*failing(5))
    breaker = CircuitBreaker(inner, clock=FakeClock())
    for _ in range(5):
        with pytest.raises(TranslationError):
            breaker.translate("hola", "es", "en")
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.translate("hola", "es", "en")
    assert len(inner.calls) == 5
    assert breaker.stats.rejected == 1


def test_a_success_resets_the_failure_count() -> None:
    inner = ScriptedTranslator(*failing(4), "hello", *failing(4))
    breaker = CircuitBreaker(inner, clock=FakeClock())
    for _ in range(9):
        with contextlib.suppress(TranslationError):
            breaker.translate("hola", "es", "en")
    assert breaker.state is CircuitState.CLOSED


def test_after_the_cool_down_one_trial_call_closes_the_circuit_on_success() -> None:
    clock = FakeClock()
    inner = ScriptedTranslator(*failing(5), "hello")
    breaker = CircuitBreaker(inner, clock=clock, cooldown_seconds=60)
    for _ in range(5):
        with pytest.raises(TranslationError):
            breaker.translate("hola", "es", "en")
    clock.now += 59
    assert breaker.state is CircuitState.OPEN
    clock.now += 1
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.translate("hola", "es", "en") == "hello"
    assert breaker.state is CircuitState.CLOSED


def test_a_failed_trial_reopens_the_circuit_for_another_cool_down() -> None:
    clock = FakeClock()
    inner = ScriptedTranslator(*failing(6))
    breaker = CircuitBreaker(inner, clock=clock, failure_threshold=5, cooldown_seconds=60)
    for _ in range(5):
        with pytest.raises(TranslationError):
            breaker.translate("hola", "es", "en")
    clock.now += 60
    with pytest.raises(TranslationError):
        breaker.translate("hola", "es", "en")
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.translate("hola", "es", "en")
    assert len(inner.calls) == 6


def test_only_one_trial_runs_while_half_open() -> None:
    clock = FakeClock()
    breaker: CircuitBreaker

    class SlowTrial:
        def translate(self, text: str, source: str, target: str) -> str:
            # A second message arriving while the trial is still running is refused.
            with pytest.raises(CircuitOpenError):
                breaker.translate("otra", "es", "en")
            return "hello"

    failing_inner = ScriptedTranslator(*failing(5))
    breaker = CircuitBreaker(failing_inner, clock=clock, failure_threshold=5)
    for _ in range(5):
        with pytest.raises(TranslationError):
            breaker.translate("hola", "es", "en")
    clock.now += 60
    breaker._inner = SlowTrial()
    assert breaker.translate("hola", "es", "en") == "hello"
    assert breaker.state is CircuitState.CLOSED


# ------------------------------------------------------------------------------------------------ cache


def test_a_repeated_text_is_translated_once() -> None:
    inner = ScriptedTranslator()
    caching = CachingTranslator(inner, InMemoryTranslationCache(), "google")
    assert caching.translate("hola", "es", "en") == "<en>hola"
    assert caching.translate("hola", "es", "en") == "<en>hola"
    assert len(inner.calls) == 1
    assert (caching.stats.cache_hits, caching.stats.cache_misses) == (1, 1)


def test_the_cache_is_keyed_by_provider_languages_and_text() -> None:
    inner = ScriptedTranslator()
    cache = InMemoryTranslationCache()
    CachingTranslator(inner, cache, "google").translate("hola", "es", "en")
    CachingTranslator(inner, cache, "deepl").translate("hola", "es", "en")
    CachingTranslator(inner, cache, "google").translate("hola", "es", "fr")
    CachingTranslator(inner, cache, "google").translate("hola", "auto", "en")
    CachingTranslator(inner, cache, "google").translate("hola!", "es", "en")
    assert len(inner.calls) == 5
    assert len(cache.items) == 5


def test_the_cache_key_holds_a_hash_not_the_text() -> None:
    key = cache_key("google", "es", "en", "mi correo es ana@example.com")
    assert "ana" not in key
    assert "example" not in key
    assert key.startswith("google:es:en:")
    assert len(key.rsplit(":", 1)[1]) == 64


def test_cached_translations_expire_after_the_ttl() -> None:
    clock = FakeClock(1_700_000_000)
    inner = ScriptedTranslator()
    caching = CachingTranslator(inner, InMemoryTranslationCache(clock=clock), "google", ttl_days=30, clock=clock)
    caching.translate("hola", "es", "en")
    clock.now += 30 * 24 * 3600 - 1
    caching.translate("hola", "es", "en")
    assert len(inner.calls) == 1
    clock.now += 1
    caching.translate("hola", "es", "en")
    assert len(inner.calls) == 2


def test_a_broken_cache_does_not_fail_the_translation(caplog: pytest.LogCaptureFixture) -> None:
    inner = ScriptedTranslator()
    caching = CachingTranslator(inner, BrokenCache(), "google")
    assert caching.translate("mi pedido secreto", "es", "en") == "<en>mi pedido secreto"
    assert caching.stats.cache_errors == 2
    assert "secreto" not in caplog.text


def test_a_failed_translation_is_not_cached() -> None:
    inner = ScriptedTranslator(TranslationError("down"))
    cache = InMemoryTranslationCache()
    caching = CachingTranslator(inner, cache, "google")
    with pytest.raises(TranslationError):
        caching.translate("hola", "es", "en")
    assert cache.items == {}


# ------------------------------------------------------------------------------------------------ protection


def test_order_ids_amounts_urls_emails_and_product_names_never_reach_the_provider() -> None:
    inner = ScriptedTranslator(default=lambda text: text.replace("Onde está", "Where is"))
    pivot = TranslationPivot(inner, protector())
    text = "Onde está #ORD-104233 de R$ 1.299,00 (Galaxy Buds)? https://shop.example/t/9 ana@example.com"
    result = pivot.to_english(text, "pt", product_names=["Galaxy Buds"])
    sent = inner.calls[0][0]
    for value in ("ORD-104233", "1.299,00", "Galaxy", "https://", "ana@example.com"):
        assert value not in sent
    assert result == PivotResult(
        "Where is #ORD-104233 de R$ 1.299,00 (Galaxy Buds)? https://shop.example/t/9 ana@example.com", True
    )


def test_the_number_after_the_word_for_order_is_protected() -> None:
    protected = protector().protect("pedido nº 200311 por favor")
    assert protected.originals == ("200311",)
    assert "200311" not in protected.text


@pytest.mark.parametrize("mangled", ["[[ 0 ]] y [[1]]", "[ [0] ] y [[ 1]]", "［［0］］ y ［［1］］"])
def test_restore_tolerates_the_spaces_and_brackets_a_provider_inserts(mangled: str) -> None:
    p = protector()
    protected = p.protect("ORD-104233 and €5.00")
    assert protected.text == "[[0]] and [[1]]"
    assert p.restore(protected, mangled) == "ORD-104233 y €5.00"


@pytest.mark.parametrize("translated", ["[[0]] y", "[[0]] y [[0]] [[1]]", "[[0]] y [[1]] [[2]]"])
def test_a_lost_duplicated_or_invented_token_is_detected(translated: str) -> None:
    p = protector()
    protected = p.protect("ORD-104233 and €5.00")
    with pytest.raises(TokenLostError):
        p.restore(protected, translated)


def test_a_lost_token_falls_back_to_the_untranslated_text() -> None:
    inner = ScriptedTranslator("Your order is on its way")
    pivot = TranslationPivot(inner, protector())
    result = pivot.from_english("Order ORD-104233 is on its way", "sw")
    assert result.text == "Order ORD-104233 is on its way"
    assert result.translated is False
    assert pivot.stats.fallbacks == 1


def test_a_message_that_is_only_protected_values_is_not_sent_to_the_provider() -> None:
    inner = ScriptedTranslator()
    pivot = TranslationPivot(inner, protector())
    assert pivot.to_english("ORD-104233", "auto") == PivotResult("ORD-104233", True)
    assert pivot.to_english("👍", "auto") == PivotResult("👍", True)
    assert inner.calls == []


# ------------------------------------------------------------------------------------------------ limits and pivot


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 20, "short enough"),
        ("Your parcel left the warehouse today", 20, "Your parcel left…"),
        ("Your parcel, left", 13, "Your parcel…"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("anything", None, "anything"),
    ],
)
def test_truncate_cuts_at_a_word_boundary(text: str, limit: int | None, expected: str) -> None:
    result = truncate(text, limit)
    assert result == expected
    assert limit is None or len(result) <= limit


def test_the_length_limit_applies_after_translation() -> None:
    inner = ScriptedTranslator("Ihr Paket hat heute das Lager verlassen und kommt bald")
    pivot = TranslationPivot(inner, protector())
    result = pivot.from_english("Your parcel left", "de", max_length=30)
    assert result == PivotResult("Ihr Paket hat heute das Lager…", True)
    assert inner.calls == [("Your parcel left", "en", "de")]


def test_a_failed_translation_returns_the_input_with_the_flag_down() -> None:
    inner = ScriptedTranslator(CircuitOpenError("open"), TranslationError("down"))
    pivot = TranslationPivot(inner, protector())
    assert pivot.to_english("Habari, agizo langu liko wapi?", "sw") == PivotResult(
        "Habari, agizo langu liko wapi?", False
    )
    assert pivot.from_english("Your order is on its way.", "sw") == PivotResult("Your order is on its way.", False)


def test_english_needs_no_translation() -> None:
    inner = ScriptedTranslator()
    pivot = TranslationPivot(inner)
    assert pivot.to_english("Where is my order?", "en") == PivotResult("Where is my order?", True)
    assert pivot.from_english("On its way", "en") == PivotResult("On its way", True)
    assert inner.calls == []


# ------------------------------------------------------------------------------------------------ the whole stack


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TranslationPivot, list[str]]]:
    sent = google_answers(monkeypatch, "Where is my order [[0]]?", "Where is my order [[0]]?")
    stats = TranslationStats()
    yield build_translation_pivot("google", None, InMemoryTranslationCache(), protector(), stats=stats), sent


def test_the_stack_translates_once_and_counts_calls_and_hits(stack: tuple[TranslationPivot, list[str]]) -> None:
    pivot, sent = stack
    for _ in range(2):
        assert pivot.to_english("Habari ya agizo ORD-104233?", "sw") == PivotResult(
            "Where is my order ORD-104233?", True
        )
    assert sent == ["Habari ya agizo [[0]]?"]
    snapshot = pivot.stats.snapshot()
    assert (snapshot["provider_calls"], snapshot["cache_hits"], snapshot["cache_misses"]) == (1, 1, 1)
    assert snapshot["fallbacks"] == 0


def test_the_stack_never_raises_when_the_provider_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    google_answers(monkeypatch, *[dt.TooManyRequests() for _ in range(20)])
    slept: list[float] = []
    pivot = build_translation_pivot("google", None, InMemoryTranslationCache(), protector(), sleep=slept.append)
    for _ in range(7):
        assert pivot.to_english("Habari", "sw").translated is False
    snapshot = pivot.stats.snapshot()
    assert snapshot["rejected"] == 2
    assert snapshot["provider_calls"] == 10
    assert snapshot["fallbacks"] == 7
    # Five calls, each retried once after its jitter, then the circuit opened and two were refused outright.
    assert len(slept) == 5
