"""Unit tests never open a socket: the network, local servers and AWS endpoints are for the integration and
end-to-end layers. Enforced for every test here (pytest-socket), not left to a comment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_sockets() -> Iterator[None]:
    disable_socket(allow_unix_socket=False)
    yield
    enable_socket()
