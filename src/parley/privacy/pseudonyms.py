"""Pseudonyms for analytics events: HMAC-SHA256 of a raw id under a key of its own subject, so erasing a customer's
keys leaves their past events with no way back to them.

Subjects are a conversation ("whatsapp#14155550123") and a customer ("CUST-1001"). Each has a random 32-byte key in
the pseudonym-keys table, stored under a SHA-256 of the subject, so the table lists no phone number or PSID. A
conversation's key also makes its messages' pseudonyms. Keys are cached per execution environment: a warm turn makes
no call for them. A cached key lives at most CACHE_SECONDS, so an erasure done elsewhere (`parley privacy erase`)
stops being used everywhere within that time; an erasure in this process drops it at once.

Light on purpose: the webhook imports this module (its reader uses boto3; pynamodb stays in fulfillment).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# Hex digits of a pseudonym: 64 bits of an HMAC, more than enough to tell millions of subjects apart.
PSEUDONYM_LENGTH = 16


KEY_BYTES = 32
CACHE_SECONDS = 3600
CACHE_ENTRIES = 20_000  # about 4 MB at most


class KeyStoreError(RuntimeError):
    """The key table could not be read or written now."""


def conversation_subject(conversation_key: str) -> str:
    return f"conversation#{conversation_key}"


def customer_subject(customer_id: str) -> str:
    return f"customer#{customer_id}"


def subject_id(subject: str) -> str:
    """What the key table is keyed by: a SHA-256 of the subject, never the subject itself."""
    return hashlib.sha256(subject.encode()).hexdigest()


def pseudonym(key: bytes, raw: str) -> str:
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


class KeyStore(Protocol):
    """Per-subject keys, by subject id (see subject_id)."""

    def get_many(self, ids: Sequence[str]) -> dict[str, bytes]:
        """The keys of those ids that have one; raises KeyStoreError."""
        ...

    def create(self, id_: str, key: bytes) -> bytes:
        """Store `key` for id_ unless it has one already; the key it has now. Raises KeyStoreError."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Delete the keys of these ids (those that have none are skipped). Raises KeyStoreError."""
        ...


@dataclass(frozen=True)
class Names:
    """The pseudonyms of one conversation (and its customer): "" where no key could be had."""

    conversation: str = ""
    customer: str = ""
    _key: bytes = field(default=b"", repr=False)

    def message(self, message_id: str) -> str:
        """A message's pseudonym, under its conversation's key ("" without an id or a key)."""
        return pseudonym(self._key, f"message#{message_id}") if message_id and self._key else ""


class Pseudonyms:
    """Keys fetched once and cached; created on first use unless `create` is False (the webhook only reads)."""

    def __init__(
        self,
        store: KeyStore,
        *,
        create: bool = True,
        clock: Callable[[], float] = time.monotonic,
        new_key: Callable[[int], bytes] = secrets.token_bytes,
        cache_seconds: float = CACHE_SECONDS,
        cache_entries: int = CACHE_ENTRIES,
    ) -> None:
        self._store = store
        self._create = create
        self._clock = clock
        self._new_key = new_key
        self._cache_seconds = cache_seconds
        self._cache_entries = cache_entries
        self._cache: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._lock = threading.Lock()

    def names(self, conversation_key: str, customer_id: str | None = None) -> Names:
        """The pseudonyms of a conversation and its customer: one batch read for whichever keys are not cached, a
        write for each that does not exist yet. Raises KeyStoreError when the table cannot be reached."""
        wanted = {"conversation": conversation_subject(conversation_key)}
        if customer_id:
            wanted["customer"] = customer_subject(customer_id)
        keys = self._keys(wanted.values())
        conversation_key_bytes = keys.get(wanted["conversation"], b"")
        customer_key = keys.get(wanted.get("customer", ""), b"")
        return Names(
            conversation=pseudonym(conversation_key_bytes, conversation_key) if conversation_key_bytes else "",
            customer=pseudonym(customer_key, customer_id) if customer_key and customer_id else "",
            _key=conversation_key_bytes,
        )

    def conversations(self, conversation_keys: Iterable[str]) -> dict[str, Names]:
        """The pseudonyms of several conversations, their keys read in one batch. Raises KeyStoreError."""
        wanted = {c: conversation_subject(c) for c in conversation_keys}
        keys = self._keys(wanted.values())
        return {c: Names(pseudonym(keys[s], c), _key=keys[s]) if s in keys else Names() for c, s in wanted.items()}

    def forget(self, customer_id: str | None, conversation_keys: Iterable[str]) -> None:
        """Erase the keys of a customer and of conversations: their events can no longer be linked to them."""
        subjects = [conversation_subject(c) for c in conversation_keys]
        if customer_id:
            subjects.append(customer_subject(customer_id))
        ids = sorted({subject_id(s) for s in subjects})
        with self._lock:
            for id_ in ids:
                self._cache.pop(id_, None)
        if ids:
            self._store.delete(ids)

    def _keys(self, subjects: Iterable[str]) -> dict[str, bytes]:
        by_id = {subject_id(s): s for s in subjects}
        found: dict[str, bytes] = {}
        now = self._clock()
        with self._lock:
            for id_, subject in by_id.items():
                cached = self._cache.get(id_)
                if cached is not None and now - cached[1] < self._cache_seconds:
                    found[subject] = cached[0]
        missing = [id_ for id_, subject in by_id.items() if subject not in found]
        if not missing:
            return found
        fetched: Mapping[str, bytes] = self._store.get_many(missing)
        for id_ in missing:
            key = fetched.get(id_)
            if key is None and self._create:
                # A conditional write: two environments creating the same key at once agree on the first one.
                key = self._store.create(id_, self._new_key(KEY_BYTES))
            if key is not None:
                found[by_id[id_]] = key
                self._remember(id_, key, now)
        return found

    def _remember(self, id_: str, key: bytes, now: float) -> None:
        with self._lock:
            self._cache[id_] = (key, now)
            self._cache.move_to_end(id_)
            while len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)


class DynamoKeyReader:
    """The webhook's read-only view of the key table through plain boto3 (no pynamodb on the webhook's path)."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def get_many(self, ids: Sequence[str]) -> dict[str, bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        found: dict[str, bytes] = {}
        request: dict[str, Any] = {
            self._table: {
                "Keys": [{"subject": {"S": i}} for i in ids],
                "ProjectionExpression": "subject, hmac_key",
            }
        }
        for _ in range(2):  # DynamoDB may leave some keys for a second request
            try:
                response = self._client.batch_get_item(RequestItems=request)
            except (ClientError, BotoCoreError) as exc:
                raise KeyStoreError("pseudonym keys could not be read") from exc
            for item in response.get("Responses", {}).get(self._table, []):
                found[item["subject"]["S"]] = bytes.fromhex(item["hmac_key"]["S"])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        return found

    def create(self, id_: str, key: bytes) -> bytes:
        raise KeyStoreError("the webhook does not create pseudonym keys")

    def delete(self, ids: Sequence[str]) -> None:
        raise KeyStoreError("the webhook does not delete pseudonym keys")
