"""Intent classification learned from the catalogs' example utterances (a linear model over text features)."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np


class Intent(StrEnum):
    GREETING = "greeting"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    ORDER_STATUS = "order_status"
    CANCEL_ORDER = "cancel_order"
    RETURN_REFUND = "return_refund"
    INVOICE = "invoice"
    PAYMENT = "payment"
    SUBSCRIPTION = "subscription"
    PRODUCT_INFO = "product_info"
    TECH_SUPPORT = "tech_support"
    HUMAN_AGENT = "human_agent"
    CHANGE_LANGUAGE = "change_language"
    DELETE_DATA = "delete_data"
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Classification:
    intent: Intent
    confidence: float


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase without accents: customers type 'donde esta mi pedido' as often as 'dónde está'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def features(text: str) -> list[str]:
    folded = fold(text)
    words = _TOKEN.findall(_UNSPACED.sub(" ", folded))
    found = [f"w:{w}" for w in words]
    found += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    # Character trigrams survive typos ("pedidio") and inflections ("ordered"/"orders"); longer n-grams scored
    # lower on CLINC150 and BANKING77.
    for word in words:
        padded = f"<{word}>"
        found += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
    # Chinese has no spaces: "我的订单在哪里" is one run, so its characters and their pairs are the words.
    for run in _UNSPACED.findall(folded):
        found += [f"h:{char}" for char in run]
        found += [f"h:{run[i : i + 2]}" for i in range(len(run) - 1)]
    return found


class LinearIntents:
    """Softmax regression over TF-IDF word, word-pair and character-trigram features. Trained from the examples
    (about 0.3 s for the twelve catalogs) or loaded from a saved artifact, once per execution environment; then
    each message costs one sum of the weight rows of its features."""

    def __init__(
        self,
        examples: Mapping[str, Iterable[str]],
        min_confidence: float = 0.35,
        *,
        epochs: int = 20,
        min_count: int = 1,
    ) -> None:
        from parley.nlu.linear import SparseRows, train_softmax

        self._min_confidence = min_confidence
        texts: list[list[str]] = []
        label_of: list[int] = []
        self._labels: list[str] = []
        for label, utterances in examples.items():
            for utterance in utterances:
                texts.append(features(utterance))
                label_of.append(len(self._labels))
            self._labels.append(label)
        if not texts:
            raise ValueError("no examples to learn intents from")
        documents: Counter[str] = Counter()
        for found in texts:
            documents.update(set(found))
        kept = sorted(f for f, n in documents.items() if n >= min_count)
        self._index = {f: i for i, f in enumerate(kept)}
        # Smoothed inverse document frequency: words every intent shares ("my", "please") weigh little.
        self._idf = [math.log((1 + len(texts)) / (1 + documents[f])) + 1 for f in kept]
        offsets, columns, values = [0], [], []
        for found in texts:
            pairs = self._vector(found)
            columns += [i for i, _ in pairs]
            values += [v for _, v in pairs]
            offsets.append(len(columns))
        rows = SparseRows(
            offsets=np.asarray(offsets, dtype=np.int64),
            columns=np.asarray(columns, dtype=np.int64),
            values=np.asarray(values, dtype=np.float32),
        )
        trained = train_softmax(rows, np.asarray(label_of, dtype=np.int64), len(kept), len(self._labels), epochs=epochs)
        self._weights, self._bias = trained.weights, trained.bias

    fingerprint: str = ""  # of the examples the model was trained on; set by the artifact builder

    def save(self, path: Path) -> None:
        """A compact artifact (one .npz file) to build at build time and load at cold start instead of training."""
        features_learned = sorted(self._index, key=self._index.__getitem__)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                weights=self._weights,
                bias=self._bias,
                idf=np.asarray(self._idf, dtype=np.float64),
                features=np.asarray(features_learned, dtype=np.str_),
                labels=np.asarray(self._labels, dtype=np.str_),
                min_confidence=np.asarray(self._min_confidence),
                fingerprint=np.asarray(self.fingerprint, dtype=np.str_),
            )

    @classmethod
    def load(cls, path: Path) -> LinearIntents:
        with np.load(path, allow_pickle=False) as saved:
            model = cls.__new__(cls)
            model._weights = saved["weights"]
            model._bias = saved["bias"]
            model._idf = [float(v) for v in saved["idf"]]
            model._index = {str(f): i for i, f in enumerate(saved["features"])}
            model._labels = [str(label) for label in saved["labels"]]
            model._min_confidence = float(saved["min_confidence"])
            model.fingerprint = str(saved["fingerprint"]) if "fingerprint" in saved.files else ""
        return model

    @property
    def size_bytes(self) -> int:
        """Memory held by the weights, the bulk of the model."""
        return int(self._weights.nbytes + self._bias.nbytes)

    def _vector(self, found: list[str]) -> list[tuple[int, float]]:
        """Sublinear TF-IDF over the known features, scaled to unit length."""
        counts = Counter(self._index[f] for f in found if f in self._index)
        pairs = [(i, (1 + math.log(n)) * self._idf[i]) for i, n in counts.items()]
        norm = math.sqrt(sum(v * v for _, v in pairs)) or 1.0
        return [(i, v / norm) for i, v in pairs]

    def probabilities(self, text: str) -> dict[str, float]:
        """Every learned label with its probability; empty when the text shares nothing with any example."""
        pairs = self._vector(features(text))
        if not pairs:
            return {}
        columns = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        values = np.fromiter((v for _, v in pairs), dtype=np.float32, count=len(pairs))
        scores = values @ self._weights[columns] + self._bias
        exp = np.exp(scores - scores.max())
        exp /= exp.sum()
        return dict(zip(self._labels, (float(p) for p in exp), strict=True))

    def classify(self, text: str) -> Classification:
        label, confidence = self.best_label(text)
        if label is None:
            return Classification(Intent.OUT_OF_SCOPE, confidence)
        intent = Intent(label) if label in Intent.__members__.values() else Intent.OUT_OF_SCOPE
        return Classification(intent, confidence)

    def best_label(self, text: str) -> tuple[str | None, float]:
        """The likeliest label learned from the examples and its probability; None when the text shares nothing
        with any example or the best label is below the confidence floor (out of scope)."""
        probabilities = self.probabilities(text)
        if not probabilities:
            return None, 1.0
        label = max(probabilities, key=lambda k: probabilities[k])
        confidence = probabilities[label]
        if confidence < self._min_confidence:
            return None, round(1 - confidence, 4)
        return label, round(confidence, 4)
