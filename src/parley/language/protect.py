"""Protected spans: order and invoice numbers, amounts, URLs, emails and product names, as tokens in translation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from parley.nlu.entities import INVOICE_ID, OrderIdFinder

# Brackets around a digit carry no meaning a provider would translate; the restore still accepts the spaces
# and full-width brackets a provider may put in ("[[ 0 ]]", "［［0］］").
_PLACEHOLDER = "[[{0}]]"
_PLACEHOLDER_BACK = re.compile(r"[\[［]\s*[\[［]\s*(\d+)\s*[\]］]\s*[\]］]")

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]}'’”]", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CURRENCY = (
    r"(?:R\$|US\$|[$€£¥₹₺₽₩₫฿₱₦₴]|"
    r"(?<![A-Za-z])(?:USD|EUR|GBP|JPY|CNY|RMB|INR|IDR|TRY|RUB|BRL|MXN|CAD|AUD|CHF|SAR|AED|Rp|Rs\.?)(?![A-Za-z]))"
)
_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(rf"{_CURRENCY}\s?(?:{_NUMBER})|(?:{_NUMBER})\s?{_CURRENCY}")
_DIGITS = re.compile(r"\d+")
# How far before a run of digits an order id's prefix ("ORD-", "#ORD ") may start.
_ORDER_PREFIX_LOOKBACK = 12


class TokenLostError(ValueError):
    """The translated text lost, duplicated or invented a protection token."""


@dataclass(frozen=True)
class ProtectedText:
    """Text with its protected spans replaced by tokens, and the spans in token order."""

    text: str
    originals: tuple[str, ...]

    @property
    def has_words(self) -> bool:
        """False when nothing but tokens, digits, punctuation and spaces is left (nothing to translate)."""
        return any(ch.isalpha() for ch in _PLACEHOLDER_BACK.sub("", self.text))


class Protector:
    """Finds the spans a translation must not touch, and puts them back afterwards."""

    def __init__(self, order_ids: OrderIdFinder | None = None, product_names: Iterable[str] = ()) -> None:
        self._order_ids = order_ids
        self._product_names = tuple(product_names)

    def protect(self, text: str, product_names: Iterable[str] = ()) -> ProtectedText:
        spans = self._spans(text, (*self._product_names, *product_names))
        originals: list[str] = []
        parts: list[str] = []
        position = 0
        for start, end in spans:
            parts.append(text[position:start])
            parts.append(_PLACEHOLDER.format(len(originals)))
            originals.append(text[start:end])
            position = end
        parts.append(text[position:])
        return ProtectedText("".join(parts), tuple(originals))

    @staticmethod
    def restore(protected: ProtectedText, translated: str) -> str:
        """The translation with every token replaced by its original; TokenLostError unless each is there once."""
        seen: list[int] = []

        def put_back(match: re.Match[str]) -> str:
            index = int(match.group(1))
            if index >= len(protected.originals):
                raise TokenLostError(f"unknown token {index}")
            seen.append(index)
            return protected.originals[index]

        restored = _PLACEHOLDER_BACK.sub(put_back, translated)
        if sorted(seen) != list(range(len(protected.originals))):
            raise TokenLostError(f"expected {len(protected.originals)} tokens, found {len(seen)}")
        return restored

    def _spans(self, text: str, product_names: tuple[str, ...]) -> list[tuple[int, int]]:
        candidates: list[tuple[int, int]] = []
        for pattern in (_URL, _EMAIL, _AMOUNT, INVOICE_ID):
            candidates.extend(m.span() for m in pattern.finditer(text))
        candidates.extend(self._order_spans(text))
        for name in sorted({n.strip() for n in product_names if n.strip()}, key=len, reverse=True):
            expression = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
            candidates.extend(m.span() for m in expression.finditer(text))
        # Earliest first, longest first at the same start; a span inside an earlier one is dropped.
        chosen: list[tuple[int, int]] = []
        for start, end in sorted(candidates, key=lambda s: (s[0], -s[1])):
            if chosen and start < chosen[-1][1]:
                continue
            chosen.append((start, end))
        return chosen

    def _order_spans(self, text: str) -> list[tuple[int, int]]:
        """Each run of digits that is (the end of) an order id, widened to the prefix the customer typed."""
        if self._order_ids is None:
            return []
        wanted = set(self._order_ids.find_all(text))
        if not wanted:
            return []
        spans = []
        for digits in _DIGITS.finditer(text):
            end = digits.end()
            best: int | None = None
            for start in range(max(0, digits.start() - _ORDER_PREFIX_LOOKBACK), digits.start() + 1):
                if self._order_ids.normalise(text[start:end]) in wanted and not text[start].isspace():
                    best = start
                    break
            if best is not None:
                spans.append((best, end))
            elif any(w.endswith(digits.group()) and not w[-len(digits.group()) - 1].isdigit() for w in wanted):
                # "order 104233", "pedido nº 104233": the number alone; the word around it is translated.
                spans.append(digits.span())
        return spans
