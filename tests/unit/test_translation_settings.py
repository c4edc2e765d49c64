"""Translation configuration: the provider is a setting, its key comes from the environment or the secret, and
nothing is fetched until a translation needs it."""

from __future__ import annotations

import json
from typing import Any

import deep_translator
import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN, ConfigError, load_settings
from parley.nlu.entities import OrderIdFinder
from parley.wiring import translation_pivot

ORDER_IDS = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)


def test_an_unknown_provider_is_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigError, match="TRANSLATION_PROVIDER must be one of google, deepl, microsoft, none"):
        load_settings({"TRANSLATION_PROVIDER": "babelfish"})


def test_google_is_the_default_and_none_switches_translation_off() -> None:
    assert load_settings({}).translation_provider == "google"
    assert translation_pivot(load_settings({"TRANSLATION_PROVIDER": "none"}), ORDER_IDS) is None


def test_a_bad_translation_deadline_is_rejected() -> None:
    with pytest.raises(ConfigError, match="TRANSLATION_DEADLINE_SECONDS must be positive"):
        load_settings({"TRANSLATION_DEADLINE_SECONDS": "0"})


def test_the_deepl_key_is_read_from_the_secret_when_the_first_translation_needs_it(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    monkeypatch.setenv("META_SECRET_NAME", "parley/meta")
    settings = load_settings({"TRANSLATION_PROVIDER": "deepl", "META_SECRET_NAME": "parley/meta"})
    # Built before the secret exists: building the pivot reads nothing.
    pivot = translation_pivot(settings, ORDER_IDS)
    assert pivot is not None
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="parley/meta", SecretString=json.dumps({"META_APP_SECRET": "s", "TRANSLATION_API_KEY": "dl-key:fx"})
    )
    keys: list[str] = []

    def translate(self: Any, text: str, **kwargs: Any) -> str:
        keys.append(self.api_key)
        return "Where is my order?"

    monkeypatch.setattr(deep_translator.DeeplTranslator, "translate", translate)

    result = pivot.to_english("Waar is mijn bestelling?", "nl")

    assert result.translated and result.text == "Where is my order?"
    assert keys == ["dl-key:fx"]


def test_without_a_key_anywhere_deepl_fails_softly_and_the_text_comes_back_untranslated(aws: Any) -> None:
    settings = load_settings({"TRANSLATION_PROVIDER": "deepl"})
    pivot = translation_pivot(settings, ORDER_IDS)
    assert pivot is not None

    result = pivot.to_english("Waar is mijn bestelling?", "nl")

    assert (result.text, result.translated) == ("Waar is mijn bestelling?", False)
