"""deep-translator as Parley's Translator: the provider is configuration, the deadline and the retry are ours.

`build_translation_pivot` assembles the production stack: pivot → cache → circuit breaker → this adapter.
"""

from __future__ import annotations

import concurrent.futures
import random as _random
import threading
import time
from collections.abc import Callable
from typing import Any

from parley.config import ConfigError, CredentialsUnavailableError
from parley.language.protect import Protector
from parley.language.translation import (
    CachingTranslator,
    CircuitBreaker,
    Provider,
    TranslationCache,
    TranslationError,
    TranslationPivot,
    TranslationStats,
    UnsupportedLanguageError,
)

# ISO 639-1 codes (as Parley's detector names languages) where a provider spells them differently.
_GOOGLE_CODES = {"he": "iw", "zh": "zh-CN", "jv": "jw", "fil": "tl", "nb": "no", "nn": "no"}
_MICROSOFT_CODES = {"zh": "zh-Hans", "tl": "fil", "no": "nb"}


def provider_code(provider: Provider | str, language: str) -> str | None:
    """The provider's code for an ISO 639-1 language, or None when the provider does not translate it (then no
    call is made at all)."""
    provider = Provider(provider)
    language = language.split("-", maxsplit=1)[0].lower()
    if provider is Provider.MICROSOFT:
        # Microsoft publishes its language list only online; its codes are ISO 639-1 but for these.
        return _MICROSOFT_CODES.get(language, language)
    from deep_translator import constants  # the package import reads keys from the environment: only here

    if provider is Provider.GOOGLE:
        code = _GOOGLE_CODES.get(language, language)
        return code if code in constants.GOOGLE_LANGUAGES_TO_CODES.values() else None
    return language if language in constants.DEEPL_LANGUAGE_TO_CODE.values() else None


def source_code(provider: Provider | str, language: str) -> str | None:
    """What to name as the source language. Google detects the language itself better than a short message lets
    us; DeepL and Microsoft are told (DeepL has no "auto", Microsoft's client would send it verbatim)."""
    return "auto" if Provider(provider) is Provider.GOOGLE else provider_code(provider, language)


def _deep_translator_client(
    provider: Provider, api_key: str | None, source: str, target: str, region: str | None = None
) -> Any:
    # Imported here, never at module import: deep-translator reads its API keys from the environment when
    # imported, and the import costs cold-start time on every message that needs no translation.
    import deep_translator

    if provider is Provider.GOOGLE:
        return deep_translator.GoogleTranslator(source=source, target=target)
    if provider is Provider.DEEPL:
        # DeepL's free keys end in ":fx" and are only accepted by its free endpoint; paid keys by the other.
        free = bool(api_key and api_key.endswith(":fx"))
        return deep_translator.DeeplTranslator(api_key=api_key, source=source, target=target, use_free_api=free)
    # MicrosoftTranslator fetches its language list when built, so it is built inside the deadline too.
    return deep_translator.MicrosoftTranslator(api_key=api_key, source=source, target=target, region=region)


def _is_transient(exc: BaseException) -> bool:
    """Worth the one retry: throttling, server errors and the network; not bad input, languages or keys."""
    import requests
    from deep_translator import exceptions as dt

    transient: tuple[type[BaseException], ...] = (
        dt.TooManyRequests,
        dt.ServerException,
        dt.RequestError,
        dt.TranslationNotFound,
        requests.RequestException,
        ConnectionError,
    )
    return isinstance(exc, transient)


class DeepTranslatorAdapter:
    """deep-translator behind Translator, with our deadline (it sets none) and one retry with jitter.

    Each attempt runs in a daemon thread that is abandoned when the deadline passes: deep-translator
    ignores timeouts, and a hung provider must not hold a Lambda invocation that has a reply to send.
    """

    def __init__(
        self,
        provider: Provider | str = Provider.GOOGLE,
        api_key: str | Callable[[], str | None] | None = None,
        *,
        deadline_seconds: float = 2.0,
        retry: bool = True,
        max_jitter_seconds: float = 0.3,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
        stats: TranslationStats | None = None,
        region: str | None = None,
    ) -> None:
        self.provider = Provider(provider)
        self._region = region or None
        if self.provider is not Provider.GOOGLE and not api_key:
            # Passed explicitly, so deep-translator never falls back to a key from the environment.
            raise ValueError(f"the {self.provider} translation provider needs an API key")
        # A callable is asked on first use: the key lives in Secrets Manager, and most conversations never
        # need a translation.
        self._api_key = api_key
        self._deadline = deadline_seconds
        self._retry = retry
        self._max_jitter = max_jitter_seconds
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self.stats = stats or TranslationStats()

    def translate(self, text: str, source: str, target: str) -> str:
        """`source` and `target` are ISO 639-1 codes (`source` may be "auto"); the provider's own codes are ours
        to know. A language the provider does not translate fails at once, without a call."""
        target_code = provider_code(self.provider, target)
        from_code = source_code(self.provider, source) if source != "auto" else "auto"
        if target_code is None or from_code is None or (from_code == "auto" and self.provider is Provider.DEEPL):
            raise UnsupportedLanguageError(f"{self.provider} does not translate {source} to {target}")
        source, target = from_code, target_code
        give_up_at = self._clock() + self._deadline
        attempts = 2 if self._retry else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(text, source, target, give_up_at - self._clock())
            except TranslationError as exc:
                remaining = give_up_at - self._clock()
                transient = exc.__cause__ is not None and _is_transient(exc.__cause__)
                if attempt == attempts or not transient or remaining <= 0:
                    self.stats.add("failures")
                    raise
                self.stats.add("retries")
                # Jitter spreads the retries of concurrent Lambdas hitting the same throttled provider.
                self._sleep(min(self._max_jitter * self._random(), remaining / 2))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, text: str, source: str, target: str, budget: float) -> str:
        if budget <= 0:
            raise TranslationError("translation deadline passed")
        key = self._key()
        self.stats.add("provider_calls")
        self.stats.add("characters", len(text))
        future: concurrent.futures.Future[str] = concurrent.futures.Future()

        def work() -> None:
            try:
                client = _deep_translator_client(self.provider, key, source, target, self._region)
                future.set_result(client.translate(text))
            except BaseException as exc:  # handed to the waiting caller, which maps it
                future.set_exception(exc)

        threading.Thread(target=work, name="parley-translate", daemon=True).start()
        try:
            result = future.result(timeout=budget)
        except concurrent.futures.TimeoutError as exc:
            raise TranslationError(f"{self.provider} gave no translation within {self._deadline:g} s") from exc
        except Exception as exc:  # deep-translator raises its own, requests' and its parsers' errors: no common base
            raise TranslationError(f"{self.provider} failed: {type(exc).__name__}") from exc
        if not isinstance(result, str) or not result.strip():
            raise TranslationError(f"{self.provider} returned no text")
        return result

    def _key(self) -> str | None:
        if not callable(self._api_key):
            return self._api_key
        try:
            key = self._api_key()
        except (CredentialsUnavailableError, ConfigError) as exc:  # no translation now, an answer anyway
            raise TranslationError(f"no API key for {self.provider}: {type(exc).__name__}") from exc
        if self.provider is not Provider.GOOGLE and not key:
            raise TranslationError(f"no API key for {self.provider}")
        return key


def build_translation_pivot(
    provider: Provider | str,
    api_key: str | Callable[[], str | None] | None,
    cache: TranslationCache,
    protector: Protector,
    *,
    deadline_seconds: float = 2.0,
    ttl_days: int = 30,
    stats: TranslationStats | None = None,
    sleep: Callable[[float], None] = time.sleep,
    region: str | None = None,
) -> TranslationPivot:
    """The production stack: pivot → cache → circuit breaker → deep-translator, sharing one set of counts."""
    stats = stats or TranslationStats()
    adapter = DeepTranslatorAdapter(
        provider, api_key, deadline_seconds=deadline_seconds, sleep=sleep, stats=stats, region=region
    )
    breaker = CircuitBreaker(adapter, stats=stats)
    caching = CachingTranslator(breaker, cache, adapter.provider.value, ttl_days=ttl_days, stats=stats)
    return TranslationPivot(caching, protector, stats=stats)
