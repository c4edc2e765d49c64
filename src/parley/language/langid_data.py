"""Builds data/langid.npz, the language identifier's model, from two well-kept libraries' data.

- langdetect's profiles (Apache-2.0): character 1-3-gram counts from Wikipedia for 55 languages, turned into
  smoothed log-probabilities exactly as langdetect smooths them, but kept whole so that scoring is a plain,
  deterministic sum instead of langdetect's random sampling.
- wordfreq's "small" word lists (wordfreq 3.1.1; code Apache-2.0, word lists CC BY-SA 4.0, see data/NOTICE):
  every word with a frequency of at least one per million in each of its languages. Words are kept as 32-bit
  hashes with a quantised log-frequency, so the file stays small and loads without building a dict of strings.

Run on a build machine (needs `pip install wordfreq langdetect numpy`, none of them imported at run time):

    python -m parley.language.langid_data src/parley/language/data/langid.npz
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

# langdetect's smoothing: every n-gram probability is raised by alpha / BASE_FREQ (0.5 / 10000).
SMOOTHING = 0.5 / 10_000
# wordfreq's names for languages that langdetect names otherwise; wordfreq languages langdetect lacks
# (Malay, Icelandic, Serbo-Croatian) stay out: a language nobody can tell from its neighbour is not a candidate.
WORDFREQ_NAMES = {"tl": "fil", "no": "nb"}


def word_key(word: str) -> int:
    """The 32-bit key a word is stored under. About one unknown word in 3000 takes a known word's key, which
    costs nothing worth a bigger file."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "little")


def _profiles() -> dict[str, dict[str, Any]]:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    profiles: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(PROFILES_DIRECTORY).iterdir()):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = path.name.split("-")[0]  # zh-cn and zh-tw are one Chinese
        if language in profiles:
            merged = profiles[language]
            for gram, count in data["freq"].items():
                merged["freq"][gram] = merged["freq"].get(gram, 0) + count
            merged["n_words"] = [a + b for a, b in zip(merged["n_words"], data["n_words"], strict=True)]
        else:
            profiles[language] = {"freq": dict(data["freq"]), "n_words": list(data["n_words"])}
    return profiles


def _statistical(text: str) -> bool:
    """Whether text is all in the scripts the model is for (Latin, Cyrillic, Arabic): text in any other script
    is named by its script (parley.language.detector), so its n-grams and words would only take up room."""
    from parley.language.detector import _script_of

    return all(char == " " or _script_of(char) in {"latin", "cyrillic", "arabic"} for char in text)


def build(out: Path) -> None:
    import importlib

    import numpy as np

    wordfreq = importlib.import_module("wordfreq")  # a build-time tool only: Parley does not install it

    profiles = _profiles()
    # Languages most of whose letters are Latin, Cyrillic or Arabic.
    languages = sorted(
        code
        for code, profile in profiles.items()
        if sum(n for g, n in profile["freq"].items() if len(g) == 1 and _statistical(g))
        > sum(n for g, n in profile["freq"].items() if len(g) == 1) / 2
    )
    grams = sorted({g for code in languages for g in profiles[code]["freq"] if _statistical(g)})
    index = {g: i for i, g in enumerate(grams)}
    gram_scores = np.zeros((len(grams), len(languages)), dtype=np.float32)
    for column, language in enumerate(languages):
        profile = profiles[language]
        for gram, count in profile["freq"].items():
            if gram not in index:
                continue
            probability = count / profile["n_words"][len(gram) - 1]
            # Stored relative to an unseen n-gram, so an n-gram no language knows adds nothing anywhere.
            gram_scores[index[gram], column] = np.log(probability + SMOOTHING) - np.log(SMOOTHING)

    available = set(wordfreq.available_languages("small"))
    entries: dict[int, dict[int, float]] = {}
    for column, language in enumerate(languages):
        name = WORDFREQ_NAMES.get(language, language)
        if name not in available:
            continue
        for word, frequency in wordfreq.get_frequency_dict(name, "small").items():
            if not _statistical(word.replace("'", "")):
                continue
            found = entries.setdefault(word_key(word), {})
            found[column] = max(found.get(column, -99.0), float(np.log10(frequency)))
    # One row per word and language, sorted by key: a word's rows are found with two binary searches.
    rows = [(key, column, f) for key in sorted(entries) for column, f in sorted(entries[key].items())]
    with_words = [WORDFREQ_NAMES.get(code, code) in available for code in languages]
    # Stored uncompressed: it loads in milliseconds at a cold start (git and the layer zip compress it anyway).
    np.savez(
        out,
        languages=np.array(languages),
        grams=np.array(grams),
        gram_scores=gram_scores.astype(np.float16),
        word_keys=np.array([r[0] for r in rows], dtype=np.uint32),
        word_languages=np.array([r[1] for r in rows], dtype=np.uint8),
        # log10 of the frequency, in wordfreq's own steps of 0.01 (its lists are binned by centibels).
        word_scores=np.round(-100 * np.array([r[2] for r in rows])).astype(np.uint16),
    )
    print(f"{out}: {len(languages)} languages ({sum(with_words)} with word lists), {len(grams)} n-grams, "
          f"{len(entries)} words")  # fmt: skip


if __name__ == "__main__":
    build(Path(sys.argv[1]))
