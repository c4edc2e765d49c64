"""The DynamoDB adapter of attempts at proving who you are (domain.proof_limits): one small item per order number or
email hash, counted with conditional updates so that concurrent attempts from many conversations never pass a limit,
and expiring with its window (TTL)."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import DoesNotExist, PynamoDBException, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from parley.data.dynamo_mapping import ATTEMPTS, condition_failed
from parley.data.models import ProofAttemptModel
from parley.domain.ports import StorageError
from parley.domain.proof_limits import Subject, Tally, counted

_Model = ProofAttemptModel


class DynamoProofAttempts:
    def count(self, subjects: Sequence[Subject], now: int, window_seconds: int) -> Subject | None:
        done: list[Subject] = []
        for subject in subjects:
            if not self._count(subject, now, window_seconds):
                self.take_back(done, now)
                return subject
            done.append(subject)
        return None

    def take_back(self, subjects: Sequence[Subject], now: int) -> None:
        for subject in subjects:
            try:
                _Model(subject.key).update(
                    actions=[_Model.attempts.add(-1)],
                    condition=(_Model.window_ends > now) & (_Model.attempts > 0),
                )
            except UpdateError as exc:
                if not condition_failed(exc):  # nothing to take back (the window ended): nothing to do
                    raise StorageError("taking back an attempt at proving who the sender is failed") from exc

    def _count(self, subject: Subject, now: int, window_seconds: int) -> bool:
        """One more attempt in the subject's window (proof_limits.counted), atomically: False when refused."""
        item = _Model(subject.key)
        ends = now + window_seconds
        for _ in range(ATTEMPTS):
            # The usual case: a window is open and below its limit.
            below_limit = (_Model.window_ends > now) & (_Model.attempts < subject.allowed)
            if self._update(item, [_Model.attempts.add(1)], below_limit):
                return True
            # No window open (never counted, or the last one ended): this attempt starts one.
            fresh = [_Model.attempts.set(1), _Model.window_ends.set(ends), _Model.expires_at.set(ends)]
            if self._update(item, fresh, _Model.subject.does_not_exist() | (_Model.window_ends <= now)):
                return True
            # Either the open window is at its limit, or another attempt started one between the two writes.
            if counted(self._tally(subject.key), subject.allowed, now, window_seconds) is None:
                return False
        return False  # contended all along: refusing is the safe answer (the sender is asked to try later)

    @staticmethod
    def _update(item: ProofAttemptModel, actions: Sequence[Action], condition: Condition) -> bool:
        try:
            item.update(actions=list(actions), condition=condition)
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise StorageError("counting an attempt at proving who the sender is failed") from exc
        return True

    @staticmethod
    def _tally(key: str) -> Tally | None:
        try:
            item = _Model.get(key, consistent_read=True)
        except DoesNotExist:
            return None
        except PynamoDBException as exc:
            raise StorageError("reading the attempts at proving who the sender is failed") from exc
        return Tally(int(item.attempts or 0), int(item.window_ends or 0))
