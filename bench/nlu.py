"""NLU figures for `make bench`: language identification and the intent engine on public test splits,
each beside the published figures (../shared/benchmarks/README.md). Trained on train splits only."""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from parley.config import load_settings
from parley.dialogue.language_policy import ConversationLanguage
from parley.nlu.intents import NaiveBayesIntents
from parley.wiring import build_understanding, understanding_parts

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


def _score(train: Iterable[tuple[str, str]], test: list[tuple[str, str]]) -> Callable[[str], str | None]:
    examples: dict[str, list[str]] = {}
    for text, label in train:
        examples.setdefault(label, []).append(text)
    model = NaiveBayesIntents(examples)
    return lambda text: model.best_label(text)[0]


def clinc150() -> None:
    data = json.loads((BENCHMARKS / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    predict = _score([(t, label) for t, label in data["train"] + data["oos_train"]], data["test"])
    in_scope = statistics.mean(predict(text) == label for text, label in data["test"])
    oos_recall = statistics.mean(predict(text) in {None, "oos"} for text, _ in data["oos_test"])
    print(f"CLINC150 (full): in-scope accuracy {100 * in_scope:.1f}, out-of-scope recall {100 * oos_recall:.1f}"
          "   (published BERT 96.9/40.3, Rasa 91.5/45.3, Dialogflow 91.7/14.0; goal ≥ 93 / ≥ 60)")  # fmt: skip


def _csv_pairs(path: Path, text_column: str, label_column: str) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [(row[text_column], row[label_column]) for row in csv.DictReader(handle)]


def banking77() -> None:
    train = _csv_pairs(BENCHMARKS / "banking77" / "train.csv", "text", "category")
    test = _csv_pairs(BENCHMARKS / "banking77" / "test.csv", "text", "category")
    predict = _score(train, test)
    accuracy = statistics.mean(predict(text) == label for text, label in test)
    print(f"BANKING77: accuracy {100 * accuracy:.1f}   (published BERT 93.66; goal ≥ 90)")


def bitext() -> None:
    folder = BENCHMARKS / "bitext"
    train = _csv_pairs(folder / "Bitext_Sample_Customer_Service_Training_Dataset.csv", "utterance", "intent")
    test = _csv_pairs(folder / "Bitext_Sample_Customer_Service_Testing_Dataset.csv", "utterance", "intent")
    predict = _score(train, test)
    accuracy = statistics.mean(predict(text) == label for text, label in test)
    print(f"Bitext: accuracy {100 * accuracy:.1f}   (none published; goal ≥ 98)")


def speed(messages: int = 2000) -> None:
    understand = build_understanding(load_settings({}))
    texts = ["Where is my order ORD-104233?", "¿Dónde está mi pedido?", "Wo ist meine Bestellung?", "我的订单在哪里？"]
    understand(texts[0])
    times = []
    for i in range(messages):
        started = time.perf_counter()
        understand(texts[i % len(texts)])
        times.append((time.perf_counter() - started) * 1000)
    print(f"language + intent + entities, warm: median {statistics.median(times):.2f} ms per message   (goal ≤ 2)")


def run() -> None:
    print()
    language_identification()
    clinc150()
    banking77()
    bitext()
    speed()
