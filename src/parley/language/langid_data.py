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


def build(out: Path) -> None:
    import numpy as np
    import wordfreq

    profiles = _profiles()
    languages = sorted(profiles)
    grams = sorted({g for p in profiles.values() for g in p["freq"]})
    index = {g: i for i, g in enumerate(grams)}
    gram_scores = np.zeros((len(grams), len(languages)), dtype=np.float32)
    for column, language in enumerate(languages):
        profile = profiles[language]
        for gram, count in profile["freq"].items():
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
            found = entries.setdefault(word_key(word), {})
            found[column] = max(found.get(column, -99.0), float(np.log10(frequency)))
    keys = np.array(sorted(entries), dtype=np.uint32)
    offsets = np.zeros(len(keys) + 1, dtype=np.int32)
    word_languages: list[int] = []
    word_scores: list[float] = []
    for i, key in enumerate(keys.tolist()):
        for column, log_frequency in sorted(entries[key].items()):
            word_languages.append(column)
            word_scores.append(log_frequency)
        offsets[i + 1] = len(word_languages)
    with_words = sorted(WORDFREQ_NAMES.get(code, code) in available for code in languages)
    np.savez_compressed(
        out,
        languages=np.array(languages),
        grams=np.array(grams),
        gram_scores=gram_scores.astype(np.float16),
        word_keys=keys,
        word_offsets=offsets,
        word_languages=np.array(word_languages, dtype=np.uint8),
        # log10 of the frequency, in wordfreq's own steps of 0.01 (its lists are binned by centibels).
        word_scores=np.round(-100 * np.array(word_scores)).astype(np.uint16),
    )
    print(f"{out}: {len(languages)} languages ({sum(with_words)} with word lists), {len(grams)} n-grams, "
          f"{len(keys)} words")  # fmt: skip


if __name__ == "__main__":
    build(Path(sys.argv[1]))
