"""Analytics events as fulfillment records them, in memory: the recorder with an in-memory sink and key store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes import InMemoryEventSink, InMemoryKeyStore
from parley.analytics.recording import EventRecorder
from parley.privacy.pseudonyms import Pseudonyms


class Recording:
    """What a recorder emitted: `events` (schema Events) and `unrecognised` records; `keys` is the key table."""

    def __init__(self, clock: Callable[[], float] | None = None, translation: Any = None) -> None:
        self.sink, self.unrecognised_sink, self.keys = InMemoryEventSink(), InMemoryEventSink(), InMemoryKeyStore()
        self.pseudonyms = Pseudonyms(self.keys)
        options: dict[str, Any] = {"unrecognised": self.unrecognised_sink, "translation": translation}
        if clock is not None:
            options["clock"] = clock
        self.recorder = EventRecorder(self.sink, self.pseudonyms, **options)

    @property
    def events(self) -> list[Any]:
        return self.sink.events

    @property
    def unrecognised(self) -> list[dict[str, Any]]:
        return [record.to_dict() for record in self.unrecognised_sink.events]

    def types(self) -> list[str]:
        return [e.type.value for e in self.events]

    def of(self, kind: str) -> list[Any]:
        return [e for e in self.events if e.type.value == kind]

    def clear(self) -> None:
        self.sink.events.clear()
        self.unrecognised_sink.events.clear()
