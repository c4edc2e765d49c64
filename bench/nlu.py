"""NLU figures for `make bench`: the intent engine on public test splits,
each beside the published figures (../shared/benchmarks/README.md). Trained on train splits only."""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from parley.config import load_settings
from parley.nlu.intents import LinearIntents
from parley.wiring import build_understanding

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def _train(train: Iterable[tuple[str, str]]) -> LinearIntents:
    examples: dict[str, list[str]] = {}
    for text, label in train:
        examples.setdefault(label, []).append(text)
    started = time.perf_counter()
    # No confidence floor while scoring: the out-of-scope threshold is chosen on validation data.
    model = LinearIntents(examples, min_confidence=0.0)
    print(f"  trained on {sum(map(len, examples.values()))} examples, {len(examples)} labels"
          f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return model


def _score(train: Iterable[tuple[str, str]], test: list[tuple[str, str]]) -> Callable[[str], str | None]:
    model = _train(train)
    return lambda text: model.best_label(text)[0]


def _with_floor(best: tuple[str | None, float], floor: float) -> str | None:
    label, confidence = best
    return label if label is not None and confidence >= floor else None


def _out_of_scope_floor(model: LinearIntents, val: list[tuple[str, str]], oos_val: list[tuple[str, str]]) -> float:
    """The lowest confidence floor that reaches the goal's out-of-scope recall (60%) on validation data: every
    point of floor above it would cost in-scope accuracy for recall the goal does not ask for."""
    in_scope = [(model.best_label(text), label) for text, label in val]
    out_of_scope = [model.best_label(text) for text, _ in oos_val]

    def recall(floor: float) -> float:
        return statistics.mean(_with_floor(best, floor) in {None, "oos"} for best in out_of_scope)

    floor = next((step / 100 for step in range(100) if recall(step / 100) >= 0.6), 0.5)
    accuracy = statistics.mean(_with_floor(best, floor) == label for best, label in in_scope)
    print(f"  out-of-scope floor {floor:.2f} chosen on val: in-scope {100 * accuracy:.1f},"
          f" out-of-scope recall {100 * recall(floor):.1f}")  # fmt: skip
    return floor


def clinc150() -> None:
    data = json.loads((BENCHMARKS / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    model = _train([(t, label) for t, label in data["train"] + data["oos_train"]])
    floor = _out_of_scope_floor(model, data["val"], data["oos_val"])

    def predict(text: str) -> str | None:
        return _with_floor(model.best_label(text), floor)

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


def catalog_holdout(share: float = 0.2, seed: int = 7) -> None:
    """Intent accuracy on the catalogs' own examples: a fixed fifth of each language's examples of each intent is
    held out, the model is trained on the rest (all languages together) and scored on what was held out."""
    import random

    from parley.i18n import load_catalogs
    from parley.nlu.intents import LinearIntents

    rng = random.Random(seed)
    train: dict[str, list[str]] = {}
    held_out: list[tuple[str, str, str]] = []
    for catalog in load_catalogs():
        for intent, texts in catalog.examples.items():
            shuffled = sorted(texts)
            rng.shuffle(shuffled)
            cut = max(1, int(len(shuffled) * share))
            held_out += [(catalog.language, intent, t) for t in shuffled[:cut]]
            train.setdefault(intent, []).extend(shuffled[cut:])
    model = LinearIntents(train)
    by_language: dict[str, list[bool]] = {}
    for language, intent, text in held_out:
        by_language.setdefault(language, []).append(model.classify(text).intent.value == intent)
    overall = 100 * statistics.mean(hit for hits in by_language.values() for hit in hits)
    parts = "  ".join(f"{lang} {100 * statistics.mean(hits):.0f}" for lang, hits in sorted(by_language.items()))
    print(f"intent on held-out catalog examples ({len(held_out)}): {overall:.1f}%   ({parts})")


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
    from parley.i18n import load_catalogs

    examples = load_catalogs(default_language="en").examples()
    started = time.perf_counter()
    model = LinearIntents(examples)
    trained = time.perf_counter() - started
    intent_times = []
    for i in range(messages):
        started = time.perf_counter()
        model.classify(texts[i % len(texts)])
        intent_times.append((time.perf_counter() - started) * 1000)
    print(f"intent model from the 12 catalogs: trained in {trained:.2f} s, {model.size_bytes / 1e6:.1f} MB of weights,"
          f" intent alone median {statistics.median(intent_times):.2f} ms   (artifact goal ≤ 20 MB)")  # fmt: skip


def run() -> None:
    clinc150()
    banking77()
    bitext()
    catalog_holdout()
    speed()
