"""`parley data import KIND FILE`: all of the file or nothing, interrupted or not."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from parley.config import Settings, load_local_settings, load_settings

if TYPE_CHECKING:
    from parley.data.import_journal import ImportJournal
    from parley.domain.ports import RecordWriter


def run(args: argparse.Namespace) -> int:
    """All of the file or nothing, even when stopped: Ctrl-C or SIGTERM puts the table back (one line, exit 130 or
    143); an import killed outright is finished by the next one, from its journal (data.import_journal)."""
    from parley.data.dynamo import DynamoRecordWriter
    from parley.data.import_journal import ImportJournal
    from parley.data.interruption import NAMES, ImportCancelledError, interruptible, signal_of
    from parley.domain.ports import StorageError

    path = Path(args.file)
    if not path.is_file():
        print(f"parley data import: no such file: {path}", file=sys.stderr)
        return 2
    settings = load_settings()
    table = getattr(settings.tables, args.kind)
    journal = ImportJournal(load_local_settings().import_journal, settings.aws_endpoint_url, settings.region)

    def progress(done: int, total: int) -> None:
        if total >= 2000 and done // 1000 > (done - 25) // 1000:
            print(f"  {done // 1000 * 1000:,} of {total:,} {args.kind} written…", flush=True)

    writer = DynamoRecordWriter(journal, progress, source=str(path))
    stage = [f"before writing to {table}; nothing was imported"]  # what a Ctrl-C or SIGTERM outside the writer stopped
    with interruptible():
        try:
            _finish_earlier_imports(settings, journal, stage)
            stage[0] = f"before writing to {table}; nothing was imported"
            return _import_file(args, path, settings, writer)
        except ImportCancelledError as exc:
            print(f"parley data import: {exc}.", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt as interrupt:
            signum = signal_of(interrupt)
            where = f"after the import had finished: it is all in {table}" if writer.finished else stage[0]
            print(f"parley data import: stopped by {NAMES[signum]} {where}.", file=sys.stderr)
            return 128 + int(signum)
        except StorageError as exc:
            print(f"parley data import: {exc}", file=sys.stderr)
            return 1


def _finish_earlier_imports(settings: Settings, journal: ImportJournal, stage: list[str]) -> None:
    """Before anything else: the imports into these tables that were killed before they were written whole."""
    from parley.data.dynamo_import import finish_interrupted
    from parley.data.tables import bind_models, create_missing_tables
    from parley.wiring import aws_client

    bind_models(settings)
    if settings.is_local_endpoint:
        create_missing_tables(settings, aws_client("dynamodb", settings))
    for entry in journal.pending():
        stage[0] = f"while finishing an earlier import into {entry.table} (the next import goes on with it)"
        count = finish_interrupted(entry)
        journal.finish(entry.table)
        print(f"Finished the import into {entry.table} from {entry.source} (started {entry.started_at}), which was "
              f"stopped before all of it was written: {count:,} items.", flush=True)  # fmt: skip


def _import_file(args: argparse.Namespace, path: Path, settings: Settings, writer: RecordWriter) -> int:
    from parley.data.importer import DataKind
    from parley.data.importing import import_file

    result = import_file(DataKind(args.kind), path, settings, writer)
    if not result.ok:
        print(f"{path}: {len(result.errors)} problem(s); nothing was imported.", file=sys.stderr)
        for error in result.errors:
            print(f"  {path.name}: {error}", file=sys.stderr)
        return 1
    table = getattr(settings.tables, args.kind)
    print(f"Imported {result.written} {args.kind} from {path} into {table}.")
    return 0
