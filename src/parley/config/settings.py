"""Settings: read once from the environment, at start-up (a Lambda cold start), and checked up front.

This package is the only reader of the environment in Parley: every other module is handed what it needs."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import TypeVar
from urllib.parse import urlparse

from parley.config.identity import IdentitySettingError, load_proof_limits, shared_phone_numbers
from parley.domain.language import language_code
from parley.domain.office_hours import OfficeHours, OfficeHoursError, parse_office_hours
from parley.domain.proof_limits import ProofLimits

DEFAULT_GRAPH_API_URL = "https://graph.facebook.com"
DEFAULT_GRAPH_API_VERSION = "v25.0"
DEFAULT_ORDER_ID_PATTERN = r"ORD[\s\-_#]*(\d{4,10})"
# The Facebook Page Inbox's app id: handing a Messenger conversation to it puts it in front of the Page's people.
DEFAULT_PAGE_INBOX_APP_ID = "263902037430900"

# The names of the Meta credentials, both as environment variables and as keys of the JSON secret.
META_SECRET_KEYS = (
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "MESSENGER_PAGE_ACCESS_TOKEN",
)
# The translation provider's key (DeepL, Microsoft): an environment variable locally, a key of the same secret on AWS.
TRANSLATION_KEY_NAME = "TRANSLATION_API_KEY"
# "none" switches machine translation off: languages without a catalog are answered in English with an apology.
TRANSLATION_PROVIDERS = ("google", "deepl", "microsoft", "none")
# What PAYMENT_URL_TEMPLATE and PAYMENT_METHOD_URL_TEMPLATE may name.
PAYMENT_URL_PLACEHOLDERS = frozenset({"invoice_id", "customer_id", "language"})
PAYMENT_METHOD_URL_PLACEHOLDERS = frozenset({"customer_id", "language"})
# The bearer token of the agent endpoint (POST /agent/...): an environment variable locally, a key of the same
# secret on AWS. Shorter tokens are refused: the endpoint speaks to customers in the business's name.
AGENT_TOKEN_NAME = "AGENT_API_TOKEN"  # noqa: S105 (the variable's name, not a token)
MIN_AGENT_TOKEN_LENGTH = 16
# The key user ids in logs, traces and channel events are hashed under (HMAC-SHA256): LOG_HASH_KEY in the environment
# (locally: `parley serve` makes one when it is not set), else the secret LOG_HASH_KEY_SECRET_NAME names, which the
# template generates for each stack (see config.secrets).
LOG_HASH_KEY_NAME = "LOG_HASH_KEY"
LOG_HASH_KEY_SECRET_NAME = "LOG_HASH_KEY_SECRET_NAME"  # noqa: S105 (the variable's name, not a key)
MIN_LOG_HASH_KEY_LENGTH = 32
# Secrets that may be set in the environment (locally; on AWS the secret holds them).
ENV_SECRET_NAMES = (*META_SECRET_KEYS, TRANSLATION_KEY_NAME, AGENT_TOKEN_NAME, LOG_HASH_KEY_NAME)


_T = TypeVar("_T")


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


class CredentialsUnavailableError(RuntimeError):
    """The Meta secret could not be read right now (Secrets Manager failed); retrying later may work."""


@dataclass(frozen=True)
class Tables:
    customers: str = "parley-customers"
    orders: str = "parley-orders"
    invoices: str = "parley-invoices"
    subscriptions: str = "parley-subscriptions"
    products: str = "parley-products"
    conversations: str = "parley-conversations"
    processed_messages: str = "parley-processed-messages"
    translation_cache: str = "parley-translation-cache"
    returns: str = "parley-returns"
    conversation_messages: str = "parley-conversation-messages"
    pseudonym_keys: str = "parley-pseudonym-keys"
    proof_attempts: str = "parley-proof-attempts"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Tables:
        defaults = cls()
        return cls(
            **{
                name: env.get(f"{name.upper()}_TABLE", getattr(defaults, name))
                for name in defaults.__dataclass_fields__
            }
        )


@dataclass(frozen=True)
class Settings:
    region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    tables: Tables = field(default_factory=Tables)
    inbound_queue_url: str = ""
    meta_secret_name: str = ""
    log_hash_key_secret_name: str = ""
    graph_api_url: str = DEFAULT_GRAPH_API_URL
    graph_api_version: str = DEFAULT_GRAPH_API_VERSION
    graph_timeout_seconds: float = 5.0
    order_id_pattern: str = DEFAULT_ORDER_ID_PATTERN
    default_language: str = "en"
    idempotency_days: int = 8
    conversation_ttl_days: int = 30
    # Days after delivery a return may be started (RETURN_WINDOW_DAYS).
    return_window_days: int = 30
    # How often proving who you are may fail: per conversation, and per order number and email across all of them.
    proof_limits: ProofLimits = field(default_factory=ProofLimits)
    # Several customers may have one phone number (SHARED_PHONE_NUMBERS=allow); by default an import refuses it.
    shared_phone_numbers: bool = False
    # The intent model built with the layer (PARLEY_INTENT_MODEL); without it the model is trained at cold start.
    intent_model_path: str = ""
    # Save a model trained at start-up as that artifact (PARLEY_INTENT_MODEL_SAVE=1), so the next start loads it.
    intent_model_save: bool = False
    # Graph API retries: throttling and 5xx are retried this many times in all, within this many seconds.
    graph_max_attempts: int = 3
    graph_deadline_seconds: float = 12.0
    # A message whose reply cannot go out (the Graph API or AWS down) is tried again, backing off from the first
    # delay, for this long before it is parked in the dead-letter queue (parley.fulfillment.retrying).
    retry_horizon_seconds: int = 21_600
    retry_first_delay_seconds: int = 10
    # A reply sent this long after the customer's message opens with an apology for the delay.
    reply_late_seconds: int = 600
    # Outside WhatsApp's 24-hour window only an approved template may be sent; without one nothing is sent.
    whatsapp_template_name: str = ""
    whatsapp_template_language: str = "en"
    messenger_page_inbox_app_id: str = DEFAULT_PAGE_INBOX_APP_ID
    # Machine translation for languages without a catalog (deep-translator): provider, our deadline per
    # translation, how long a translation stays cached, and Microsoft's resource region.
    translation_provider: str = "google"
    translation_deadline_seconds: float = 2.0
    translation_cache_days: int = 30
    translation_region: str = ""
    # Billing links: where a customer pays an invoice (empty: the invoice's own url) and changes their payment
    # method (empty: they are told to do it in their account or ask a person).
    payment_url_template: str = ""
    payment_method_url_template: str = ""
    # Handing over to people: the SNS topic agents are notified on, the language they read and write (transcripts
    # are translated into it, their replies from it), and when they are in (OFFICE_HOURS, OFFICE_TIMEZONE).
    handoff_topic_arn: str = ""
    agent_language: str = "en"
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    # Analytics: the Firehose streams of conversation events and of unrecognised messages (EVENTS_STREAM_NAME,
    # UNRECOGNISED_STREAM_NAME), or without them the bucket they are written to directly in the same layout
    # (EVENTS_BUCKET: the local stack); with neither, events go to the log and unrecognised messages are not kept.
    events_stream_name: str = ""
    unrecognised_stream_name: str = ""
    events_bucket: str = ""
    # Where the reply catalogs and troubleshooting guides are (PARLEY_LOCALES_DIR, PARLEY_GUIDES_DIR: the layer puts
    # them there in Lambda); empty: the repository's locales/ and guides/.
    locales_dir: str = ""
    guides_dir: str = ""
    # The secrets set in the environment itself (Meta's, the translation key, the agents' token), read with the rest
    # at start-up; on AWS they come from the secret instead (see config.secrets). Never printed.
    env_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_local_endpoint(self) -> bool:
        """True when AWS is an endpoint on this machine (moto), where Parley may create its own resources."""
        if not self.aws_endpoint_url:
            return False
        host = urlparse(self.aws_endpoint_url).hostname or ""
        return host in {"localhost", "127.0.0.1", "::1"} or host.startswith("127.")


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or int(raw) <= 0:
        raise ConfigError(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from environment variables; raises ConfigError on a malformed value."""
    env = os.environ if env is None else env
    graph_url = env.get("GRAPH_API_URL") or DEFAULT_GRAPH_API_URL
    if urlparse(graph_url).scheme not in {"http", "https"}:
        raise ConfigError(f"GRAPH_API_URL must be an http(s) URL, got {graph_url!r}")
    version = env.get("GRAPH_API_VERSION") or DEFAULT_GRAPH_API_VERSION
    if not version.startswith("v"):
        raise ConfigError(f"GRAPH_API_VERSION looks like v25.0, got {version!r}")
    check_log_hash_key(env.get(LOG_HASH_KEY_NAME))
    return Settings(
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        tables=Tables.from_env(env),
        inbound_queue_url=env.get("INBOUND_QUEUE_URL", ""),
        meta_secret_name=env.get("META_SECRET_NAME", ""),
        log_hash_key_secret_name=env.get(LOG_HASH_KEY_SECRET_NAME, ""),
        graph_api_url=graph_url.rstrip("/"),
        graph_api_version=version,
        graph_timeout_seconds=_float(env, "GRAPH_API_TIMEOUT_SECONDS", 5.0),
        order_id_pattern=env.get("ORDER_ID_PATTERN") or DEFAULT_ORDER_ID_PATTERN,
        default_language=env.get("DEFAULT_LANGUAGE") or "en",
        intent_model_path=env.get("PARLEY_INTENT_MODEL", ""),
        intent_model_save=(env.get("PARLEY_INTENT_MODEL_SAVE") or "").strip().lower() in {"1", "true", "yes"},
        graph_max_attempts=_positive_int(env, "GRAPH_API_MAX_ATTEMPTS", 3),
        graph_deadline_seconds=_float(env, "GRAPH_API_DEADLINE_SECONDS", 12.0),
        **_retries(env),
        whatsapp_template_name=(env.get("WHATSAPP_TEMPLATE_NAME") or "").strip(),
        whatsapp_template_language=(env.get("WHATSAPP_TEMPLATE_LANGUAGE") or "en").strip(),
        messenger_page_inbox_app_id=_app_id(env, "MESSENGER_PAGE_INBOX_APP_ID", DEFAULT_PAGE_INBOX_APP_ID),
        return_window_days=_positive_int(env, "RETURN_WINDOW_DAYS", 30),
        proof_limits=_identity(load_proof_limits, env),
        shared_phone_numbers=_identity(shared_phone_numbers, env),
        translation_provider=translation_provider(env),
        translation_deadline_seconds=_float(env, "TRANSLATION_DEADLINE_SECONDS", 2.0),
        translation_cache_days=_positive_int(env, "TRANSLATION_CACHE_DAYS", 30),
        translation_region=(env.get("TRANSLATION_REGION") or "").strip(),
        payment_url_template=_url_template(env, "PAYMENT_URL_TEMPLATE", PAYMENT_URL_PLACEHOLDERS),
        payment_method_url_template=_url_template(env, "PAYMENT_METHOD_URL_TEMPLATE", PAYMENT_METHOD_URL_PLACEHOLDERS),
        handoff_topic_arn=(env.get("HANDOFF_TOPIC_ARN") or "").strip(),
        agent_language=_agent_language(env),
        office_hours=_office_hours(env),
        events_stream_name=(env.get("EVENTS_STREAM_NAME") or "").strip(),
        unrecognised_stream_name=(env.get("UNRECOGNISED_STREAM_NAME") or "").strip(),
        events_bucket=(env.get("EVENTS_BUCKET") or "").strip(),
        locales_dir=(env.get("PARLEY_LOCALES_DIR") or "").strip(),
        guides_dir=(env.get("PARLEY_GUIDES_DIR") or "").strip(),
        env_secrets={name: env[name] for name in ENV_SECRET_NAMES if env.get(name)},
    )


def check_log_hash_key(key: str | None) -> None:
    """A key short enough to guess would make the hashes in logs as reversible as plain ones."""
    if key and len(key) < MIN_LOG_HASH_KEY_LENGTH:
        raise ConfigError(f"{LOG_HASH_KEY_NAME} must be at least {MIN_LOG_HASH_KEY_LENGTH} characters long")


def _retries(env: Mapping[str, str]) -> dict[str, int]:
    horizon = _positive_int(env, "RETRY_HORIZON_SECONDS", 21_600)
    first = _positive_int(env, "RETRY_FIRST_DELAY_SECONDS", 10)
    if first > 43_200:
        raise ConfigError(f"RETRY_FIRST_DELAY_SECONDS must be at most 43200 (SQS's 12 hours), got {first}")
    if horizon < first:
        raise ConfigError(f"RETRY_HORIZON_SECONDS ({horizon}) must be at least RETRY_FIRST_DELAY_SECONDS ({first})")
    if horizon > 259_200:
        raise ConfigError(f"RETRY_HORIZON_SECONDS must be at most 259200 (3 days: the queue keeps 4), got {horizon}")
    late = _positive_int(env, "REPLY_LATE_SECONDS", 600)
    return {"retry_horizon_seconds": horizon, "retry_first_delay_seconds": first, "reply_late_seconds": late}


def _url_template(env: Mapping[str, str], name: str, allowed: frozenset[str]) -> str:
    """An http(s) URL whose {placeholders} are all known, so a typo fails at start-up, not in a customer's chat."""
    template = (env.get(name) or "").strip()
    if not template:
        return ""
    hint = ", ".join(f"{{{p}}}" for p in sorted(allowed))
    try:
        fields = [(field, spec, conversion) for _, field, spec, conversion in Formatter().parse(template)]
    except ValueError as exc:
        raise ConfigError(f"{name} is not a valid template ({exc}); write placeholders as {hint}") from exc
    for placeholder, spec, conversion in fields:
        if placeholder is None:
            continue
        if placeholder not in allowed:
            raise ConfigError(f"{name} has an unknown placeholder {{{placeholder}}}; it may use {hint}")
        if spec or conversion:
            raise ConfigError(f"{name}: write {{{placeholder}}} plainly, without a format or conversion")
    if urlparse(template).scheme not in {"http", "https"} or not urlparse(template).netloc:
        raise ConfigError(f"{name} must be an absolute http(s) URL, got {template!r}")
    return template


def _identity(read: Callable[[Mapping[str, str]], _T], env: Mapping[str, str]) -> _T:
    try:
        return read(env)
    except IdentitySettingError as exc:
        raise ConfigError(str(exc)) from exc


def _agent_language(env: Mapping[str, str]) -> str:
    raw = (env.get("AGENT_LANGUAGE") or "en").strip()
    code = language_code(raw)
    if code is None:
        raise ConfigError(f"AGENT_LANGUAGE must be a language code like en or es, got {raw!r}")
    return code


def _office_hours(env: Mapping[str, str]) -> OfficeHours:
    try:
        return parse_office_hours(env.get("OFFICE_HOURS") or "", env.get("OFFICE_TIMEZONE") or "UTC")
    except OfficeHoursError as exc:
        raise ConfigError(str(exc)) from exc


def translation_provider(env: Mapping[str, str]) -> str:
    provider = (env.get("TRANSLATION_PROVIDER") or "google").strip().lower()
    if provider not in TRANSLATION_PROVIDERS:
        raise ConfigError(f"TRANSLATION_PROVIDER must be one of {', '.join(TRANSLATION_PROVIDERS)}, got {provider!r}")
    return provider


def _app_id(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a numeric Meta app id, got {raw!r}")
    return raw
