"""Where finished reports go: one S3 prefix per period, replaced as a whole when the period is run again."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

# DeleteObjects takes at most 1,000 keys per call.
_DELETE_BATCH = 1000


class ReportStoreError(RuntimeError):
    """S3 did not take the report; the run may be repeated (it overwrites the same keys)."""


def content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed == "application/json" else guessed


def report_prefix(kind: str, first_day: str) -> str:
    """reports/<daily|weekly>/<first day>/: a re-run of the same period lands in the same place."""
    return f"reports/{kind}/{first_day}/"


class S3ReportStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    def publish(self, prefix: str, root: Path, files: Sequence[Path]) -> list[str]:
        """Upload files (their paths under root kept, so the page's relative image links hold) under prefix,
        then delete whatever else a previous run left there. Returns the keys written."""
        if not prefix.endswith("/"):
            raise ValueError("a report prefix ends with /, so reports/daily/2025-03-09 never matches …-09x")
        keys: list[str] = []
        try:
            for path in files:
                relative = path.resolve().relative_to(root.resolve()).as_posix()
                key = prefix + relative
                with path.open("rb") as body:
                    self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type(path))
                keys.append(key)
            stale = [key for key in self._keys_under(prefix) if key not in set(keys)]
            for start in range(0, len(stale), _DELETE_BATCH):
                batch = stale[start : start + _DELETE_BATCH]
                response = self._s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
                )
                if response.get("Errors"):
                    raise ReportStoreError(
                        f"{len(response['Errors'])} stale file(s) of a previous run under "
                        f"s3://{self.bucket}/{prefix} could not be deleted"
                    )
        except (ClientError, BotoCoreError) as exc:
            code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else type(exc).__name__
            raise ReportStoreError(f"could not write the report to s3://{self.bucket}/{prefix} ({code})") from exc
        return keys

    def _keys_under(self, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return keys
