"""End-to-end tests run whole stacks for a module at a time and manage the environment themselves."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from parley.local.session import LocalSession
from parley.local.stack import free_port


@pytest.fixture(autouse=True)
def _isolated_env() -> None:
    """Overrides the per-test isolation: a running stack keeps the environment it started with."""


@pytest.fixture(scope="session", autouse=True)
def _stack_env(intent_model_artifact: str) -> Iterator[None]:
    """What every stack and command started here inherits: no translation provider (no test reaches the
    internet), and one intent model trained for the whole session instead of at every start."""
    values = {"TRANSLATION_PROVIDER": "none", "PARLEY_INTENT_MODEL": intent_model_artifact,
              "PARLEY_INTENT_MODEL_SAVE": "1"}  # fmt: skip
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def session() -> Iterator[LocalSession]:
    """The local stack with the demo data, the Graph API stand-in and embedded moto, for one test module."""
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})  # fmt: skip
    for name in ("AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "AWS_PROFILE", "HANDOFF_TOPIC_ARN"):
        os.environ.pop(name, None)
    running = LocalSession().start()
    yield running
    running.stop()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A moto server of its own, as someone running `moto_server` beside Parley has it, starting empty: a moto server
    in this process shares its accounts with every other one here, so what an earlier module left is wiped first."""
    import urllib.request

    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    yield endpoint
    server.stop()
