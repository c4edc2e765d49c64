"""Street addresses in a text being anonymised (parley.privacy.scrubbing): a street word with the words, names and
numbers around it becomes one [address] ("calle mayor five", "12 Baker Street", "ul. Marszałkowska 10").

Some words are street words wherever they stand ("calle", "straße", "jalan"); others only beside what an address
has, so that an ordinary message keeps them: a house-number word before a number ("No. 4", "Nr. 9", "số 8",
"flat 8", but "order no. 5" is an order), a street type after a name or a number ("7 [name] Lakes", "[name]
Court"), a word that opens a street before a name or a number ("Camino 5", "Trecho [name]", but "está en camino"
stays), a Korean province, city or district ("경기도 [word] #", "광주광역시 광진구").
"""

from __future__ import annotations

from parley.privacy.names_in_context import _both_cases
from parley.privacy.vocabulary import Vocabulary


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NUMBER = "#"
_PLACES = frozenset({NUMBER, "[name]", "[word]", "[id]", "[address]"})
# Words that make an address of the words and numbers beside them, in Parley's languages and common others.
STREET_WORDS = _words(
    """street st road rd avenue ave av lane ln boulevard blvd blv highway hwy apartment apt suite
    calle avenida avda plaza paseo pasaje carrera carretera piso puerta urbanización
    rua travessa praça estrada rodovia alameda andar apto
    rue bd chemin impasse allée quai appartement étage
    straße strasse str gasse allee hausnummer wohnung
    via viale piazza corso vicolo località
    jalan jl jln gg komplek perumahan blok kelurahan kecamatan
    sokak sokağı sok cadde caddesi cad mahallesi mah bulvarı bulvar daire apartmanı
    ул пр пер шоссе д дом кв корпус вул λεωφ λεωφόρος οδός οδος πλατεία
    شارع طريق حي عمارة شقة بلدية نهج دوار زنقة ساحة حارة
    मार्ग सड़क गली मकान फ्लैट ফ্ল্যাট হোল্ডিং বিল্ডিং অ্যাপার্টমেন্ট বাড়ী বাড়ি বাসা নং রোড সড়ক লেন
    straat laan plein gracht singel ul ulica ulicy aleja osiedle rynek plac gatan vägen gata väg allé
    utca út körút tér intrarea strada aleea calea đường phố ngõ hẻm ngách khóm cr cra
    placu placem rynku osiedlu alei nagar नगर colony कॉलोनी रोड सेक्टर चौक colonia col fraccionamiento fracc
    barrio bairro phường quận huyện kel kec kab kelurahan desa गांव गाँव तहसील जिला ज़िला मोहल्ला tehsil mohalla
    רחוב שדרות שד xã thôn ấp"""
)
# Street words that change their ending (улица, на улице, ulicy): their stems.
_STREET_STEMS = ("улиц", "вулиц", "проспект", "переул", "бульвар", "площад", "квартир", "ulic", "alej")
# Compounds that end in a street word: Hauptstraße, Bahnhofstr, Lindenweg, Keizersgracht, Storgatan.
_STREET_ENDINGS = ("straße", "strasse", "str", "gasse", "weg", "allee", "straat", "laan", "gracht", "gatan", "vägen")
# A house, flat or block number's word: an address only before a number ("No. 4", "Nr. 9", "số 8", "Flat 8").
_NUMBER_WORDS = _words(
    "no nr nro núm num número numero số flat unit ap bl sc et depto dpto edif interior int lote lt mz bloco casa d"
)
_NUMERO = _words("no nr nro núm num número numero")  # after a street's name: "Gang Pasteur No. 53"
# What a number is otherwise the number of: "order no. 5", "Bestellung Nr. 5", "pedido nº 5" stay.
_REFERENCES = _words(
    """order invoice ticket case reference ref item parcel package tracking account customer booking
    pedido factura albarán referencia cuenta cliente encomenda fatura conta bestellung rechnung sendung konto
    kunde kundennummer commande facture colis compte ordine fattura pacco bestelling factuur pakket
    zamówienie faktura paczka konto sipariş fatura pesanan faktur nomor заказ счёт طلب الطلب بالطلب طلبي رقم
    فاتورة ऑर्डर"""
)
# Street types after a name or a number ("7 [name] Lakes", "[name] Court"), words in their own right elsewhere.
_AFTER_NAME = _words(
    """lakes lake court ct drive dr place pl square sq passage expressway way terrace crescent close park
    parkway grove gardens hill hills view heights row walk mews trail circle ridge springs meadows green wharf
    parade point valley junction loop path pike crossing creek bridge brook fields forest glen harbor harbour
    haven knoll manor mill mills mount orchard pines plains shore shores summit vista wells oval quay rise vale
    estate cove dale"""
)
# Words that open a street before a name or a number ("Camino 5", "Trecho [name]"; "está en camino" stays).
_BEFORE_NAME = _words(
    """gang trecho quadra passarela camino largo morro setor núcleo pátio diagonal transversal peatonal corredor
    periférico vereda ladeira loteamento residencial conjunto viela parque vila jardim circuito privada cerrada
    andador prolongación circunvalación ronda glorieta travesía sendero rambla carrer"""
)
_COMPASS = _words("sur norte este oeste bis")  # after a house number: "# 1-5 Este", "Cr. 98 # 10G-17 Sur"
# Korean address parts end in these: province 도, city 시, county 군, district 구, neighbourhood 동, road 로, 길.
_HANGUL_PLACES = ("도", "시", "군", "구", "동", "읍", "면", "리", "로", "길", "거리")
# Words that join an address's parts ("Calle de Alcalá", "Rua das Flores", "Via del Corso").
_ADDRESS_JOINERS = _words("de del la las los da do das dos di della delle du des van der den von al el")
# What an order, an invoice or a parcel is called, in any of its forms ("nell'ordine", "по заказу", "pesananku"): a
# number after it is theirs.
_REFERENCE_STEMS = (
    "order",
    "ordin",
    "заказ",
    "pedido",
    "commande",
    "bestell",
    "pesanan",
    "sipari",
    "طلب",
    "factur",
    "rechnung",
    "invoice",
    "fatur",
    "tagihan",
    "счет",
    "счёт",
)
# A street's name alone, by how rare it is: any word under _RARE_PLACE, a capitalised one under _PLACE_NAME.
_RARE_PLACE, _PLACE_NAME = 3.7, 5.0
_SENTENCE_ENDS = frozenset(".!?¡¿\n…。！？")
# Prepositions before where someone lives or is: "from 54 Hang Bac", "at 7 Strøget", "aus 12 …".
_AT_PLACE = _words("at in on from to aus auf nach en em na no à au w we в di da op på från till ở tại")
# After an address and a comma, a word rarer than this is its town ("[address], Kraków", "[address], oslo
# please"), where a commoner one is the message going on ("[address], thanks").
_TOWN = 5.0
# After an address and a place's preposition, a word rarer than this is its town: capitals say so in few texts,
# and a town's name is commoner than a street's ("w warszawie", 5.1), where what else follows a place's preposition
# is commoner still ("in the", "in time").
_TOWN_NAMED = 5.5
_IN_TOWN = _words("in w we à a au en em na no di в во на aus nach i ở tại")
_SEPARATORS = frozenset(",،，、/-:.;")
# What stands between a town and the street after it: a place's preposition, an article.
_BETWEEN = _IN_TOWN | _AT_PLACE | _words("la el le les the der die das il lo")
_ADDRESS_REACH = 3  # words or numbers an address takes on either side of its street word (joiners not counted)
CJK_STREET = frozenset("路街道巷弄号號区區市村町丁目番地")


def is_street(piece: str) -> bool:
    """A street word wherever it stands."""
    folded = piece.casefold()
    if folded in STREET_WORDS or folded in CJK_STREET:
        return True
    return folded.startswith(_STREET_STEMS) or (len(folded) > 5 and folded.endswith(_STREET_ENDINGS))


def street_word(piece: str) -> bool:
    """A street word wherever it stands, or one beside what an address has ("Lakes", "Quadra", "No.")."""
    folded = piece.casefold()
    return is_street(piece) or folded in _AFTER_NAME or folded in _BEFORE_NAME or folded in _NUMBER_WORDS


def addresses(pieces: list[str], words: Vocabulary) -> list[str]:
    """Street words with the words, names and numbers around them (within _ADDRESS_REACH, never across
    punctuation or a very common word like "my", but to a house number or a place after a comma: "Quadra
    [name], 63") replaced by one [address]."""
    tokens = [i for i, piece in enumerate(pieces) if not piece.isspace()]
    both_cases = _both_cases([pieces[i] for i in tokens if pieces[i][0].isalpha() and len(pieces[i]) > 1])
    streets = [at for n, at in enumerate(tokens) if _street_at(pieces, tokens, n, words, both_cases)]
    gone: set[int] = set()
    for at in streets:
        gone.add(at)
        for step in (1, -1):
            _reach(pieces, at, step, words, both_cases, gone)
    _towns_after(pieces, tokens, words, both_cases, gone)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if i not in gone:
            out.append(piece)
        elif i - 1 not in gone:
            out.append("[address]")
    return out


def _towns_after(pieces: list[str], tokens: list[int], words: Vocabulary, both_cases: bool, gone: set[int]) -> None:
    """The district, town and postcode an address is in, after it ("[address], 28009 Madrid", "[address] in
    Stuttgart", "[address], Hoàn Kiếm, Hà Nội", "[address] Kuala Lumpur") and before it with a preposition ("в
    москве на [address]"): words customers do not write (see _town), with a separator or a place's preposition
    between."""
    ends = [n for n, at in enumerate(tokens) if at in gone and (n + 1 == len(tokens) or tokens[n + 1] not in gone)]
    for end in ends:
        # first: the first word of a part, after the address, a separator or a place's preposition (said).
        n, last, first, said = end + 1, end, True, False
        while n < len(tokens):
            piece = pieces[tokens[n]]
            if piece in _SEPARATORS or piece.casefold() in _IN_TOWN:
                n, first, said = n + 1, True, piece.casefold() in _IN_TOWN
                continue
            joined = n + 1 < len(tokens) and words.is_place(piece + pieces[tokens[n + 1]])  # "hà nội", "kuala lumpur"
            if joined:
                last, n, first = n + 1, n + 2, False
                continue
            named = _town(piece, words, both_cases, first, _TOWN_NAMED if said else _TOWN)
            town = piece == NUMBER or named or _before_town(pieces, tokens, n, words)
            if not town:
                break
            last, n, first = n, n + 1, False
        if last > end:
            gone.update(range(tokens[end], tokens[last] + 1))
    starts = [n for n, at in enumerate(tokens) if at in gone and (n == 0 or tokens[n - 1] not in gone)]
    for start in starts:
        # Back over what stands between a town and its street ("в Подольске, на [address]", "en Cádiz, en la
        # [address]", "Новосибирск, [address]"), to a town said with a preposition or at the start of a part.
        n = start - 1
        while n >= 0 and (pieces[tokens[n]] in _SEPARATORS or pieces[tokens[n]].casefold() in _BETWEEN):
            n -= 1
        if n < 0 or n == start - 1 or tokens[n] in gone:
            continue
        opens = n == 0 or pieces[tokens[n - 1]] in _SEPARATORS or pieces[tokens[n - 1]].casefold() in _IN_TOWN
        if opens and _town(pieces[tokens[n]], words, both_cases, rarer=_TOWN_NAMED):
            gone.update(range(tokens[n], tokens[start]))
    _places_after_placeholders(pieces, tokens, words, gone)


def _places_after_placeholders(pieces: list[str], tokens: list[int], words: Vocabulary, gone: set[int]) -> None:
    """A town's name ending a clause after a comma that follows a placeholder ("[word], Depok.", "[name], Delhi"):
    the end of an address the scrubbing did not see as one ("[name], bel me op" keeps "bel")."""
    for n in range(2, len(tokens)):
        at = tokens[n]
        if at in gone or not pieces[at][0].isalpha() or not words.is_place(pieces[at]):
            continue
        ends = n + 1 == len(tokens) or (not pieces[tokens[n + 1]][0].isalnum() and pieces[tokens[n + 1]] not in _PLACES)
        if ends and pieces[tokens[n - 1]] in _SEPARATORS and pieces[tokens[n - 2]] in _PLACES:
            gone.add(at)


def _before_town(pieces: list[str], tokens: list[int], n: int, words: Vocabulary) -> bool:
    """A district before its town ("centro, fortaleza", "moda/istanbul"): a town's name after a separator."""
    return n + 2 < len(tokens) and pieces[tokens[n + 1]] in _SEPARATORS and words.is_place(pieces[tokens[n + 2]])


def _town(piece: str, words: Vocabulary, both_cases: bool, first: bool = True, rarer: float = _TOWN) -> bool:
    """A word that may be a town or a district's name beside an address: a word of a town's name (geonames),
    capitalised in a text of both cases, or, first after the address or a separator, a word customers do not
    write rarer than `rarer` ("[address], hoàn kiếm"; "[address], she sings karaoke" keeps "she")."""
    if not piece[0].isalpha() or piece in _PLACES:
        return piece in ("[name]", "[word]")
    if words.is_place(piece):
        return True
    if words.written(piece):
        return False
    return (both_cases and piece[0].isupper()) or (first and words.zipf(piece) < rarer)


def _reach(pieces: list[str], at: int, step: int, words: Vocabulary, both_cases: bool, gone: set[int]) -> None:
    taken, last, i, crossed = 0, at, at + step, False
    held: list[int] = []  # after a comma: taken only up to the last placeholder or number ("[address], thanks")
    while 0 <= i < len(pieces) and taken < _ADDRESS_REACH:
        piece = pieces[i]
        if piece.isspace() or (piece == "." and pieces[i - step] != ","):  # "ul. Marszałkowska", "No. 4"
            i += step
            continue
        if piece in (",", "،", "，", "、") and step == 1 and not crossed:
            crossed, held = True, [i]
            i += step
            continue
        if not _in_address(piece, words, both_cases):
            break
        if crossed:
            held.append(i)
            # A town: a rare word, or after a postcode a capitalised one ("[address], 80331 München").
            town = piece[0].isalpha() and piece.casefold() not in _ADDRESS_JOINERS
            postcode = last > held[0] and pieces[last] == NUMBER
            town = town and (words.zipf(piece) < _TOWN or (postcode and both_cases and piece[0].isupper()))
            if piece in _PLACES or is_street(piece) or town:
                gone.update(range(min(last, i), max(last, i) + 1))
                last = i
        else:
            gone.update(range(min(last, i), max(last, i) + 1))
            last = i
        if piece.casefold() not in _ADDRESS_JOINERS:
            taken += 1
        i += step


def _street_at(pieces: list[str], tokens: list[int], n: int, words: Vocabulary, both_cases: bool = False) -> bool:
    """Whether the n-th token is a street word here: always, or by what stands beside it."""
    piece = pieces[tokens[n]]
    if is_street(piece) or _named_place(pieces, tokens, n, words, both_cases):
        return True
    if not piece[0].isalpha():
        return False
    folded = piece.casefold()
    before = pieces[tokens[n - 1]].casefold() if n else ""
    after = [pieces[i] for i in tokens[n + 1 : n + 4] if pieces[i] != "." and pieces[i] not in _ADDRESS_JOINERS]
    following = after[0] if after else ""
    if folded in _NUMBER_WORDS:
        if folded in _NUMERO and not (before in _PLACES or before == "." or 0 < words.zipf(before) < 6.0):
            return False  # "no. 5 is wrong", "the no. 5 bus"
        return following == NUMBER and before not in _REFERENCES
    if folded in _AFTER_NAME:
        return before in _PLACES
    if folded in _BEFORE_NAME:
        return following in _PLACES or (following[:1].isupper() and not following.isupper())
    if folded in _COMPASS:
        return before == NUMBER
    if folded.endswith(_HANGUL_PLACES) and "\uac00" <= folded[0] <= "\ud7a3":
        korean = following.endswith(_HANGUL_PLACES) and "\uac00" <= following[:1] <= "\ud7a3"
        return following == NUMBER or (len(folded) >= 3 and (following in _PLACES or korean))
    return False


def _named_place(pieces: list[str], tokens: list[int], n: int, words: Vocabulary, both_cases: bool) -> bool:
    """A street known only by its name, with its house number: a rare word (or, in a text of both cases, a
    capitalised one mid-sentence) right before a number ("Strøget 20", "Plac Zbawiciela 4") or right after one that
    follows a place's preposition ("from 54 Hang Bac Hanoi", "lives at 7 rue…"). "order 5", "size 42" and "the 2
    Nike shoes" stay: a reference word, a common word, nothing saying where."""
    piece, folded = pieces[tokens[n]], pieces[tokens[n]].casefold()
    before = pieces[tokens[n - 1]].casefold() if n else ""
    after = pieces[tokens[n + 1]] if n + 1 < len(tokens) else ""
    if piece in ("[name]", "[word]"):
        # "from # [name] [word]", "to [word] #": a name or a rare word where a street's name would stand.
        named = before == NUMBER or (before in _AT_PLACE and after == NUMBER)
    elif piece[0].isalpha() and len(piece) > 2 and not any(stem in folded for stem in _REFERENCE_STEMS):
        zipf = words.zipf(folded)
        mid_sentence = n > 0 and before not in _SENTENCE_ENDS
        capitalised = both_cases and piece[0].isupper() and mid_sentence and zipf < _PLACE_NAME
        # In any case, a rare word is a street's name only where a place is said to be ("lives at strøget 20").
        named = capitalised or (zipf < _RARE_PLACE and (before in _AT_PLACE or before == NUMBER))
    else:
        return False
    if named and after == NUMBER and before not in _REFERENCES and folded not in _REFERENCES:
        return True
    located = n > 1 and pieces[tokens[n - 2]].casefold() in _AT_PLACE
    return named and before == NUMBER and located


def _in_address(piece: str, words: Vocabulary, both_cases: bool) -> bool:
    if piece in _PLACES:
        return True
    if not piece[0].isalpha():
        return False
    folded = piece.casefold()
    if folded in _ADDRESS_JOINERS or is_street(piece) or folded in _NUMBER_WORDS | _COMPASS:
        return True
    # A very common word ("my", "and", "took") ends an address, unless capitalised in a text of both cases
    # ("Phố Tự Do", "Đường Lý Chính Thắng").
    return words.zipf(folded) < 6.0 or (both_cases and piece[0].isupper())
