"""Fixtures shared by all test layers. Unit tests never open a socket; AWS is moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parley.config import Settings, load_settings

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "parley-tests",
    # CloudWatch metrics are not printed (the tests of the metrics switch them on).
    "POWERTOOLS_METRICS_DISABLED": "true",
    # No test reaches a translation provider; the tests of the pivot put a double in its place.
    "TRANSLATION_PROVIDER": "none",
}


@pytest.fixture(scope="session")
def intent_model_artifact(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where the handlers keep the intent model they train, for the whole session: each cold start of a handler
    under test then loads it, as from the layer, instead of training again."""
    return str(tmp_path_factory.mktemp("models") / "intents.npz")


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, intent_model_artifact: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees a developer's real AWS profile, endpoint or Meta secrets."""
    from parley.config import META_SECRET_KEYS

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "GRAPH_API_URL",
                 "TRANSLATION_API_KEY", "TRANSLATION_REGION", "HANDOFF_TOPIC_ARN", "AGENT_API_TOKEN",
                 "AGENT_LANGUAGE", "OFFICE_HOURS", "OFFICE_TIMEZONE", "EVENTS_BUCKET", "EVENTS_STREAM_NAME",
                 "UNRECOGNISED_STREAM_NAME", "LOG_HASH_KEY", "LOG_HASH_KEY_SECRET_NAME", "GRAPH_API_TIMEOUT_SECONDS",
                 "GRAPH_API_MAX_ATTEMPTS", "GRAPH_API_DEADLINE_SECONDS", "RETRY_HORIZON_SECONDS",
                 "RETRY_FIRST_DELAY_SECONDS", "REPLY_LATE_SECONDS", *META_SECRET_KEYS):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PARLEY_INTENT_MODEL", intent_model_artifact)
    monkeypatch.setenv("PARLEY_INTENT_MODEL_SAVE", "1")
    # An import's journal (a test may leave one on purpose) never reaches a developer's own cache.
    monkeypatch.setenv("PARLEY_IMPORT_JOURNAL_DIR", str(tmp_path_factory.mktemp("imports")))
    # Ids are hashed under a key a handler's cold start names (maybe a secret on a moto now gone): each test starts
    # with a key of its own, as a fresh process would.
    from parley.observability import use_log_hash_key

    use_log_hash_key(None)


@pytest.fixture
def aws() -> Iterator[Settings]:
    """In-process moto with every Parley table created from the models, and the models bound to them."""
    from moto import mock_aws

    from parley.data.tables import bind_models, create_tables
    from parley.local.atomic_moto import serialise_dynamodb

    # Tests deliver one message from two threads at once: moto must apply a conditional write as atomically as
    # DynamoDB does, or both deliveries would claim the message.
    serialise_dynamodb()
    with mock_aws():
        import boto3

        settings = load_settings()
        bind_models(settings)
        create_tables(settings, boto3.client("dynamodb", region_name=settings.region))
        yield settings
