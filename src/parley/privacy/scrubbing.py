"""Unrecognised texts made safe and comparable for the report.

Two levels. `scrub` replaces what a pattern finds: links, emails, @handles, bank (IBAN, checked mod 97) and card
(13-19 digits passing Luhn) numbers, and every other number in digits of any script, spelled out or letter by
letter. `anonymise` then keeps a word only when customers write it (the training examples' words of the
conversation's language and English) or it is common in those languages (or in eight languages or more: a size,
a brand), and is neither a person's name nor a number written out ("five", "cinco", "五"): every other word
becomes a placeholder, and a street address (a street word with the words and numbers around it, and the
district, town and postcode beside it: "calle mayor five", "12 Baker Street", "ul. Marszałkowska 10, Kraków", "в
москве на улице Ленина 5") becomes [address]. An allow-list rather than a list of what to remove: a name nobody
listed is still not a word of the customer's language ("khai" is Vietnamese, "wayan" Balinese: placeholders in
English).
`normalise` is the key the report counts under: anonymised, case-folded, single-spaced, without punctuation at
either end.
"""

from __future__ import annotations

import re
import unicodedata

from parley.language.detector import _script_of
from parley.privacy.addresses import CJK_STREET, addresses, is_street
from parley.privacy.names_in_context import PARTICLES, names_in_context
from parley.privacy.vocabulary import Vocabulary, WordKind, shared_vocabulary


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_TEXT = 200
# Scrubbing reads at most this much of a text (cut at a space), so its work stays bounded whatever is sent; more
# than the MAX_TEXT it keeps even once emails and links have become short placeholders.
MAX_INPUT = 4 * MAX_TEXT
NUMBER = "#"
PLACEHOLDERS = ("[name]", "[id]", "[link]", "[email]", "[handle]", "[iban]", "[card]", "[address]", "[word]")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@\[\]]+@[^\s@\[\]]+")
# Emails written out so that a pattern would miss them: "ana at gmail dot com", "ana (at) gmail (dot) com",
# "ana[at]gmail[dot]com", "ana @ gmail . com", "ana arroba gmail punto com". A domain's ending is the evidence.
# The at sign's and the dot's names: "chiocciola" (it), "apenstaartje" (nl), "собака" (ru), "małpa" (pl), "على"
# (ar, "on"), "kukac" (hu), "arobase" (fr); "punt", "точка", "نقطة", "nokta", "kropka".
# A mail address said with its provider only ("ivan.sokolov собака mail", "at gmail"): the name before the at sign's
# word is the local part.
_PROVIDERS = (
    r"(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|gmx|web|mail|yandex|qq|163|126|libero|orange|free|naver)"
)
_AT_WORD = (
    r"(?:at|ät|arroba|chez|chiocciola|apenstaartje|klammeraffe|arobase|собака|sobaka|małpa|malpa|kukac|على|एट"
    r"|snabel-a|a còng|στο|παπάκι)"
)
_SPELLED_AT = rf"(?:\s*[(\[{{]\s*{_AT_WORD}\s*[)\]}}]\s*|\s+(?:{_AT_WORD}|bei)\s+|\s*@\s*)"
_DOT_WORD = r"(?:dot|punto|ponto|punkt|point|titik|punt|точка|tochka|نقطة|nokta|kropka|pont|डॉट|chấm|τελεία)"
_SPELLED_DOT = rf"(?:\s*[(\[{{]\s*{_DOT_WORD}\s*[)\]}}]\s*|\s+{_DOT_WORD}\s+|\s*\.\s*)"
_SAID_EMAIL = re.compile(rf"(?:(?<!\S)[\w.+-]+(?=\s))?{_SPELLED_AT}{_PROVIDERS}(?![\w.])", re.IGNORECASE)
_SPELLED_EMAIL = re.compile(
    rf"[\w.+-]+(?:\s+{_DOT_WORD}\s+[\w+-]+)?{_SPELLED_AT}[\w-]+(?:{_SPELLED_DOT}[\w-]+)*?{_SPELLED_DOT}"
    r"(?:com|net|org|edu|gov|info|biz|io|co|[a-z]{2})(?![\w.])",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<!\w)@\w+")
# A mail domain said on its own ("gmail punkt com", "telia punkt se"): what is left of an address spelled out.
_SPELLED_DOMAIN = re.compile(
    rf"(?<![\w.])[\w-]+\s+{_DOT_WORD}\s+(?:com|net|org|edu|gov|info|biz|io|co|[a-z]{{2}})(?![\w.])", re.IGNORECASE
)
_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,30}(?!\w)")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# Any script's digits, phone numbers written with separators, and a house number's letter ("136M", "10G").
_DIGITS = re.compile(r"\+?\d(?:[\d\s().+/-]*\d)?(?:[^\W\d_](?!\w))?")
# Postcodes with letters: Dutch "1012 LG", British "SW1A 1AA", Canadian "K1A 0B1".
_POSTCODE = re.compile(r"(?<!\w)(?:\d{4}\s?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)(?!\w)")
_NUMBER_RUN = re.compile(r"#(?:[\s/-]*#)+")  # "# 10G-17": numbers, a literal # and dashes are one number
_NUMERO = re.compile(r"(?<!\w)([Nn])[º°]")  # "N° 84", "nº 5": a house number's "no." (NFKC makes º an o)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\"'`.,;:!?¡¿。、！？…-–—(){}«»“”‘’"  # not [ ]: the placeholders end in one
_PLACEHOLDER = re.compile(r"(\[[a-z]+\]|#)")
_REPEATED = re.compile(r"(\[[a-z]+\]|#)(?:\s+\1)+")
# Digit words that are also common words somewhere ("uno", "due", "dois", "een", "um"), so the word data does not
# hold them as numbers: next to a number, or to each other, they are digits of it ("# dois # um" is one number).
_DIGIT_WORDS = _words(
    """zero one two three four five six seven eight nine cero uno dos tres cuatro cinco seis siete ocho nueve
    um dois três quatro cinco seis sete oito nove null eins zwei drei vier fünf sechs sieben acht neun
    zéro un deux trois quatre cinq six sept huit neuf due tre quattro cinque sei sette otto nove nul een twee drie
    vijf zes zeven negen jeden dwa trzy cztery pięć sześć siedem osiem dziewięć en ett två tre fire fem seks
    shunya ek do teen char chaar paanch panch chhe chhah chah saat aath nau double triple doble
    μηδέν ένα δύο τρία τέσσερα πέντε έξι επτά εφτά οκτώ οχτώ εννιά εννέα
    không một hai ba bốn năm sáu bảy tám chín sıfır bir iki üç dört beş altı yedi sekiz dokuz
    nol kosong satu dua tiga empat lima enam tujuh delapan sembilan صفر واحد اثنين اثنان ثلاثة أربعة اربعة خمسة ستة
    سبعة ثمانية تسعة"""
)
# Chinese digits, and 幺 for one as phone numbers are read out: two or more in a row are a number ("三八零零").
_CJK_DIGITS = frozenset("零〇一二三四五六七八九幺两")
# Japanese digits read out in katakana ("ゼロキューゼロ", "イチニーサンヨン"): two or more in a row are a number.
_KANA_DIGITS = re.compile(
    "(?:ゼロ|レイ|マル|イチ|ニー|ニ|サン|ヨン|シ|ゴー|ゴ|ロク|ナナ|シチ|ハチ|キュー|キュウ|ク){2,}"
)
# Something spelled out letter by letter ("r o b e r t s m i t h", "m-a-d-i-s-o-n"): a name or an address hiding.
_SPELLED_LETTERS = re.compile(r"(?<![\w-])(?:[^\W\d_][ .-]){3,}[^\W\d_](?![\w-])")
_CJK = frozenset({"zh", "ja"})
_CJK_LONGEST = 4
_CJK_SINGLE = 5.0  # zipf a single Han or kana character needs to stand on its own (的, 了, 我; not a surname)


def scrub(text: str) -> str:
    """The text with links, emails, @handles, bank and card numbers and numbers replaced by placeholders, spacing
    evened out, at most MAX_TEXT characters."""
    text = bounded(unicodedata.normalize("NFKC", _NUMERO.sub(r"\1o.", text)))
    text = _URL.sub("[link]", text)
    text = _SPELLED_LETTERS.sub("[word]", text)
    text = _SPELLED_EMAIL.sub("[email]", text)
    text = _EMAIL.sub("[email]", text)
    text = _SPELLED_DOMAIN.sub("[email]", text)
    text = _SAID_EMAIL.sub(lambda m: "[email]" if m.group()[:1].strip() else " [email]", text)
    text = _HANDLE.sub("[handle]", text)
    text = _IBAN.sub(_iban, text)
    text = _CARD.sub(_card, text)
    text = _NUMBER_RUN.sub(NUMBER, _DIGITS.sub(NUMBER, _POSTCODE.sub(NUMBER, text)))
    return _SPACES.sub(" ", text).strip()[:MAX_TEXT]


def anonymise(text: str, vocabulary: Vocabulary | None = None, language: str | None = None) -> str:
    """`scrub`, then only common words kept (see the module): what the report may show of a text. `language`: the
    conversation's, when known: a word must then be common in it, in the text's own or in English ("khai", a
    Vietnamese word, is a placeholder in an English text)."""
    words = (vocabulary or shared_vocabulary()).reading(text, language)
    pieces: list[str] = []
    given: set[int] = set()  # placeholders the text came with (anonymised before): no evidence of a name here
    for piece in _pieces(scrub(text)):
        if piece in PLACEHOLDERS:
            given.add(len(pieces))
        if piece[0].isalpha() and _script_of(piece[0]) in _CJK:
            pieces += _han_and_kana(piece, words)
        else:
            pieces.append(_placeholder_or_word(piece, words))
    joined = "".join(addresses(names_in_context(_spelled_numbers(pieces), words, given), words))
    # "[name] [name]" is one placeholder: how many words a name had is itself a clue.
    return _SPACES.sub(" ", _REPEATED.sub(r"\1", joined)).strip()[:MAX_TEXT]


def normalise(text: str, vocabulary: Vocabulary | None = None, language: str | None = None) -> str:
    """The key an unrecognised text is counted under: anonymised, case-folded, single-spaced, without punctuation
    at either end ("Where is my parcel?" and "where is my parcel" are one question)."""
    return folded(anonymise(text, vocabulary, language)).strip(_EDGE_PUNCTUATION)


_FINAL_SIGMA = re.compile(r"σ(?![^\W\d_])")


def folded(text: str) -> str:
    """Case-folded as the report shows a text, Greek's final sigma written as one ("χθες", not casefold's "χθεσ")."""
    return _FINAL_SIGMA.sub("ς", text.casefold())


def _pieces(text: str) -> list[str]:
    """Placeholders, words (letters with their combining marks, which Devanagari and Arabic write as marks, and
    inner apostrophes: "what's"), runs of spaces, and every other character on its own."""
    pieces: list[str] = []
    for part in _PLACEHOLDER.split(text):
        if part in PLACEHOLDERS or part == NUMBER:
            pieces.append(part)
            continue
        word = ""
        for i, char in enumerate(part):
            category = unicodedata.category(char)
            inner = char in "'’" and word and i + 1 < len(part) and part[i + 1].isalpha()
            if category[0] in "LM" or inner:
                word += char
                continue
            if word:
                pieces.append(word)
                word = ""
            if char.isspace() and pieces and pieces[-1].isspace():
                pieces[-1] += char
            else:
                pieces.append(char)
        if word:
            pieces.append(word)
    return pieces


def bounded(text: str) -> str:
    """At most MAX_INPUT characters of the text, cut at a space where there is one: regular expressions over a
    60,000-character word cost seconds, and nothing past MAX_TEXT is kept anyway."""
    if len(text) <= MAX_INPUT:
        return text
    head = text[:MAX_INPUT]
    space = head.rfind(" ")
    return head[:space] if space > MAX_INPUT // 2 else head


def _iban(match: re.Match[str]) -> str:
    text = match.group(0)
    # The pattern also takes the words after an IBAN ("ES91 2100 … 1332 please"): the longest valid head is it.
    ends = [len(text)] + [i for i in range(len(text) - 1, 0, -1) if text[i] in " -"]
    for end in ends:
        if _valid_iban(text[:end]):
            return "[iban]" + text[end:]
    return text


def _valid_iban(text: str) -> bool:
    compact = re.sub(r"[ -]", "", text).upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _card(match: re.Match[str]) -> str:
    digits = [int(c) for c in match.group(0) if c.isdigit()]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return "[card]" if total % 10 == 0 else match.group(0)


def _placeholder_or_word(piece: str, words: Vocabulary) -> str:
    if piece in PLACEHOLDERS or piece == NUMBER or not piece[0].isalpha():
        return piece
    if is_street(piece) or piece.casefold() in _DIGIT_WORDS:
        return piece  # an address is taken whole (see privacy.addresses), digit words in a run (see _spelled_numbers)
    kind = words.kind(piece)
    if kind is WordKind.COMMON or (kind is WordKind.RARE and _common_parts(piece, words)):
        return piece
    if kind is WordKind.NUMBER and piece.casefold() in PARTICLES:
        return piece  # Turkish "bin" (thousand) is also "[name] bin [name]": the names around it decide
    return {WordKind.NAME: "[name]", WordKind.NUMBER: NUMBER}.get(kind, "[word]")


def _common_parts(word: str, words: Vocabulary) -> bool:
    """Whether a word with an apostrophe is common words elided ("c'est", "dell'ordine", "l'adresse")."""
    parts = re.split(r"['’]", word)
    return len(parts) > 1 and all(part and words.kind(part) is WordKind.COMMON for part in parts)


# Chinese names said as customers say them: a common family name with one or two characters after it,
# following who the person is ("我同学黄晓明说", "快递员王师傅") or followed by a title ("王先生", "李经理");
# the name ends where a word of speech or a particle starts ("说", "的", "给").
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_WHO = "同学|朋友|同事|邻居|老公|老婆|丈夫|妻子|妈妈|爸爸|哥哥|姐姐|弟弟|妹妹|室友|快递员|快递小哥|客服|经理|叫"
_TITLE = "先生|女士|小姐|老师|经理|师傅|阿姨|叔叔|总"
_SPEECH = "说讲给的在是和跟把让帮替也都就了呢吗啊吧，。！？、"
_CHINESE_NAME = re.compile(
    rf"(?:{_WHO})(?P<after>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?)(?=[{_SPEECH}]|$)"
    rf"|(?P<before>[{_SURNAMES}][\u4e00-\u9fff]{{0,2}}?)(?={_TITLE})"
)


# A Chinese address: place names each ending in what they are (省 province, 市 city, 区 district, 路 road, 号
# number...), as many as are written one after the other ("上海市浦东新区世纪大道"); a name's characters are any but
# the words around an address ("寄到", "住在"). A word that merely ends like one ("超市", "知道", "地区") is a word.
_PLACE_ENDS = "省市区區县縣镇鎮村路街道巷弄号號"
_CHINESE_PLACE = re.compile(
    rf"(?:(?:(?![在到住寄送去往从于的是我你他她们了和与及给把请帮这那个])[\u4e00-\u9fff]){{1,5}}?[{_PLACE_ENDS}])+"
)
_CJK_WORD_ZIPF = 4.0  # from which a place-like word is a word ("超市", "知道", "地区")


def _han_and_kana(run: str, words: Vocabulary) -> list[str]:
    """A run of Han and kana (written without spaces): numbers read out in katakana, addresses (_CHINESE_PLACE),
    then the rest."""
    out: list[str] = []
    start = 0
    for match in _KANA_DIGITS.finditer(run):
        if len(match.group()) >= _KANA_NUMBER:
            out += [*_places_in(run[start : match.start()], words), NUMBER]
            start = match.end()
    return out + _places_in(run[start:], words)


_KANA_NUMBER = 4  # characters: "ゼロキュー", not "サンゴ" (coral) or "ニシ"


def _places_in(run: str, words: Vocabulary) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _CHINESE_PLACE.finditer(run):
        place = match.group()
        if sum(char in _PLACE_ENDS for char in place) == 1 and words.zipf(place[-2:]) >= _CJK_WORD_ZIPF:
            continue  # one ending, and it ends a common word: "超市", "知道", "这个地区"
        out += [*_names_and_words(run[start : match.start()], words), "[address]"]
        start = match.end()
    return out + _names_and_words(run[start:], words)


def _names_and_words(run: str, words: Vocabulary) -> list[str]:
    """Chinese names said with who the person is (_CHINESE_NAME), then word by word, longest words first."""
    out: list[str] = []
    start = 0
    for match in _CHINESE_NAME.finditer(run):
        name = "after" if match.group("after") else "before"
        out += [*_han_and_kana_words(run[start : match.start(name)], words), "[name]"]
        start = match.end(name)
    return out + _han_and_kana_words(run[start:], words)


def _han_and_kana_words(run: str, words: Vocabulary) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(run):
        digits = next((j for j in range(i, len(run)) if run[j] not in _CJK_DIGITS), len(run)) - i
        if digits > 1:
            out.append(NUMBER)
            i += digits
            continue
        for length in range(min(_CJK_LONGEST, len(run) - i), 0, -1):
            part = run[i : i + length]
            if words.is_name(part) and (length > 1 or words.zipf(part) < _CJK_SINGLE):
                out.append("[name]")
                break
            kind = words.kind(part)
            if kind is WordKind.NUMBER:
                out.append(NUMBER)
                break
            if part in CJK_STREET and length == 1:
                out.append(part)
                break
            if kind is WordKind.COMMON and (length > 1 or words.zipf(part) >= _CJK_SINGLE):
                out.append(part)
                break
        else:
            out.append("[word]")
            length = 1
        i += length
    return out


_NUMBER_JOINERS = frozenset({"y", "e", "et", "und", "и", "و"})


def _digit_word_next(pieces: list[str], i: int) -> bool:
    after = next((p for p in pieces[i + 1 :] if not p.isspace()), "")
    return after == NUMBER or after.casefold() in _DIGIT_WORDS


def _spelled_numbers(pieces: list[str]) -> list[str]:
    """Runs of numbers and digit words (spaces between them) that hold a number or two digit words: one number. A
    digit word on its own stays a word ("a new one", "sono le cinque"): one digit tells nothing of anyone."""
    out = list(pieces)
    run: list[int] = []
    for i in range(len(pieces) + 1):
        piece = pieces[i] if i < len(pieces) else ""
        if piece == NUMBER or piece.casefold() in _DIGIT_WORDS:
            run.append(i)
            continue
        if (piece.isspace() or piece == "-") and run:
            continue  # "soixante-dix-huit": written-out numbers join their words with hyphens
        if run and piece.casefold() in _NUMBER_JOINERS and _digit_word_next(pieces, i):
            run.append(i)  # "sesenta y cinco", "vingt et un", "trinta e dois"
            continue
        if len(run) > 1 or (run and pieces[run[0]] == NUMBER):
            for at in run:
                out[at] = NUMBER
        run = []
    return out
