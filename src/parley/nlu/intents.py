"""Intent classification learned from the catalogs' example utterances (multinomial naive Bayes)."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


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
    # Character trigrams survive typos ("pedidio") and inflections ("ordered"/"orders").
    for word in words:
        padded = f"<{word}>"
        found += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
    # Chinese has no spaces: "我的订单在哪里" is one run, so its characters and their pairs are the words.
    for run in _UNSPACED.findall(folded):
        found += [f"h:{char}" for char in run]
        found += [f"h:{run[i : i + 2]}" for i in range(len(run) - 1)]
    return found


class NaiveBayesIntents:
    """Small, fast and dependency-free; trained once per execution environment."""

    def __init__(self, examples: Mapping[str, Iterable[str]], min_confidence: float = 0.45) -> None:
        self._min_confidence = min_confidence
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        docs: Counter[str] = Counter()
        for label, utterances in examples.items():
            for utterance in utterances:
                counts[label].update(features(utterance))
                docs[label] += 1
        if not docs:
            raise ValueError("no examples to learn intents from")
        self._vocabulary = {f for c in counts.values() for f in c}
        total_docs = sum(docs.values())
        self._log_prior = {label: math.log(n / total_docs) for label, n in docs.items()}
        size = len(self._vocabulary)
        self._log_likelihood: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for label, counter in counts.items():
            denominator = sum(counter.values()) + size
            self._log_likelihood[label] = {f: math.log((n + 1) / denominator) for f, n in counter.items()}
            self._unseen[label] = math.log(1 / denominator)

    def classify(self, text: str) -> Classification:
        label, confidence = self.best_label(text)
        if label is None:
            return Classification(Intent.OUT_OF_SCOPE, confidence)
        intent = Intent(label) if label in Intent.__members__.values() else Intent.OUT_OF_SCOPE
        return Classification(intent, confidence)

    def best_label(self, text: str) -> tuple[str | None, float]:
        """The likeliest label learned from the examples and its tempered confidence; None when the text shares
        nothing with any example or the best label is below the confidence floor (out of scope)."""
        observed = [f for f in features(text) if f in self._vocabulary]
        if not observed:
            return None, 1.0
        scores = {
            label: prior + sum(self._log_likelihood[label].get(f, self._unseen[label]) for f in observed)
            for label, prior in self._log_prior.items()
        }
        # Features are not independent, so raw posteriors are overconfident; temper them by feature count.
        temper = 1 / math.sqrt(len(observed))
        top = max(scores.values())
        weights = {label: math.exp((s - top) * temper) for label, s in scores.items()}
        label = max(weights, key=lambda k: weights[k])
        confidence = weights[label] / sum(weights.values())
        if confidence < self._min_confidence:
            return None, 1 - confidence
        return label, round(confidence, 4)
