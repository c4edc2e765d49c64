"""One reading of a language code, wherever it comes from: a customer's record, a locale, an agent, a setting."""

from __future__ import annotations

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN, ConfigError, load_settings
from parley.data.importer import DataKind, parse_rows
from parley.domain.language import language_code
from parley.nlu.entities import OrderIdFinder


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("PT", "pt"),
        (" es-419 ", "es"),
        ("zh-Hant-TW", "zh"),
        ("fil", "fil"),
        ("english", None),
        ("e", None),
        ("pt--BR", None),
        ("", None),
        (None, None),
    ],
)
def test_a_code_reads_as_its_language_alone(value: str | None, code: str | None) -> None:
    assert language_code(value) == code


def test_the_import_the_agents_setting_and_the_dialogue_read_codes_alike() -> None:
    rows = ["customer_id,name,email,phone,messenger_psid,language", "C1,Ana,,,,pt_BR"]
    imported = parse_rows(DataKind.CUSTOMERS, rows, OrderIdFinder(DEFAULT_ORDER_ID_PATTERN))
    assert [c.language for c in imported.records] == ["pt"]
    assert load_settings({"AGENT_LANGUAGE": "zh-Hant"}).agent_language == "zh"
    with pytest.raises(ConfigError, match="AGENT_LANGUAGE"):
        load_settings({"AGENT_LANGUAGE": "English"})
