"""Ctrl-C and SIGTERM during an import: the first one stops it where it is (a KeyboardInterrupt, so the writer puts
the table back), later ones are ignored while that happens, and none can cut a restore short.

Python raises KeyboardInterrupt for SIGINT wherever the main thread happens to be; SIGTERM, by default, ends the
process on the spot, which left half an import and said nothing. Signal handlers can only be set from the main
thread: elsewhere (an import run by the local stack's thread) these are no-ops and Python's defaults apply.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from parley.domain.ports import StorageError

SIGNALS = (signal.SIGINT, signal.SIGTERM)
NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process was, like Ctrl-C's KeyboardInterrupt (so one `except` handles both)."""

    signum = signal.SIGTERM


def signal_of(interrupt: KeyboardInterrupt) -> signal.Signals:
    return signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT


class ImportCancelledError(StorageError):
    """An import stopped by Ctrl-C or SIGTERM, its table put back as it was (or, if that failed, left to the next
    import to finish: `restored` False)."""

    def __init__(self, message: str, signum: signal.Signals, restored: bool = True) -> None:
        super().__init__(message)
        self.signum = signum
        self.restored = restored

    @property
    def exit_code(self) -> int:
        # What a shell reports for a process its signal ended: 130 for Ctrl-C, 143 for SIGTERM.
        return 128 + int(self.signum) if self.restored else 1


@dataclass
class _State:
    received: signal.Signals | None = None  # the first interruption
    shielded: int = 0  # inside a restore: record, never raise


_state = _State()


def _handle(signum: int, frame: FrameType | None) -> None:
    first = _state.received is None
    if first:
        _state.received = signal.Signals(signum)
    if first and not _state.shielded:
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def interruptible() -> Iterator[None]:
    """While an import runs: the first Ctrl-C or SIGTERM raises KeyboardInterrupt (Terminated for SIGTERM) where it
    is; any later one is ignored, so the restore it starts is not cut short."""
    if not _main_thread():
        yield
        return
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in SIGNALS}
    _state.received = None
    for signum in SIGNALS:
        signal.signal(signum, _handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _state.received = None


@contextmanager
def shielded() -> Iterator[None]:
    """A section no Ctrl-C or SIGTERM may cut short (putting a table back): they are recorded, not raised."""
    if not _main_thread():
        yield
        return
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in SIGNALS}
    outermost = previous[signal.SIGINT] is not _handle
    if outermost:
        _state.received = None
    _state.shielded += 1
    for signum in SIGNALS:
        signal.signal(signum, _handle)
    try:
        yield
    finally:
        _state.shielded -= 1
        for number, handler in previous.items():
            signal.signal(number, handler)
