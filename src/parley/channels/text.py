"""Text for chat platforms: measure as Meta does, split long text at sentences, shorten titles without breaking
a word or a character (a user-perceived character: emoji with modifiers, accents, flags, conjuncts)."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence

ELLIPSIS = "…"

# Where a cut reads naturally: after sentence-ending punctuation in the scripts we answer in
# (Latin, Arabic question mark, Devanagari danda, CJK full stops).
_SENTENCE_ENDS = frozenset(".!?;。！？؟।॥…")
# What may not end a shortened title before the ellipsis ("Cancel, …" reads worse than "Cancel…").
_TRAILING_JOINERS = " \t\n,;:-–—/(·"

_ZWJ = "\u200d"


def platform_length(text: str) -> int:
    """Length as Meta counts it, taken strictly: UTF-16 code units, so an emoji outside the BMP counts as two.

    Meta's limits say "characters" without saying how they are counted; counting UTF-16 units is never less
    than counting code points, so text within this length is within the limit either way."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _is_extend(ch: str) -> bool:
    """Characters that belong to the character before them (grapheme Extend, SpacingMark and ZWJ)."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == _ZWJ
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors (text/emoji presentation)
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
        or 0xE0100 <= cp <= 0xE01EF  # variation selectors supplement
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _hangul_type(ch: str) -> str:
    cp = ord(ch)
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _hangul_joins(before: str, after: str) -> bool:
    a, b = _hangul_type(before), _hangul_type(after)
    if not a or not b:
        return False
    if a == "L":
        return b in ("L", "V", "LV", "LVT")
    if a in ("LV", "V"):
        return b in ("V", "T")
    return b == "T"  # after LVT or T


def _joins(text: str, i: int) -> bool:
    """Whether text[i] continues the user-perceived character that text[i - 1] is part of."""
    before, ch = text[i - 1], text[i]
    if before == "\r" and ch == "\n":
        return True
    if _is_extend(ch):
        return True
    if before == _ZWJ and not ch.isspace():  # emoji ZWJ sequences (👨‍👩‍👧) and Indic half forms
        return True
    # Indic conjuncts: a consonant after a virama belongs to the same character (क्ष).
    if unicodedata.combining(before) == 9 and unicodedata.category(ch) == "Lo":
        return True
    return _hangul_joins(before, ch)


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (an approximation of Unicode extended grapheme clusters that
    never splits one: combining marks, emoji modifiers and ZWJ sequences, flags, keycaps, Hangul, conjuncts)."""
    clusters: list[str] = []
    start = 0
    i = 1
    n = len(text)
    while i < n:
        if _is_regional_indicator(text[i]) and _is_regional_indicator(text[i - 1]):
            # Flags are pairs of regional indicators: count the run from its start to pair them up.
            run_start = i - 1
            while run_start > start and _is_regional_indicator(text[run_start - 1]):
                run_start -= 1
            if (i - run_start) % 2 == 1:
                i += 1
                continue
        elif _joins(text, i):
            i += 1
            continue
        clusters.append(text[start:i])
        start = i
        i += 1
    if start < n:
        clusters.append(text[start:])
    return clusters


def _boundaries(text: str) -> list[int]:
    """Offsets at which text may be cut without breaking a character, in order (0 and len(text) included)."""
    offsets = [0]
    for cluster in graphemes(text):
        offsets.append(offsets[-1] + len(cluster))
    return offsets


def _fitting_prefix(text: str, limit: int) -> int:
    """The longest cut offset whose prefix is within limit (as the platform counts)."""
    used = 0
    best = 0
    for cluster in graphemes(text):
        used += platform_length(cluster)
        if used > limit:
            break
        best += len(cluster)
    return best


def _ends_sentence(before: str, after: str) -> bool:
    """Whether a cut between these two characters falls after a paragraph or a sentence. A Latin full stop
    needs a space after it ("ORD-104233.5" is not a sentence end); CJK and Devanagari ones do not."""
    return before == "\n" or (before in _SENTENCE_ENDS and (after.isspace() or not before.isascii()))


def _natural_cut(window: str, cuts: Sequence[int]) -> int:
    """The last paragraph or sentence end in window (offset just after it), or 0."""
    best = 0
    for cut in cuts:
        if 0 < cut <= len(window) and _ends_sentence(window[cut - 1], window[cut] if cut < len(window) else " "):
            best = cut
    return best


def _word_cut(window: str, cuts: Sequence[int]) -> int:
    """The last cut before whitespace in window, or 0."""
    best = 0
    for cut in cuts:
        if 0 < cut < len(window) and window[cut].isspace():
            best = cut
    return best


def split_text(text: str, limit: int) -> list[str]:
    """Split long text into parts within limit: at a paragraph or sentence end, else between words, else between
    characters (scripts without spaces); never inside a character."""
    chunks: list[str] = []
    rest = text.strip()
    while platform_length(rest) > limit:
        end = _fitting_prefix(rest, limit)
        window = rest[:end]
        cuts = [c for c in _boundaries(rest) if c <= end]
        cut = _natural_cut(window, cuts)
        if cut <= end // 2:
            cut = _word_cut(window, cuts) or cut
        if cut <= 0:
            cut = end if end > 0 else len(graphemes(rest)[0])
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def split_with_tail(text: str, limit: int, tail_limit: int) -> tuple[list[str], str]:
    """Split text into leading parts (each within limit) and a last part within tail_limit, for a message whose
    own text is shorter than a plain text message (an interactive body, a button template)."""
    text = text.strip()
    if platform_length(text) <= tail_limit:
        return [], text
    # The tail starts at the earliest natural cut that leaves it within tail_limit.
    cuts = _boundaries(text)
    remaining = platform_length(text)
    earliest = len(text)
    for previous, cut in itertools.pairwise(cuts):
        if remaining <= tail_limit:
            earliest = previous
            break
        remaining -= platform_length(text[previous:cut])
    while earliest > 0 and text[earliest - 1].isspace():  # the tail is stripped: spaces before it are free
        earliest -= 1
    tail_start = 0
    for kind in ("sentence", "word"):
        for cut in cuts:
            if cut <= 0 or cut < earliest or cut >= len(text):
                continue
            sentence = _ends_sentence(text[cut - 1], text[cut])
            if (kind == "sentence" and sentence) or (kind == "word" and text[cut].isspace()):
                tail_start = cut
                break
        if tail_start:
            break
    if not tail_start:
        tail_start = earliest
    head, tail = text[:tail_start].rstrip(), text[tail_start:].strip()
    return split_text(head, limit), tail


def one_line(text: str) -> str:
    """Collapse whitespace (titles and labels are one line)."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Shorten text to limit (as the platform counts), ending with an ellipsis when anything was cut.

    The cut falls between words when that keeps at least a third of the room; otherwise (one long word, or a
    script without spaces such as Chinese or Japanese) between characters, never inside one."""
    text = one_line(text)
    if platform_length(text) <= limit:
        return text
    room = limit - platform_length(ELLIPSIS)
    clusters = graphemes(text)
    kept: list[str] = []
    used = 0
    for cluster in clusters:
        size = platform_length(cluster)
        if used + size > room:
            break
        kept.append(cluster)
        used += size
    inside_word = len(kept) < len(clusters) and not clusters[len(kept)].isspace()
    if inside_word:
        spaces = [i for i, cluster in enumerate(kept) if cluster.isspace()]
        if spaces and platform_length("".join(kept[: spaces[-1]])) * 3 >= room:
            kept = kept[: spaces[-1]]
    while kept and kept[-1] in _TRAILING_JOINERS:
        kept.pop()
    return "".join(kept) + ELLIPSIS


def numbered(lines: Iterable[str]) -> str:
    """A numbered list ("1. …"), which customers can answer with the number."""
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
