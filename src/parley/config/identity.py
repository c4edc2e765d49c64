"""Who is who: how often proving who you are may fail (domain.proof_limits), and whether customers may share a phone
number; read from the environment by config.settings."""

from __future__ import annotations

from collections.abc import Mapping

from parley.domain.proof_limits import ProofLimits

DEFAULTS = ProofLimits()
# Variable → (ProofLimits field, how many seconds one unit is).
VARIABLES = {
    "VERIFY_FAILURES_PER_CONVERSATION": ("per_conversation", 1),
    "VERIFY_LOCK_MINUTES": ("lock_seconds", 60),
    "VERIFY_FAILURES_PER_ORDER": ("per_order", 1),
    "VERIFY_FAILURES_PER_EMAIL": ("per_email", 1),
    "VERIFY_WINDOW_MINUTES": ("window_seconds", 60),
}


class IdentitySettingError(ValueError):
    """A malformed value (config.settings turns it into a ConfigError)."""


def load_proof_limits(env: Mapping[str, str]) -> ProofLimits:
    values: dict[str, int] = {}
    for name, (field_name, unit) in VARIABLES.items():
        raw = (env.get(name) or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) <= 0:
            raise IdentitySettingError(f"{name} must be a positive whole number, got {raw!r}")
        values[field_name] = int(raw) * unit
    return ProofLimits(**values)


def shared_phone_numbers(env: Mapping[str, str]) -> bool:
    """SHARED_PHONE_NUMBERS=allow: several customers may have one number (a family's, a shop's); a sender writing
    from it proves which customer they are. Default `refuse`: an import giving a number to a second customer fails."""
    raw = (env.get("SHARED_PHONE_NUMBERS") or "refuse").strip().lower()
    if raw not in {"allow", "refuse"}:
        raise IdentitySettingError(f"SHARED_PHONE_NUMBERS must be allow or refuse, got {raw!r}")
    return raw == "allow"
