"""The one output model for both channels: what a reply means, which each sender renders as its platform allows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    """What the assistant says; each channel's sender renders it within its platform's limits."""

    text: str
    choices: tuple[str, ...] = field(default_factory=tuple)
