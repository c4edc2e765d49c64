"""Products in conversation: found by name, SKU or the colour and size asked for, in any of the twelve languages; price,
stock and the variants a model comes in; "which one?" when several match; follow-ups about the product just
discussed; one suggestion; and never a subscription plan or an attribute meant for the shop's eyes only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakes import InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProducts
from parley.channels.model import MessageKind, ReferredProduct
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.interpreting import Interpreter, TranslationUse
from parley.language.protect import Protector
from parley.language.translation import TranslationPivot
from parley.nlu.intents import Intent
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order, product

CATALOGS = catalogs()
EN = CATALOGS["en"]
JACKET = "Trailhead Rain Jacket"
_JACKET = {
    "material": "recycled nylon",
    "category": "outerwear",
    "pairs_with": "SKU-BEANIE",
    "_supplier": "Northwind Textiles",
    "description": "Waterproof shell with a packable hood.",
}
PRODUCTS = [
    product("SKU-JKT-BLU-M", JACKET, "119.00", 14, color="blue", size="M", _bin="A1", **_JACKET),
    product("SKU-JKT-BLU-L", JACKET, "129.00", 3, color="blue", size="L", _bin="A2", **_JACKET),
    product("SKU-JKT-RED-S", JACKET, "109.00", 0, color="red", size="S", _bin="B1", **_JACKET),
    product("SKU-JKT-RED-L", JACKET, "99.00", 5, color="red", size="L", _bin="B2", **_JACKET),
    product("SKU-JKT-GRN-M", JACKET, "119.00", 8, color="green", size="M", _bin="C1", **_JACKET),
    product(
        "SKU-BEANIE", "Ribbed Beanie", "24.00", 25, color="grey", category="accessories", pairs_with="SKU-SCARF-GRY"
    ),
    product(
        "SKU-SCARF-GRY",
        "Lambswool Scarf",
        "50.00",
        6,
        color="grey",
        category="accessories",
        pairs_with="PLAN-PLUS",
        description="Long lambswool scarf.",
    ),
    product(
        "SKU-BOOT-BRN-42",
        "Ridge Leather Boot",
        "189.00",
        2,
        color="brown",
        size="42",
        category="footwear",
        pairs_with="SKU-GAITER,SKU-SOCKS",
    ),
    product("SKU-GAITER", "Trail Gaiter", "35.00", 0, category="footwear"),
    product("SKU-SOCKS", "Merino Hiking Socks", "5.45", 120, material="merino wool", category="accessories"),
    product("SKU-TEE-WHT-L", "Everyday Organic Tee", "15.00", 40, color="white", size="L", pairs_with="SKU-TEE-BLK-M"),
    product("SKU-TEE-BLK-M", "Everyday Organic Tee", "15.00", 9, color="black", size="M"),
    # A subscription plan in the same table (another flow's): never offered as a product.
    product("PLAN-PLUS", "Trailhead Plus", "9.99", None, category="plan"),
]
SUGGESTING = EN.replies["product.suggestion"].split("{")[0]  # "You might also like the "
EMILY = customer(name="Emily Carter", phone="14155550123", language="en")
# A suggestion is promotional: only a customer on file who opted in to offers gets one (test_marketing_dialogue).
GRACE = customer(name="Grace Miller", phone="12065550177", language="en", marketing_opt_in=True)


@pytest.fixture
def service() -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, GRACE]),
        orders=InMemoryOrders([order(EMILY, order_id="ORD-104233")]),
        conversations=InMemoryConversations(),
        products=InMemoryProducts(PRODUCTS),
    )


def say(service: DialogueEngine, text: str, sender: str = "14155550999", **overrides):
    return service.respond(inbound(text, sender=sender, **overrides))


def money(amount: str, catalog=EN) -> str:
    return catalog.money(Decimal(amount), "USD")


def test_anyone_can_ask_about_a_product_by_name(service) -> None:
    turn = say(service, "Tell me about the Lambswool Scarf")

    assert turn.intent is Intent.PRODUCT_INFO
    assert not turn.known_customer  # nothing personal: no proof of identity asked for
    assert EN.render("product.price", product="Lambswool Scarf", price=money("50.00")) in turn.reply.text
    assert "Long lambswool scarf." in turn.reply.text
    assert EN.render("product.in_stock") in turn.reply.text


def test_a_sku_names_one_variant_with_its_own_price_and_low_stock(service) -> None:
    text = say(service, "Is SKU-JKT-BLU-L available?").reply.text

    assert EN.render("product.variant_price", product=JACKET, variant="blue / L", price=money("129.00")) in text
    assert EN.render("product.low_stock", count="3") in text


@pytest.mark.parametrize(
    ("question", "variant", "price", "stock"),
    [
        pytest.param("Do you have the rain jacket in green?", "green / M", "119.00", "product.in_stock", id="colour"),
        pytest.param(
            "Is the Trailhead jacket available in size S?",
            "red / S",
            "109.00",
            "product.out_of_stock",
            id="size-out-of-stock",
        ),
        pytest.param(
            "How much is the blue Trailhead jacket in L?",
            "blue / L",
            "129.00",
            "product.low_stock",
            id="colour-and-size",
        ),
    ],
)
def test_a_colour_or_size_asked_for_finds_that_variant(service, question, variant, price, stock) -> None:
    text = say(service, question).reply.text

    assert EN.render("product.variant_price", product=JACKET, variant=variant, price=money(price)) in text
    assert EN.render(stock, count="3") in text


def test_few_left_says_how_many(service) -> None:
    text = say(service, "do you have the Ridge Leather Boot?").reply.text

    assert EN.render("product.price", product="Ridge Leather Boot", price=money("189.00")) in text
    assert EN.render("product.low_stock", count="2") in text


def test_a_model_lists_the_variants_in_stock_and_those_sold_out(service) -> None:
    text = say(service, "What sizes and colours does the Trailhead Rain Jacket come in?").reply.text

    assert EN.render("product.price_from", product=JACKET, price=money("99.00")) in text
    blue_l = EN.render("product.few_left", variant="blue / L", count="3")
    available = ", ".join(["blue / M", blue_l, "green / M", "red / L"])
    assert EN.render("product.available", variants=available) in text
    assert EN.render("product.sold_out", variants="red / S") in text


def test_a_colour_the_model_does_not_come_in_is_said_with_what_there_is(service) -> None:
    text = say(service, "Do you have the Trailhead jacket in black?").reply.text

    assert EN.render("product.not_in", product=JACKET, wanted="black") in text
    assert "green / M" in text


def test_several_products_matching_are_offered_as_choices_and_a_tap_answers(service) -> None:
    which = say(service, "Do you have anything in grey?")

    assert which.reply.text.endswith(EN.render("product.which"))
    assert [(c.id, c.title, c.verbatim) for c in which.reply.choices] == [
        ("product:SKU-SCARF-GRY", "Lambswool Scarf", True),
        ("product:SKU-BEANIE", "Ribbed Beanie", True),
    ]
    tapped = say(service, "Ribbed Beanie", kind=MessageKind.LIST_REPLY, payload="product:SKU-BEANIE")

    assert EN.render("product.price", product="Ribbed Beanie", price=money("24.00")) in tapped.reply.text


def test_the_which_question_offers_at_most_ten_products() -> None:
    mugs = [product(f"SKU-MUG-{i:02d}", f"Camp Mug {chr(65 + i)}", "12.00") for i in range(12)]
    service = conversation_service(
        customers=InMemoryCustomers([EMILY]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        products=InMemoryProducts(mugs),
    )

    which = say(service, "How much are your camp mugs?", sender=EMILY.phone)

    assert len(which.reply.choices) == 10
    # Where the list shows as numbered text, a typed number picks from it.
    assert "Camp Mug C" in say(service, "3", sender=EMILY.phone).reply.text


def test_nothing_found_asks_for_the_name_or_offers_a_person_then_the_name_answers(service) -> None:
    missing = say(service, "Do you sell kayaks?")

    assert missing.reply.text.endswith(EN.render("product.not_found"))
    assert [c.id for c in missing.reply.choices] == ["intent:human_agent"]
    found = say(service, "Merino Hiking Socks")

    assert EN.render("product.price", product="Merino Hiking Socks", price=money("5.45")) in found.reply.text


def test_follow_ups_are_about_the_product_just_discussed(service) -> None:
    say(service, "Tell me about the Trailhead Rain Jacket")

    in_l = say(service, "and in size L?").reply.text
    price = say(service, "how much is it?").reply.text
    red = say(service, "the red one?").reply.text

    assert EN.render("product.variant_price", product=JACKET, variant="blue / L", price=money("129.00")) in in_l
    assert EN.render("product.variant_price", product=JACKET, variant="blue / L", price=money("129.00")) in price
    # The same size in red.
    assert EN.render("product.variant_price", product=JACKET, variant="red / L", price=money("99.00")) in red


def test_another_request_during_a_product_question_is_answered_as_itself(service) -> None:
    say(service, "Tell me about the Trailhead Rain Jacket", sender=EMILY.phone)

    turn = say(service, "where is my order?", sender=EMILY.phone)

    assert turn.intent is Intent.ORDER_STATUS
    assert "ORD-104233" in turn.reply.text


def test_one_suggestion_in_stock_never_the_product_itself_and_not_repeated(service) -> None:
    first = say(service, "How much is the Ribbed Beanie?", GRACE.phone).reply.text
    again = say(service, "is it in stock?", GRACE.phone).reply.text
    boot = say(service, "and the Ridge Leather Boot?", GRACE.phone).reply.text
    tee = say(service, "Everyday Organic Tee in white?", GRACE.phone).reply.text

    suggestion = EN.render("product.suggestion", product="Lambswool Scarf", price=money("50.00"))
    assert first.endswith(suggestion) and first.count(SUGGESTING) == 1
    assert suggestion not in again
    # The boot goes with the gaiter (sold out) and the socks: the socks.
    assert boot.endswith(EN.render("product.suggestion", product="Merino Hiking Socks", price=money("5.45")))
    assert "Trail Gaiter" not in boot
    # The white tee "goes with" the black tee: a variant of itself is no suggestion.
    assert SUGGESTING not in tee


def test_plans_are_never_shown_as_products(service) -> None:
    # Asked by a customer who takes suggestions, so the scarf, which "pairs with" the plan, could suggest it.
    scarf = say(service, "price of the Lambswool Scarf", GRACE.phone).reply.text
    plan = say(service, "How much is Trailhead Plus?", GRACE.phone).reply.text
    tapped = say(service, "Trailhead Plus", GRACE.phone, kind=MessageKind.BUTTON_REPLY,
                 payload="product:PLAN-PLUS").reply.text  # fmt: skip

    assert EN.render("product.price", product="Lambswool Scarf", price=money("50.00")) in scarf
    # The nearest product by name is answered, never the plan.
    assert JACKET in plan and JACKET in tapped
    for text in (scarf, plan, tapped):
        assert "Trailhead Plus" not in text and money("9.99") not in text


def test_links_and_internal_attributes_are_never_shown(service) -> None:
    texts = [
        say(service, question).reply.text
        for question in ("Tell me about the Trailhead Rain Jacket", "what sizes?", "SKU-JKT-GRN-M", "Ribbed Beanie")
    ]

    for text in texts:
        assert "$" in text  # each one answered
        for hidden in ("outerwear", "accessories", "SKU-BEANIE", "Northwind", "A1", "B2", "pairs_with", "_bin"):
            assert hidden not in text


def test_a_whatsapp_product_enquiry_is_about_that_product(service) -> None:
    enquiry = ReferredProduct("1418297562834521", "SKU-JKT-BLU-M")  # "Message business" on the blue M jacket
    turn = say(service, "Do you have this in size L?", referred_product=enquiry)

    assert EN.render("product.variant_price", product=JACKET, variant="blue / L", price=money("129.00")) in (
        turn.reply.text
    )


# Each language's own words for "how much is the Trailhead jacket in blue, size L?" (or "do you have it?"),
# from a phone number of a country that speaks it.
ASKED_IN_EACH_LANGUAGE = {
    "en": ("14155550142", "Hi, what does the Trailhead Rain Jacket cost in blue, size L?"),
    "es": ("34612000142", "¿Tenéis la chaqueta Trailhead en azul talla L? ¿Qué precio tiene?"),
    "pt": ("5511900000142", "Olá, vocês têm a jaqueta Trailhead azul no tamanho L? Qual é o preço?"),
    "fr": ("33612000142", "Bonjour, avez-vous la veste Trailhead en bleu, taille L ? Combien coûte-t-elle ?"),
    "de": ("4915100000142", "Hallo, gibt es die Trailhead-Jacke in Blau, Größe L? Was kostet sie?"),
    "it": ("393331000142", "Buongiorno, avete la giacca Trailhead blu in taglia L? Quanto costa?"),
    "hi": ("919810000142", "नमस्ते, क्या Trailhead जैकेट नीले रंग में L साइज़ में मिलेगी? इसकी कीमत क्या है?"),
    "id": ("6281200000142", "Halo, jaket Trailhead warna biru ukuran L ada? Harganya berapa?"),
    "ar": ("966500000142", "مرحبًا، هل سترة Trailhead متوفرة باللون الأزرق مقاس L؟ كم سعرها؟"),
    "tr": ("905320000142", "Merhaba, Trailhead ceketin mavi renk L bedeni var mı? Fiyatı nedir?"),
    "ru": ("79160000142", "Здравствуйте, есть ли куртка Trailhead синего цвета в размере L? Сколько стоит?"),
    "zh": ("8613800000142", "你好，Trailhead 夹克有没有蓝色 L 码？价格是多少？"),
}


@pytest.mark.parametrize("language", sorted(ASKED_IN_EACH_LANGUAGE))
def test_a_product_asked_about_in_each_language_answers_with_that_variants_price(service, language: str) -> None:
    phone, question = ASKED_IN_EACH_LANGUAGE[language]
    catalog = CATALOGS[language]

    turn = say(service, question, sender=phone)

    assert turn.language == language
    assert turn.intent is Intent.PRODUCT_INFO
    # The name as the shop wrote it, the blue L's price in the customer's money format, and only that price.
    assert JACKET in turn.reply.text
    assert money("129.00", catalog) in turn.reply.text
    for other in ("119.00", "109.00", "99.00"):
        assert money(other, catalog) not in turn.reply.text


class ScriptedTranslator:
    """The translation provider's test double: known sentences, else the text tagged with its target language."""

    def __init__(self, known: dict[tuple[str, str], str]) -> None:
        self.known = known
        self.calls: list[str] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append(text)
        return self.known.get((text, target), f"<{target}>{text}")


def test_a_language_without_a_catalog_keeps_product_names_out_of_translation() -> None:
    daan = customer(name="Daan de Vries", phone="31612345678", language="nl", marketing_opt_in=True)  # a suggestion too
    # The provider sees the name as a token only, both ways.
    translator = ScriptedTranslator(
        {("Hoeveel kost de [[0]] in het blauw, maat L?", "en"): "How much is the [[0]] in blue, size L?"}
    )
    native = CATALOGS.languages
    service = conversation_service(
        customers=InMemoryCustomers([daan]),
        orders=InMemoryOrders([]),
        conversations=InMemoryConversations(),
        products=InMemoryProducts(PRODUCTS),
        interpreter=Interpreter(native, CATALOGS.apologies(), TranslationPivot(translator, Protector())),
    )

    turn = say(service, "Hoeveel kost de Trailhead Rain Jacket in het blauw, maat L?", sender=daan.phone)

    assert turn.language == "nl" and turn.translation is TranslationUse.USED
    assert turn.reply.text.startswith("<nl>")
    assert JACKET in turn.reply.text and "Ribbed Beanie" in turn.reply.text
    assert CATALOGS["en"].formatting_for("nl").money(Decimal("129.00"), "USD") in turn.reply.text
    assert translator.calls and not any(JACKET in text or "Ribbed Beanie" in text for text in translator.calls)
