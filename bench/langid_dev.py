"""The development set the language identifier's weights are tuned on: never the lingua test data.

Texts are sampled from wordfreq's word lists (fixed seed): single words and word pairs drawn with probability
proportional to the square root of their frequency (so rarer words count), "sentences" of 6-15 words drawn by
frequency, plus the catalogs' own example utterances. A fifth of the words (by key) is hidden from the model
while it is scored, so words it does not know are part of the test as they are in real text.

Needs wordfreq, which Parley does not install (`pip install wordfreq`):

    PYTHONPATH=src python bench/langid_dev.py [WORD_WEIGHT FLOOR FOREIGN_MARGIN]
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

from parley.language import detector as d
from parley.language.langid_data import WORDFREQ_NAMES

NATIVE = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")
LOCALES = Path(__file__).resolve().parents[1] / "locales"
PER_LANGUAGE = 200


def samples(language: str, rng: random.Random) -> dict[str, list[str]]:
    import wordfreq

    frequencies = wordfreq.get_frequency_dict(WORDFREQ_NAMES.get(language, language), "small")
    words = [w for w in frequencies if not any(c.isdigit() or c in "._-" for c in w)]
    flat = [frequencies[w] ** 0.5 for w in words]
    natural = [frequencies[w] for w in words]
    return {
        "single-words": rng.choices(words, flat, k=PER_LANGUAGE),
        "word-pairs": [" ".join(rng.choices(words, flat, k=2)) for _ in range(PER_LANGUAGE)],
        "sentences": [
            " ".join(rng.choices(words, natural, k=rng.randint(6, 15))).capitalize() + "." for _ in range(PER_LANGUAGE)
        ],
    }


def hide_a_fifth(model: d.LanguageModel) -> None:
    hidden = model._word_keys % 5 == 0
    model._word_gains = np.where(hidden, 0.0, model._word_gains).astype(np.float32)


def main(word_weight: float, floor: float, margin: float) -> None:
    import wordfreq

    with np.load(d.DATA) as data:
        model = d.LanguageModel({name: data[name] for name in data.files}, word_weight=word_weight, floor=floor)
    hide_a_fifth(model)
    d.FOREIGN_MARGIN = margin
    detector = d.LangdetectDetector(NATIVE, model=model)
    rng = random.Random(20240601)
    available = set(wordfreq.available_languages("small"))
    languages = [c for c in sorted({*model.languages, *NATIVE}) if WORDFREQ_NAMES.get(c, c) in available]
    data_sets = {code: samples(code, rng) for code in languages}
    print(f"word weight {word_weight}  floor {floor}  foreign margin {margin}")
    for length in ("single-words", "word-pairs", "sentences"):
        right = 0
        for code in NATIVE:
            for text in data_sets[code][length]:
                guess = detector.guess(text)
                right += guess is not None and guess.language == code
        print(f"  native {length:13} {100 * right / (len(NATIVE) * PER_LANGUAGE):5.1f}")
    foreign = [code for code in languages if code not in NATIVE]
    named = {code: 0 for code in foreign}
    for code in foreign:
        for text in data_sets[code]["sentences"]:
            found = detector.detect(text)
            named[code] += found is not None and found.language == code
    print(f"  others' sentences named as themselves {100 * sum(named.values()) / (len(foreign) * PER_LANGUAGE):5.1f}"
          f"  worst: {sorted(named.items(), key=lambda kv: kv[1])[:6]}")  # fmt: skip
    wrong, total = 0, 0
    confusions: dict[str, int] = {}
    for code in NATIVE:
        catalog = json.loads((LOCALES / f"{code}.json").read_text(encoding="utf-8"))
        texts = [u for us in catalog.get("examples", {}).values() for u in us] + data_sets[code]["sentences"]
        for text in texts:
            found = detector.detect(text)
            total += 1
            if found is not None and found.language not in NATIVE:
                wrong += 1
                confusions[f"{code}→{found.language}"] = confusions.get(f"{code}→{found.language}", 0) + 1
    print(f"  native texts (catalog examples + sentences) named another language {100 * wrong / total:.2f}%"
          f"  {sorted(confusions.items(), key=lambda kv: -kv[1])[:8]}")  # fmt: skip


if __name__ == "__main__":
    arguments = [float(a) for a in sys.argv[1:4]]
    main(*(arguments or [d.WORD_WEIGHT, d.FLOOR, d.FOREIGN_MARGIN]))
