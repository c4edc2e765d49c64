"""Meta's X-Hub-Signature-256: HMAC-SHA256 of the raw request body, keyed with the app secret."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(raw_body: bytes, app_secret: str) -> str:
    return PREFIX + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def is_valid(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time check over the exact bytes Meta signed; re-serialised JSON would not match."""
    if not header or not app_secret or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(raw_body, app_secret).encode(), header.strip().encode())
