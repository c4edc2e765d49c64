"""Unit tests never open a socket: the network, local servers and AWS endpoints are for the integration and
end-to-end layers. Enforced for every test here (pytest-socket), not left to a comment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_socket import disable_socket, enable_socket

# Built at import, as at a cold start: X-Ray's SDK makes its UDP emitter (a socket, never used outside Lambda) when
# the tracer is made, so it is made here, before the guard goes up, whichever unit test happens to import it first.
import parley.observability  # noqa: F401


@pytest.fixture(autouse=True)
def _no_sockets() -> Iterator[None]:
    disable_socket(allow_unix_socket=False)
    yield
    enable_socket()
