"""Intent classification learned from the catalogs' example utterances (a linear model over text features)."""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from parley.folding import fold

if TYPE_CHECKING:
    from parley.nlu.linear import FloatArray, IntArray, LinearWeights, SparseRows


class Intent(StrEnum):
    GREETING = "greeting"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    ORDER_STATUS = "order_status"
    CANCEL_ORDER = "cancel_order"
    CHANGE_ORDER = "change_order"
    RETURN_REFUND = "return_refund"
    INVOICE = "invoice"
    PAYMENT = "payment"
    SUBSCRIPTION = "subscription"
    PRODUCT_INFO = "product_info"
    TECH_SUPPORT = "tech_support"
    ACCOUNT = "account"
    COMPLAINT = "complaint"
    FEEDBACK = "feedback"
    MARKETING_PREFERENCES = "marketing_preferences"
    FAQ = "faq"
    HUMAN_AGENT = "human_agent"
    CHANGE_LANGUAGE = "change_language"
    DELETE_DATA = "delete_data"
    OUT_OF_SCOPE = "out_of_scope"


OUT_OF_SCOPE = Intent.OUT_OF_SCOPE.value
# Requests Parley does something for: all but small talk and what it does not understand. Only these are split out of a
# message (nlu.segmenting) or offered as "do you mean…?" choices (nlu.ambiguity).
ACTIONABLE = frozenset(Intent) - {Intent.GREETING, Intent.GOODBYE, Intent.THANKS, Intent.OUT_OF_SCOPE}


@dataclass(frozen=True)
class Classification:
    intent: Intent
    confidence: float


_TOKEN = re.compile(r"\w+", re.UNICODE)


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


# Bumped whenever training or the artifact's contents change, so an artifact built by older code is never used.
MODEL_VERSION = "3"


@dataclass(frozen=True)
class _Vocabulary:
    """The features kept from the training texts and their smoothed inverse document frequencies."""

    index: dict[str, int]
    idf: list[float]

    @classmethod
    def learn(cls, texts: list[list[str]], min_count: int) -> _Vocabulary:
        documents: Counter[str] = Counter()
        for found in texts:
            documents.update(set(found))
        kept = sorted(f for f, n in documents.items() if n >= min_count)
        # Smoothed inverse document frequency: words every intent shares ("my", "please") weigh little.
        idf = [math.log((1 + len(texts)) / (1 + documents[f])) + 1 for f in kept]
        return cls({f: i for i, f in enumerate(kept)}, idf)

    def vector(self, found: list[str]) -> list[tuple[int, float]]:
        """Sublinear TF-IDF over the known features, scaled to unit length."""
        counts = Counter(self.index[f] for f in found if f in self.index)
        pairs = [(i, (1 + math.log(n)) * self.idf[i]) for i, n in counts.items()]
        norm = math.sqrt(sum(v * v for _, v in pairs)) or 1.0
        return [(i, v / norm) for i, v in pairs]

    def rows(self, texts: list[list[str]]) -> SparseRows:
        from parley.nlu.linear import SparseRows

        offsets, columns, values = [0], [], []
        for found in texts:
            pairs = self.vector(found)
            columns += [i for i, _ in pairs]
            values += [v for _, v in pairs]
            offsets.append(len(columns))
        return SparseRows(
            offsets=np.asarray(offsets, dtype=np.int64),
            columns=np.asarray(columns, dtype=np.int64),
            values=np.asarray(values, dtype=np.float32),
        )


def _fit(
    texts: list[list[str]], label_of: IntArray, n_labels: int, *, epochs: int, min_count: int
) -> tuple[_Vocabulary, LinearWeights]:
    from parley.nlu.linear import train_softmax

    vocabulary = _Vocabulary.learn(texts, min_count)
    trained = train_softmax(vocabulary.rows(texts), label_of, len(vocabulary.index), n_labels, epochs=epochs)
    return vocabulary, trained


def _fold_of(label_of: IntArray, folds: int, seed: int = 5) -> IntArray:
    """Stratified folds: each label's examples, in a seeded order, dealt round the folds in turn, starting from a
    different fold for each label so that labels with few examples do not all leave the same fold empty."""
    rng = np.random.default_rng(seed)
    fold_of = np.zeros(len(label_of), dtype=np.int64)
    for label in np.unique(label_of):
        members = rng.permutation(np.flatnonzero(label_of == label))
        fold_of[members] = (np.arange(len(members)) + int(label)) % folds
    return fold_of


def _logit(share: float) -> float:
    share = min(max(share, 1e-6), 1 - 1e-6)
    return math.log(share / (1 - share))


class LinearIntents:
    """Softmax regression over TF-IDF word, word-pair and character-trigram features. Trained from the examples
    (a few seconds for the twelve catalogs) or loaded from a saved artifact, once per execution environment; then
    each message costs one sum of the weight rows of its features.

    Confidences are calibrated: the raw softmax of a linear model says little about how often it is right, so
    training also fits a temperature (Guo et al. 2017) on out-of-fold predictions of a k-fold cross-validation of
    the examples. A confidence of 0.8 then means the label is right about 80% of the time on messages like the
    examples, and the out-of-scope floor is a floor on that probability."""

    def __init__(
        self,
        examples: Mapping[str, Iterable[str]],
        min_confidence: float = 0.35,
        *,
        epochs: int = 10,
        min_count: int = 1,
        folds: int = 3,
        out_of_scope_share: float | None = None,
    ) -> None:
        self._min_confidence = min_confidence
        texts: list[list[str]] = []
        labels: list[int] = []
        self._labels: list[str] = []
        for label, utterances in examples.items():
            for utterance in utterances:
                texts.append(features(utterance))
                labels.append(len(self._labels))
            self._labels.append(label)
        if not texts:
            raise ValueError("no examples to learn intents from")
        label_of = np.asarray(labels, dtype=np.int64)
        vocabulary, trained = _fit(texts, label_of, len(self._labels), epochs=epochs, min_count=min_count)
        self._index, self._idf = vocabulary.index, vocabulary.idf
        self._weights, self._bias = trained.weights, trained.bias
        self._temperature = self._calibrate(texts, label_of, folds=folds, epochs=epochs, min_count=min_count)
        out_of_scope = self._labels.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in self._labels else None
        self._trained_out_of_scope_share = float(np.mean(label_of == out_of_scope)) if out_of_scope is not None else 0.0
        self._out_of_scope_shift = 0.0
        if out_of_scope_share is not None:
            self._out_of_scope_shift = self._shift_for(out_of_scope_share)

    def _calibrate(
        self, texts: list[list[str]], label_of: IntArray, *, folds: int, epochs: int, min_count: int
    ) -> float:
        """The temperature that makes out-of-fold probabilities honest; 1 when the examples are too few to hold
        any out (fewer than two per label on average)."""
        from parley.nlu.linear import fit_temperature, score_rows

        if folds < 2 or len(texts) < 2 * len(self._labels):
            return 1.0
        fold_of = _fold_of(label_of, folds)
        scores = np.zeros((len(texts), len(self._labels)), dtype=np.float32)
        for part in range(folds):
            held_out, kept = np.flatnonzero(fold_of == part), np.flatnonzero(fold_of != part)
            if len(held_out) == 0 or len(kept) == 0:
                continue
            # Each fold learns its own vocabulary, as the full model did: words only the held-out examples use
            # are unknown to it, as a customer's new words are unknown to the deployed model.
            vocabulary, trained = _fit([texts[i] for i in kept], label_of[kept], len(self._labels),
                                       epochs=epochs, min_count=min_count)  # fmt: skip
            scores[held_out] = score_rows(vocabulary.rows([texts[i] for i in held_out]), trained)
        return fit_temperature(scores, label_of)

    def _shift_for(self, out_of_scope_share: float) -> float:
        """Prior shift (Saerens et al. 2002): when out-of-scope messages are a larger share of what customers
        send than of the examples, the out-of-scope label's odds grow by the ratio of the two shares' odds."""
        if OUT_OF_SCOPE not in self._labels or not 0.0 < out_of_scope_share < 1.0:
            return 0.0
        return _logit(out_of_scope_share) - _logit(self._trained_out_of_scope_share)

    def tuned(self, min_confidence: float | None = None, out_of_scope_share: float | None = None) -> LinearIntents:
        """The same trained model with another out-of-scope floor or expected out-of-scope share, without
        training again (the decision is chosen on validation data)."""
        model = copy.copy(self)
        if min_confidence is not None:
            model._min_confidence = min_confidence
        if out_of_scope_share is not None:
            model._out_of_scope_shift = self._shift_for(out_of_scope_share)
        return model

    fingerprint: str = ""  # of the examples the model was trained on; set by the artifact builder

    def save(self, path: Path) -> None:
        """A compact artifact (one .npz file) to build at build time and load at cold start instead of training."""
        features_learned = sorted(self._index, key=self._index.__getitem__)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                version=np.asarray(MODEL_VERSION, dtype=np.str_),
                weights=self._weights,
                bias=self._bias,
                idf=np.asarray(self._idf, dtype=np.float64),
                features=np.asarray(features_learned, dtype=np.str_),
                labels=np.asarray(self._labels, dtype=np.str_),
                min_confidence=np.asarray(self._min_confidence),
                temperature=np.asarray(self._temperature),
                out_of_scope_shift=np.asarray(self._out_of_scope_shift),
                trained_out_of_scope_share=np.asarray(self._trained_out_of_scope_share),
                fingerprint=np.asarray(self.fingerprint, dtype=np.str_),
            )

    @classmethod
    def load(cls, path: Path) -> LinearIntents:
        """The model saved at `path`. An artifact from before calibration loads uncalibrated and without a
        fingerprint, so load_or_train never uses it."""
        with np.load(path, allow_pickle=False) as saved:
            current = "version" in saved.files and str(saved["version"]) == MODEL_VERSION
            model = cls.__new__(cls)
            model._weights = saved["weights"]
            model._bias = saved["bias"]
            model._idf = [float(v) for v in saved["idf"]]
            model._index = {str(f): i for i, f in enumerate(saved["features"])}
            model._labels = [str(label) for label in saved["labels"]]
            model._min_confidence = float(saved["min_confidence"])
            model._temperature = float(saved["temperature"]) if current else 1.0
            model._out_of_scope_shift = float(saved["out_of_scope_shift"]) if current else 0.0
            model._trained_out_of_scope_share = float(saved["trained_out_of_scope_share"]) if current else 0.0
            model.fingerprint = str(saved["fingerprint"]) if current else ""
        return model

    @property
    def size_bytes(self) -> int:
        """Memory held by the weights, the bulk of the model."""
        return int(self._weights.nbytes + self._bias.nbytes)

    @property
    def temperature(self) -> float:
        """What the scores are divided by before the softmax: above 1 the raw model was overconfident."""
        return self._temperature

    def _scores(self, text: str) -> FloatArray | None:
        pairs = _Vocabulary(self._index, self._idf).vector(features(text))
        if not pairs:
            return None
        columns = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        values = np.fromiter((v for _, v in pairs), dtype=np.float32, count=len(pairs))
        scores: FloatArray = values @ self._weights[columns] + self._bias
        return scores

    def probabilities(self, text: str, *, calibrated: bool = True) -> dict[str, float]:
        """Every learned label with its probability; empty when the text shares nothing with any example.
        Uncalibrated, the raw softmax of the scores (for comparison only)."""
        scores = self._scores(text)
        if scores is None:
            return {}
        if calibrated:
            scores = scores / self._temperature
            if self._out_of_scope_shift:
                scores[self._labels.index(OUT_OF_SCOPE)] += self._out_of_scope_shift
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
        """The likeliest label learned from the examples and the probability that it is right; None when the text
        shares nothing with any example (confidence 1) or the best label is below the confidence floor. Then the
        confidence is the probability of the out-of-scope label when one was learned, else that the best label
        is wrong."""
        probabilities = self.probabilities(text)
        if not probabilities:
            return None, 1.0
        label = max(probabilities, key=lambda k: probabilities[k])
        confidence = probabilities[label]
        if confidence < self._min_confidence:
            rejected = probabilities.get(OUT_OF_SCOPE, 1 - confidence)
            return None, round(rejected, 4)
        return label, round(confidence, 4)
