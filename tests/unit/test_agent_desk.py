"""An agent's reply reaches the customer in the customer's language, within the platform's rules, and is logged; a
hand-back gives the conversation to the assistant again. Whatever goes wrong, the agent hears of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fakes import InMemoryConversations, InMemoryMessageLog, InMemoryPublisher
from parley.agents.commands import AgentAction, AgentCommand, CommandSource
from parley.agents.desk import AgentDesk
from parley.agents.notify import HandoffNotifier
from parley.agents.translating import AgentTranslator
from parley.channels.meta import GraphApiError
from parley.domain.conversation import ConversationState
from parley.domain.ports import StorageError
from parley.domain.records import LoggedMessage, MessageDirection
from support.agents import RecordingGraph, ScriptedTranslator, pivot, real_senders
from support.dialogue import catalogs

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
LUCIA = "whatsapp#34612345678"
PIERRE = "messenger#5512345678901234"
CATALOGS = catalogs()


class Desk:
    """The desk and what it touches, in memory."""

    def __init__(self, translator: ScriptedTranslator | None = None, template_name: str = "") -> None:
        self.conversations = InMemoryConversations()
        self.log = InMemoryMessageLog(self.conversations)
        self.graph = RecordingGraph()
        self.publisher = InMemoryPublisher()
        self.translator = translator if translator is not None else ScriptedTranslator()
        agent_translator = AgentTranslator(pivot(self.translator))
        notifier = HandoffNotifier(self.publisher, self.conversations, agent_translator, "en", self.log)
        self.desk = AgentDesk(
            self.conversations,
            real_senders(self.graph, now=lambda: NOW, template_name=template_name),
            CATALOGS,
            agent_translator,
            "en",
            notifier,
            self.log,
            clock=lambda: NOW,
        )

    def with_person(self, key: str, language: str, last_wrote: timedelta = timedelta(minutes=5)) -> None:
        self.conversations.save(
            ConversationState(
                conversation_id=key,
                customer_id="CUST-0007",
                language=language,
                updated_at=int((NOW - last_wrote).timestamp()),
                handoff_at=int((NOW - timedelta(minutes=10)).timestamp()),
            )
        )

    def state(self, key: str) -> ConversationState:
        found = self.conversations.get(key)
        assert found is not None
        return found

    @property
    def problems(self) -> list[str]:
        return [d["problem"] for d in self.publisher.documents if d["type"] == "agent_reply"]


def reply(text: str, key: str = LUCIA, request_id: str = "r-1", language: str = "") -> AgentCommand:
    return AgentCommand(AgentAction.REPLY, key, request_id, int(NOW.timestamp()), text, language)


def release(key: str = LUCIA, source: CommandSource = CommandSource.AGENT_API) -> AgentCommand:
    return AgentCommand(AgentAction.RELEASE, key, "rel-1", int(NOW.timestamp()), source=source)


@pytest.fixture
def desk() -> Desk:
    return Desk()


# ------------------------------------------------------------------------------------------------ replies


def test_an_english_reply_reaches_a_spanish_customer_in_spanish_and_is_logged(desk):
    desk.with_person(LUCIA, "es")

    summary = desk.desk.handle(reply("Your refund was approved today."))

    assert summary["outcome"] == "sent"
    assert desk.graph.texts == ["[es] Your refund was approved today."]
    [logged] = desk.log.recent(LUCIA)
    assert logged.direction is MessageDirection.AGENT
    assert (logged.text, logged.language) == ("[es] Your refund was approved today.", "es")
    # The person keeps the conversation for another day from now.
    assert desk.state(LUCIA).handoff_at == int(NOW.timestamp())
    assert desk.publisher.published == []


def test_a_reply_in_the_customers_own_language_is_not_translated(desk):
    desk.with_person(LUCIA, "en")

    desk.desk.handle(reply("Your refund was approved today."))

    assert desk.graph.texts == ["Your refund was approved today."]
    assert desk.translator.calls == []


def test_an_agent_may_write_in_another_language_than_the_agents_usual_one(desk):
    desk.with_person(LUCIA, "es")

    desk.desk.handle(reply("Votre remboursement est validé.", language="fr"))

    assert desk.translator.calls == [("fr", "es", "Votre remboursement est validé.")]


@pytest.mark.parametrize("translation", ["failing", "off"])
def test_when_translation_fails_the_reply_goes_as_written_and_the_agent_is_told(translation):
    desk = Desk(ScriptedTranslator(failing=True))
    if translation == "off":
        desk.desk._translator = AgentTranslator(None)
    desk.with_person(LUCIA, "es")

    summary = desk.desk.handle(reply("Your refund was approved today."))

    assert summary["outcome"] == "sent_untranslated"
    assert desk.graph.texts == ["Your refund was approved today."]
    assert desk.problems == ["untranslated"]
    assert desk.log.recent(LUCIA)[0].language == "en"


def test_a_reply_to_an_unknown_conversation_sends_nothing_and_tells_the_agent(desk):
    summary = desk.desk.handle(reply("Hello?", key="whatsapp#49170000000"))

    assert summary["outcome"] == "unknown_conversation"
    assert desk.graph.requests == []
    assert desk.problems == ["unknown_conversation"]


def test_a_transient_send_failure_leaves_the_reply_to_be_retried_with_nothing_logged(desk):
    desk.with_person(LUCIA, "es")
    desk.graph.failures.append(GraphApiError(503, 2, "Service temporarily unavailable"))

    with pytest.raises(GraphApiError):
        desk.desk.handle(reply("Your refund was approved today."))

    assert desk.graph.requests == [] and desk.log.recent(LUCIA) == []
    desk.desk.handle(reply("Your refund was approved today."))
    assert len(desk.graph.texts) == 1 and len(desk.log.recent(LUCIA)) == 1


def test_a_log_failure_after_the_send_never_sends_twice(desk):
    class BrokenLog(InMemoryMessageLog):
        def append(self, message: LoggedMessage) -> None:
            raise StorageError("message log write failed")

    desk.desk._log = BrokenLog(desk.conversations)
    desk.with_person(LUCIA, "es")

    summary = desk.desk.handle(reply("Your refund was approved today."))

    assert summary["outcome"] == "sent" and len(desk.graph.texts) == 1


def test_a_day_after_the_customer_last_wrote_whatsapp_gets_the_template_and_the_agent_hears_why():
    desk = Desk(template_name="we_are_here")
    desk.with_person(LUCIA, "es", last_wrote=timedelta(days=2))

    summary = desk.desk.handle(reply("Your refund was approved today."))

    assert summary["outcome"] == "template_only"
    assert desk.graph.texts == ["[template we_are_here]"]
    assert desk.problems == ["template_only"]


def test_without_a_template_a_late_whatsapp_reply_is_not_delivered_and_the_agent_hears_why(desk):
    desk.with_person(LUCIA, "es", last_wrote=timedelta(days=2))

    summary = desk.desk.handle(reply("Your refund was approved today."))

    assert summary["outcome"] == "not_delivered"
    assert desk.graph.requests == []
    assert desk.problems == ["not_delivered"]
    assert "too long ago" in desk.publisher.documents[0]["detail"]


def test_the_customers_last_logged_message_opens_the_window_again(desk):
    desk.with_person(LUCIA, "es", last_wrote=timedelta(days=2))
    desk.log.append(LoggedMessage(LUCIA, "wamid.IN1", MessageDirection.IN, "¿Hola?", NOW - timedelta(hours=1), "es"))

    assert desk.desk.handle(reply("Your refund was approved today."))["outcome"] == "sent"
    assert desk.graph.texts == ["[es] Your refund was approved today."]


def test_a_messenger_reply_after_a_day_is_tagged_as_a_persons_reply(desk):
    desk.with_person(PIERRE, "fr", last_wrote=timedelta(days=3))

    desk.desk.handle(reply("Votre colis arrive demain.", key=PIERRE, language="fr"))

    [sent] = desk.graph.requests
    assert sent.body["messaging_type"] == "MESSAGE_TAG" and sent.body["tag"] == "HUMAN_AGENT"
    assert sent.body["recipient"] == {"id": "5512345678901234"}


def test_a_reply_in_a_conversation_the_bot_has_takes_it_over(desk):
    desk.conversations.save(
        ConversationState(LUCIA, language="es", updated_at=int(NOW.timestamp()), flow="cancel_order", step="confirm")
    )

    desk.desk.handle(reply("I'll cancel it for you myself."))

    state = desk.state(LUCIA)
    assert state.handoff_at == int(NOW.timestamp()) and state.flow is None and state.step is None


# ------------------------------------------------------------------------------------------------ hand-backs


def test_a_hand_back_ends_the_handoff_and_tells_the_customer_in_their_language(desk):
    desk.with_person(LUCIA, "es")

    summary = desk.desk.handle(release())

    assert summary["outcome"] == "released"
    assert desk.state(LUCIA).handoff_at is None
    assert desk.graph.texts == [CATALOGS["es"].render("handoff.ended")]


def test_a_messenger_hand_back_takes_the_thread_back_from_the_page_inbox_first(desk):
    desk.with_person(PIERRE, "fr")

    desk.desk.handle(release(PIERRE))

    assert desk.graph.paths == ["me/take_thread_control", "me/messages"]
    assert desk.graph.texts == [CATALOGS["fr"].render("handoff.ended")]


def test_when_the_page_inbox_passes_the_thread_back_it_is_not_taken_again(desk):
    desk.with_person(PIERRE, "fr")

    desk.desk.handle(release(PIERRE, CommandSource.PAGE_INBOX))

    assert desk.graph.paths == ["me/messages"]
    assert desk.state(PIERRE).handoff_at is None


def test_a_hand_back_of_a_conversation_nobody_has_sends_nothing(desk):
    desk.with_person(LUCIA, "es")
    desk.conversations.save(replace(desk.state(LUCIA), handoff_at=None))

    assert desk.desk.handle(release())["outcome"] == "not_with_person"
    assert desk.graph.requests == []


def test_a_hand_back_whose_notice_failed_to_send_says_it_on_the_retry(desk):
    desk.with_person(LUCIA, "es")
    desk.graph.failures.append(GraphApiError(503, 2, "Service temporarily unavailable"))

    with pytest.raises(GraphApiError):
        desk.desk.handle(release())
    desk.desk.handle(release())

    assert desk.graph.texts == [CATALOGS["es"].render("handoff.ended")]


def test_a_customer_without_a_catalog_is_told_in_english_translated_into_their_language(desk):
    desk.with_person("whatsapp#31612345678", "nl")

    desk.desk.handle(release("whatsapp#31612345678"))

    assert desk.graph.texts == [f"[nl] {CATALOGS['en'].render('handoff.ended')}"]


def test_after_a_day_of_silence_the_hand_back_is_quiet(desk):
    desk.with_person(LUCIA, "es", last_wrote=timedelta(days=2))

    assert desk.desk.handle(release())["outcome"] == "released_quietly"
    assert desk.graph.requests == [] and desk.state(LUCIA).handoff_at is None


def test_a_reply_reaches_a_customer_known_only_by_their_whatsapp_username_id(desk):
    key = "whatsapp#DE.27381947561029384756"
    desk.with_person(key, "en")

    summary = desk.desk.handle(reply("Your parcel left the warehouse today.", key=key))

    assert summary["outcome"] == "sent"
    [request] = desk.graph.requests
    assert request.body["recipient"] == "DE.27381947561029384756"
    assert "to" not in request.body
    assert desk.graph.texts == ["Your parcel left the warehouse today."]  # written in the language it goes in
