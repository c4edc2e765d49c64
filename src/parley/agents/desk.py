"""The agents' desk in fulfillment: a person's reply goes to the customer in the customer's language, and a hand-back
gives the conversation to the assistant again.

Each command is carried out at most once (the idempotency layer, keyed by its request id). Whatever can fail is
done before the send, so a failure leaves the command to be retried with nothing sent; after the send nothing
raises, so a retry never sends a second message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from parley.agents.commands import AgentAction, AgentCommand, CommandSource, ConversationRef
from parley.agents.notify import HandoffNotifier, NotificationError
from parley.agents.translating import AgentTranslator, Translated
from parley.channels.base import Sender, TakesBack
from parley.channels.meta import GraphApiError
from parley.channels.model import Channel, InboundMessage
from parley.channels.replies import Reply
from parley.channels.window import MessagingWindow, last_customer_message_at, messaging_window, utc_now
from parley.domain.conversation import ConversationState
from parley.domain.ports import ConversationRepository, MessageLog, StorageError
from parley.domain.records import LoggedMessage, MessageDirection
from parley.i18n import Catalogs
from parley.observability import logger

if TYPE_CHECKING:
    from parley.analytics.recording import EventRecorder

# Slot naming the hand-back under way: if its notice failed to send, the retry says it again.
RELEASED_BY = "released_by"
# What agents are told when a command of theirs did not go as written.
NO_CONVERSATION = "There is no such conversation: it never started, or it expired or was erased. Nothing was sent."
TOO_LATE = " The customer last wrote too long ago for the platform to allow a free-form message."
TEMPLATE_ONLY = (
    "The customer last wrote more than 24 hours ago, so WhatsApp allows only the approved template, which was sent "
    "instead of your words."
)
UNTRANSLATED = "Your message could not be translated into {language}, so it was sent as you wrote it."


class AgentDesk:
    def __init__(
        self,
        conversations: ConversationRepository,
        senders: Mapping[Channel, Sender],
        catalogs: Catalogs,
        translator: AgentTranslator,
        agent_language: str,
        notifier: HandoffNotifier | None = None,
        message_log: MessageLog | None = None,
        clock: Callable[[], datetime] = utc_now,
        recorder: EventRecorder | None = None,
    ) -> None:
        self._conversations = conversations
        self._senders = senders
        self._catalogs = catalogs
        self._translator = translator
        self._agent_language = agent_language
        self._notifier = notifier
        self._log = message_log
        self._clock = clock
        self._recorder = recorder

    def handle(self, command: AgentCommand) -> dict[str, Any]:
        ref = command.conversation
        state = self._conversations.get(ref.key)
        if state is None:
            outcome = "unknown_conversation"
            if command.source is CommandSource.AGENT_API:
                # Nothing was sent: a failure to tell them may raise and have the command retried.
                self._tell(command, outcome, NO_CONVERSATION, after_send=False)
        elif command.action is AgentAction.REPLY:
            outcome = self._reply(command, ref, state)
        else:
            outcome = self._release(command, ref, state)
        if state is not None:
            self._record(command, ref, state, outcome)
        summary = {"outcome": outcome, "action": command.action.value, "channel": ref.channel.value}
        logger.info("agent command", extra={**summary, "source": command.source.value})
        return summary

    # ------------------------------------------------------------------------------------------------ reply

    def _reply(self, command: AgentCommand, ref: ConversationRef, state: ConversationState) -> str:
        language = state.language or self._catalogs.default_language
        translated = self._translator.translate(command.text, command.language or self._agent_language, language)
        now = self._clock()
        with_person = state.handoff_at is not None
        # A person writing has the conversation (for another day): the bot stops, and any flow under way with it.
        self._conversations.save(
            replace(
                state,
                handoff_at=int(now.timestamp()),
                flow=None,
                step=None,
                slots=dict(state.slots) if with_person else {},
                misunderstood=0,
            )
        )
        to = self._addressee(command, ref, state)
        window = messaging_window(last_customer_message_at(to.timestamp, now), now)
        try:
            self._senders[ref.channel].send_as_agent(to, Reply(translated.text))
        except GraphApiError as exc:
            if exc.retryable:
                raise
            detail = f"Your message was not delivered ({exc.reason.value})."
            if exc.reason.value == "window_closed" or window is not MessagingWindow.OPEN:
                detail += TOO_LATE
            self._tell(command, "not_delivered", detail, after_send=True)
            return "not_delivered"
        self._log_reply(command, ref, translated, language)
        if ref.channel is Channel.WHATSAPP and window is not MessagingWindow.OPEN:
            # The sender sent the approved template instead (WhatsApp allows nothing else after 24 hours).
            self._tell(command, "template_only", TEMPLATE_ONLY, after_send=True)
            return "template_only"
        if translated.untranslated:
            self._tell(command, "untranslated", UNTRANSLATED.format(language=language), after_send=True)
            return "sent_untranslated"
        return "sent"

    def _log_reply(self, command: AgentCommand, ref: ConversationRef, translated: Translated, language: str) -> None:
        if self._log is None:
            return
        entry = LoggedMessage(
            conversation_id=ref.key,
            message_id=f"agent.{command.request_id}",
            direction=MessageDirection.AGENT,
            text=translated.text,  # as the customer read it
            at=datetime.fromtimestamp(command.at, UTC),
            language=(command.language or self._agent_language) if translated.untranslated else language,
        )
        try:
            self._log.append(entry)
        except StorageError as exc:
            # Sent already: raising would send it again. The transcript misses one line instead.
            logger.warning("agent reply not logged", extra={"error": str(exc)})

    # ------------------------------------------------------------------------------------------------ release

    def _release(self, command: AgentCommand, ref: ConversationRef, state: ConversationState) -> str:
        again = state.slots.get(RELEASED_BY) == command.request_id  # the notice failed to send last time
        if state.handoff_at is None and not again:
            return "not_with_person"
        self._conversations.save(
            replace(state, handoff_at=None, flow=None, step=None, slots={RELEASED_BY: command.request_id})
        )
        sender = self._senders[ref.channel]
        to = self._addressee(command, ref, state)
        if command.source is CommandSource.AGENT_API and isinstance(sender, TakesBack):
            self._take_back(sender, to)
        now = self._clock()
        if messaging_window(last_customer_message_at(to.timestamp, now), now) is not MessagingWindow.OPEN:
            return "released_quietly"  # no word after a day of silence: only a template could go, and it would puzzle
        try:
            sender.send(to, Reply(self._back_notice(state)))
        except GraphApiError as exc:
            if exc.retryable:
                raise
            logger.warning("hand-back notice not deliverable", extra={"code": exc.code})
            return "released_quietly"
        return "released"

    def _back_notice(self, state: ConversationState) -> str:
        """The assistant is back: in the customer's catalog language, or in English translated into theirs."""
        language = state.language or self._catalogs.default_language
        catalog = self._catalogs[language]
        text = catalog.render("handoff.ended")
        return self._translator.translate(text, catalog.language, language).text

    @staticmethod
    def _take_back(sender: TakesBack, to: InboundMessage) -> None:
        # Best effort: the inbox may have passed the thread on already; the customer is told either way.
        try:
            sender.take_back(to, note="Parley: a person handed the conversation back to the assistant")
        except GraphApiError as exc:
            logger.warning("thread not taken back from the inbox", extra={"code": exc.code})

    # ------------------------------------------------------------------------------------------------ helpers

    def _record(self, command: AgentCommand, ref: ConversationRef, state: ConversationState, outcome: str) -> None:
        """Analytics: a person's message that went out, or the end of the handoff (once the command is done, so a
        retried command is counted once)."""
        if self._recorder is None:
            return
        language = state.language or self._catalogs.default_language
        if outcome in {"sent", "sent_untranslated", "template_only"}:
            self._recorder.agent_reply(ref.key, state.customer_id, language)
        elif outcome in {"released", "released_quietly"}:
            self._recorder.handoff_ended(ref.key, state.customer_id, language, command.source.value)

    def _addressee(self, command: AgentCommand, ref: ConversationRef, state: ConversationState) -> InboundMessage:
        """The customer as a sender addresses them: their id, and when they last wrote (the messaging window)."""
        # A conversation keyed by a business-scoped user id is answered at that id: the number may be unknown.
        return InboundMessage(
            channel=ref.channel,
            sender_id=ref.sender_id,
            user_id="" if ref.sender_id.isdigit() else ref.sender_id,
            message_id=f"agent.{command.request_id}",
            timestamp=self._last_customer_message(ref, state),
        )

    def _last_customer_message(self, ref: ConversationRef, state: ConversationState) -> int:
        logged = self._log.recent(ref.key) if self._log is not None else []
        written = [m.at for m in logged if m.direction is MessageDirection.IN]
        if written:
            newest = max(written)
            return int((newest if newest.tzinfo else newest.replace(tzinfo=UTC)).timestamp())
        # Saved with each customer message; the desk never moves it, so it is the customer's last word.
        return state.updated_at

    def _tell(self, command: AgentCommand, problem: str, detail: str, *, after_send: bool) -> None:
        if self._notifier is None:
            return
        try:
            self._notifier.agent_reply_problem(command, problem, detail)
        except NotificationError:
            if not after_send:
                raise
            logger.warning("agents not told of a reply problem", extra={"problem": problem})
