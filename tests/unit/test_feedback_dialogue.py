"""Praise, a suggestion, a review: thanked in the customer's language and counted for analytics as a completed
"feedback" flow, with no ticket, no person and no rating question after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders
from parley.fulfillment import MessageProcessor
from parley.nlu.intents import Intent
from support.agents import RecordingGraph, real_senders
from support.dialogue import catalogs, conversation_service, languages_taught
from support.factories import customer, inbound
from support.recording import Recording

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CATALOGS = catalogs()
PRAISE = {
    "en": "the service was great, thank you for the quick delivery",
    "es": "el servicio fue excelente, gracias por la entrega rápida",
    "pt": "o atendimento foi ótimo, parabéns pela entrega rápida",
    "fr": "le service était excellent, merci pour la livraison rapide",
    "de": "der Service war super, danke für die schnelle Lieferung",
    "it": "il servizio è stato ottimo, complimenti per la consegna veloce",
    "hi": "आपकी सर्विस बहुत अच्छी लगी, डिलीवरी भी बहुत तेज़ थी, पूरी टीम को शाबाश",
    "id": "pelayanannya bagus sekali, pengirimannya cepat, pertahankan ya",
    "ar": "خدمتكم ممتازة والتوصيل كان سريعًا، أحسنتم",
    "tr": "hizmetiniz harikaydı, teslimat çok hızlıydı, emeğinize sağlık",
    "ru": "отличный сервис, спасибо за быструю доставку",
    "zh": "服务很好，发货很快，给你们点赞",
}


@pytest.mark.parametrize("language", languages_taught(Intent.FEEDBACK))
def test_praise_is_thanked_and_nothing_else_follows(language: str) -> None:
    who = customer(name="Kim Lee", language=language)
    service = conversation_service(
        customers=InMemoryCustomers([who]), orders=InMemoryOrders([]), conversations=InMemoryConversations(),
        clock=lambda: NOW,
    )  # fmt: skip
    catalog = CATALOGS[language]

    turn = service.respond(inbound(PRAISE[language], sender=who.phone))

    assert turn.intent is Intent.FEEDBACK
    assert turn.reply.text.endswith(catalog.render("feedback.thanks"))
    assert turn.reply.choices == () and turn.handoff is None
    assert catalog.render("csat.ask") not in turn.reply.text and not turn.rating_requested


def test_feedback_is_an_analytics_event_of_its_own_and_asks_nothing_back() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    recording = Recording()
    service = conversation_service(
        customers=InMemoryCustomers([emily]), orders=InMemoryOrders([]), conversations=InMemoryConversations(),
        clock=lambda: NOW,
    )  # fmt: skip
    processor = MessageProcessor(service, real_senders(RecordingGraph()), recorder=recording.recorder)
    processor.process(inbound("hello", sender=emily.phone))
    recording.clear()

    processor.process(inbound(PRAISE["en"], sender=emily.phone))

    [request] = recording.of("intent_recognised")
    assert (request.intent, request.flow) == ("feedback", "feedback")
    assert [e.flow for e in recording.of("flow_completed")] == ["feedback"]
    assert not recording.of("rating_requested") and not recording.of("handoff_started")
