"""The unit layer's guard itself: a unit test that tries the network fails at once instead of reaching it."""

from __future__ import annotations

import socket
import urllib.request

import pytest
from pytest_socket import SocketBlockedError

# pytest-socket warns whenever a test tries: here trying is the point.
pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")


def test_opening_a_socket_in_a_unit_test_fails() -> None:
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_an_http_call_in_a_unit_test_fails_before_reaching_anything() -> None:
    with pytest.raises(SocketBlockedError):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
