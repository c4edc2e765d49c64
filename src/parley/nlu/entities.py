"""Entities found in free text; order ids come out in one canonical form whatever the customer typed."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_ORDER_ID_FORMAT = "ORD-{0}"
# "order 104233", "pedido nº 200311", "заказ 104233": the number after the word for order, in the native
# languages, counts when it makes a valid order id under the configured pattern.
_ORDER_WORD = re.compile(
    r"(?<![A-Za-z0-9\u0400-\u04ff])(?:orders?|orden|pedido|encomenda|commande|cde|cmd|bestell(?:ung|nummer|nr)|"
    r"best\.?[\s-]?nr\.?|auftrag(?:snummer)?|ordine|pesanan|sipari[sş]\w*|заказ\w*|订单号?|ऑर्डर|طلبي?|الطلب)"
    # What may stand between the word and the number: "number is", "no.", "nº", "№", "saya" ("pesanan saya"),
    # "номер", "नंबर", "numarası", "号".
    r"(?:\s*(?:no|nr|n|num|number|numero|número|numéro|nummer|numarası|numarasi|номер|नंबर|saya|is|es|est|ist|"
    r"é|è|رقم|[º°o#№:号])\.?){0,3}\s*#?(\d{4,10})(?!\d)",
    re.IGNORECASE,
)
# Turkish puts the number first: "108604 nolu siparişim", "707516 siparişi".
_NUMBER_THEN_ORDER = re.compile(r"(?<![\w#])(\d{4,10})\s*(?:no'?lu|numaral[ıi]|no\.?)?\s+sipari[sş]", re.IGNORECASE)
# "#310552": a number behind a hash sign, as shops print order numbers on receipts.
_HASH_NUMBER = re.compile(r"(?<![\w#])#\s?(\d{4,10})(?!\d)")


_YEAR = re.compile(r"(?:19|20)\d\d")
# Words for an order anywhere in a message, as customers write them (also "ordered", transliterated "zakaz", Egyptian
# "el order", "اوردر"): a number a few words from one is taken for the order's when nothing names an order more
# plainly ("siparişimi iptal etmek istiyorum 481004", "pesanan aku 510116", "el order bta3i 520377").
_LOOSE_ORDER_WORD = re.compile(
    r"(?<![\w])(?:order\w*|ordr|orden\w*|pedido\w*|encomenda\w*|commande\w*|cde|cmd|bestell\w*|auftrag\w*|"
    r"ordine\w*|pesanan\w*|sipari[sş]\w*|заказ\w*|zakaz\w*|ऑर्डर|आर्डर|(?:ال)?طلب\w*|(?:ال)?[اأ]وردر\w*)|订单",
    re.IGNORECASE,
)
# How far (in words) a number may stand after such a word, or before it ("cancel 412007 i ordered twice").
_WORDS_AFTER, _WORDS_BEFORE = 4, 1
_TOKEN = re.compile(r"[^\s,;:!?¿¡.()\[\]\"'«»“”]+")
_LOOSE_NUMBER = re.compile(r"#?(\d{4,8})")
# An amount or a phone number is no order's: a currency, a unit of money or a plus sign beside the number, or
# another group of digits right after it ("0812 3456 7890").
_MONEY = re.compile(
    r"^(?:rp|rs|r\$|\$|€|£|₹|₺|₽|¥|tl|usd|eur|euros?|dollars?|rupiah|rupees?|reais|lira|руб\w*|р|рублей|元|块|"
    r"rb|ribu|jt|juta|k|mil|bin|دولار|جنيه|ريال|درهم|रुपये|रु)$",
    re.IGNORECASE,
)


def _near_an_order_word(text: str) -> list[tuple[int, str]]:
    """Numbers a few words from a word for an order: (position, digits)."""
    tokens = list(_TOKEN.finditer(text))
    words = [bool(_LOOSE_ORDER_WORD.search(token.group())) for token in tokens]
    found = []
    for i, token in enumerate(tokens):
        number = _LOOSE_NUMBER.fullmatch(token.group())
        if number is None or _YEAR.fullmatch(number.group(1)):
            continue
        near = any(words[max(0, i - _WORDS_AFTER) : i]) or any(words[i + 1 : i + 2 + _WORDS_BEFORE])
        beside = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
        money = any(_MONEY.match(word.group()) for word in beside) or text[token.start() - 1 : token.start()] == "+"
        gaps = [text[min(token.end(), w.end()) : max(token.start(), w.start())] for w in beside]
        grouped = any(w.group().lstrip("+").isdigit() and gap.isspace() for w, gap in zip(beside, gaps, strict=True))
        if near and not money and not grouped:
            found.append((token.start() + number.start(1), number.group(1)))
    return found


def ascii_digits(text: str) -> str:
    """Any script's decimal digits as ASCII ones: "٥٥٧١٦٤" (Arabic-Indic) and full-width digits are 557164."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.digit(char)) if char.isdecimal() else char for char in text)


class OrderIdFinder:
    """`ord 104233`, `#ORD104233` and `ORD-104233` all mean ORD-104233.

    The pattern is configuration (ORDER_ID_PATTERN): its first group is the distinctive part, and the
    canonical form puts that part into ORDER_ID_FORMAT.
    """

    def __init__(self, pattern: str, canonical_format: str = DEFAULT_ORDER_ID_FORMAT) -> None:
        self._pattern = re.compile(rf"(?<![A-Za-z0-9]){pattern}(?![0-9])", re.IGNORECASE)
        self._format = canonical_format

    def find_all(self, text: str) -> list[str]:
        text = ascii_digits(text)  # one character for one: positions stay those of the text
        found: list[tuple[int, str]] = []
        for match in self._pattern.finditer(text):
            found.append((match.start(), self._format.format(match.group(1) if match.groups() else match.group(0))))
        for match in (*_ORDER_WORD.finditer(text), *_NUMBER_THEN_ORDER.finditer(text), *_HASH_NUMBER.finditer(text)):
            if _YEAR.fullmatch(match.group(1)):
                continue  # "my order from 2024" names a year, not order 2024
            candidate = self._format.format(match.group(1))
            if self._pattern.fullmatch(candidate):
                found.append((match.start(1), candidate))
        if not found:
            for start, digits in _near_an_order_word(text):
                candidate = self._format.format(digits)
                if self._pattern.fullmatch(candidate):
                    found.append((start, candidate))
        ordered: list[str] = []
        for _, canonical in sorted(found):
            if canonical not in ordered:
                ordered.append(canonical)
        return ordered

    def without(self, text: str) -> str:
        """The text with its order ids (and the word for order before a number) taken out: what else it says."""
        return self._pattern.sub(" ", _ORDER_WORD.sub(" ", text))

    def find(self, text: str) -> str | None:
        found = self.find_all(text)
        return found[0] if found else None

    def normalise(self, value: str) -> str | None:
        """The canonical id when the whole value is one order id, else None."""
        match = self._pattern.fullmatch(ascii_digits(value).strip().lstrip("#"))
        if match is None:
            return None
        return self._format.format(match.group(1) if match.groups() else match.group(0))


# Invoice numbers: INV and a part with at least one digit, typed loosely ("inv 2026-0915", "INV_2026_0915") or as the
# billing system writes them (INV-2026-0912, INV-A7K2); the group is the part after INV.
INVOICE_ID_PATTERN = r"INV(?:[\s\-_#]+|(?=\d))((?=[A-Z0-9\-_]*\d)[A-Z0-9]+(?:[\-_][A-Z0-9]+)*)"
INVOICE_ID = re.compile(rf"(?<![A-Za-z0-9]){INVOICE_ID_PATTERN}(?![A-Za-z0-9])", re.IGNORECASE)


def canonical_invoice_id(distinctive: str) -> str:
    return "INV-" + distinctive.upper().replace("_", "-")


def find_invoice_id(text: str) -> str | None:
    """The first invoice number in the text, as the billing system writes it: "inv 2026-0915" is INV-2026-0915."""
    match = INVOICE_ID.search(text)
    return canonical_invoice_id(match.group(1)) if match else None
