"""Entities of a customer's message beyond order ids: invoice id, email, amount, date and product."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from parley.folding import fold
from parley.nlu.entities import INVOICE_ID_PATTERN, OrderIdFinder, canonical_invoice_id

DEFAULT_INVOICE_ID_PATTERN = INVOICE_ID_PATTERN
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def find_email(text: str) -> str | None:
    """The first email address in the text, lowercased."""
    found = _EMAIL.search(text)
    return found.group(0).lower() if found else None


_SKU = re.compile(r"(?<![A-Za-z0-9])SKU-[A-Z0-9]+(?:-[A-Z0-9]+)*", re.IGNORECASE)
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "CNY", "₹": "INR", "₺": "TRY", "₽": "RUB", "R$": "BRL",
            "Rp": "IDR", "US$": "USD"}  # fmt: skip
_CODES = "EUR|USD|GBP|BRL|MXN|INR|IDR|TRY|RUB|CNY|ARS|COP|CLP|CAD|AUD|CHF|SAR|AED|EGP"
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SYMBOL = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_SYMBOL}|\b(?:{_CODES})\b)\s?(?P<n1>{_NUMBER}))|(?:(?P<n2>{_NUMBER})\s?(?P<post>{_SYMBOL}|\b(?:{_CODES})\b))",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
_CJK_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")


def _amount(number: str) -> Decimal | None:
    """'1.299,00' and '1,299.00' are both 1299.00: the last separator followed by 1-2 digits is the decimal one."""
    digits = number.replace(" ", "")
    match = re.fullmatch(r"(.*?)([.,](\d{1,2}))?", digits)
    if match is None:  # pragma: no cover - the pattern matches every string
        return None
    whole = re.sub(r"[.,]", "", match.group(1))
    try:
        return Decimal(f"{whole}.{match.group(3)}" if match.group(3) else whole)
    except InvalidOperation:
        return None


@cache
def _month_names(languages: frozenset[str]) -> dict[str, int]:
    """Every language's month names (wide, abbreviated, stand-alone), folded: 'noviembre' → 11."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in sorted(languages):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context=context, locale=locale).items():
                    key = fold(name).rstrip(".")
                    if len(key) >= 3:
                        names.setdefault(key, number)
    return names


def _month_pattern(languages: frozenset[str]) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted(_month_names(languages), key=len, reverse=True))
    return re.compile(
        rf"(?:\b(?P<d1>\d{{1,2}})\.?\s*(?:de\s+)?(?P<m1>{names})\.?(?:\s*(?:de\s+)?,?\s*(?P<y1>\d{{4}}))?)"
        rf"|(?:\b(?P<m2>{names})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y2>\d{{4}}))?)",
    )


class EntityExtractor:
    def __init__(
        self,
        order_ids: OrderIdFinder,
        languages: Iterable[str],
        invoice_pattern: str = DEFAULT_INVOICE_ID_PATTERN,
        products: Iterable[str] = (),
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._order_ids = order_ids
        self._invoice = re.compile(rf"(?<![A-Za-z0-9]){invoice_pattern}(?!\d)", re.IGNORECASE)
        self._products = sorted({fold(p): p for p in products if p.strip()}.items(), key=lambda kv: -len(kv[0]))
        self._today = today
        # Month names are read in the languages Parley speaks (the catalogs' set): "3 de noviembre", "3. November".
        self._languages = frozenset(languages)
        self._months: re.Pattern[str] | None = None

    def extract(self, text: str) -> dict[str, str]:
        """Entity name → normalised value, for the first of each kind found."""
        found: dict[str, str] = {}
        if order_id := self._order_ids.find(text):
            found["order_id"] = order_id
        if invoice := self._invoice.search(text):
            found["invoice_id"] = canonical_invoice_id(invoice.group(1))
        if email := find_email(text):
            found["email"] = email
        if amount := self._amount(text):
            found["amount"], found["currency"] = amount
        if when := self._date(text):
            found["date"] = when.isoformat()
        if product := self._product(text):
            found["product"] = product
        return found

    @staticmethod
    def _amount(text: str) -> tuple[str, str] | None:
        for match in _AMOUNT.finditer(text):
            symbol = match.group("pre") or match.group("post")
            value = _amount(match.group("n1") or match.group("n2"))
            if value is not None:
                currency = _SYMBOLS.get(symbol, symbol.upper())
                return str(value), currency
        return None

    def _date(self, text: str) -> date | None:
        today = self._today()
        candidates: list[tuple[int, int, int]] = []
        if iso := _ISO_DATE.search(text):
            candidates.append((int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
        if numeric := _NUMERIC_DATE.search(text):
            first, second, year = int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
            year += 2000 if year < 100 else 0
            # Day first, as most of the world writes it, unless that cannot be (11/24/2026).
            day, month = (second, first) if second > 12 >= first else (first, second)
            candidates.append((year, month, day))
        if cjk := _CJK_DATE.search(text):
            candidates.append((int(cjk.group(1) or today.year), int(cjk.group(2)), int(cjk.group(3))))
        self._months = self._months or _month_pattern(self._languages)
        if named := self._months.search(fold(text)):
            month = _month_names(self._languages)[(named.group("m1") or named.group("m2")).rstrip(".")]
            day = int(named.group("d1") or named.group("d2"))
            year = int(named.group("y1") or named.group("y2") or today.year)
            candidates.append((year, month, day))
        for year, month, day in candidates:
            try:
                return date(year, month, day)
            except ValueError:
                continue
        return None

    def _product(self, text: str) -> str | None:
        if sku := _SKU.search(text):
            return sku.group(0).upper()
        folded = fold(text)
        for key, name in self._products:
            if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded):
                return name
        return None
