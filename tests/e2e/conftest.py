"""End-to-end tests run whole stacks for a module at a time and manage the environment themselves."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_env() -> None:
    """Overrides the per-test isolation: a running stack keeps the environment it started with."""
