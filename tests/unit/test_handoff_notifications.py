"""When a customer is handed to a person, the business's people are told before the customer is: who, why, and the
recent conversation in their language, with the original words beside a translation. While a person has the
conversation, each new message of the customer reaches them too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders, InMemoryPublisher
from parley.agents.notify import HandoffNotifier, NotificationError
from parley.agents.translating import AgentTranslator
from parley.channels.model import Channel, MessageKind
from parley.domain.records import LoggedMessage, MessageDirection
from parley.fulfillment import MessageProcessor
from parley.observability import logger
from support.agents import RecordingGraph, ScriptedTranslator, pivot, real_senders
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound

CATALOGS = catalogs()
LUCIA = customer(name="Lucía Gómez", phone="34612345678", email="lucia@example.es", language="es")
ASKS_FOR_A_PERSON = "Quiero hablar con una persona, por favor"


class FailingPublisher(InMemoryPublisher):
    def publish(self, subject: str, text: str, document: dict[str, Any]) -> None:
        raise NotificationError("handoff topic unavailable")


class Setup:
    def __init__(
        self,
        translator: ScriptedTranslator | None = None,
        publisher: InMemoryPublisher | None = None,
        clock: Any = None,
    ) -> None:
        self.conversations = InMemoryConversations()
        self.log = InMemoryMessageLog(self.conversations)
        self.graph = RecordingGraph()
        self.publisher = publisher or InMemoryPublisher()
        self.translator = translator or ScriptedTranslator()
        notifier = HandoffNotifier(
            self.publisher,
            self.conversations,
            AgentTranslator(pivot(self.translator)),
            "en",
            self.log,
            **({"clock": clock} if clock else {}),
        )
        service = conversation_service(
            customers=InMemoryCustomers([LUCIA]),
            orders=InMemoryOrders([]),
            conversations=self.conversations,
            message_log=self.log,
        )
        self.processor = MessageProcessor(service, real_senders(self.graph), notifier=notifier)

    def said_before(self, *lines: tuple[MessageDirection, str]) -> None:
        start = datetime.now(UTC) - timedelta(minutes=10)
        for n, (direction, text) in enumerate(lines):
            entry = LoggedMessage(
                f"whatsapp#{LUCIA.phone}", f"m{n}", direction, text, start + timedelta(seconds=n), "es"
            )
            self.log.append(entry)


def test_agents_get_who_why_and_the_transcript_in_their_language_with_the_original_beside():
    setup = Setup()
    setup.said_before(
        (MessageDirection.IN, "¿Dónde está mi pedido?"),
        (MessageDirection.OUT, "No encuentro ningún pedido en su cuenta."),
    )

    setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    [(subject, text, document)] = setup.publisher.published
    assert document["type"] == "handoff" and document["reason"] == "asked"
    assert document["conversation_id"] == f"whatsapp:{LUCIA.phone}"
    assert (document["customer_id"], document["customer_language"]) == (LUCIA.customer_id, "es")
    speakers = [line["speaker"] for line in document["transcript"]]
    # Up to the request for a person and Parley's answer to it: both sides of every turn are in the log.
    assert speakers[:2] == ["customer", "assistant"] and speakers[-2:] == ["customer", "assistant"]
    first = document["transcript"][0]
    assert (first["text"], first["original"]) == ("[en] ¿Dónde está mi pedido?", "¿Dónde está mi pedido?")
    assert document["transcript"][-2]["original"] == ASKS_FOR_A_PERSON
    assert CATALOGS["es"].render("handoff.started") in document["transcript"][-1]["original"]
    # The email a person reads says the same, and how to answer.
    assert "[en] ¿Dónde está mi pedido?" in text and "(es) ¿Dónde está mi pedido?" in text
    assert f"parley agent reply whatsapp:{LUCIA.phone}" in text
    # The subject names the customer by id, never by phone number or email.
    assert LUCIA.customer_id in subject
    assert LUCIA.phone not in subject and LUCIA.email not in subject
    # And the customer was told, after the agents were.
    [told] = setup.graph.texts
    assert told.endswith(CATALOGS["es"].render("handoff.started"))


def test_a_failed_notification_sends_nothing_so_the_message_is_retried():
    setup = Setup(publisher=FailingPublisher())

    with pytest.raises(NotificationError):
        setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    assert setup.graph.requests == []


def test_the_retry_of_a_failed_notification_notifies_and_tells_the_customer_once():
    setup = Setup(publisher=FailingPublisher())
    message = inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone)
    with pytest.raises(NotificationError):
        setup.processor.process(message)
    working = InMemoryPublisher()
    setup.processor._notifier._publisher = working  # the topic is back

    setup.processor.process(message)

    assert [d["type"] for d in working.documents] == ["handoff"]
    [told] = setup.graph.texts
    assert told.endswith(CATALOGS["es"].render("handoff.started"))


def test_when_translation_fails_the_transcript_keeps_the_words_and_says_they_are_untranslated():
    setup = Setup(ScriptedTranslator(failing=True))
    setup.said_before((MessageDirection.IN, "¿Dónde está mi pedido?"))

    setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    [document] = setup.publisher.documents
    first = document["transcript"][0]
    assert (first["text"], first["original"], first["untranslated"]) == ("¿Dónde está mi pedido?", None, True)
    assert setup.graph.texts  # the customer is answered all the same


def test_a_long_transcript_stops_translating_when_its_time_is_up():
    ticks = iter(range(0, 10_000, 3))  # every look at the clock: three seconds later
    setup = Setup(clock=lambda: float(next(ticks)))
    setup.said_before(*[(MessageDirection.IN, f"Mensaje número {n}") for n in range(10)])

    setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    lines = setup.publisher.documents[0]["transcript"]
    assert lines[0]["original"] is not None and lines[-1]["untranslated"]
    assert len(setup.translator.calls) < len(lines)


def test_while_a_person_has_the_conversation_each_new_message_reaches_them_and_the_bot_keeps_quiet():
    setup = Setup()
    setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    summary = setup.processor.process(inbound("¿Sigue ahí alguien?", sender=LUCIA.phone))

    assert summary["outcome"] == "no_reply"
    forwarded = setup.publisher.documents[-1]
    assert forwarded["type"] == "customer_message"
    assert forwarded["message"]["text"] == "[en] ¿Sigue ahí alguien?"
    assert len(setup.graph.texts) == 1


def test_a_photo_for_a_person_is_announced_as_one_and_a_reaction_is_not_forwarded():
    setup = Setup()
    setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))

    setup.processor.process(inbound("", sender=LUCIA.phone, kind=MessageKind.IMAGE))
    setup.processor.process(inbound("", sender=LUCIA.phone, kind=MessageKind.REACTION))

    forwarded = [(d["message"]["attachment"], d["message"]["text"]) for d in setup.publisher.documents
                 if d["type"] == "customer_message"]  # fmt: skip
    assert forwarded == [("image", "")]
    assert "customer: [image]" in setup.publisher.published[-1][1]


def test_a_sender_not_on_file_is_a_customer_without_an_id_and_messenger_works_alike():
    setup = Setup()

    setup.processor.process(inbound("I want to talk to a human agent", sender="5599887766554433",
                                    channel=Channel.MESSENGER))  # fmt: skip

    [(subject, _, document)] = setup.publisher.published
    assert document["customer_id"] is None and document["channel"] == "messenger"
    assert "a customer" in subject and "5599887766554433" not in subject


def test_notifications_leave_no_words_or_numbers_in_the_logs(caplog):
    logger.setLevel("INFO")
    try:
        setup = Setup()
        setup.processor.process(inbound(ASKS_FOR_A_PERSON, sender=LUCIA.phone))
        setup.processor.process(inbound("Mi teléfono es 34612345678", sender=LUCIA.phone))
    finally:
        logger.setLevel("WARNING")

    notified = [r for r in caplog.records if r.getMessage() == "agents notified"]
    assert [r.__dict__["type"] for r in notified] == ["handoff", "customer_message"]
    logged = " ".join(str(record.__dict__) for record in caplog.records)
    for secret in (LUCIA.phone, "Quiero hablar", "teléfono", LUCIA.email):
        assert secret not in logged


def test_a_handoff_from_a_whatsapp_username_names_the_conversation_agents_can_answer():
    setup = Setup()

    setup.processor.process(
        inbound(ASKS_FOR_A_PERSON, sender="DE.27381947561029384756", user_id="DE.27381947561029384756")
    )

    [(subject, _text, document)] = setup.publisher.published
    # The same key as the conversation's state, so an agent's reply finds it; the reply path carries the BSUID.
    assert document["conversation_id"] == "whatsapp:DE.27381947561029384756"
    assert document["reply_path"] == "/agent/conversations/whatsapp:DE.27381947561029384756/messages"
    assert "DE.27381947561029384756" not in subject
    [request] = [r for r in setup.graph.requests if "text" in r.body]
    assert request.body["recipient"] == "DE.27381947561029384756"
