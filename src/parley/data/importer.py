"""CSV import of the business's data: every row is checked first, and nothing is written unless all pass."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from parley.domain.language import language_code
from parley.domain.records import (
    Customer,
    Invoice,
    InvoiceStatus,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    Record,
    Subscription,
    SubscriptionStatus,
)
from parley.domain.senders import is_bsuid
from parley.nlu.entities import OrderIdFinder


class DataKind(StrEnum):
    CUSTOMERS = "customers"
    ORDERS = "orders"
    INVOICES = "invoices"
    SUBSCRIPTIONS = "subscriptions"
    PRODUCTS = "products"


COLUMNS: dict[DataKind, tuple[str, ...]] = {
    DataKind.CUSTOMERS: ("customer_id", "name", "email", "phone", "messenger_psid", "language"),
    DataKind.ORDERS: (
        *("order_id", "customer_id", "status", "placed_at", "carrier", "tracking_number", "estimated_delivery"),
        *("total", "currency", "items"),
    ),
    DataKind.INVOICES: ("invoice_id", "customer_id", "issued_at", "due_at", "amount", "currency", "status", "url"),
    DataKind.SUBSCRIPTIONS: ("subscription_id", "customer_id", "plan", "status", "renews_at", "price", "currency"),
    DataKind.PRODUCTS: ("sku", "name", "description", "price", "currency", "stock", "attributes"),
}
# Columns beyond DESIGN.md's minimum that a file may have (an older file without them still imports).
OPTIONAL_COLUMNS: dict[DataKind, tuple[str, ...]] = {
    DataKind.CUSTOMERS: ("whatsapp_user_id", "marketing_opt_in"),
    DataKind.ORDERS: ("delivered_at", "shipping_address"),
    DataKind.INVOICES: ("payment_failure_reason",),
    DataKind.SUBSCRIPTIONS: (),
    DataKind.PRODUCTS: (),
}
REQUIRED: dict[DataKind, tuple[str, ...]] = {
    DataKind.CUSTOMERS: ("customer_id",),
    DataKind.ORDERS: ("order_id", "customer_id", "status", "placed_at"),
    DataKind.INVOICES: ("invoice_id", "customer_id", "issued_at", "amount", "status"),
    DataKind.SUBSCRIPTIONS: ("subscription_id", "customer_id", "plan", "status"),
    DataKind.PRODUCTS: ("sku", "name"),
}
# Values that must not repeat within one file: keys, and the channel ids that identify a sender.
UNIQUE: dict[DataKind, tuple[str, ...]] = {
    DataKind.CUSTOMERS: ("customer_id", "phone", "messenger_psid", "whatsapp_user_id"),
    DataKind.ORDERS: ("order_id",),
    DataKind.INVOICES: ("invoice_id",),
    DataKind.SUBSCRIPTIONS: ("subscription_id",),
    DataKind.PRODUCTS: ("sku",),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# The space before the x is what separates SKU from quantity: without it, SKU-BOX12 would read as SKU-BO x12.
_ITEM = re.compile(r"^\s*(\S+)\s+[xX×]\s*(\d+)\s*$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
# A payment provider's failure code (card_declined, insufficient_funds…), as its API writes it.
_FAILURE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Spreadsheets and CRMs write phone numbers for people: "+34 612-345-678", "(415) 555 0123".
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")


class FieldError(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedFile:
    kind: DataKind
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each record starts on

    @property
    def ok(self) -> bool:
        return not self.errors


def _datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FieldError(f"{value!r} is not an ISO 8601 date-time (2026-11-02T14:30:00Z)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise FieldError(f"{value!r} is not an ISO date (2026-11-24)") from exc


def _amount(value: str) -> Decimal:
    if not _AMOUNT.match(value):
        hint = " (amounts cannot be negative)" if value.startswith("-") else " with a dot for decimals (19.90)"
        raise FieldError(f"{value!r} is not an amount{hint}")
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise FieldError(f"{value!r} is not an amount") from exc


def _currency(value: str) -> str:
    code = value.upper()
    if not _CURRENCY.match(code):
        raise FieldError(f"{value!r} is not an ISO 4217 currency code (EUR)")
    return code


def _choice(enum: type[StrEnum]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            return enum(value.strip().lower())
        except ValueError as exc:
            allowed = ", ".join(e.value for e in enum)
            raise FieldError(f"{value!r} is not one of: {allowed}") from exc

    return parse


def _phone(value: str) -> str:
    digits = _PHONE_PUNCTUATION.sub("", value).lstrip("+")
    # isdigit() alone accepts ² and Arabic-Indic digits, which never match the ASCII wa_id WhatsApp sends.
    if not (digits.isascii() and digits.isdigit()) or not 7 <= len(digits) <= 15:
        raise FieldError("phone must be 7 to 15 digits with the country code, as WhatsApp's wa_id")
    return digits


def _whatsapp_user_id(value: str) -> str:
    if not is_bsuid(value):
        # The value is not repeated: like a phone number, it identifies a person.
        raise FieldError("not a WhatsApp business-scoped user id (US.13491208655302741918, or US.ENT.… for a parent)")
    return value


def _yes_no(value: str) -> bool:
    answer = value.strip().lower()
    if answer not in {"yes", "no"}:
        raise FieldError(f"{value!r} is not yes or no (leave it empty when the customer was never asked)")
    return answer == "yes"


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise FieldError("not an email address")
    return value.lower()


def _language(value: str) -> str:
    code = language_code(value)
    if code is None:
        raise FieldError(f"{value!r} is not a language code (en, es, pt-BR)")
    return code


def _items(value: str) -> tuple[OrderItem, ...]:
    items = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        match = _ITEM.match(part)
        if not match or int(match.group(2)) < 1:
            raise FieldError(f"{part!r} is not 'SKU xQTY' (SKU-SOCKS x2)")
        items.append(OrderItem(match.group(1), int(match.group(2))))
    return tuple(items)


def _attributes(value: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise FieldError(f"{part!r} is not key=value")
        if key.strip() in (k for k, _ in pairs):
            raise FieldError(f"{key.strip()!r} is given twice")
        pairs.append((key.strip(), val.strip()))
    return tuple(pairs)


def _failure_code(value: str) -> str:
    code = value.strip().lower()
    if not _FAILURE_CODE.match(code):
        raise FieldError(f"{value!r} is not a payment provider's failure code (card_declined, insufficient_funds)")
    return code


def _stock(value: str) -> int:
    if not (value.isascii() and value.isdigit()):  # int() cannot read every isdigit() character (²)
        raise FieldError(f"{value!r} is not a whole number of items in stock")
    return int(value)


def _text(value: str) -> str:
    return value


class RowParser:
    """Turns one CSV row (a dict of stripped strings) into a record, or raises FieldError per bad cell."""

    def __init__(self, kind: DataKind, order_ids: OrderIdFinder) -> None:
        self.kind = kind
        self._order_ids = order_ids

    def _order_id(self, value: str) -> str:
        canonical = self._order_ids.normalise(value)
        if canonical is None:
            raise FieldError(f"{value!r} does not look like an order number (ORDER_ID_PATTERN)")
        return canonical

    def converters(self) -> dict[str, Callable[[str], Any]]:
        common: dict[str, Callable[[str], Any]] = {"currency": _currency}
        by_kind: dict[DataKind, dict[str, Callable[[str], Any]]] = {
            DataKind.CUSTOMERS: {
                "email": _email,
                "phone": _phone,
                "language": _language,
                "whatsapp_user_id": _whatsapp_user_id,
                "marketing_opt_in": _yes_no,
            },
            DataKind.ORDERS: {
                "order_id": self._order_id,
                "status": _choice(OrderStatus),
                "placed_at": _datetime,
                "estimated_delivery": _date,
                "total": _amount,
                "items": _items,
                "delivered_at": _datetime,
            },
            DataKind.INVOICES: {
                "issued_at": _datetime,
                "due_at": _datetime,
                "amount": _amount,
                "status": _choice(InvoiceStatus),
                "payment_failure_reason": _failure_code,
            },
            DataKind.SUBSCRIPTIONS: {
                "status": _choice(SubscriptionStatus),
                "renews_at": _datetime,
                "price": _amount,
            },
            DataKind.PRODUCTS: {"price": _amount, "stock": _stock, "attributes": _attributes},
        }
        return common | by_kind[self.kind]

    def parse(self, row: dict[str, str], line: int) -> tuple[Record | None, list[RowError]]:
        errors: list[RowError] = []
        values: dict[str, Any] = {}
        converters = self.converters()
        for column in COLUMNS[self.kind] + OPTIONAL_COLUMNS[self.kind]:
            raw = row.get(column, "")
            if raw == "":
                if column in REQUIRED[self.kind]:
                    errors.append(RowError(line, "is required", column))
                continue
            try:
                values[column] = converters.get(column, _text)(raw)
            except FieldError as exc:
                errors.append(RowError(line, str(exc), column))
        if errors:
            return None, errors
        record_type: dict[DataKind, type[Any]] = {
            DataKind.CUSTOMERS: Customer,
            DataKind.ORDERS: Order,
            DataKind.INVOICES: Invoice,
            DataKind.SUBSCRIPTIONS: Subscription,
            DataKind.PRODUCTS: Product,
        }
        return record_type[self.kind](**values), []


def parse_rows(
    kind: DataKind, lines: Iterable[str], order_ids: OrderIdFinder, shared_phone_numbers: bool = False
) -> ParsedFile:
    """`shared_phone_numbers`: several customers may have one phone number (SHARED_PHONE_NUMBERS=allow)."""
    result = ParsedFile(kind)
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        result.errors.append(RowError(1, "the file is empty; expected a header row"))
        return result
    except csv.Error as exc:
        result.errors.append(RowError(1, f"not a CSV header: {exc}"))
        return result
    expected = COLUMNS[kind] + OPTIONAL_COLUMNS[kind]
    missing = [c for c in REQUIRED[kind] if c not in header]
    unknown = [h for h in header if h not in expected]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if len(set(header)) != len(header):
            parts.append("repeated column names")
        result.errors.append(RowError(1, "; ".join(parts) + f". Expected: {','.join(expected)}"))
        return result
    parser = RowParser(kind, order_ids)
    unique = [c for c in UNIQUE[kind] if not (shared_phone_numbers and c == "phone")]
    seen: dict[str, dict[str, int]] = {column: {} for column in unique}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(RowError(line, f"unreadable CSV: {exc}"))
            break
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.errors.append(RowError(start, f"has {len(cells)} cells; the header has {len(header)}"))
            continue
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        record, errors = parser.parse(row, start)
        result.errors.extend(errors)
        for column, first_seen in seen.items():
            value = getattr(record, column, None) if record else None
            if value is None:
                continue
            if value in first_seen:
                result.errors.append(RowError(start, f"repeats line {first_seen[value]}", column))
            else:
                first_seen[value] = start
        if record is not None:
            result.records.append(record)
            result.lines.append(start)
    if not result.records and not result.errors:
        result.errors.append(RowError(1, "no data rows"))
    return result


def parse_file(kind: DataKind, path: Path, order_ids: OrderIdFinder, shared_phone_numbers: bool = False) -> ParsedFile:
    # Spreadsheets often save a byte-order mark, which would otherwise garble the first column. It is removed
    # here rather than by utf-8-sig so that the offset of an undecodable byte counts from the same bytes.
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result = ParsedFile(kind)
        line = data[: exc.start].count(b"\n") + 1
        result.errors.append(RowError(line, "is not UTF-8 text; save the file as CSV UTF-8"))
        return result
    # Only \n and \r end a CSV line; str.splitlines() would also split cells at U+2028, form feeds and the like.
    return parse_rows(kind, io.StringIO(text, newline=""), order_ids, shared_phone_numbers)
