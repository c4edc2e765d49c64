"""Language codes as Parley keeps them: the ISO 639 language alone, lower-case ("pt-BR", "pt_BR", "PT" → "pt").

One reading for every place a code comes from: a customer's record, a channel's locale, an agent's reply, the
AGENT_LANGUAGE setting."""

from __future__ import annotations

import re

_CODE = re.compile(r"[a-z]{2,3}")
# A region, script or variant after the language: "BR", "Hant", "valencia".
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")


def language_code(value: str | None) -> str | None:
    """The language of `value` as Parley keeps it, or None when `value` is not a language code."""
    if not value:
        return None
    primary, *rest = re.split(r"[-_]", value.strip())
    primary = primary.lower()
    if not _CODE.fullmatch(primary) or not all(_SUBTAG.fullmatch(subtag) for subtag in rest):
        return None
    return primary
