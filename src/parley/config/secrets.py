"""Secrets: Meta's credentials, the translation provider's key and the agents' bearer token, from the environment as
read at start-up (Settings.env_secrets) or from the JSON secret named by META_SECRET_NAME (on AWS); the log hash key
from the environment or the secret of its own named by LOG_HASH_KEY_SECRET_NAME."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from parley.config.settings import (
    AGENT_TOKEN_NAME,
    LOG_HASH_KEY_NAME,
    META_SECRET_KEYS,
    MIN_AGENT_TOKEN_LENGTH,
    TRANSLATION_KEY_NAME,
    ConfigError,
    Settings,
    check_log_hash_key,
)


@dataclass(frozen=True)
class MetaCredentials:
    app_secret: str = ""
    verify_token: str = ""
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    messenger_page_access_token: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> MetaCredentials:
        return cls(
            app_secret=values.get("META_APP_SECRET", ""),
            verify_token=values.get("META_VERIFY_TOKEN", ""),
            whatsapp_access_token=values.get("WHATSAPP_ACCESS_TOKEN", ""),
            whatsapp_phone_number_id=values.get("WHATSAPP_PHONE_NUMBER_ID", ""),
            messenger_page_access_token=values.get("MESSENGER_PAGE_ACCESS_TOKEN", ""),
        )

    def require(self, *names: str) -> None:
        missing = [n for n in names if not getattr(self, n)]
        if missing:
            env_names = ", ".join(n.upper() if n != "app_secret" else "META_APP_SECRET" for n in missing)
            raise ConfigError(f"missing Meta credentials: {env_names}")


def load_meta_credentials(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    fetch_secret: Callable[[str], str] | None = None,
) -> MetaCredentials:
    """Meta credentials from the environment, falling back to the JSON secret named by META_SECRET_NAME.

    On AWS the secret holds them, so they never appear in the template or in samconfig; locally the
    environment does (as read into `settings.env_secrets` at start-up; `env` replaces that snapshot in tests). A
    variable set in the environment wins over the secret, which helps rotation drills.
    """
    env = settings.env_secrets if env is None else env
    values = {k: v for k, v in _secret_values(settings, fetch_secret).items() if k in META_SECRET_KEYS}
    values.update({k: env[k] for k in META_SECRET_KEYS if env.get(k)})
    return MetaCredentials.from_mapping(values)


def load_translation_key(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    fetch_secret: Callable[[str], str] | None = None,
) -> str | None:
    """The translation provider's API key: TRANSLATION_API_KEY from the environment, else from the secret."""
    env = settings.env_secrets if env is None else env
    return env.get(TRANSLATION_KEY_NAME) or _secret_values(settings, fetch_secret).get(TRANSLATION_KEY_NAME) or None


def load_agent_token(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    fetch_secret: Callable[[str], str] | None = None,
) -> str | None:
    """The agent endpoint's bearer token: AGENT_API_TOKEN from the environment, else from the secret; None when
    neither has one. Raises ConfigError for a token too short to be safe."""
    env = settings.env_secrets if env is None else env
    token = env.get(AGENT_TOKEN_NAME) or _secret_values(settings, fetch_secret).get(AGENT_TOKEN_NAME) or None
    if token is not None and len(token) < MIN_AGENT_TOKEN_LENGTH:
        raise ConfigError(f"{AGENT_TOKEN_NAME} must be at least {MIN_AGENT_TOKEN_LENGTH} characters long")
    return token


def load_log_hash_key(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    fetch_secret: Callable[[str], str] | None = None,
) -> bytes | None:
    """The key user ids are hashed under in logs, traces and channel events: LOG_HASH_KEY from the environment, else
    the whole value of the secret named by LOG_HASH_KEY_SECRET_NAME (on AWS: a random string the template generated
    for this stack, so two stacks never name a customer alike); None when neither is there. Raises ConfigError for a
    key too short to be safe, CredentialsUnavailableError (from `fetch_secret`) when the secret cannot be read."""
    env = settings.env_secrets if env is None else env
    key = env.get(LOG_HASH_KEY_NAME)
    if not key and settings.log_hash_key_secret_name and fetch_secret is not None:
        key = fetch_secret(settings.log_hash_key_secret_name).strip()
    if not key:
        return None
    check_log_hash_key(key)
    return key.encode()


def _secret_values(settings: Settings, fetch_secret: Callable[[str], str] | None) -> dict[str, str]:
    if not settings.meta_secret_name or fetch_secret is None:
        return {}
    raw = fetch_secret(settings.meta_secret_name)
    try:
        loaded = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"secret {settings.meta_secret_name} is not a JSON object") from exc
    if not isinstance(loaded, dict):
        raise ConfigError(f"secret {settings.meta_secret_name} is not a JSON object")
    return {str(k): str(v) for k, v in loaded.items() if v}
