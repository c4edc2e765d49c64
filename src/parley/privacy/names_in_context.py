"""Names that are common words too ("Kim", "Ben", "Mai", "Vera", "Weiss", "بن"): the word data cannot call them
names (a report without "ben", "may" or "per" would lose Dutch, English and Italian), so the text has to.

Such a word is a name where the text says so, and only there:
- next to a name (a space, a hyphen or a particle between: "Kim [name]", "[name] Mai", "Dan-[name]",
  "[name] da Costa"), capitalised if the text is written in both cases ("[name] will call" keeps "will");
- right after an introduction or a greeting's signature ("this is Kim", "ik ben Ben", "je suis Vera", "gruß Tim");
- capitalised in the middle of a sentence, in a text written in both cases ("where is my order, Dan?").
The introduction's own words are never taken ("ik ben [name]" keeps "ben").
"""

from __future__ import annotations

import re

from parley.privacy.vocabulary import Vocabulary

NAME = "[name]"
# What comes before a name in the twelve catalog languages and common others, as case-folded words.
_INTRODUCTIONS = tuple(
    tuple(phrase.split())
    for phrase in """this is|i'm|i am|im|it's|its|my name is|name is|call me|regards|cheers|thanks|from|
    ich bin|hier ist|hier spricht|ich heiße|mein name ist|gruß|grüße|viele grüße|lg|
    je suis|c'est|moi c'est|je m'appelle|mon nom est|cordialement|de la part de|
    sono|mi chiamo|il mio nome è|qui è|saluti|
    soy|me llamo|mi nombre es|habla|saludos|
    sou|eu sou|me chamo|meu nome é|aqui é|abraços|atenciosamente|
    ik ben|mijn naam is|hier is|met|groet|groeten|
    tu|jestem|nazywam się|mam na imię|pozdrawiam|
    ben|benim adım|adım|saya|nama saya|aku|dengan|
    я|меня зовут|это|с уважением|मैं|मेरा नाम|أنا|اسمي|معك|我是|我叫""".replace("\n", "").split("|")
)
_LONGEST = max(len(phrase) for phrase in _INTRODUCTIONS)
# Particles inside a name: "[name] da Costa", "[name] bin Said", "[name] van Dijk".
PARTICLES = frozenset(
    str.split("da de do dos das di del della van von der den ter bin ibn binti bte bo al el la le dela")
)
_SENTENCE_ENDS = frozenset(".!?¡¿\n…。！？")
# zipf from which an ambiguous name is first of all a word ("de", "la", "the", "per", "dan"): in a text of one case
# only a hyphen ("dan-[name]") makes it a name.
_FUNCTION_WORD = 7.0
# zipf from which capitals alone are no evidence: German writes nouns capitalised ("auf den Bus", "zum ersten Mal").
_CAPITALISED_ALONE = 6.0
# zipf from which a word alone after an introduction, in a text of one case, is the word ("c'est bon", "sono
# bella"), not the name it also is ("this is kim", 5.7).
_INTRODUCED_WORD = 5.8
# Share of capitalised words from which a text is in title case, so that capitals say nothing.
_TITLE_CASE = 0.7
# zipf under which a word next to a name is part of it, in any case: a surname that is also a rarer word somewhere
# ("[name] o'connor", "małgorzata [name]", "[name] schwarzenegger"). Words customers write around a name ("says",
# "fragt", "lives", "from") are commoner than this; losing a rare one costs the report little.
_RARE_BESIDE_NAME = 4.5
# Who a person is to the customer (or to the shop: "a atendente [name]"), in words rarer than _RARE_BESIDE_NAME: they
# say something of the message and nothing of who the person is.
_RELATIONS = frozenset(
    str.split(
        """neighbour neighbor neighbours neighbors colleague cousin nephew niece grandson granddaughter landlord
        landlady roommate flatmate stepson stepdaughter vecino vecina voisin voisine nachbar nachbarin vicino vicina
        vizinho vizinha сосед соседка komşum komşu tetangga atendente atendentes оператор операторша temsilci
        temsilcisi kurye courier coursier repartidor repartidora entregador motoboy kurir hotline"""
    )
)
# Titles and kinship words said before a name, which Vietnamese builds of syllables that are words too ("chị Thu
# Trang", "anh Khải", "cô Mai"): an ambiguous name right after one is a name.
_TITLES = frozenset(str.split("chị anh em cô chú bác ông bà bạn cậu dì thầy mợ tên"))  # tên: "named"
# zipf under which an ambiguous name written in lower case right before a name is the given name ("ana [name]",
# "anh [name]"), where a commoner word ("to", "an", "de") is not.
_GIVEN_NAME = 6.5


def _both_cases(words: list[str]) -> bool:
    """Whether capitals say something in this text: written in both cases, and not in title case."""
    capitalised = sum(1 for word in words if word[0].isupper())
    uppercase = sum(1 for word in words if word.isupper())
    return bool(words) and uppercase < len(words) and 0 < capitalised <= _TITLE_CASE * len(words)


def names_in_context(pieces: list[str], words: Vocabulary, given: set[int]) -> list[str]:
    """The pieces (words, placeholders, spaces, punctuation of `scrubbing._pieces`, in their case), with the
    ambiguous names the text shows to be names replaced by [name]. `given`: the placeholders the text came with,
    which are no evidence (a key anonymised before has lost its case: "bitte an [name]" keeps "an")."""
    out = [NAME + " " if i in given and piece == NAME else piece for i, piece in enumerate(pieces)]
    tokens = [i for i, piece in enumerate(pieces) if not piece.isspace()]
    both_cases = _both_cases([pieces[i] for i in tokens if pieces[i][0].isalpha() and len(pieces[i]) > 1])
    introduced, protected = _introductions(pieces, tokens)
    from parley.privacy.addresses import street_word  # addresses reads this module's _both_cases

    kept = [
        i
        for i in tokens
        if len(pieces[i]) > 1  # "I"
        and pieces[i][0].isalpha()
        and pieces[i].casefold() not in PARTICLES
        and i not in protected
    ]
    ambiguous = [i for i in kept if words.is_ambiguous(pieces[i]) and not street_word(pieces[i])]
    rare = {i for i in kept if i not in ambiguous and not street_word(pieces[i]) and _rare(pieces[i], words)}
    for at in kept:
        parts = re.split(r"['’]", pieces[at].casefold())
        if len(parts) == 2 and parts[0] in _SURNAME_PREFIXES and words.is_name(parts[1]):
            out[at] = NAME  # "O'Sullivan", "d'angelo": a surname wherever it stands
    for at in kept:
        position = tokens.index(at)
        after_title = position > 0 and pieces[tokens[position - 1]].casefold() in _TITLES
        if after_title and at not in ambiguous and _titled(pieces[at], words, both_cases):
            out[at] = NAME  # "anh Tuấn", "chị Hằng": a name's syllable after a title
        elif _after_relation(pieces, tokens, position, words):
            out[at] = NAME  # "my flatmate tayo's mum", "adik saya wayan"
    for at in ambiguous:
        position = tokens.index(at)
        titled = position > 0 and pieces[tokens[position - 1]].casefold() in _TITLES
        if (
            titled
            or (at in introduced and _introduced(pieces, out, tokens, at, both_cases, words))
            or (
                both_cases
                and words.zipf(pieces[at]) < _CAPITALISED_ALONE
                and _capitalised_mid_sentence(pieces, tokens, at)
            )
        ):
            out[at] = NAME
    changed = True
    while changed:  # "ik ben Ben Brown": Brown is next to a name only once Ben is one
        changed = False
        for at in [*ambiguous, *rare]:
            # A rare word must touch the name (a space or a hyphen between): "mi factura de [name]" keeps "factura".
            if out[at] == NAME or not _next_to_name(out, tokens, at, particles=at not in rare):
                continue
            zipf = words.zipf(pieces[at])
            hyphen = out[at - 1 : at] == ["-"] or out[at + 1 : at + 2] == ["-"]
            if at in rare:
                named = True  # a rare word beside a name, in any case: "[name] o'connor", "małgorzata [name]"
            elif both_cases:
                # Capitalised; or, lower-case, a given name before the surname ("ana [name]", "anh [name]").
                named = _capital(pieces[at]) or (zipf < _GIVEN_NAME and _before_name(out, tokens, at))
            else:
                named = hyphen or zipf < _FUNCTION_WORD
            if named:
                out[at] = NAME
                changed = True
        for at in kept:
            if out[at] != NAME and _joined_to_name(pieces, out, tokens, at, both_cases):
                out[at] = NAME
                changed = True
    return [NAME if piece == NAME + " " else piece for piece in out]


# Who a person is to the customer, in words customers use every day: the word after one (a possessive between or
# not: "adik saya Wayan") is a name when customers do not write it and it is no common word of the text's language.
_KIN = _RELATIONS | frozenset(
    str.split(
        """sister brother son daughter mum mom mother dad father wife husband friend aunt uncle boss girlfriend
        boyfriend partner hermano hermana hijo hija amigo amiga tía tío primo prima esposa esposo marido irmão irmã
        filho filha tia tio esposa frère sœur fils fille ami amie tante oncle femme mari bruder schwester sohn
        tochter freund freundin onkel fratello sorella figlio figlia amico amica zia zio moglie marito kardeşim abim
        ablam oğlum kızım arkadaşım eşim adik kakak ibu bapak istri suami anak teman брат сестра сын дочь друг
        подруга жена муж أخي أختي ابني بنتي صديقي زوجي زوجتي جاري bhai behen beta beti dost pati patni"""
    )
)
_POSSESSIVES = frozenset(str.split("saya aku ku mio mia meu minha mon ma mein meine мой моя моему"))
_KIN_NAME = 4.5  # zipf from which the word after who the person is is the word ("my son said", "my friend told")


# zipf under which a word after a Vietnamese title is the name it introduces ("anh tuấn"), where a commoner one is
# the sentence going on ("giúp em rồi": "em" is also "I").
_TITLED_WORD = 5.0


_VOCATIVES = frozenset(str.split("ơi ạ nhé nha à ừ hả"))  # "bạn ơi", "anh ạ": said to the person, no name


def _titled(word: str, words: Vocabulary, both_cases: bool) -> bool:
    if word.casefold() in _VOCATIVES:
        return False
    if both_cases:
        return word[0].isupper()
    return words.zipf(word) < _TITLED_WORD and not words.written(word)


def _after_relation(pieces: list[str], tokens: list[int], position: int, words: Vocabulary) -> bool:
    back = position - 1
    if back > 0 and pieces[tokens[back]].casefold() in _POSSESSIVES:
        back -= 1
    if back < 0 or pieces[tokens[back]].casefold() not in _KIN:
        return False
    word = pieces[tokens[position]]
    stem = re.split(r"['’]", word)[0]
    return not words.written(stem) and words.zipf(stem) < _KIN_NAME


def _joined_to_name(pieces: list[str], out: list[str], tokens: list[int], at: int, both_cases: bool) -> bool:
    """A word any name holds on to: hyphened to one ("[name]-ho", "anna-[name]": given names of two parts), a
    capitalised word after a name and its particle ("[name] das Graças", "[name] von Hohenstein"), an Arabic word
    with the article right after a name ("[name] المصري": a family name, the Egyptian)."""
    if out[at - 1 : at] == ["-"] and out[at - 2 : at - 1] == [NAME]:
        return True
    if out[at + 1 : at + 2] == ["-"] and out[at + 2 : at + 3] == [NAME]:
        return True
    if out[at - 1 : at] == ["-"] and out[at - 2 : at - 1] and out[at - 2].casefold() in PARTICLES:
        position = tokens.index(at - 2)
        if position > 0 and out[tokens[position - 1]] == NAME:
            return True  # "[name] al-Farsi", "[name] el-Sayed"
    position = tokens.index(at)
    before = [out[i] for i in tokens[max(0, position - 2) : position]]
    word = pieces[at]
    if before[-1:] in ([NAME], ["[word]"]) and word.startswith("ال") and word.endswith("ي"):
        return True  # a family name with the article and the ending of belonging: "القحطاني", "المصري"
    particle = len(before) == 2 and before[0] == NAME and before[1].casefold() in PARTICLES
    return particle and both_cases and word[0].isupper()


# Letters only Vietnamese writes: a name's syllable with one beside a name is part of it ("[name] Thị", "[name] Văn
# Hùng"), for Vietnamese names are made of syllables that are common words too.
_VIETNAMESE = frozenset("ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưăĩũùòìý")
# Prefixes of surnames written with an apostrophe: O'Sullivan, D'Angelo, McDonald's kin.
_SURNAME_PREFIXES = frozenset({"o", "d", "mc", "di", "de"})


def _rare(word: str, words: Vocabulary) -> bool:
    """A word rare enough that, next to a name, it is more likely part of the name ("kowalczyk"), or a name after an
    apostrophe ("o'connor", "d'angelo"); never common words elided ("c'est"), nor who the person is to the customer
    ("my neighbour [name]")."""
    parts = [part for part in re.split(r"['’]", word.casefold()) if part]
    if len(parts) > 1:
        return parts[0] in _SURNAME_PREFIXES and words.is_name(parts[-1])
    if any(char in _VIETNAMESE for char in word.casefold()):
        # A name's syllable ("Thị", "văn"), or capitalised ("Hùng"); "đã", "nhận" are Vietnamese words beside one.
        return word[0].isupper() or words.is_name(word) or words.is_ambiguous(word)
    return words.zipf(word) < _RARE_BESIDE_NAME and word.casefold() not in _RELATIONS and not words.written(word)


def _introduced(
    pieces: list[str], out: list[str], tokens: list[int], at: int, both_cases: bool, words: Vocabulary
) -> bool:
    """Whether the word after an introduction is a name: capitalised, or (in a text of one case) the whole
    clause and no very common word ("this is kim, call me"; "this is my order" keeps "my", "c'est bon" "bon")."""
    if both_cases:
        return _capital(pieces[at])
    if words.zipf(pieces[at]) >= _INTRODUCED_WORD:
        return False
    position = tokens.index(at)
    return position + 1 == len(tokens) or out[tokens[position + 1]] in {",", NAME} | _SENTENCE_ENDS


def _introductions(pieces: list[str], tokens: list[int]) -> tuple[set[int], set[int]]:
    """The positions right after an introduction, and the introductions' own words."""
    folded = [pieces[i].casefold() for i in tokens]
    after: set[int] = set()
    own: set[int] = set()
    for start in range(len(tokens)):
        if start and folded[start - 1] not in _SENTENCE_ENDS and folded[start - 1] != ",":
            continue  # an introduction starts a sentence or a clause: "hi, this is", not "what this is"
        for length in range(_LONGEST, 0, -1):
            phrase = tuple(folded[start : start + length])
            if phrase in _INTRODUCTIONS and start + length < len(tokens):
                own.update(tokens[start : start + length])
                after.add(tokens[start + length])
                break
    return after, own


def _capital(word: str) -> bool:
    """Capitalised, or of a script without case (Arabic, Bengali: "hier ist آمل [name]")."""
    return word[0].isupper() or word[0].lower() == word[0].upper()


def _capitalised_mid_sentence(pieces: list[str], tokens: list[int], at: int) -> bool:
    word = pieces[at]
    if not word[0].isupper() or (len(word) > 1 and word.isupper()):
        return False
    position = tokens.index(at)
    return position > 0 and pieces[tokens[position - 1]] not in _SENTENCE_ENDS


def _before_name(out: list[str], tokens: list[int], at: int) -> bool:
    position = tokens.index(at)
    return position + 1 < len(tokens) and out[tokens[position + 1]] == NAME


def _next_to_name(out: list[str], tokens: list[int], at: int, *, particles: bool = True) -> bool:
    """Whether a name stands beside the word (a hyphen, or a particle when `particles`, between)."""
    position = tokens.index(at)
    between = PARTICLES if particles else frozenset()
    for step in (-1, 1):
        i = position + step
        while 0 <= i < len(tokens) and (out[tokens[i]] == "-" or out[tokens[i]].casefold() in between):
            i += step
        if 0 <= i < len(tokens) and out[tokens[i]] == NAME:
            return True
    return False
