"""Language identification for `make bench`: the lingua test data for Parley's native languages, by length,
beside lingua's published figures (../shared/benchmarks/README.md)."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

from parley.config import load_settings
from parley.dialogue.language_policy import ConversationLanguage
from parley.wiring import understanding_parts

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
NATIVE = ("en", "es", "pt", "fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh")
LINGUA_NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German",
                "it": "Italian", "hi": "Hindi", "id": "Indonesian", "ar": "Arabic", "tr": "Turkish",
                "ru": "Russian", "zh": "Chinese"}  # fmt: skip
LENGTHS = (("single-words", 75), ("word-pairs", 90), ("sentences", 99))


def _published(length: str, column: str) -> float:
    """Mean published accuracy over Parley's languages for one detector (lingua's own tables)."""
    path = BENCHMARKS / "langid-lingua" / "accuracy-v2.2.0" / f"{length}-accuracy-values.csv"
    with path.open(encoding="utf-8") as handle:
        rows = {row["language"]: row for row in csv.DictReader(handle)}
    return statistics.mean(float(rows[LINGUA_NAMES[code]][column]) for code in NATIVE)


def language_identification(samples_per_language: int = 1000) -> None:
    settings = load_settings({})
    parts = understanding_parts(settings)
    policy = ConversationLanguage(parts.detector, parts.lexicon, parts.catalogs.languages, "en")

    def identify(text: str) -> str | None:
        guess = parts.detector.guess(text)
        return policy.identify(text) or (guess.language if guess else None)

    print("Language identification, lingua test data, Parley's 12 native languages (% correct):")
    for length, goal in LENGTHS:
        correct = total = 0
        for code in NATIVE:
            lines = (BENCHMARKS / "langid-lingua" / length / f"{code}.txt").read_text(encoding="utf-8").splitlines()
            for line in lines[:samples_per_language]:
                total += 1
                correct += identify(line) == code
        ours = 100 * correct / total
        lingua, langdetect = _published(length, "lingua-high-accuracy"), _published(length, "langdetect")
        print(f"  {length:13} Parley {ours:5.1f}   lingua high accuracy {lingua:5.1f}   langdetect {langdetect:5.1f}"
              f"   (goal ≥ {goal})")  # fmt: skip
    _other_languages(policy, samples_per_language)


def _other_languages(policy: ConversationLanguage, samples_per_language: int) -> None:
    """Languages without a catalog: how often their sentences are named as such, and how often a native
    language's sentence is wrongly named as one (which would send a customer through machine translation)."""
    sentences = BENCHMARKS / "langid-lingua" / "sentences"
    others = sorted(p.stem for p in sentences.glob("*.txt") if p.stem not in NATIVE)
    print("Languages without a catalog, lingua sentences (% named as their own language):")
    named = []
    for code in others:
        lines = (sentences / f"{code}.txt").read_text(encoding="utf-8").splitlines()[:samples_per_language]
        answers = [policy.identify(line) for line in lines]
        share = 100 * sum(a == code for a in answers) / len(lines)
        native = 100 * sum(a is not None and policy.is_native(a) for a in answers) / len(lines)
        named.append(share)
        print(f"  {code}  {share:5.1f}   (named a native language: {native:4.1f})")
    print(f"  mean {statistics.mean(named):5.1f}")
    wrong = total = 0
    worst: dict[str, int] = {}
    for code in NATIVE:
        lines = (sentences / f"{code}.txt").read_text(encoding="utf-8").splitlines()[:samples_per_language]
        for line in lines:
            answer = policy.identify(line)
            total += 1
            if answer is not None and not policy.is_native(answer):
                wrong += 1
                worst[f"{code}→{answer}"] = worst.get(f"{code}→{answer}", 0) + 1
    confusions = ", ".join(f"{k} {v}" for k, v in sorted(worst.items(), key=lambda kv: -kv[1])[:8])
    print(f"Native sentences named a language without a catalog: {100 * wrong / total:.2f}% (goal ≤ 0.5)"
          f"{'  ' + confusions if confusions else ''}")  # fmt: skip
