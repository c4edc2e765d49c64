"""The report's settings: the locale numbers are written for, the translation price; the events bucket is the
settings' one."""

from __future__ import annotations

import pytest

from parley.config import ConfigError, load_report_settings, load_settings


def test_defaults_are_english_and_googles_list_price() -> None:
    settings = load_report_settings({})

    assert (load_settings({}).events_bucket, settings.locale, settings.price_per_million) == ("", "en", 20.0)


def test_the_price_follows_the_provider_unless_one_is_set() -> None:
    assert load_report_settings({"TRANSLATION_PROVIDER": "deepl"}).price_per_million == 25.0
    assert load_report_settings({"TRANSLATION_PROVIDER": "microsoft"}).price_per_million == 10.0
    assert load_report_settings({"TRANSLATION_PROVIDER": "none"}).price_per_million == 20.0
    assert load_report_settings({"TRANSLATION_PRICE_PER_MILLION": "12.5"}).price_per_million == 12.5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REPORT_LOCALE": "xx_QQ"}, "REPORT_LOCALE must be a locale"),
        ({"TRANSLATION_PRICE_PER_MILLION": "cheap"}, "TRANSLATION_PRICE_PER_MILLION must be a number"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(env, message) -> None:
    with pytest.raises(ConfigError, match=message):
        load_report_settings(env)


def test_a_regional_locale_is_accepted_in_either_spelling() -> None:
    assert load_report_settings({"REPORT_LOCALE": "pt-BR"}).locale == "pt-BR"
    assert load_settings({"EVENTS_BUCKET": " b "}).events_bucket == "b"
    assert load_report_settings({"REPORT_LOCALE": "pt_BR"}).locale == "pt_BR"
