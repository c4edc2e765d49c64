"""`parley data import`: check a whole file, then write all of it or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parley.config import Settings
from parley.data.importer import DataKind, ParsedFile, RowError, parse_file
from parley.domain.ports import RecordWriter, StorageError
from parley.nlu.entities import OrderIdFinder


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
    return parse_file(kind, path, OrderIdFinder(settings.order_id_pattern))


def import_file(kind: DataKind, path: Path, settings: Settings, writer: RecordWriter) -> ImportResult:
    parsed = check_file(kind, path, settings)
    if not parsed.ok:
        return ImportResult(kind, path, 0, tuple(parsed.errors))
    writer.replace_all(parsed.records)
    return ImportResult(kind, path, len(parsed.records), ())


def import_directory(directory: Path, settings: Settings, writer: RecordWriter) -> list[ImportResult]:
    """Every DESIGN.md file present in the directory (customers.csv, orders.csv, …), all checked first."""
    files = [(kind, directory / f"{kind.value}.csv") for kind in DataKind if (directory / f"{kind.value}.csv").exists()]
    parsed = [(kind, path, check_file(kind, path, settings)) for kind, path in files]
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
