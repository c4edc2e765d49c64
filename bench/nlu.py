"""NLU figures for `make bench`: the intent engine on public test splits,
each beside the published figures (../shared/benchmarks/README.md). Trained on train splits only."""

from __future__ import annotations

import csv
import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from parley.config import load_settings
from parley.nlu.intents import Intent, LinearIntents
from parley.wiring import build_understanding

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def _train(train: Iterable[tuple[str, str]]) -> LinearIntents:
    examples: dict[str, list[str]] = {}
    for text, label in train:
        examples.setdefault(label, []).append(text)
    started = time.perf_counter()
    # No confidence floor while scoring: the out-of-scope decision is chosen on validation data.
    model = LinearIntents(examples, min_confidence=0.0)
    print(f"  trained on {sum(map(len, examples.values()))} examples, {len(examples)} labels"
          f" in {time.perf_counter() - started:.1f} s (with the calibration's cross-validation),"
          f" temperature {model.temperature:.2f}")  # fmt: skip
    return model


def _score(train: Iterable[tuple[str, str]], test: list[tuple[str, str]]) -> Callable[[str], str | None]:
    model = _train(train)
    return lambda text: model.best_label(text)[0]


def expected_calibration_error(answers: list[tuple[float, bool]], bins: int = 10) -> float:
    """ECE: over 10 equal-width confidence bins, the gap between mean confidence and accuracy, weighted by how
    many answers fall in the bin."""
    gaps = 0.0
    for b in range(bins):
        inside = [(c, right) for c, right in answers if min(int(c * bins), bins - 1) == b]
        if inside:
            gaps += len(inside) * abs(statistics.mean(c for c, _ in inside) - statistics.mean(r for _, r in inside))
    return gaps / len(answers)


def _calibration(name: str, before: list[tuple[float, bool]], after: list[tuple[float, bool]]) -> None:
    def part(answers: list[tuple[float, bool]]) -> str:
        confidence, accuracy = statistics.mean(c for c, _ in answers), statistics.mean(r for _, r in answers)
        return (f"ECE {100 * expected_calibration_error(answers):.1f}"
                f" (mean confidence {100 * confidence:.1f} vs accuracy {100 * accuracy:.1f})")  # fmt: skip

    print(f"  calibration on {name} ({len(after)}): before {part(before)}; after {part(after)}")


OUT_OF_SCOPE = Intent.OUT_OF_SCOPE.value


def uncalibrated_best_label(model: LinearIntents, text: str, floor: float) -> tuple[str | None, float]:
    """The answer as the engine gave it before calibration: the raw softmax's best label and its probability,
    or None below the floor, with the probability that the best label is wrong."""
    probabilities = model.probabilities(text, calibrated=False)
    if not probabilities:
        return None, 1.0
    label = max(probabilities, key=lambda k: probabilities[k])
    if probabilities[label] < floor:
        return None, 1 - probabilities[label]
    return label, probabilities[label]


def _wilson_lower_bound(hits: int, total: int, z: float = 1.96) -> float:
    """The lower end of the 95% Wilson interval of a proportion."""
    share = hits / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


def _out_of_scope_floor(model: LinearIntents, oos_val: list[tuple[str, str]], *, calibrated: bool = True) -> float:
    """The lowest confidence floor at which validation data shows, with 95% confidence, the goal's out-of-scope
    recall (60%). oos_val has only 100 messages: a floor that just reaches 60% on them reaches it on the test half
    the time (the first run of this bench: 60.0 on val, 58.1 on test), so the bound, not the point, must reach
    it. Every point of floor above would cost in-scope accuracy for recall the goal does not ask for."""
    answers = [model.best_label(text) if calibrated else uncalibrated_best_label(model, text, 0.0)
               for text, _ in oos_val]  # fmt: skip

    def recall_bound(floor: float) -> float:
        hits = sum(label in {None, OUT_OF_SCOPE} or c < floor for label, c in answers)
        return _wilson_lower_bound(hits, len(answers))

    return next((step / 100 for step in range(100) if recall_bound(step / 100) >= 0.6), 0.5)


def clinc150() -> None:
    data = json.loads((BENCHMARKS / "clinc150" / "data_full.json").read_text(encoding="utf-8"))

    def named(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # CLINC150 calls out of scope "oos"; the engine knows the label by Parley's name for it.
        return [(text, OUT_OF_SCOPE if label == "oos" else label) for text, label in pairs]

    trained = _train(named(data["train"] + data["oos_train"]))
    val, test = named(data["val"] + data["oos_val"]), named(data["test"] + data["oos_test"])
    # Out-of-scope messages are a larger share of the validation messages than of the training examples; the
    # engine is told that share (a prior shift of the out-of-scope label), then the floor is chosen.
    share = statistics.mean(label == OUT_OF_SCOPE for _, label in val)
    shifted = trained.tuned(out_of_scope_share=share)
    floor = _out_of_scope_floor(shifted, data["oos_val"])
    model = shifted.tuned(min_confidence=floor)
    raw_floor = _out_of_scope_floor(trained, data["oos_val"], calibrated=False)

    def answers(chosen: LinearIntents, pairs: list[tuple[str, str]], calibrated: bool) -> list[tuple[float, bool]]:
        results = []
        for text, label in pairs:
            best = chosen.best_label(text) if calibrated else uncalibrated_best_label(chosen, text, raw_floor)
            results.append((best[1], (best[0] or OUT_OF_SCOPE) == label))
        return results

    def figures(pairs: list[tuple[str, str]], scored: list[tuple[float, bool]]) -> tuple[float, float]:
        in_scope = [right for (_, right), (_, label) in zip(scored, pairs, strict=True) if label != OUT_OF_SCOPE]
        out = [right for (_, right), (_, label) in zip(scored, pairs, strict=True) if label == OUT_OF_SCOPE]
        return 100 * statistics.mean(in_scope), 100 * statistics.mean(out)

    on_val = figures(val, answers(model, val, True))
    print(f"  out-of-scope share {100 * share:.1f}% and floor {floor:.2f} chosen on val: in-scope {on_val[0]:.1f},"
          f" out-of-scope recall {on_val[1]:.1f}")  # fmt: skip
    after = answers(model, test, True)
    in_scope, oos_recall = figures(test, after)
    print(f"CLINC150 (full): in-scope accuracy {in_scope:.1f}, out-of-scope recall {oos_recall:.1f}"
          "   (published BERT 96.9/40.3, Rasa 91.5/45.3, Dialogflow 91.7/14.0; goal ≥ 93 / ≥ 60)")  # fmt: skip
    before = answers(trained, test, False)
    raw_figures = figures(test, before)
    print(f"  uncalibrated, raw floor {raw_floor:.2f} chosen on val the same way:"
          f" in-scope {raw_figures[0]:.1f}, out-of-scope recall {raw_figures[1]:.1f}")  # fmt: skip
    _calibration("CLINC150 test + oos_test", before, after)
    # Out of scope is 18% of the test messages but 3.2% of validation's and 0.7% of the training examples': the
    # confidence of an out-of-scope answer is honest for the share the engine was told, not for another.
    in_scope = [i for i, (_, label) in enumerate(test) if label != OUT_OF_SCOPE]
    _calibration("CLINC150 test, in-scope messages only", [before[i] for i in in_scope], [after[i] for i in in_scope])


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
    after: list[tuple[float, bool]] = []
    for language, intent, text in held_out:
        classification = model.classify(text)
        by_language.setdefault(language, []).append(classification.intent.value == intent)
        after.append((classification.confidence, classification.intent.value == intent))
    # Before calibration: the raw softmax with the floor the engine used before (0.35 on raw probabilities).
    before = []
    for _, intent, text in held_out:
        label, confidence = uncalibrated_best_label(model, text, 0.35)
        before.append((confidence, (label or OUT_OF_SCOPE) == intent))
    overall = 100 * statistics.mean(hit for hits in by_language.values() for hit in hits)
    parts = "  ".join(f"{lang} {100 * statistics.mean(hits):.0f}" for lang, hits in sorted(by_language.items()))
    print(f"intent on held-out catalog examples ({len(held_out)}): {overall:.1f}%   ({parts})")
    _calibration("held-out catalog examples", before, after)


def speed(messages: int = 2000) -> None:
    understand = build_understanding(load_settings({}))
    texts = ["Where is my order ORD-104233?", "¿Dónde está mi pedido?", "Wo ist meine Bestellung?", "我的订单在哪里？"]
    understand(texts[0])
    times = []
    for i in range(messages):
        started = time.perf_counter()
        understand(texts[i % len(texts)])
        times.append((time.perf_counter() - started) * 1000)
    # As `parley nlu classify` reads a message: language, each request with its intent, order numbers, entities.
    print(f"language + intent + entities, warm: median {statistics.median(times):.2f} ms per message   (goal ≤ 5)")
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
