"""What one message led to: the reply, and what analytics and logs may know about it (never its content)."""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.channels.replies import Reply
from parley.dialogue.flow_report import FlowReport
from parley.dialogue.interpreting import TranslationUse
from parley.nlu.intents import Intent


@dataclass(frozen=True)
class Turn:
    """What one message led to: the reply (None: nothing to say), and what analytics and logs may know
    about it (no content)."""

    reply: Reply | None
    language: str
    intent: Intent
    confidence: float
    known_customer: bool
    translation: TranslationUse = TranslationUse.NOT_NEEDED
    # A person is taking the conversation over as of this message (Messenger hands the thread to the Page Inbox).
    handoff: str | None = None
    handoff_order: str | None = None  # the order the handoff is about (a complaint's), for the person's summary
    # A satisfaction rating given with this message (1-5), and whether a comment on it was.
    rating: int | None = None
    commented: bool = False
    # A person has the conversation: the bot stayed silent, and the message is for them.
    with_person: bool = False
    # For analytics, still no content: the customer on file, what the message did to the flows, the words of a
    # message not understood with anything identifying removed, and whether the rating question was asked.
    customer_id: str = ""
    flows: FlowReport = field(default_factory=FlowReport)
    unrecognised: str | None = None
    rating_requested: bool = False
    # The customer's data was erased with this message: nothing of the conversation stays once the reply is out.
    erased: bool = False
