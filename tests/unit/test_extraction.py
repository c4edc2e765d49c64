from datetime import date

import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.i18n import load_catalogs
from parley.nlu.entities import OrderIdFinder
from parley.nlu.extraction import EntityExtractor

EXTRACTOR = EntityExtractor(
    OrderIdFinder(DEFAULT_ORDER_ID_PATTERN),
    load_catalogs().languages,
    products=["Trailhead Rain Jacket", "Merino Hiking Socks"],
    today=lambda: date(2026, 11, 24),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where is ord 104233", {"order_id": "ORD-104233"}),
        ("please send inv 2026-0915", {"invoice_id": "INV-2026-0915"}),
        ("my email is Emily.Carter@Example.com", {"email": "emily.carter@example.com"}),
        ("I was charged €19.90 twice", {"amount": "19.90", "currency": "EUR"}),
        ("pagué 1.299,00 MXN", {"amount": "1299.00", "currency": "MXN"}),
        ("paguei R$ 349,00", {"amount": "349.00", "currency": "BRL"}),
        ("it cost 1,299.00 USD", {"amount": "1299.00", "currency": "USD"}),
    ],
)
def test_ids_emails_and_amounts_come_out_normalised(text, expected):
    assert EXTRACTOR.extract(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can it come on November 27th?", "2026-11-27"),
        ("¿puede llegar el 24 de noviembre?", "2026-11-24"),
        ("livraison le 25 novembre 2026", "2026-11-25"),
        ("bitte am 3. Dezember liefern", "2026-12-03"),
        ("доставьте до 5 декабря", "2026-12-05"),
        ("11月24日能送到吗", "2026-11-24"),
        ("due 2026-12-01", "2026-12-01"),
        ("on 24/11/2026", "2026-11-24"),
        ("on 11/24/2026", "2026-11-24"),
    ],
)
def test_dates_are_read_in_every_native_language(text, expected):
    assert EXTRACTOR.extract(text)["date"] == expected


def test_products_are_found_by_name_without_accents_or_case_and_by_sku():
    assert EXTRACTOR.extract("is the trailhead rain jacket in stock?")["product"] == "Trailhead Rain Jacket"
    assert EXTRACTOR.extract("do you have sku-jkt-blu-m")["product"] == "SKU-JKT-BLU-M"


@pytest.mark.parametrize("text", ["hello there", "I have 3 orders", "may I ask something", "31/02/2026"])
def test_text_without_entities_yields_none(text):
    assert EXTRACTOR.extract(text) == {}


def test_month_names_are_read_in_the_languages_parley_speaks_and_no_others() -> None:
    # The language set is the catalogs' file set: a new locales/<lang>.json brings its month names along.
    order_ids = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)
    english_only = EntityExtractor(order_ids, {"en"}, today=lambda: date(2026, 11, 24))
    with_spanish = EntityExtractor(order_ids, {"en", "es"}, today=lambda: date(2026, 11, 24))

    assert "date" not in english_only.extract("llegó el 3 de enero")
    assert with_spanish.extract("llegó el 3 de enero")["date"] == "2026-01-03"
