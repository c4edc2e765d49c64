"""An intent model whose answers a test writes down: a text containing a marker gets that marker's probabilities, so
a test of what Parley does when the model is sure, or unsure between two requests, does not hang on what the
trained model happens to say about some sentence today. It answers as LinearIntents does (classify, probabilities)."""

from __future__ import annotations

from collections.abc import Mapping

from parley.nlu.intents import OUT_OF_SCOPE, Classification, Intent

MIN_CONFIDENCE = 0.35  # LinearIntents' out-of-scope floor


class ScriptedIntents:
    def __init__(self, script: Mapping[str, Mapping[Intent, float]]) -> None:
        """`script`: marker → probabilities of the intents named (the rest share what is left); a text with no
        marker is out of scope."""
        self._script = script

    def probabilities(self, text: str) -> dict[str, float]:
        named = next((p for marker, p in self._script.items() if marker.casefold() in text.casefold()), None)
        if named is None:
            named = {Intent.OUT_OF_SCOPE: 1.0}
        others = [intent for intent in Intent if intent not in named]
        rest = max(0.0, 1.0 - sum(named.values())) / len(others)
        return {intent.value: named.get(intent, rest) for intent in Intent}

    def classify(self, text: str) -> Classification:
        probabilities = self.probabilities(text)
        label = max(probabilities, key=lambda k: probabilities[k])
        if probabilities[label] < MIN_CONFIDENCE:
            return Classification(Intent.OUT_OF_SCOPE, round(probabilities[OUT_OF_SCOPE], 4))
        return Classification(Intent(label), round(probabilities[label], 4))
