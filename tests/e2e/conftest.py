"""End-to-end tests run whole stacks for a module at a time and manage the environment themselves."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from parley.local.session import LocalSession


@pytest.fixture(autouse=True)
def _isolated_env() -> None:
    """Overrides the per-test isolation: a running stack keeps the environment it started with."""


@pytest.fixture(scope="module")
def session() -> Iterator[LocalSession]:
    """The local stack with the demo data, the Graph API stand-in and embedded moto, for one test module."""
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})  # fmt: skip
    for name in ("AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "AWS_PROFILE"):
        os.environ.pop(name, None)
    running = LocalSession().start()
    yield running
    running.stop()
    os.environ.clear()
    os.environ.update(saved)
