"""AWS clients and secrets for the composition root: short timeouts and few retries where a customer or Meta waits,
and the app secret read through Powertools' parameters utility, cached for five minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from parley.config import (
    CredentialsUnavailableError,
    MetaCredentials,
    Settings,
    load_log_hash_key,
    load_meta_credentials,
)
from parley.observability import use_log_hash_key

# botocore retries a throttled or failing call for seconds by default (60 s reads, 3 attempts): too long for a caller.
# Beware: its "max_attempts" counts retries after the first attempt, "total_max_attempts" every attempt.
AWS_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=5)
# The webhook's own calls (SQS, DynamoDB, Secrets Manager): Meta (or an agent's tool) waits, and the function has 10 s
# (the shared config above allowed 3 x (2 + 5) s, and a hanging AWS held the webhook past it). At worst a call takes
# 2 attempts x (1 + 1) s plus one backoff (botocore's standard mode waits under 1 s before a retry): 5 s, then the
# webhook answers 500 and Meta redelivers. The one place two calls can fail in a row without an answer in
# between is a delivery status (pseudonym keys read, then Firehose, both only logged on failure): 5 + 2 s, still
# inside 10 (tests/integration/test_webhook_when_aws_hangs.py holds this sum to the template's timeout).
WEBHOOK_AWS_CONFIG = Config(retries={"total_max_attempts": 2, "mode": "standard"}, connect_timeout=1, read_timeout=1)
WEBHOOK_FIREHOSE_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=1, read_timeout=1
)
# Firehose: the sink retries the records that failed itself, and analytics must never hold a reply up for long.
FIREHOSE_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1, read_timeout=3)
# Batch work reading and writing S3 for minutes: more patience than the webhook's calls, still bounded.
BATCH_AWS_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)


def aws_client(service: str, settings: Settings, config: Config = AWS_CONFIG) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint_url,
        config=config,
    )


class LazyClient:
    """A boto3 client made on first use: a cold start does not pay for a client its requests may never need."""

    def __init__(self, service: str, settings: Settings, config: Config = AWS_CONFIG) -> None:
        self._make = lambda: aws_client(service, settings, config)
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = self._make()
        return getattr(self._client, name)


def _secret_fetcher(settings: Settings, config: Config) -> Callable[[str], str]:
    """Reads a secret through Powertools' parameters utility, cached for five minutes so a rotation is seen."""
    provider: Any = None

    def fetch_secret(name: str) -> str:
        nonlocal provider
        from aws_lambda_powertools.utilities.parameters import SecretsProvider
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        if provider is None:
            provider = SecretsProvider(boto3_client=aws_client("secretsmanager", settings, config))
        try:
            value = provider.get(name, max_age=300)
        except GetParameterError as exc:
            raise CredentialsUnavailableError(f"cannot read secret {name}") from exc
        return value if isinstance(value, str) else bytes(value).decode()

    return fetch_secret


def secret_fetcher(settings: Settings, config: Config = AWS_CONFIG) -> Callable[[str], str] | None:
    """One reader of the stack's secrets (the app secret, which Meta credentials, the translation key and the agents'
    token share, and the log hash key); None when the configuration names neither."""
    if settings.meta_secret_name or settings.log_hash_key_secret_name:
        return _secret_fetcher(settings, config)
    return None


def credentials_provider(
    settings: Settings, fetch_secret: Callable[[str], str] | None = None
) -> Callable[[], MetaCredentials]:
    """Meta credentials, fetched lazily and cached for five minutes so a rotated secret is picked up; those set in the
    environment were read with the settings, at start-up."""
    fetch_secret = fetch_secret or secret_fetcher(settings)

    def provide() -> MetaCredentials:
        return load_meta_credentials(settings, fetch_secret=fetch_secret)

    return provide


def install_log_hash_key(settings: Settings, fetch_secret: Callable[[str], str] | None = None) -> None:
    """At a cold start: user ids in this function's logs, traces and channel events are hashed under the stack's key
    (LOG_HASH_KEY, else the secret LOG_HASH_KEY_SECRET_NAME names), read on first use and kept for the life of the
    process, so every function of the stack hashes a customer alike."""
    fetch_secret = fetch_secret or secret_fetcher(settings)
    use_log_hash_key(lambda: load_log_hash_key(settings, fetch_secret=fetch_secret))
