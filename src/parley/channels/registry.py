"""The channels Parley serves, by name: the one list the webhook route, the senders and the local stack read.

Adding a channel is one package under parley.channels with its adapter (see base.ChannelAdapter), its name in
model.Channel, and one line here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from parley.channels.base import ChannelAdapter
from parley.channels.messenger import MESSENGER
from parley.channels.model import Channel
from parley.channels.whatsapp import WHATSAPP

if TYPE_CHECKING:
    from parley.channels.base import Sender
    from parley.channels.meta import GraphPoster
    from parley.config import MetaCredentials, Settings

CHANNELS: Mapping[Channel, ChannelAdapter] = {adapter.name: adapter for adapter in (WHATSAPP, MESSENGER)}


def channel_named(name: str) -> ChannelAdapter | None:
    """The channel a webhook path names ("whatsapp" in /webhook/whatsapp); None for any other word."""
    try:
        return CHANNELS.get(Channel(name))
    except ValueError:
        return None


def build_senders(
    settings: Settings,
    graph: GraphPoster,
    credentials: Callable[[], MetaCredentials],
    now: Callable[[], datetime] | None = None,
) -> dict[Channel, Sender]:
    """Every channel's sender, configured from settings and sharing one clock."""
    from parley.channels.window import utc_now

    return {name: adapter.sender(graph, credentials, settings, now or utc_now) for name, adapter in CHANNELS.items()}
