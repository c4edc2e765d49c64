"""What Parley cannot read yet (a location, contact cards, a photo or voice note without words, a message type
WhatsApp itself cannot show): a helpful answer, in words."""

from __future__ import annotations

from parley.channels.model import MEDIA_KINDS
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.understanding import UNREADABLE


@register
class Unreadable(Flow):
    name = "unreadable"
    kinds = UNREADABLE | MEDIA_KINDS  # media with a caption are read by their words instead
    reported = False

    def start(self, ask: Ask) -> FlowStep:
        return FlowStep(ask.catalog.render("media.unsupported"))
