"""Vocabulary evidence from the catalogs: which native language's customers use the words of a message."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from parley.folding import fold

# Words of two characters or more with a letter in them: Arabizi writes letters as digits ("3ayez", "5alas").
_WORD = re.compile(r"(?=[^\W_]*[^\W\d_])[^\W_]{2,}", re.UNICODE)
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def words(text: str) -> set[str]:
    return set(_WORD.findall(fold(_PLACEHOLDER.sub(" ", text))))


class Lexicon:
    """Each language's words, from its example utterances and replies.

    langdetect is trained on Wikipedia and, on a chat message of four words, will call Spanish Portuguese
    with full confidence ("mi pedido no ha llegado"). The words customers of each language actually use
    settle such cases: a word counts for every language it belongs to, weighted by how few languages share it.
    """

    def __init__(self, texts: Mapping[str, Iterable[str]]) -> None:
        by_language = {language: set().union(*(words(t) for t in items)) for language, items in texts.items()}
        spread: dict[str, int] = defaultdict(int)
        for vocabulary in by_language.values():
            for word in vocabulary:
                spread[word] += 1
        self._letters = {language: frozenset("".join(vocabulary)) for language, vocabulary in by_language.items()}
        self._weights = {
            language: {word: 1 / spread[word] for word in vocabulary} for language, vocabulary in by_language.items()
        }

    def scores(self, text: str) -> dict[str, float]:
        found = words(text)
        return {language: sum(weights.get(w, 0.0) for w in found) for language, weights in self._weights.items()}

    def foreign_letters(self, text: str, language: str) -> bool:
        """Whether the text has letters the language's catalog never writes (Ukrainian є, ї, ґ for Russian): its
        shared words then say nothing against the detector."""
        letters = self._letters.get(language)
        return letters is not None and any(c not in letters for word in words(text) for c in word)
