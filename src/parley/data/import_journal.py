"""The import journal: what an import is about to write, kept on disk until every item is written, so that an
import killed outright (SIGKILL, a closed laptop, a lost CI runner's process) is finished by the next
`parley data import` on this machine.

Ctrl-C and SIGTERM never need it: the writer puts the table back before the process ends. Only a process that could
not run another line leaves a journal, and then the table holds part of the import. The next run finishes it rather
than undoing it: every item is written again (a put of the whole item, so a second time changes nothing), which
leaves the table exactly as if the import had finished; undoing it from a snapshot taken before, hours later,
would put back orders as they stood then, over the cancellations customers made since.

One file per import, named after the endpoint, region and table, written to a temporary name, flushed to disk and
renamed before the first item is written (so a file is whole or absent); readable by its owner only (it holds the
same personal data as the CSV file); deleted once the import is written, or put back.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass(frozen=True)
class JournalEntry:
    path: Path
    table: str  # the table's configured name
    model: str  # its Settings.tables field (customers, orders…)
    source: str  # the file imported
    started_at: str  # ISO 8601, UTC
    pid: int
    items: list[dict[str, Any]]  # each item as DynamoDB holds it (pynamodb's serialize())


class ImportJournal:
    def __init__(self, directory: Path, endpoint: str | None, region: str) -> None:
        """`endpoint`: AWS_ENDPOINT_URL (None: AWS); with `region`, it keeps a journal of an import into a local
        moto from being finished against AWS, and the other way round."""
        self.directory = directory
        self._scope = f"{endpoint or 'aws'}|{region}"

    def path_for(self, table: str) -> Path:
        digest = hashlib.sha256(f"{self._scope}|{table}".encode()).hexdigest()[:24]
        return self.directory / f"import-{digest}.json"

    def begin(
        self, table: str, model: str, source: str, started_at: str, items: Sequence[dict[str, Any]]
    ) -> JournalEntry:
        entry = JournalEntry(self.path_for(table), table, model, source, started_at, os.getpid(), list(items))
        document = {
            "version": VERSION, "scope": self._scope, "table": table, "model": model, "source": source,
            "started_at": started_at, "pid": entry.pid, "items": entry.items,
        }  # fmt: skip
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = entry.path.with_suffix(f".{entry.pid}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, entry.path)
        finally:
            temporary.unlink(missing_ok=True)
        self._sync_directory()
        return entry

    def finish(self, table: str) -> None:
        self.path_for(table).unlink(missing_ok=True)

    def pending(self) -> list[JournalEntry]:
        """Imports into this endpoint that were killed before they finished (not those still running elsewhere)."""
        found = []
        for path in sorted(self.directory.glob("import-*.json")) if self.directory.is_dir() else ():
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if document.get("scope") != self._scope or _running(int(document.get("pid", 0))):
                continue
            table, model, source, started_at = (str(document[n]) for n in ("table", "model", "source", "started_at"))
            found.append(JournalEntry(path, table, model, source, started_at, int(document["pid"]), document["items"]))
        return found

    def _sync_directory(self) -> None:
        # The rename itself must reach the disk before the first item is written.
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _running(pid: int) -> bool:
    """Another process of this machine still running that import (this process's own entries are leftovers)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
