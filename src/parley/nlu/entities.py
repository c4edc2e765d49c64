"""Entities found in free text; order ids come out in one canonical form whatever the customer typed."""

from __future__ import annotations

import re

DEFAULT_ORDER_ID_FORMAT = "ORD-{0}"


class OrderIdFinder:
    """`ord 104233`, `#ORD104233` and `ORD-104233` all mean ORD-104233.

    The pattern is configuration (ORDER_ID_PATTERN): its first group is the distinctive part, and the
    canonical form puts that part into ORDER_ID_FORMAT.
    """

    def __init__(self, pattern: str, canonical_format: str = DEFAULT_ORDER_ID_FORMAT) -> None:
        self._pattern = re.compile(rf"(?<![A-Za-z0-9]){pattern}(?![0-9])", re.IGNORECASE)
        self._format = canonical_format

    def find_all(self, text: str) -> list[str]:
        found: list[str] = []
        for match in self._pattern.finditer(text):
            canonical = self._format.format(match.group(1) if match.groups() else match.group(0))
            if canonical not in found:
                found.append(canonical)
        return found

    def find(self, text: str) -> str | None:
        found = self.find_all(text)
        return found[0] if found else None

    def normalise(self, value: str) -> str | None:
        """The canonical id when the whole value is one order id, else None."""
        found = self.find_all(value)
        stripped = self._pattern.sub("", value).strip(" #-_")
        return found[0] if len(found) == 1 and not stripped else None
