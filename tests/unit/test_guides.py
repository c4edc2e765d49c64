"""Troubleshooting guides: which guide fits a customer's message, walking its steps, and rejecting broken files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parley.config import load_settings
from parley.support.guides import Guide, GuideError, Guides, guides_dir, load_guide, load_guides
from parley.wiring import configured_guides

# A customer's message per guide per native language, as they would write it: informal, accents often missing.
MESSAGES = {
    "wont-turn-on": {
        "en": "my phone wont turn on since yesterday",
        "es": "mi móvil no enciende desde ayer",
        "pt": "meu celular não liga mais, o que eu faço?",
        "fr": "Bonjour, ma montre ne s'allume plus depuis ce matin",
        "de": "Mein Fernseher geht nicht an, nur die rote Lampe leuchtet",
        "it": "il mio telefono non si accende piu",
        "hi": "मेरा फ़ोन चालू नहीं हो रहा है",
        "id": "hp saya gak mau nyala dari kemarin",
        "ar": "هاتفي لا يعمل منذ الأمس",
        "tr": "telefonum açılmıyor ne yapmalıyım",
        "ru": "Телефон не включается после ночи на зарядке",
        "zh": "我的手机不开机了怎么办",
    },
    "battery-not-charging": {
        "en": "my watch is not charging even on the dock",
        "es": "el movil no carga con el cargador original",
        "pt": "meu celular parou de carregar",
        "fr": "mon téléphone ne charge plus du tout",
        "de": "Das Handy lädt nicht mehr, egal welches Kabel",
        "it": "lo smartphone non si carica più",
        "hi": "phone charge nahi ho raha hai",
        "id": "hp saya gak bisa dicas sama sekali",
        "ar": "الجوال ما يشحن أبدًا",
        "tr": "telefonum şarj olmuyor",
        "ru": "Телефон перестал заряжаться",
        "zh": "手机充不进电，换了线也不行",
    },
    "bluetooth-pairing": {
        "en": "my new headphones won't pair with my iphone",
        "es": "los audífonos no se conectan a mi celular",
        "pt": "o fone não conecta no bluetooth do celular",
        "fr": "mes écouteurs ne se connectent pas à mon téléphone",
        "de": "Die Kopfhörer lassen sich nicht mit meinem Handy koppeln",
        "it": "le cuffie non si collegano al telefono",
        "hi": "मेरे ईयरबड्स ब्लूटूथ से कनेक्ट नहीं हो रहे",
        "id": "tws saya gak konek ke hp",
        "ar": "السماعة ما تتصل بالجوال عن طريق البلوتوث",
        "tr": "kulaklığım telefona bağlanmıyor",
        "ru": "наушники не подключаются к телефону",
        "zh": "耳机连不上手机蓝牙",
    },
    "wifi-connection": {
        "en": "the tv won't connect to my wi-fi",
        "es": "la tele no se conecta al wifi de casa",
        "pt": "a TV não conecta no wifi",
        "fr": "ma télé ne se connecte pas au WiFi",
        "de": "Der Fernseher findet mein WLAN nicht",
        "it": "la tv non si collega al wifi",
        "hi": "टीवी वाईफ़ाई से कनेक्ट नहीं हो रहा",
        "id": "tv nya gak bisa konek wifi",
        "ar": "التلفزيون ما يتصل بالواي فاي",
        "tr": "televizyon wifi'a bağlanmıyor",
        "ru": "телевизор не подключается к вайфаю",
        "zh": "电视连不上wifi",
    },
    "account-login": {
        "en": "I can't log in, the verification code never arrives",
        "es": "no puedo iniciar sesion, no me llega el codigo",
        "pt": "não consigo entrar na minha conta",
        "fr": "je n'arrive pas à me connecter à mon compte",
        "de": "Ich kann mich nicht einloggen, Passwort vergessen",
        "it": "non riesco ad accedere al mio account",
        "hi": "otp nahi aa raha login ke liye",
        "id": "saya gak bisa login ke akun",
        "ar": "نسيت كلمة المرور ولا أستطيع الدخول",
        "tr": "şifremi unuttum giriş yapamıyorum",
        "ru": "не могу войти в аккаунт, забыл пароль",
        "zh": "我登录不了，收不到验证码",
    },
    "app-crashes": {
        "en": "the app keeps crashing when I open it",
        "es": "la app se cierra sola cada vez que la abro",
        "pt": "o aplicativo fica travando",
        "fr": "l'appli plante dès que je l'ouvre",
        "de": "Die App stürzt beim Start ab",
        "it": "l'app si chiude da sola",
        "hi": "app baar baar crash ho raha hai",
        "id": "aplikasinya keluar sendiri terus",
        "ar": "التطبيق يعلق ويقفل لحاله",
        "tr": "uygulama sürekli çöküyor",
        "ru": "приложение вылетает при запуске",
        "zh": "App一打开就闪退",
    },
}
LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")

UNRELATED = {
    "en": ["where is my order", "I want a refund", "I was charged twice", "do you sell airpods?",
           "cancel my subscription", "hello", "what sizes does the jacket come in?"],
    "es": ["dónde está mi pedido", "quiero un reembolso", "me cobraron dos veces"],
    "pt": ["cadê meu pedido?", "quero meu dinheiro de volta"],
    "fr": ["où est ma commande ?", "je veux être remboursé", "commande bloquée en transit"],
    "de": ["wo ist meine Bestellung", "ich möchte eine Rückerstattung", "Retoure anmelden"],
    "it": ["dov'è il mio ordine?", "voglio un rimborso"],
    "hi": ["मेरा ऑर्डर कहाँ है", "मुझे रिफंड चाहिए"],
    "id": ["pesanan saya di mana", "saya mau refund"],
    "ar": ["أين طلبي؟", "أريد استرداد أموالي", "باي بال ما يشتغل"],
    "tr": ["siparişim nerede", "para iadesi istiyorum"],
    "ru": ["где мой заказ", "хочу вернуть деньги", "платёж висит в обработке"],
    "zh": ["我的订单在哪里", "我要退款"],
}  # fmt: skip


@pytest.fixture(scope="module")
def guides() -> Guides:
    return load_guides()


CASES = [(guide_id, language) for guide_id in MESSAGES for language in LANGUAGES]


@pytest.mark.parametrize(("guide_id", "language"), CASES, ids=[f"{g}-{lang}" for g, lang in CASES])
def test_a_customers_message_finds_its_guide_in_every_language(guides: Guides, guide_id: str, language: str) -> None:
    found = guides.match(MESSAGES[guide_id][language], language)
    assert found is not None and found.id == guide_id


@pytest.mark.parametrize(
    ("text", "language"), [(text, language) for language, texts in UNRELATED.items() for text in texts]
)
def test_a_message_about_something_else_finds_no_guide(guides: Guides, text: str, language: str) -> None:
    assert guides.match(text, language) is None


@pytest.mark.parametrize(
    ("text", "language", "guide_id"),
    [
        ("NO ENCIENDE", "es", "wont-turn-on"),
        ("ne s allume pas", "fr", "wont-turn-on"),
        ("telefonum acilmiyor", "tr", "wont-turn-on"),
        ("Handy laedt nicht", "de", "battery-not-charging"),
        ("ТЕЛЕФОН НЕ ВКЛЮЧАЕТСЯ", "ru", "wont-turn-on"),
        ("نسيت كلمه السر", "ar", "account-login"),  # ta marbuta typed as ha
        ("手机 不 开机", "zh", "wont-turn-on"),
        ("iPhone不开机", "zh", "wont-turn-on"),
    ],
)
def test_matching_ignores_case_accents_and_spacing(guides: Guides, text: str, language: str, guide_id: str) -> None:
    found = guides.match(text, language)
    assert found is not None and found.id == guide_id


def test_the_more_specific_phrase_wins(guides: Guides) -> None:
    # "ne démarre pas" is a device that will not start; "l'appli ne démarre pas" is the app.
    assert _id(guides.match("mon téléphone ne démarre pas", "fr")) == "wont-turn-on"
    assert _id(guides.match("l'appli ne démarre pas", "fr")) == "app-crashes"
    # "no carga" is a battery; "la página no carga" is not.
    assert _id(guides.match("la página no carga", "es")) == "app-crashes"
    assert _id(guides.match("el teléfono no carga", "es")) == "battery-not-charging"


def test_a_message_in_english_is_matched_whatever_the_conversations_language(guides: Guides) -> None:
    assert _id(guides.match("bluetooth pairing fails", "de")) == "bluetooth-pairing"
    # A language without guides at all (a pivot language) reads the English terms.
    assert _id(guides.match("my phone won't turn on", "nl")) == "wont-turn-on"


def test_a_product_category_leaves_out_guides_for_other_products() -> None:
    guides = Guides(
        [
            _guide("tv-no-picture", ["no picture"], categories=("tv",)),
            _guide("phone-no-picture", ["no picture"], categories=("phone",)),
        ]
    )
    assert guides.match("no picture at all", "en") is None  # two guides fit: it is not clear which
    assert _id(guides.match("no picture at all", "en", category="TV")) == "tv-no-picture"
    assert _id(guides.match("no picture at all", "en", category="phone")) == "phone-no-picture"


def test_matching_is_deterministic(guides: Guides) -> None:
    results = {_id(guides.match("my phone won't turn on and won't charge", "en")) for _ in range(5)}
    assert len(results) == 1


def test_steps_are_walked_one_at_a_time_and_end_with_none(guides: Guides) -> None:
    count = guides.count("wont-turn-on")
    assert 3 <= count <= 5
    steps = [guides.step("wont-turn-on", "es", i) for i in range(count)]
    assert all(steps) and len(set(steps)) == count
    assert "30 minutos" in (steps[0] or "")
    assert guides.step("wont-turn-on", "es", count) is None
    assert guides.step("wont-turn-on", "es", -1) is None


def test_a_language_without_steps_falls_back_to_english(guides: Guides) -> None:
    assert guides.step("wifi-connection", "nl", 0) == guides.step("wifi-connection", "en", 0)
    guide = guides.get("wifi-connection")
    assert guide is not None and guide.title("nl") == guide.title("en")
    # A regional code reads its language's steps.
    assert guides.step("wifi-connection", "pt-BR", 0) == guides.step("wifi-connection", "pt", 0)
    assert guide.title("zh-CN") == guide.title("zh")
    assert _id(guides.match("meu celular não liga", "pt-BR")) == "wont-turn-on"


def test_an_unknown_guide_has_no_steps(guides: Guides) -> None:
    assert guides.get("no-such-guide") is None
    assert guides.count("no-such-guide") == 0
    assert guides.step("no-such-guide", "en", 0) is None


def test_the_six_guides_ship(guides: Guides) -> None:
    assert set(guides.ids) == set(MESSAGES)
    assert len(guides) == 6


def test_the_directory_comes_from_the_settings(tmp_path: Path) -> None:
    # PARLEY_GUIDES_DIR names the layer's guides in Lambda: the runtime reads them from there, not from the code.
    with pytest.raises(GuideError, match=str(tmp_path)):
        configured_guides(load_settings({"PARLEY_GUIDES_DIR": str(tmp_path)}))
    assert guides_dir() == Path(__file__).resolve().parents[2] / "guides"
    assert len(configured_guides(load_settings({}))) == 6


def test_a_directory_without_guides_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="no guides"):
        load_guides(tmp_path)


# --- Broken files ---------------------------------------------------------------------------------------------


def _valid() -> dict[str, Any]:
    return {
        "id": "screen-flickers",
        "categories": ["phone"],
        "title": {"en": "The screen flickers", "es": "La pantalla parpadea"},
        "terms": {"en": ["flickers", "flickering"], "es": ["parpadea"]},
        "steps": {
            "en": ["Restart it.", "Turn off auto-brightness."],
            "es": ["Reinícielo.", "Desactive el brillo automático."],
        },
    }


def _write(directory: Path, data: Any, name: str = "screen-flickers.json") -> Path:
    path = directory / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    guides = load_guides(_write(tmp_path, _valid()).parent)
    assert _id(guides.match("la pantalla parpadea", "es")) == "screen-flickers"
    assert guides.step("screen-flickers", "es", 1) == "Desactive el brillo automático."
    assert guides.step("screen-flickers", "fr", 1) == "Turn off auto-brightness."


def _broken(**changes: Any) -> dict[str, Any]:
    data = _valid()
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "cannot read it as JSON"),
        ("[]", "must hold a JSON object"),
        (_broken(steps=None), "missing steps"),
        (_broken(id="Screen Flickers"), "id must be"),
        (_broken(id="other-id"), "differs from the file name"),
        (_broken(notes="x"), "unknown key 'notes'"),
        (_broken(title={"es": "La pantalla parpadea"}), "no 'en' entry"),
        (_broken(steps={"en": ["Restart it.", "Turn off auto-brightness."], "es": ["Reinícielo."]}),
         "1 steps in 'es' but 2 in English"),
        (_broken(steps={"en": ["Restart it.", " "]}), "empty entry"),
        (_broken(steps={"en": ["x" * 301]}), "step 1 in 'en' has 301 characters"),
        (_broken(steps={"en": []}), "steps in 'en' is empty"),
        (_broken(steps={"en": "Restart it."}), "must be a list of texts"),
        (_broken(title={"en": "The screen flickers"}), "steps in 'es' but no title"),
        (_broken(terms={"english": ["flickers"]}), "not a language code"),
        (_broken(categories="phone"), "categories must be a list"),
    ],
)  # fmt: skip
def test_a_broken_file_is_an_error_naming_the_file_and_the_problem(tmp_path: Path, data: Any, problem: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(GuideError) as raised:
        load_guide(path)
    assert str(raised.value).startswith("screen-flickers.json: ")
    assert problem in str(raised.value)


def test_two_guides_with_one_id_are_an_error() -> None:
    with pytest.raises(GuideError, match="two guides have the id 'a'"):
        Guides([_guide("a", ["x"]), _guide("a", ["y"])])


def _guide(guide_id: str, terms: list[str], categories: tuple[str, ...] = ()) -> Guide:
    return Guide(
        id=guide_id,
        titles={"en": guide_id},
        steps={"en": ("Do this.",)},
        categories=categories,
        terms={"en": tuple(terms)},
    )


def _id(guide: Guide | None) -> str | None:
    return guide.id if guide else None
