"""What the report may show of an unrecognised text: common words only. Names of anyone, addresses, numbers in
digits or words, emails, links, cards and IBANs become placeholders (`make bench` measures leaks on a generated
adversarial set; these are the cases each rule is for)."""

from __future__ import annotations

import pytest

from parley.privacy.scrubbing import anonymise, normalise


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("where is my parcel?", "where is my parcel"),
        ("my neighbour Joanna Kowalska took my parcel", "my neighbour [name] took my parcel"),
        ("MY NEIGHBOUR JOANNA KOWALSKA TOOK MY PARCEL", "my neighbour [name] took my parcel"),
        ("please deliver to 12 Baker Street, thanks", "please deliver to [address], thanks"),
        ("call me on +34 612 345 678", "call me on #"),
        ("call me on 612.345.678", "call me on #"),
        ("call me on six one two three four five", "call me on #"),
        ("meu telefone é cinco dois três nove seis um zero quatro dois", "meu telefone é #"),
        ("il mio numero è due due sette nove otto", "il mio numero è #"),
        ("bel me op acht een vijf zeven", "bel me op #"),
        ("write to ana.lopez@example.com", "write to [email]"),
        ("pay to ES91 2100 0418 4502 0005 1332 please", "pay to [iban] please"),
        ("you charged my card 4111 1111 1111 1111 twice", "you charged my card [card] twice"),
        ("the payment is due on friday", "the payment is due on friday"),
    ],
)
def test_the_report_keeps_common_words_and_nothing_personal(text, shown) -> None:
    assert normalise(text) == shown


def test_a_rare_word_becomes_a_placeholder_and_anonymising_again_changes_nothing() -> None:
    key = normalise("ask Blatherwickshire about it")

    assert "blatherwick" not in key
    assert anonymise(key).casefold() == key


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Names that are common words too, where the text says they are names: next to a name, after an
        # introduction, capitalised mid-sentence.
        ("hi this is Kim Simonsen, please call me back", "hi this is [name], please call me back"),
        ("ciao sono BEN CARTER, il mio numero", "ciao sono [name], il mio numero"),
        ("hoi, ik ben Ben Brown, bel me op", "hoi, ik ben [name], bel me op"),
        ("hoi, ik ben Jane Mai, bel me", "hoi, ik ben [name], bel me"),
        ("ciao sono Dan-Lelia Gheorghiu, grazie", "ciao sono [name]-[name], grazie"),
        ("Hallo, hier ist Pierre Weiss, bitte", "hallo, hier ist [name], bitte"),
        ("olá, sou may ellingsen", "olá, sou [name]"),
        ("where is my order, Vera?", "where is my order, [name]"),
        ("hi this is امل سهلي, call me", "hi this is [name], call me"),
        # Names typed without their accents, and a possessive.
        ("bonjour c'est Σταυρος Κωνσταντοπουλος", "bonjour c'est [name]"),
        ("hi this is Jane Duong", "hi this is [name]"),
        ("dzień dobry, tu Patrick Cousin's", "dzień dobry, tu [name]"),
        # Emails written out.
        ("mi correo es usong at gmail dot com", "mi correo es [email]"),
        ("write to li-ling07[at]outlook[dot]com please", "write to [email] please"),
        ("meu email é marios.chatzisavvas @ gmail . com", "meu email é [email]"),
        ("mi correo es ana arroba web punto es", "mi correo es [email]"),
    ],
)
def test_names_that_are_words_and_spelled_out_emails_go_where_the_text_says_so(text, shown) -> None:
    assert normalise(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "i want a refund and a new one",
        "ik ben niet tevreden over de bezorging",
        "this is my order",
        "where can i download my invoice",
        "how many days until i see the refund on my card",
        "ich warte auf den bus",
        "the grand place order",
        "c'est bon, merci",
        "je n'arrive pas à accéder à mon compte",
        "c'è un operatore disponibile",
        "per favore, dove è il mio ordine",
        "i am at home, call me",
        "sono le cinque e il pacco non è arrivato",
        "hallo, hier ist [name], bitte an [name] liefern",  # a key anonymised before: "an" stays
    ],
)
def test_ordinary_messages_keep_their_words(text) -> None:
    assert normalise(text) == text
    assert normalise(text.capitalize()) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("deliver to 7 Nicole Lakes on sundays", "deliver to [address] on sundays"),
        ("deliver to Flat 95 Cartwright Square on sundays", "deliver to [address] on sundays"),
        ("bitte an Gang Pasteur No. 53 liefern", "bitte an [address]"),
        ("entreguem na Quadra Vasconcelos, 63, obrigado", "entreguem na [address], obrigado"),
        ("Hallo, bitte an Keresztváradi tér 72. liefern", "hallo, bitte an [address]"),
        ("deliver to 경기도 속초시 압구정거리 694 please", "deliver to [address] please"),
        ("bitte an 44 بلدية لطفي معزوز liefern", "bitte an [address]"),
        ("deliver to Blv. Chaco N° 84 on sundays", "deliver to [address] on sundays"),
        ("bitte an Camino 5 N° 8560 liefern", "bitte an [address]"),
        ("Hallo, bitte an Số 8/30/622 Phố Tự Do liefern", "hallo, bitte an [address]"),
        ("deliver to অ্যাপার্টমেন্ট ৭৭, বিল্ডিং নং ৪৩, জীবনগ্রাম on sundays", "deliver to [address] on sundays"),
        ("bitte an Calle 136M # 1-5 Este liefern", "bitte an [address]"),
    ],
)
def test_addresses_of_many_countries_are_one_placeholder(text, shown) -> None:
    assert normalise(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "mi pedido está en camino, gracias",
        "order no. # not delivered",
        "bestellung nr. # fehlt",  # an order's number, not a house's
        "no. # is wrong",
        "i live near the lakes",
        "please drive carefully",
        "o pacote está no largo da loja",
    ],
)
def test_words_that_are_street_words_only_beside_an_address_stay(text) -> None:
    assert normalise(text) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # A rarer word touching a name is part of it, whatever its case: a surname that is also a word somewhere,
        # one behind an apostrophe, a given name before the surname.
        ("write me a poem about siobhan o'connor who sings", "write me a poem about [name] who sings"),
        ("the weather is nice says małgorzata kowalczyk of Warsaw", "the weather is nice says [name] of warsaw"),
        ("fragt Klaus-Dieter Schwarzenegger aus München", "fragt [name]-[name] aus münchen"),
        ("a poem about ana paula gonçalves who sings", "a poem about [name] who sings"),
        ("a poem about anh trần who lives in Saigon", "a poem about [name] who lives in saigon"),
        # A street known only by its name, with its house number.
        ("a poem about him who lives at Plac Zbawiciela 4 Warszawa", "a poem about him who lives at [address]"),
        ("write to them at Strøget 20 København", "write to them at [address]"),
        ("my aunt from 54 Hang Bac Hanoi, she sings karaoke", "my aunt from [address], she sings karaoke"),
    ],
)
def test_surnames_beside_a_name_and_streets_known_by_their_name_are_placeholders(text, shown) -> None:
    assert normalise(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "donde descargo mi factura de enero",
        "i ordered 2 nike shoes and 1 adidas cap",
        "the router 2 lights are off",
        "بالطلب 413218 بدي غير المقاس",
        "do you have size 42 in black",
    ],
)
def test_products_sizes_and_order_numbers_are_no_streets_or_names(text) -> None:
    shown = normalise(text)

    assert "[address]" not in shown and "[name]" not in shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Found by the second blind report check.
        ("write me a poem about Siobhán O'Sullivan please", "write me a poem about [word] [name] please"),
        (
            "a joke about my colleague Trần Văn Hùng who sits near me",
            "a joke about my colleague [name] who sits near me",
        ),
        ("the weather at 1012 LG Amsterdam today", "the weather at # amsterdam today"),
        ("son numéro est zéro six douze soixante-dix-huit", "son numéro est #-#-#"),
        ("a poem about Youssef at Rynek Główny 1, Kraków", "a poem about [name] at [address]"),
    ],
)
def test_irish_and_vietnamese_names_postcodes_with_letters_and_hyphenated_numbers_are_placeholders(text, shown):
    assert normalise(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "a atendente Maria foi um amor",
        "my neighbour Joanna took my parcel",
        "can we do this in spanish? my english isn't great",
        "nell'ordine 5 ho messo una confezione",
        "gimana caranya pause langganan 2 bulan",
    ],
)
def test_who_the_person_is_contractions_and_reference_words_stay(text):
    shown = normalise(text)

    kept = {"atendente", "neighbour", "isn't", "nell'ordine", "langganan"}
    assert any(word in shown.split() for word in kept), shown
    assert "[address]" not in shown


@pytest.mark.parametrize(
    ("text", "language", "shown"),
    [
        # Found by the second blind report check: names that are words of another language than the message's,
        # names Faker does not list, a name's "bin" that is a Turkish number, towns after an address.
        ("my sister thu trang picked up the parcel for me", "en", "[name] picked up the parcel for me"),
        ("please give it to khai at the desk", "en", "please give it to [name] at the desk"),
        ("can you call my son wayan about the delivery", "en", "can you call my son [word] about the delivery"),
        ("ayşe from next door took my package", "en", "[name] from next door took my package"),
        ("siparişi ayşe yılmazoğlu teslim alacak", "tr", "siparişi [name] [word] teslim alacak"),
        ("the parcel is for abdulaziz bin salman", "en", "the parcel is for [name] bin [name]"),
        ("deliver to Storgata 5, Oslo please", "en", "deliver to [address] please"),
        ("vivo en avenida de los andes 45, valparaíso", "es", "vivo en [address]"),
        ("bitte an Hauptstraße 5, 80331 München liefern", "de", "bitte an [address] liefern"),
        ("Deliver to Storgata 5, Thanks a lot", "en", "deliver to [address], thanks a lot"),
        # Found by the third blind report check: names joined by a hyphen, after a particle, with a case ending or
        # a suffix, with the Arabic article or a proclitic; Chinese names said with who the person is; emails
        # spelled in other languages; the town after an address and a preposition.
        ("Kim Seo-yeon and Lee Min-ho are coming", "en", "[name]-[name] and [name]-[name] are coming"),
        ("Maria das Graças Oliveira mora aqui", "pt", "[name] das [name] mora aqui"),
        ("kardeşim Burak'ın numarası", "tr", "kardeşim [name] numarası"),
        ("позвоните дмитрию, он знает", "ru", "позвоните [name], он знает"),
        ("اسمه خالد المصري", "ar", "اسمه [name]"),
        ("ابعتوا الطلب لفاطمة", "ar", "ابعتوا الطلب [name]"),
        ("我同学黄晓明说你们的客服很好", "zh", "我同学[name]说你们的客服很好"),
        ("la mia mail è federica.marchetti92 chiocciola libero punto it", "it", "la mia mail è [email]"),
        ("мой email olga точка ivanova собака mail точка ru", "ru", "мой email [email]"),
        ("wir wohnen in der Hauptstraße 112a in Stuttgart", "de", "wir wohnen in [address]"),
        ("PIOTR Z PLACU ZBAWICIELA 4 W WARSZAWIE", "pl", "[name] z [address]"),
        ("chị thu trang đã nhận hàng giúp em rồi", "vi", "chị [name] đã nhận hàng giúp em rồi"),
    ],
)
def test_a_word_of_another_language_than_the_conversations_is_no_word_of_the_report(text, language, shown):
    assert normalise(text, language=language) == shown
    assert anonymise(shown, language=language) == shown


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mùa thu này giao hàng chậm quá", "vi"),  # "thu" is autumn in Vietnamese
        ("gibt es die jacke auch in xxl", "de"),  # a size every language writes
        ("il pacco è arrivato a milano ma non a casa mia", "it"),
        ("delivery address change ho sakta hai kya", "hi"),  # Hindi in Latin letters: no word list to hold it to
        ("c'est bon, merci", "fr"),
    ],
)
def test_the_conversations_own_words_and_widespread_ones_stay(text, language):
    assert normalise(text, language=language) == text


@pytest.mark.parametrize(
    ("text", "language", "personal"),
    [
        # Found by the fourth blind report check: towns after an address (any of GeoNames' towns, in any language,
        # and before its town a district), names after who the person is, a title or a particle's hyphen, phone
        # numbers read out in Hindi or Chinese, names spelled letter by letter.
        ("vivo en Calle de Alcalá 45, 28009 Madrid", "es", ["alcalá", "madrid"]),
        ("abito in Via Toledo 256, 80134 Napoli", "it", ["toledo", "napoli"]),
        ("Rua das Flores 12, Centro, Fortaleza CE", "pt", ["flores", "fortaleza"]),
        ("deliver to 12 Jalan Ampang 50450 Kuala Lumpur", "en", ["ampang", "kuala", "lumpur"]),
        ("я живу в москве на улице Ленина 5", "ru", ["москве", "ленина"]),
        ("العنوان شارع التحرير 10، الدقي، الجيزة", "ar", ["التحرير", "الجيزة"]),
        ("寄到上海市浦东新区世纪大道100号", "zh", ["上海", "浦东", "世纪大道"]),
        ("我住在北京市", "zh", ["北京"]),
        ("tolong hubungi adik saya komang di rumah", "id", ["komang"]),
        ("số của anh tuấn là 0912 345 678", "vi", ["tuấn"]),
        ("tell mr ahmad bin abdullah al-farsi here that i called", "en", ["ahmad", "abdullah", "farsi"]),
        ("الموظفة نورة القحطاني ساعدتني", "ar", ["نورة", "القحطاني"]),
        ("mera number nau aath saat chhe teen do ek zero hai", "hi", ["nau", "aath", "saat", "chhe", "teen"]),
        ("电话是幺三八零零幺三八零零零", "zh", ["三八零零"]),
        ("my email is r o b e r t s m i t h at gmail", "en", ["robert", "smith", "r"]),
        # Found by the fifth: a town before its street, a town ending a clause after a placeholder, a town of two
        # words, numbers read out in Greek, Vietnamese and Japanese, a mail domain said alone.
        ("я живу в Подольске, на Садовой 5", "ru", ["подольске", "садовой"]),
        ("ella vive en Cádiz, en la calle Ancha 23", "es", ["cádiz", "ancha"]),
        ("tinggal di Kel. Sukamaju, Depok", "id", ["sukamaju", "depok"]),
        ("giao đến 12 PHỐ HUẾ, HÀ NỘI", "vi", ["huế", "hà", "nội"]),
        ("το κινητό μου είναι έξι εννιά επτά δύο τρία", "el", ["έξι", "εννιά", "επτά"]),
        ("số của tôi là không chín không, một hai ba bốn", "vi", ["chín", "hai", "bốn"]),
        ("電話番号はゼロキューゼロ、イチニーサンヨンです", "ja", ["キュー", "イチニー"]),
        ("skriv till mig på snabel-a telia punkt com", "sv", ["telia"]),
        # Found by the sixth: numbers joined by "y", Turkish, Indonesian and Arabic digits, a mail said with its
        # provider only, a name after "tên" (named) or in another case (Greek).
        ("mi número es sesenta y cinco, cuarenta y dos", "es", ["cinco", "dos"]),
        ("numaram bir iki üç dört", "tr", ["bir", "dört"]),
        ("nomor saya kosong delapan satu dua", "id", ["kosong", "delapan"]),
        ("رقمي واحد اثنين ثلاثة", "ar", ["اثنين"]),
        ("мой email ivan.sokolov собака mail", "ru", ["ivan", "sokolov", "mail"]),
        ("tên Hùng, số điện thoại", "vi", ["hùng"]),
        ("το πακέτο του Γιώργου", "el", ["γιώργου"]),
    ],
)
def test_towns_beside_an_address_and_names_said_around_them_are_placeholders(text, language, personal):
    shown = normalise(text, language=language)

    assert not any(token in shown.split() or (not token.isascii() and token in shown) for token in personal), shown


@pytest.mark.parametrize("text", ["我知道了，超市在哪里", "这个地区能送吗", "我的订单到哪了"])
def test_chinese_words_that_end_like_a_place_stay(text):
    assert normalise(text, language="zh") == text.replace("，", ",")


@pytest.mark.parametrize(
    ("text", "language"),
    [("hai bạn ơi", "vi"), ("hoi, ik ben Jane Mai, bel me", "nl"), ("i went to paris last week, lovely", "en")],
)
def test_words_beside_names_and_towns_that_are_no_part_of_them_stay(text, language):
    kept = {"ơi", "bel", "lovely"}
    assert kept & set(normalise(text, language=language).split(" ")), normalise(text, language=language)


def test_greek_keeps_its_final_sigma_in_the_report():
    assert normalise("μίλησα με τον κούριερ χθες", language="el") == "μίλησα με τον κούριερ χθες"
