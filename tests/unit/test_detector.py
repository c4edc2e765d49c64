"""The language detector on real text, with its real model (data/langid.npz)."""

import pytest

from parley.language.detector import LangdetectDetector, LanguageModel, dominant_script

NATIVE = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")


@pytest.fixture(scope="module")
def detector() -> LangdetectDetector:
    return LangdetectDetector(NATIVE)


@pytest.mark.parametrize(
    "text", ["ok", "👍", "ORD-104233", "thx", "hoi", "dank", "merci", "да", "bon dia", "ok 👍 ORD-104233"]
)
def test_a_short_message_names_no_language(detector, text):
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ik wil graag weten waar mijn bestelling blijft, ik wacht al twee weken.", "nl"),
        ("Dzień dobry, moje zamówienie jeszcze nie dotarło, czy mogą Państwo sprawdzić?", "pl"),
        ("Hej, jag har inte fått min beställning ännu, kan ni kolla var den är?", "sv"),
        ("注文した商品がまだ届いていません。確認していただけますか？", "ja"),
        ("주문한 상품이 아직 도착하지 않았습니다. 확인해 주시겠어요?", "ko"),
        ("Η παραγγελία μου δεν έχει φτάσει ακόμα.", "el"),
        ("ההזמנה שלי עדיין לא הגיעה", "he"),
        ("Bon dia, vull saber on és la meva comanda", "ca"),
    ],
)
def test_a_clear_sentence_in_a_language_without_a_catalog_is_named(detector, text, language):
    found = detector.detect(text)
    assert found is not None and found.language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola, mi pedido todavía no ha llegado y ya pasaron dos semanas, ¿me pueden ayudar?", "es"),
        ("Olá, o meu pedido ainda não chegou, já faz duas semanas. Podem verificar por favor?", "pt"),
        ("Halo, pesanan saya belum sampai juga padahal sudah dua minggu, tolong dicek ya kak", "id"),
        ("Здравствуйте, мой заказ до сих пор не пришёл, хотя прошло уже две недели.", "ru"),
        ("मेरा ऑर्डर अभी तक नहीं आया है, कृपया जाँच करें", "hi"),
        ("مرحبا، لم يصل طلبي بعد، هل يمكنكم التحقق من ذلك من فضلكم؟", "ar"),
        ("我的订单还没有到，请帮我查一下", "zh"),
    ],
)
def test_a_native_customers_sentence_stays_native(detector, text, language):
    found = detector.detect(text)
    assert found is not None and found.language == language


@pytest.mark.parametrize(
    ("word", "language"),
    [("obrigado", "pt"), ("gracias", "es"), ("danke", "de"), ("terima kasih", "id"), ("teşekkürler", "tr")],
)
def test_a_short_text_gets_a_native_guess_from_its_words(detector, word, language):
    guess = detector.guess(word)
    assert guess is not None and guess.language == language


def test_the_same_text_gets_the_same_answer_from_fresh_detectors():
    texts = ["mi pedido no ha llegado", "Ik wil graag weten waar mijn bestelling blijft", "casa", "ok"]
    first = [(LangdetectDetector(NATIVE).detect(t), LangdetectDetector(NATIVE).guess(t)) for t in texts]
    again = [
        (LangdetectDetector(NATIVE, LanguageModel.load()).detect(t), LangdetectDetector(NATIVE).guess(t)) for t in texts
    ]
    assert first == again


def test_persian_letters_are_needed_before_arabic_script_leaves_arabic(detector):
    found = detector.detect("سلام، سفارش من هنوز نرسیده است، لطفا پیگیری کنید")
    assert found is not None and found.language == "fa"
    found = detector.detect("السلام عليكم، أين طلبي؟ لم يصل حتى الآن")
    assert found is not None and found.language == "ar"


def test_kana_beside_kanji_is_japanese_and_han_alone_is_chinese():
    assert dominant_script("東京に行きます") == "ja"
    assert dominant_script("东京很大") == "zh"
    assert dominant_script("我们の新款运动鞋今天发货了吗") == "zh"
    assert dominant_script("iPhone 15 什么时候到") == "zh"
