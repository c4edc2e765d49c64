import pytest

from parley.config import DEFAULT_ORDER_ID_PATTERN
from parley.nlu.entities import OrderIdFinder

FINDER = OrderIdFinder(DEFAULT_ORDER_ID_PATTERN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where is ORD-104233?", ["ORD-104233"]),
        ("ord 104233", ["ORD-104233"]),
        ("#ORD104233 please", ["ORD-104233"]),
        ("ord_104233 and ORD 555555", ["ORD-104233", "ORD-555555"]),
        ("my order 104233 hasn't come", ["ORD-104233"]),
        ("mi pedido nº 200311", ["ORD-200311"]),
        ("Bestellung Nr. 104233", ["ORD-104233"]),
        ("где мой заказ 104233", ["ORD-104233"]),
        ("我的订单104233在哪里", ["ORD-104233"]),
        ("order 104233 is ORD-104233", ["ORD-104233"]),
        # As customers write them elsewhere: a receipt's hash, Turkish number-first, Arabic-Indic digits, short forms.
        ("can u send me the tracking link for #310552 pls", ["ORD-310552"]),
        ("108604 nolu siparişim nerede?", ["ORD-108604"]),
        ("707516 siparişi için iki kere çekim yapılmış", ["ORD-707516"]),
        ("متى يوصل الطلب #٥٥٧١٦٤؟", ["ORD-557164"]),
        ("لو سمحت الغي order رقم 679680", ["ORD-679680"]),
        ("storno für bestellnr 672048 bitte", ["ORD-672048"]),
        ("remboursement de la cde #309981 svp", ["ORD-309981"]),
        ("la cmd 622930 est annulée ?", ["ORD-622930"]),
        ("wo bleibt best nr 500612", ["ORD-500612"]),
        ("Best.-Nr. 500612 ist noch nicht da", ["ORD-500612"]),
        ("where is ORD-１０４２３３", ["ORD-104233"]),
        ("вопрос по заказу 648867", ["ORD-648867"]),
        ("мой заказ №648867", ["ORD-648867"]),
        ("siparişim 123456 nerede", ["ORD-123456"]),
        ("sipariş numarası 123456", ["ORD-123456"]),
        ("Bestellnummer 123456", ["ORD-123456"]),
        ("订单号 123456", ["ORD-123456"]),
        ("pesanan saya 123456 belum sampai", ["ORD-123456"]),
        ("ordine n. 123456", ["ORD-123456"]),
        ("ऑर्डर नंबर 123456 कहाँ है", ["ORD-123456"]),
        ("طلبي 123456 لم يصل", ["ORD-123456"]),
        ("my order number is 123456", ["ORD-123456"]),
        # A number a few words from a word for an order, when nothing names one more plainly.
        ("pls cancel 412007 i ordered twice by mistake", ["ORD-412007"]),
        ("i was charged twice for the same order!! 415300", ["ORD-415300"]),
        ("gde moi zakaz 470115? zhdu uzhe nedelyu", ["ORD-470115"]),
        ("siparişimi iptal etmek istiyorum 481004", ["ORD-481004"]),
        ("kak pesanan aku 510116 kok blm sampe ya", ["ORD-510116"]),
        ("el order bta3i 520377 lesa ma wasalsh leh?", ["ORD-520377"]),
        ("الاوردر بتاعي 520377 فين", ["ORD-520377"]),
    ],
)
def test_order_numbers_come_out_in_one_canonical_form(text, expected):
    assert FINDER.find_all(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 orders",
        "order 12",
        "call me on 5551234567",
        "ORD-1042331234567",
        "BORD-104233",
        "word104233",
        "reorder 123456",
        "I paid 123456 for the order",
        "my orders in 2024 were fine",
        "order 2025 catalogue",
        # Amounts and phone numbers near a word for an order are neither.
        "order total 25000 rupiah",
        "my order was 4500 rs only",
        "pesanan aku, wa 0812 3456 7890",
        "my order, call +49 1511 2345",
        "my order, phone 5551234567",
    ],
)
def test_numbers_that_are_not_order_ids_are_left_alone(text):
    assert FINDER.find_all(text) == []


def test_a_custom_pattern_and_format_are_honoured():
    finder = OrderIdFinder(r"#?(\d{6})", "{0}")

    assert finder.find_all("where is #104233") == ["104233"]
    assert finder.find_all("pedido 200311") == ["200311"]


def test_normalise_accepts_only_a_whole_order_id():
    assert FINDER.normalise(" #ORD104233 ") == "ORD-104233"
    assert FINDER.normalise("ORD-104233 and more") is None
