"""Billing configuration and data: the payment link templates are checked at start-up, and the invoices file's
optional payment_failure_reason column is read and checked like every other cell."""

from __future__ import annotations

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN, ConfigError, load_settings
from parley.data.importer import DataKind, parse_rows
from parley.domain.records import Invoice
from parley.nlu.entities import OrderIdFinder

HEADER = "invoice_id,customer_id,issued_at,due_at,amount,currency,status,url,payment_failure_reason"


def test_without_templates_there_are_no_configured_links() -> None:
    settings = load_settings({})

    assert (settings.payment_url_template, settings.payment_method_url_template) == ("", "")


def test_templates_with_known_placeholders_are_kept() -> None:
    settings = load_settings(
        {
            "PAYMENT_URL_TEMPLATE": "https://pay.example.com/{invoice_id}?c={customer_id}&lang={language}",
            "PAYMENT_METHOD_URL_TEMPLATE": " https://pay.example.com/wallet/{customer_id} ",
        }
    )

    assert settings.payment_url_template == "https://pay.example.com/{invoice_id}?c={customer_id}&lang={language}"
    assert settings.payment_method_url_template == "https://pay.example.com/wallet/{customer_id}"


@pytest.mark.parametrize(
    ("name", "template", "message"),
    [
        ("PAYMENT_URL_TEMPLATE", "https://pay.example.com/{invoice}", r"unknown placeholder \{invoice\}"),
        ("PAYMENT_URL_TEMPLATE", "https://pay.example.com/{}", r"unknown placeholder \{\}"),
        ("PAYMENT_METHOD_URL_TEMPLATE", "https://pay.example.com/{invoice_id}", r"unknown placeholder \{invoice_id\}"),
        ("PAYMENT_URL_TEMPLATE", "https://pay.example.com/{invoice_id!r}", "without a format or conversion"),
        ("PAYMENT_URL_TEMPLATE", "https://pay.example.com/{invoice_id", "not a valid template"),
        ("PAYMENT_METHOD_URL_TEMPLATE", "pay.example.com/{customer_id}", "absolute http"),
    ],
)
def test_a_malformed_template_fails_at_start_up_with_a_clear_message(name: str, template: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings({name: template})

    assert name in str(raised.value)


def parse(*rows: str):
    return parse_rows(DataKind.INVOICES, [HEADER, *rows], OrderIdFinder(DEFAULT_ORDER_ID_PATTERN))


def test_the_payment_failure_reason_is_read_and_an_empty_cell_means_none() -> None:
    parsed = parse(
        "INV-2026-0915,CUST-1002,2026-11-01,2026-11-15,9.99,EUR,overdue,,Card_Declined",
        "INV-2026-0912,CUST-1001,2026-11-01,2026-11-30,19.00,USD,open,,",
    )

    assert parsed.ok, parsed.errors
    failed, fine = parsed.records
    assert isinstance(failed, Invoice) and failed.payment_failure_reason == "card_declined"
    assert isinstance(fine, Invoice) and fine.payment_failure_reason is None


def test_a_payment_failure_reason_that_is_not_a_provider_code_is_refused_with_its_line() -> None:
    parsed = parse("INV-2026-0915,CUST-1002,2026-11-01,2026-11-15,9.99,EUR,overdue,,the card was declined!")

    assert [(e.line, e.column) for e in parsed.errors] == [(2, "payment_failure_reason")]
    assert "failure code" in parsed.errors[0].message
