"""How customers describe a damaged, wrong or missing item, in each of the twelve languages and as they type it (no
accents, slang, typos, Arabizi, Hinglish): the catalogs' word lists read it as that problem, and read nothing into
what only sounds close to it: troubleshooting, a change asked for with "instead of", a question about a product, an
order not there yet."""

from __future__ import annotations

import pytest

from parley.dialogue.problems import reported_problem
from parley.domain.records import ItemProblem
from parley.i18n import load_catalogs

CATALOGS = load_catalogs()
DAMAGED, WRONG, MISSING = ItemProblem.DAMAGED, ItemProblem.WRONG, ItemProblem.MISSING

REPORTED: dict[str, list[tuple[str, ItemProblem]]] = {
    "en": [
        ("the sole came off my trainers after two days", DAMAGED),
        ("hi, the seam on the left leg ripped the first time i wore them", DAMAGED),
        ("zip broke on arrival, can't even close the jacket", DAMAGED),
        ("the shampoo bottle is leaking all over the box", DAMAGED),
        ("theres a stain on the front of the shirt and a hole in the sleeve", DAMAGED),
        ("screen was cracked straight out of the box", DAMAGED),
        ("the table leg was broken when we opened it", DAMAGED),
        ("the cookies were stale and past the best before date", DAMAGED),
        ("my phone battery is swollen, its only a week old", DAMAGED),
        ("I received a black one instead of the white I ordered", WRONG),
        ("got a size 9 instead of the 10", WRONG),
        ("you guys sent blue sneakers instead", WRONG),
        ("this is somebody elses order, not mine", WRONG),
        ("the hoodie came in grey instead of navy", WRONG),
        ("the screws are missing, can't build the shelf", MISSING),
        ("it came without the charger", MISSING),
        ("box was empty when i opened it!!", MISSING),
        ("i ordered 3 mugs but only got 2", MISSING),
        ("app says its been delivered but i never got it", MISSING),
    ],
    "fr": [
        ("la semelle s'est décollée au bout de deux jours", DAMAGED),
        ("la couture a lâché dès le premier lavage", DAMAGED),
        ("le pull est arrivé avec un trou dans la manche", DAMAGED),
        ("la fermeture eclair est cassee", DAMAGED),
        ("le flacon fuit dans le colis", DAMAGED),
        ("les yaourts sont périmés", DAMAGED),
        ("j'ai reçu un noir au lieu du blanc", WRONG),
        ("jai recu une taille L au lieu de la M", WRONG),
        ("vous m'avez envoyé le modèle 2023 au lieu du 2024", WRONG),
        ("ce n'est pas ce que j'ai acheté", WRONG),
        ("le colis était vide", MISSING),
        ("il en manque un, j'en avais commandé trois", MISSING),
        ("c'est arrivé sans le câble", MISSING),
        ("le suivi affiche livré mais je n'ai rien reçu", MISSING),
    ],
    "es": [
        ("la suela se despegó a la semana", DAMAGED),
        ("las zapatillas vinieron despegadas", DAMAGED),
        ("se rompió la cremallera el primer día", DAMAGED),
        ("la camiseta tiene una mancha y un agujero en la manga", DAMAGED),
        ("el yogur llegó caducado", DAMAGED),
        ("la pantalla vino estrellada", DAMAGED),
        ("me llegó una negra en vez de la blanca", WRONG),
        ("recibí el modelo viejo en lugar del nuevo", WRONG),
        ("no es la talla que pedí", WRONG),
        ("se equivocaron de color", WRONG),
        ("la caja llegó vacía", MISSING),
        ("me llegó sin el cargador", MISSING),
        ("solo me llegaron dos de los tres", MISSING),
        ("me sale entregado pero no tengo nada", MISSING),
    ],
    "pt": [
        ("o solado descolou depois de dois dias de uso", DAMAGED),
        ("a costura abriu na primeira lavagem", DAMAGED),
        ("o zíper quebrou logo que chegou", DAMAGED),
        ("a camiseta veio manchada e com furo", DAMAGED),
        ("o shampoo chegou vazando", DAMAGED),
        ("a tela veio trincada", DAMAGED),
        ("veio preto no lugar do branco", WRONG),
        ("recebi o tamanho P em vez do M", WRONG),
        ("nao e oq eu pedi", WRONG),
        ("mandaram trocado, veio outra cor", WRONG),
        ("a caixa veio vazia", MISSING),
        ("chegou sem o carregador", MISSING),
        ("esqueceram de colocar os parafusos", MISSING),
        ("o rastreio diz entregue mas não recebi nada", MISSING),
    ],
    "de": [
        ("die Sohle hat sich nach zwei Tagen gelöst", DAMAGED),
        ("die Naht ist beim ersten Tragen aufgegangen", DAMAGED),
        ("der Reißverschluss ist kaputt", DAMAGED),
        ("das Shirt hat einen Fleck und ein Loch im Ärmel", DAMAGED),
        ("die Flasche ist ausgelaufen, alles nass", DAMAGED),
        ("Display kaputt direkt beim Auspacken", DAMAGED),
        ("statt der weißen kam eine schwarze", WRONG),
        ("mir wurde Größe L statt M geliefert", WRONG),
        ("ich habe eine schwarze statt der weißen bekommen", WRONG),
        ("das ist nicht meine Bestellung", WRONG),
        ("das Paket war leer", MISSING),
        ("es kam ohne die Schrauben", MISSING),
        ("nur eins von drei Gläsern war drin", MISSING),
        ("laut Tracking zugestellt aber nichts bekommen", MISSING),
    ],
    "it": [
        ("la suola si è staccata dopo due giorni", DAMAGED),
        ("la cucitura si è aperta al primo lavaggio", DAMAGED),
        ("la cerniera si è rotta subito", DAMAGED),
        ("la maglia ha un buco nella manica e una macchia", DAMAGED),
        ("il flacone perde liquido", DAMAGED),
        ("lo yogurt è arrivato scaduto", DAMAGED),
        ("mi è arrivato quello nero invece del bianco", WRONG),
        ("invece del modello che ho ordinato è arrivato un altro", WRONG),
        ("mi avete mandato la L al posto della M", WRONG),
        ("non corrisponde al mio ordine", WRONG),
        ("il pacco era vuoto", MISSING),
        ("è arrivato senza il caricatore", MISSING),
        ("ne sono arrivati solo due su tre", MISSING),
        ("il tracking dice consegnato ma non ho ricevuto niente", MISSING),
    ],
    "ru": [
        ("подошва отклеилась через два дня", DAMAGED),
        ("шов разошелся после первой носки", DAMAGED),
        ("молния сломалась сразу", DAMAGED),
        ("на футболке пятно и дырка на рукаве", DAMAGED),
        ("шампунь протек в посылке", DAMAGED),
        ("молоко пришло испорченным", DAMAGED),
        ("пришёл не того цвета", WRONG),
        ("вместо белого прислали чёрный", WRONG),
        ("прислали размер L вместо M", WRONG),
        ("это чужая посылка", WRONG),
        ("коробка пустая", MISSING),
        ("в посылке не было зарядки", MISSING),
        ("пришла только одна пара из двух", MISSING),
        ("пишет что заказ доставлен но я ничего не получал", MISSING),
    ],
    "tr": [
        ("ayakkabının tabanı iki günde ayrıldı", DAMAGED),
        ("dikişi ilk yıkamada açıldı", DAMAGED),
        ("fermuarı bozuk geldi", DAMAGED),
        ("tişörtte leke var ve kolunda delik var", DAMAGED),
        ("şampuan sızdırıyor kutu ıslak", DAMAGED),
        ("ekrani kirik geldi", DAMAGED),
        ("siyah yerine beyaz geldi", WRONG),
        ("M beden yerine L göndermişsiniz", WRONG),
        ("istedigim renk degil bu", WRONG),
        ("başkasının siparişi gelmiş", WRONG),
        ("kutu boş geldi", MISSING),
        ("şarj kablosu kutudan çıkmadı", MISSING),
        ("üç tane sipariş ettim sadece bir tane geldi", MISSING),
        ("teslim edildi görünüyor ama bana gelmedi", MISSING),
    ],
    "id": [
        ("solnya lepas padahal baru dipakai dua hari", DAMAGED),
        ("jahitannya lepas pas pertama dicuci", DAMAGED),
        ("resletingnya rusak dari awal", DAMAGED),
        ("bajunya bolong dan ada noda di depan", DAMAGED),
        ("botolnya bocor semua isinya tumpah", DAMAGED),
        ("layarnya udah retak pas dibuka", DAMAGED),
        ("yang dateng malah warna hitam", WRONG),
        ("aku pesan putih tapi yang dateng hitam", WRONG),
        ("ukurannya beda sama yang aku pesan", WRONG),
        ("ini paket orang lain kak", WRONG),
        ("paketnya kosong kak", MISSING),
        ("charger nya ga ada di dalam box", MISSING),
        ("pesen 3 yang dateng cuma 2", MISSING),
        ("katanya udah sampai tapi aku belum terima apa apa", MISSING),
    ],
    "hi": [
        ("जूते का सोल दो दिन में निकल गया", DAMAGED),
        ("कुर्ते की सिलाई खुल गई", DAMAGED),
        ("बोतल लीक हो रही है", DAMAGED),
        ("शर्ट पर दाग है और बाजू में छेद", DAMAGED),
        ("zip toot gayi pehle hi din", DAMAGED),
        ("bhai phone ki screen crack hai box se hi", DAMAGED),
        ("सफेद की जगह काला भेज दिया", WRONG),
        ("मैंने M मंगाया था पर गलत साइज आया", WRONG),
        ("white ki jagah black aa gaya", WRONG),
        ("galat color bhej diya aapne", WRONG),
        ("डिब्बा खाली था", MISSING),
        ("charger box me nahi tha", MISSING),
        ("3 order kiye the sirf ek aaya", MISSING),
        ("delivered dikh raha hai lekin mujhe mila nahi", MISSING),
    ],
    "ar": [
        ("النعل انفصل بعد يومين", DAMAGED),
        ("الخياطة فلتت من أول غسلة", DAMAGED),
        ("السحاب خربان من أول ما وصل", DAMAGED),
        ("التيشيرت فيه بقع وفيه خرم في الكم", DAMAGED),
        ("الشامبو يسرب والكرتون مبلول", DAMAGED),
        ("الشاشة مشروخة", DAMAGED),
        ("وصلني لون غلط", WRONG),
        ("بدل الأبيض جالي أسود", WRONG),
        ("مو اللي طلبته أبداً", WRONG),
        ("wasalni ghalat el size", WRONG),
        ("العلبة فاضية", MISSING),
        ("الجهاز وصلني بدون الشاحن", MISSING),
        ("طلبت ثلاثة وصلني واحد بس", MISSING),
        ("مكتوب انه تم التوصيل بس ما وصلني شي", MISSING),
    ],
    "zh": [
        ("鞋底开胶了", DAMAGED),
        ("衣服刚穿一次就开线了", DAMAGED),
        ("拉链坏了拉不上", DAMAGED),
        ("衣服上有污渍还破了个洞", DAMAGED),
        ("洗发水漏液了，箱子都湿了", DAMAGED),
        ("屏幕裂了，开箱就这样", DAMAGED),
        ("收到的是黑色的而不是白色", WRONG),
        ("我拍的是M码，收到的是L码", WRONG),
        ("颜色错了", WRONG),
        ("这是别人的快递吧", WRONG),
        ("打开是空盒", MISSING),
        ("里面没有充电器", MISSING),
        ("买了三个只收到一个", MISSING),
        ("物流显示已经签收但我没收到", MISSING),
    ],
}

# Close to a problem with an item, and not one: troubleshooting, a change asked for ("instead of"), a question about
# a product, an order that has not come yet, a thank-you.
NOT_A_PROBLEM: dict[str, list[str]] = {
    "en": [
        "my headphones won't turn on, how do i reset them?",
        "no signal on the router since this morning",
        "can I get the red one instead of the blue one?",
        "I received the confirmation email, can I get the black one instead of the white?",
        "is this bottle stainless steel?",
        "my order hasn't arrived yet",
        "everything arrived without a scratch, thanks!",
        "it all arrived without the slightest problem",
        "what if I pick the wrong size, can I swap it?",
    ],
    "fr": [
        "mon casque ne s'allume plus, comment le réinitialiser ?",
        "est-ce que je peux avoir le rouge au lieu du bleu ?",
        "pouvez-vous m'envoyer le noir au lieu du blanc ?",
        "je voudrais récupérer le modèle noir au lieu du blanc",
        "quel est le périmètre de livraison ?",
        "ma commande n'est pas encore arrivée",
        "tout est arrivé sans problème, merci",
    ],
    "es": [
        "mis auriculares no encienden, ¿cómo los reinicio?",
        "¿puedo recibir el rojo en vez del azul?",
        "¿me pueden enviar la talla M en lugar de la L?",
        "¿tienen vino sin alcohol?",
        "mi pedido todavía no ha llegado",
        "todo llegó sin problemas, gracias",
    ],
    "pt": [
        "meu fone não liga, como reseto?",
        "posso receber o vermelho em vez do azul?",
        "vocês podem mandar o preto no lugar do branco?",
        "vocês vendem furadeira?",
        "meu pedido ainda não chegou",
        "o produto é à prova de água?",
    ],
    "de": [
        "meine Kopfhörer gehen nicht an, wie setze ich sie zurück?",
        "kann ich statt der weißen eine schwarze bekommen?",
        "können Sie statt Größe M eine L schicken?",
        "habt ihr einen Locher?",
        "meine Bestellung ist noch nicht angekommen",
        "wo ist meine Sendungsnummer?",
    ],
    "it": [
        "le cuffie non si accendono, come le resetto?",
        "posso avere il rosso invece del blu?",
        "potete mandarmi la taglia M al posto della L?",
        "vendete il detersivo per il bucato?",
        "il mio ordine non è ancora arrivato",
        "che scollatura ha il vestito?",
    ],
    "ru": [
        "наушники не включаются, как сбросить?",
        "можно вместо белого прислать чёрный?",
        "можно получить чёрный вместо белого?",
        "сколько стоит доставка?",
        "мой заказ ещё не пришёл",
        "есть ли пятновыводитель?",
        "заказ на пятнадцать тысяч рублей ещё не пришёл",
    ],
    "tr": [
        "kulaklığım açılmıyor, nasıl sıfırlarım?",
        "siyah yerine beyaz gönderebilir misiniz?",
        "beyaz yerine siyah gelsin lütfen",
        "bu ürün kırılgan mı?",
        "siparişim henüz gelmedi",
        "internet bağlantısı koptu",
    ],
    "id": [
        "headphone saya tidak bisa nyala, cara reset gimana?",
        "boleh ganti warna hitam aja, bukan putih?",
        "ada anti gores buat hp ini?",
        "pesanan saya belum sampai",
        "stok warna merah kosong ya?",
        "apakah bajunya luntur kalau dicuci?",
    ],
    "hi": [
        "मेरा हेडफ़ोन चालू नहीं हो रहा, रीसेट कैसे करूँ?",
        "सफेद की जगह काला भेज सकते हैं क्या?",
        "white ki jagah black bhej sakte ho kya?",
        "मेरा ऑर्डर अभी तक नहीं आया",
        "kya ye phone waterproof hai?",
        "jaldi phataphat bhejo please",
    ],
    "ar": [
        "السماعة ما تشتغل، كيف أسوي لها إعادة ضبط؟",
        "ممكن ترسلولي الأسود بدل الأبيض؟",
        "عندكم مكسرات؟",
        "طلبي لسه ما وصل",
        "هل يأتي بدون شاحن؟",
        "كل شي وصل بدون مشاكل شكراً",
    ],
    "zh": [
        "耳机开不了机，怎么重置？",
        "能不能发黑色而不是白色？",
        "我想要黑色的而不是白色的，可以改吗？",
        "这个多少一个？你们有多少个颜色？",
        "我的订单还没到",
        "夏天会不会融化？会不会漏水？",
        "有没有坏点？",
    ],
}


def test_every_language_is_covered() -> None:
    assert set(REPORTED) == set(NOT_A_PROBLEM) == set(CATALOGS.languages)


@pytest.mark.parametrize(
    ("language", "text", "problem"),
    [(language, text, problem) for language, cases in REPORTED.items() for text, problem in cases],
)
def test_a_problem_with_an_item_is_read_from_the_words(language: str, text: str, problem: ItemProblem) -> None:
    assert reported_problem(CATALOGS[language], text) is problem


@pytest.mark.parametrize(
    ("language", "text"), [(language, text) for language, texts in NOT_A_PROBLEM.items() for text in texts]
)
def test_what_only_sounds_close_is_not_a_problem_with_an_item(language: str, text: str) -> None:
    assert reported_problem(CATALOGS[language], text) is None


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "cuánto falta para que llegue mi pedido"),
        ("pt", "quanto tempo falta pra chegar meu pedido"),
        ("it", "quanto manca alla consegna del mio ordine?"),
        ("es", "¿falta mucho para la entrega?"),
    ],
)
def test_time_left_said_with_the_word_for_missing_is_no_missing_item(language, text):
    # "cuánto falta" is how long until; the word for missing ("falta", "manca") read alone made it a missing item.
    assert reported_problem(CATALOGS[language], text) is None


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "me faltó un zapato en la caja"), ("pt", "veio faltando o carregador"), ("it", "manca un pezzo nel pacco")],
)
def test_a_missing_item_is_still_one(language, text):
    assert reported_problem(CATALOGS[language], text) is ItemProblem.MISSING
