"""A small Graph API client: JSON over HTTPS with a timeout on every call and retries only where they help."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Meta's throttling codes (application, user, page and WhatsApp pair/account rate limits).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80007, 130429, 131048, 131056})


class GraphApiError(RuntimeError):
    def __init__(self, status: int, code: int | None, message: str, retryable: bool) -> None:
        super().__init__(f"Graph API {status} (code {code}): {message}")
        self.status = status
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class GraphRequest:
    path: str
    body: dict[str, Any]
    token: str


class GraphClient:
    def __init__(
        self,
        base_url: str,
        version: str,
        timeout_seconds: float = 5.0,
        attempts: int = 3,
        deadline_seconds: float = 12.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = f"{base_url.rstrip('/')}/{version}"
        self._timeout = timeout_seconds
        self._attempts = attempts
        self._deadline = deadline_seconds
        self._sleep = sleep
        self._monotonic = monotonic

    def post(self, request: GraphRequest) -> dict[str, Any]:
        started = self._monotonic()
        for attempt in range(1, self._attempts + 1):
            try:
                return self._post_once(request)
            except GraphApiError as exc:
                delay = min(8.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
                out_of_time = self._monotonic() - started + delay + self._timeout > self._deadline
                if not exc.retryable or attempt == self._attempts or out_of_time:
                    raise
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(self, request: GraphRequest) -> dict[str, Any]:
        data = json.dumps(request.body, ensure_ascii=False).encode()
        http_request = urllib.request.Request(  # noqa: S310 - the base URL is configuration, checked http(s)
            f"{self._base}/{request.path.lstrip('/')}",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {request.token}"},
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self._timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise self._error(exc.code, exc.read()) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise GraphApiError(0, None, f"unreachable: {type(exc).__name__}", retryable=True) from exc
        try:
            parsed: dict[str, Any] = json.loads(payload or b"{}")
        except json.JSONDecodeError:
            parsed = {}
        return parsed

    @staticmethod
    def _error(status: int, raw: bytes) -> GraphApiError:
        try:
            error = json.loads(raw).get("error", {})
        except (json.JSONDecodeError, AttributeError):
            error = {}
        code = error.get("code") if isinstance(error, dict) else None
        message = str(error.get("message", "")) if isinstance(error, dict) else ""
        retryable = status == 429 or status >= 500 or code in RATE_LIMIT_CODES
        return GraphApiError(status, code if isinstance(code, int) else None, message[:200], retryable)
