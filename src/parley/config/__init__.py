"""Configuration: the only reader of the environment. Settings are read once, at start-up, and checked up front;
every other module is handed what it needs (see parley.wiring, the composition root)."""

from parley.config.local import LocalSettings, load_local_settings
from parley.config.reports import (
    MAX_RECIPIENTS,
    PRICE_PER_MILLION,
    ReportSettings,
    load_report_settings,
    parse_recipients,
)
from parley.config.secrets import MetaCredentials, load_agent_token, load_meta_credentials, load_translation_key
from parley.config.settings import (
    AGENT_TOKEN_NAME,
    DEFAULT_GRAPH_API_URL,
    DEFAULT_GRAPH_API_VERSION,
    DEFAULT_ORDER_ID_PATTERN,
    DEFAULT_PAGE_INBOX_APP_ID,
    META_SECRET_KEYS,
    MIN_AGENT_TOKEN_LENGTH,
    PAYMENT_METHOD_URL_PLACEHOLDERS,
    PAYMENT_URL_PLACEHOLDERS,
    TRANSLATION_KEY_NAME,
    TRANSLATION_PROVIDERS,
    ConfigError,
    CredentialsUnavailableError,
    Settings,
    Tables,
    load_settings,
)

__all__ = [
    "AGENT_TOKEN_NAME",
    "DEFAULT_GRAPH_API_URL",
    "DEFAULT_GRAPH_API_VERSION",
    "DEFAULT_ORDER_ID_PATTERN",
    "DEFAULT_PAGE_INBOX_APP_ID",
    "MAX_RECIPIENTS",
    "META_SECRET_KEYS",
    "MIN_AGENT_TOKEN_LENGTH",
    "PAYMENT_METHOD_URL_PLACEHOLDERS",
    "PAYMENT_URL_PLACEHOLDERS",
    "PRICE_PER_MILLION",
    "TRANSLATION_KEY_NAME",
    "TRANSLATION_PROVIDERS",
    "ConfigError",
    "CredentialsUnavailableError",
    "LocalSettings",
    "MetaCredentials",
    "ReportSettings",
    "Settings",
    "Tables",
    "load_agent_token",
    "load_local_settings",
    "load_meta_credentials",
    "load_report_settings",
    "load_settings",
    "load_translation_key",
    "parse_recipients",
]
