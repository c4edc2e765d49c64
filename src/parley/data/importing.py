"""`parley data import`: check a whole file, then write all of it or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parley.config import Settings
from parley.data.importer import DataKind, ParsedFile, RowError, parse_file
from parley.domain.ports import RecordWriter, StorageError
from parley.domain.records import Customer
from parley.domain.senders import linking_fields, shared_links
from parley.nlu.entities import OrderIdFinder

_WHAT = {"phone": "phone number", "whatsapp_user_id": "WhatsApp user id", "messenger_psid": "Messenger PSID"}


@dataclass(frozen=True)
class ImportResult:
    kind: DataKind
    path: Path
    written: int
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_file(kind: DataKind, path: Path, settings: Settings) -> ParsedFile:
    return parse_file(kind, path, OrderIdFinder(settings.order_id_pattern), settings.shared_phone_numbers)


def check_against_stored(parsed: ParsedFile, settings: Settings, writer: RecordWriter) -> ParsedFile:
    """A file that checked out, checked against the customers already on file too: a phone number, WhatsApp user id
    or PSID links one customer only (unless SHARED_PHONE_NUMBERS allows a number to several), or its messages would
    belong to whichever record a lookup finds first. The error names the line and the customer who has it, never
    the value: messages like these end up in terminals and CI logs."""
    customers = [r for r in parsed.records if isinstance(r, Customer)]
    if not parsed.ok or not customers:
        return parsed
    fields = linking_fields(settings.shared_phone_numbers)
    values = sorted({(f, v) for c in customers for f in fields if (v := getattr(c, f))})
    line_of = {c.customer_id: line for c, line in zip(customers, parsed.lines, strict=True)}
    for shared in shared_links(customers, writer.customers_holding(values), settings.shared_phone_numbers):
        what = _WHAT[shared.field]
        parsed.errors.append(
            RowError(
                line_of[shared.customer_id],
                f"customer {shared.holder_id} on file already has this {what}, and a {what} links one customer "
                f"only (to move it, import {shared.holder_id} in the same file without it)",
                shared.field,
            )
        )
    parsed.errors.sort(key=lambda e: e.line)
    return parsed


def import_file(kind: DataKind, path: Path, settings: Settings, writer: RecordWriter) -> ImportResult:
    parsed = check_against_stored(check_file(kind, path, settings), settings, writer)
    if not parsed.ok:
        return ImportResult(kind, path, 0, tuple(parsed.errors))
    writer.replace_all(parsed.records)
    return ImportResult(kind, path, len(parsed.records), ())


def import_directory(directory: Path, settings: Settings, writer: RecordWriter) -> list[ImportResult]:
    """Every DESIGN.md file present in the directory (customers.csv, orders.csv, …), all checked first."""
    files = [(kind, directory / f"{kind.value}.csv") for kind in DataKind if (directory / f"{kind.value}.csv").exists()]
    parsed = [
        (kind, path, check_against_stored(check_file(kind, path, settings), settings, writer)) for kind, path in files
    ]
    if any(not p.ok for _, _, p in parsed):
        return [ImportResult(kind, path, 0, tuple(p.errors)) for kind, path, p in parsed]
    results: list[ImportResult] = []
    undos: list[Callable[[], None]] = []
    try:
        for kind, path, p in parsed:
            undos.append(writer.replace_all(p.records))
            results.append(ImportResult(kind, path, len(p.records), ()))
    except StorageError:
        # A later table failed: put the earlier ones back too, so the directory is imported whole or not at all.
        for undo in reversed(undos):
            undo()
        raise
    return results
