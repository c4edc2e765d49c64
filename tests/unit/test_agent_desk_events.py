"""What a person at the business does counts too: their replies among the messages sent, the hand-back as the end of
the handoff, each once however often the command is delivered, under the conversation's pseudonyms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes import InMemoryConversations, InMemoryMessageLog
from parley.agents.commands import AgentAction, AgentCommand, CommandSource
from parley.agents.desk import AgentDesk
from parley.agents.translating import AgentTranslator
from parley.domain.conversation import ConversationState
from parley.language.translation import TranslationStats
from support.agents import RecordingGraph, ScriptedTranslator, real_senders
from support.dialogue import catalogs
from support.recording import Recording

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
LUCIA = "whatsapp#34612345678"


class CountingTranslator(ScriptedTranslator):
    """The provider double, counted as the real adapter counts its calls."""

    def __init__(self, stats: TranslationStats) -> None:
        super().__init__()
        self.stats = stats

    def translate(self, text: str, source: str, target: str) -> str:
        self.stats.add("provider_calls")
        self.stats.add("characters", len(text))
        return super().translate(text, source, target)


def desk_with(recording: Recording, translator: ScriptedTranslator, stats: TranslationStats) -> AgentDesk:
    from parley.language.translation import TranslationPivot

    conversations = InMemoryConversations()
    conversations.save(
        ConversationState(
            conversation_id=LUCIA, customer_id="CUST-0007", language="es",
            updated_at=int((NOW - timedelta(minutes=5)).timestamp()),
            handoff_at=int((NOW - timedelta(minutes=10)).timestamp()),
        )
    )  # fmt: skip
    return AgentDesk(
        conversations, real_senders(RecordingGraph(), now=lambda: NOW), catalogs(),
        AgentTranslator(TranslationPivot(translator, stats=stats)), "en", None, InMemoryMessageLog(conversations),
        clock=lambda: NOW, recorder=recording.recorder,
    )  # fmt: skip


def test_an_agents_reply_counts_as_a_message_sent_and_the_hand_back_ends_the_handoff():
    stats = TranslationStats()
    recording = Recording(translation=stats)
    desk = desk_with(recording, CountingTranslator(stats), stats)
    at = int(NOW.timestamp())

    desk.handle(AgentCommand(AgentAction.REPLY, LUCIA, "r-1", at, "Your parcel is on its way"))
    desk.handle(AgentCommand(AgentAction.RELEASE, LUCIA, "rel-1", at, source=CommandSource.PAGE_INBOX))
    desk.handle(AgentCommand(AgentAction.RELEASE, LUCIA, "rel-2", at))  # already back with the assistant

    assert recording.types() == ["reply_sent", "translation_used", "handoff_ended"]
    sent, translated, ended = recording.events
    assert (translated.provider_calls, translated.characters) == (1, len("Your parcel is on its way"))
    assert sent.channel == ended.channel == "agent"
    assert ended.reason == "page_inbox"
    names = recording.pseudonyms.names(LUCIA, "CUST-0007")
    assert (sent.conversation, sent.customer) == (names.conversation, names.customer)
    assert sent.language == "es" and sent.known_customer


def test_a_command_for_a_conversation_that_does_not_exist_counts_nothing():
    recording = Recording()
    desk = desk_with(recording, ScriptedTranslator(), TranslationStats())

    desk.handle(AgentCommand(AgentAction.REPLY, "whatsapp#19998887777", "r-9", int(NOW.timestamp()), "hello"))

    assert recording.events == []
