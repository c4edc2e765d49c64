"""A complaint is never answered as a routine request: in every language, "third time I write, nobody answers, I'm very
unhappy" gets an apology and a person, not an order's status, even when it names an order. The order named is
acknowledged by its number (and where it stands, when it is the customer's own); the person gets the gist with the
handoff: that it is a complaint, and about which order. While the office is closed, a person is offered as a
button."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryMessageLog, InMemoryOrders, InMemoryPublisher
from parley.agents.notify import HandoffNotifier
from parley.agents.translating import AgentTranslator
from parley.channels.model import MessageKind
from parley.dialogue.composing import after_hours_notice
from parley.dialogue.orders import describe_status
from parley.domain.office_hours import parse_office_hours
from parley.domain.records import OrderStatus
from parley.fulfillment import MessageProcessor
from parley.nlu.intents import Intent
from support.agents import RecordingGraph, ScriptedTranslator, pivot, real_senders
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order
from support.recording import Recording

CATALOGS = catalogs()
LANGUAGES = sorted(CATALOGS.languages)
EN = CATALOGS["en"]
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Madrid: the office is open
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # 12:00 in Madrid: closed until Monday 9:00
OFFICE = parse_office_hours("mon-fri 09:00-18:00", "Europe/Madrid")
STRANGER = "447700900123"

# The message that used to get an order's status, as customers write it in each language.
UNHAPPY = {
    "en": "third time I write, nobody answers, I'm very unhappy",
    "es": "es la tercera vez que escribo, nadie responde, estoy muy descontento",
    "pt": "é a terceira vez que escrevo, ninguém responde, estou muito insatisfeito",
    "fr": "c'est la troisième fois que j'écris, personne ne répond, je suis très mécontent",
    "de": "ich schreibe zum dritten Mal, niemand antwortet, ich bin sehr unzufrieden",
    "it": "è la terza volta che scrivo, nessuno risponde, sono molto insoddisfatto",
    "hi": "मैं तीसरी बार लिख रहा हूँ, कोई जवाब नहीं देता, मैं बहुत नाराज़ हूँ",
    "id": "sudah ketiga kalinya saya menulis, tidak ada yang membalas, saya sangat kecewa",
    "ar": "هذه ثالث مرة أكتب فيها، لا أحد يرد، أنا مستاء جدا",
    "tr": "üçüncü kez yazıyorum, kimse cevap vermiyor, hiç memnun değilim",
    "ru": "пишу уже третий раз, никто не отвечает, я очень недоволен",
    "zh": "我已经是第三次写信了，没人回复，我非常不满",
}
# …and naming the order it is about.
UNHAPPY_ABOUT = {
    "en": "third time I write about order {}, nobody answers, I'm very unhappy",
    "es": "es la tercera vez que escribo por el pedido {}, nadie responde, estoy muy descontento",
    "pt": "é a terceira vez que escrevo sobre o pedido {}, ninguém responde, estou muito insatisfeito",
    "fr": "c'est la troisième fois que j'écris pour la commande {}, personne ne répond, je suis très mécontent",
    "de": "ich schreibe zum dritten Mal wegen der Bestellung {}, niemand antwortet, ich bin sehr unzufrieden",
    "it": "è la terza volta che scrivo per l'ordine {}, nessuno risponde, sono molto insoddisfatto",
    "hi": "ऑर्डर {} के लिए मैं तीसरी बार लिख रहा हूँ, कोई जवाब नहीं देता, मैं बहुत नाराज़ हूँ",
    "id": "sudah ketiga kalinya saya menulis soal pesanan {}, tidak ada yang membalas, saya sangat kecewa",
    "ar": "هذه ثالث مرة أكتب بخصوص الطلب {}، لا أحد يرد، أنا مستاء جدا",
    "tr": "{} numaralı sipariş için üçüncü kez yazıyorum, kimse cevap vermiyor, hiç memnun değilim",
    "ru": "пишу уже третий раз по заказу {}, никто не отвечает, я очень недоволен",
    "zh": "订单 {} 我已经是第三次写信了，没人回复，我非常不满",
}


def kim(language: str):
    return customer(name="Kim Lee", language=language, email=f"kim.{language}@example.com")


def shop(*people, orders=(), moment: datetime = TUESDAY_MORNING, **ports):
    return conversation_service(
        customers=InMemoryCustomers(list(people)),
        orders=InMemoryOrders(list(orders)),
        conversations=InMemoryConversations(),
        clock=lambda: moment,
        **ports,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_customer_who_is_very_unhappy_gets_an_apology_and_a_person_not_an_order_status(language: str) -> None:
    who = kim(language)
    shipped = order(who, order_id="ORD-610001", status=OrderStatus.SHIPPED)
    service = shop(who, orders=[shipped])
    catalog = CATALOGS[language]

    turn = service.respond(inbound(UNHAPPY[language], sender=who.phone))

    assert turn.intent is Intent.COMPLAINT
    assert turn.handoff == "complaint"
    assert catalog.render("handoff.frustrated") in turn.reply.text
    assert turn.reply.text.endswith(catalog.render("handoff.started"))
    assert shipped.order_id not in turn.reply.text and shipped.tracking_number not in turn.reply.text
    assert catalog.render("csat.ask") not in turn.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_complaint_naming_the_customers_order_acknowledges_it_by_number_and_says_where_it_stands(
    language: str,
) -> None:
    who = kim(language)
    shipped = order(who, order_id="ORD-610001", status=OrderStatus.SHIPPED)
    service = shop(who, orders=[shipped])
    catalog = CATALOGS[language]

    turn = service.respond(inbound(UNHAPPY_ABOUT[language].format("ORD-610001"), sender=who.phone))

    apology = catalog.sentences([catalog.render("handoff.frustrated"), describe_status(shipped, catalog)])
    assert apology in turn.reply.text
    assert (turn.handoff, turn.handoff_order) == ("complaint", "ORD-610001")
    # Where it stands in a few words, not the order-status answer (carrier, tracking, delivery date).
    assert shipped.tracking_number not in turn.reply.text
    assert catalog.render("order.carrier", carrier=shipped.carrier) not in turn.reply.text


def test_the_very_message_that_got_an_order_status_now_reaches_a_person_about_the_order_just_discussed() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    shipped = order(emily, order_id="ORD-104233", status=OrderStatus.SHIPPED)
    service = shop(emily, orders=[shipped])
    service.respond(inbound("where is my order ORD-104233?", sender=emily.phone))

    turn = service.respond(inbound("third time I write, nobody answers, I'm very unhappy", sender=emily.phone))

    assert turn.reply.text == f"{EN.render('handoff.frustrated')}\n\n{EN.render('handoff.started')}"
    assert (turn.handoff, turn.handoff_order) == ("complaint", "ORD-104233")


def test_someone_elses_order_is_acknowledged_by_its_number_and_nothing_more() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    bob = customer(name="Bob Stone", phone="14155550456", language="en")
    bobs = order(bob, order_id="ORD-900100", status=OrderStatus.DELIVERED)
    service = shop(emily, bob, orders=[bobs])

    turn = service.respond(inbound(UNHAPPY_ABOUT["en"].format("ORD-900100"), sender=emily.phone))

    assert EN.render("complaint.sorry_order", order_id="ORD-900100") in turn.reply.text
    assert describe_status(bobs, EN) not in turn.reply.text
    assert turn.handoff == "complaint"


def test_a_sender_not_on_file_complaining_about_an_order_is_not_asked_to_prove_who_they_are_first() -> None:
    owner = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(owner, orders=[order(owner, order_id="ORD-104233")])

    turn = service.respond(inbound(UNHAPPY_ABOUT["en"].format("ORD-104233"), sender=STRANGER))

    assert EN.render("verify.ask") not in turn.reply.text
    assert EN.render("complaint.sorry_order", order_id="ORD-104233") in turn.reply.text
    assert (turn.handoff, turn.handoff_order) == ("complaint", "ORD-104233")


def test_a_complaint_without_angry_words_is_a_complaint_too() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily)
    service.respond(inbound("hello", sender=emily.phone))

    turn = service.respond(inbound("the delivery driver was rude to me and threw the parcel over the fence",
                                   sender=emily.phone))  # fmt: skip

    assert turn.intent is Intent.COMPLAINT
    assert turn.reply.text == f"{EN.render('complaint.sorry')}\n\n{EN.render('handoff.started')}"
    assert turn.handoff == "complaint"


def test_asking_for_a_person_in_anger_reaches_them_as_a_complaint() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily)

    turn = service.respond(inbound("I want a person now, this bot is useless", sender=emily.phone))

    assert turn.handoff == "complaint"
    assert turn.reply.text.endswith(EN.render("handoff.started"))


def test_after_hours_the_person_is_offered_as_a_button_that_hands_over_with_the_gist() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    shipped = order(emily, order_id="ORD-104233", status=OrderStatus.SHIPPED)
    service = shop(emily, orders=[shipped], moment=SATURDAY, office_hours=OFFICE)
    closed = after_hours_notice(OFFICE, EN, SATURDAY)
    assert closed is not None

    offered = service.respond(inbound(UNHAPPY_ABOUT["en"].format("ORD-104233"), sender=emily.phone))

    assert offered.handoff is None
    assert offered.reply.text.endswith(EN.sentences([closed, EN.render("complaint.offer")]))
    [button] = offered.reply.choices
    assert button.title == EN.render("choice.talk_to_person")

    tapped = service.respond(inbound("", sender=emily.phone, kind=MessageKind.BUTTON_REPLY, payload=button.id))

    assert (tapped.handoff, tapped.handoff_order) == ("complaint", "ORD-104233")
    assert tapped.reply.text == f"{EN.render('handoff.started')}\n\n{closed}"


def test_after_hours_a_typed_yes_to_the_offer_hands_over_too() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily, moment=SATURDAY, office_hours=OFFICE)
    service.respond(inbound("I want to make a complaint about your service", sender=emily.phone))

    turn = service.respond(inbound("yes please", sender=emily.phone))

    assert turn.handoff == "complaint"


def test_a_redelivered_complaint_is_handed_over_again_with_its_order() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    service = shop(emily, orders=[order(emily, order_id="ORD-104233")])
    message = inbound(UNHAPPY_ABOUT["en"].format("ORD-104233"), sender=emily.phone)
    service.respond(message)

    again = service.respond(message)  # its reply failed to send, and SQS delivers it again

    assert (again.handoff, again.handoff_order) == ("complaint", "ORD-104233")


def test_the_agents_inbox_and_analytics_see_a_complaint_about_the_order() -> None:
    emily = customer(name="Emily Carter", phone="14155550123", language="en")
    conversations = InMemoryConversations()
    log = InMemoryMessageLog(conversations)
    publisher, recording = InMemoryPublisher(), Recording()
    service = conversation_service(
        customers=InMemoryCustomers([emily]),
        orders=InMemoryOrders([order(emily, order_id="ORD-104233")]),
        conversations=conversations,
        message_log=log,
        clock=lambda: TUESDAY_MORNING,
    )
    notifier = HandoffNotifier(publisher, conversations, AgentTranslator(pivot(ScriptedTranslator())), "en", log)
    processor = MessageProcessor(
        service, real_senders(RecordingGraph()), recorder=recording.recorder, notifier=notifier
    )

    processor.process(inbound(UNHAPPY_ABOUT["en"].format("ORD-104233"), sender=emily.phone))

    [(subject, text, document)] = publisher.published
    assert (document["reason"], document["order_id"]) == ("complaint", "ORD-104233")
    assert "ORD-104233" in subject
    assert text.startswith("A customer needs a person: the customer is complaining about order ORD-104233.")
    assert [e.reason for e in recording.of("handoff_started")] == ["complaint"]
    assert [e.intent for e in recording.of("intent_recognised")] == ["complaint"]
    assert not recording.of("rating_requested")
