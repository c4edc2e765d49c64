"""The intent engine as a customer meets it: learned from a few examples per language, robust to typing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parley.nlu.intents import Classification, Intent, LinearIntents

EXAMPLES: dict[str, list[str]] = {
    "order_status": [
        "where is my order",
        "when will my order arrive",
        "track my package",
        "has my order shipped yet",
        "dónde está mi pedido",
        "cuándo llega mi pedido",
        "quiero rastrear mi paquete",
        "wo ist meine Bestellung",
        "wann kommt meine Bestellung an",
        "où est ma commande",
    ],
    "cancel_order": [
        "cancel my order",
        "I want to cancel the order",
        "please cancel my purchase",
        "stop my order",
        "cancelar mi pedido",
        "quiero cancelar la compra",
        "Bestellung stornieren",
        "ich möchte meine Bestellung stornieren",
        "annuler ma commande",
        "je veux annuler ma commande",
    ],
    "greeting": [
        "hello",
        "hi there",
        "good morning",
        "hey",
        "hola",
        "buenos días",
        "hallo",
        "guten Morgen",
        "bonjour",
        "salut",
    ],
    "thanks": [
        "thank you",
        "thanks a lot",
        "many thanks",
        "thx",
        "gracias",
        "muchas gracias",
        "danke",
        "vielen Dank",
        "merci",
        "merci beaucoup",
    ],
    "out_of_scope": [
        "what is the weather tomorrow",
        "tell me a joke",
        "who won the football match",
        "what is the capital of france",
        "sing me a song",
        "qué tiempo hace mañana",
        "cuéntame un chiste",
        "wie wird das Wetter morgen",
        "quel temps fait-il demain",
        "raconte-moi une blague",
    ],
}


@pytest.fixture(scope="module")
def model() -> LinearIntents:
    return LinearIntents(EXAMPLES)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where is my order?", Intent.ORDER_STATUS),
        ("¿Dónde está mi pedido?", Intent.ORDER_STATUS),
        ("Wo ist meine Bestellung?", Intent.ORDER_STATUS),
        ("cancel the order please", Intent.CANCEL_ORDER),
        ("quiero cancelar mi pedido", Intent.CANCEL_ORDER),
        ("je veux annuler la commande", Intent.CANCEL_ORDER),
        ("Hola!", Intent.GREETING),
        ("Guten Morgen", Intent.GREETING),
        ("thank you so much", Intent.THANKS),
        ("merci beaucoup !", Intent.THANKS),
    ],
)
def test_learns_intents_in_several_languages_from_a_few_examples(
    model: LinearIntents, text: str, intent: Intent
) -> None:
    assert model.classify(text).intent is intent


@pytest.mark.parametrize("text", ["donde esta mi pedido", "ou est ma commande", "DÓNDE ESTÁ MI PEDIDO"])
def test_accents_and_case_do_not_matter(model: LinearIntents, text: str) -> None:
    assert model.classify(text).intent is Intent.ORDER_STATUS


@pytest.mark.parametrize(
    ("text", "intent"),
    [("where is my ordr", Intent.ORDER_STATUS), ("cancell my order", Intent.CANCEL_ORDER), ("thanx", Intent.THANKS)],
)
def test_small_typos_still_understood(model: LinearIntents, text: str, intent: Intent) -> None:
    assert model.classify(text).intent is intent


@pytest.mark.parametrize("text", ["what's the weather like tomorrow", "tell me a funny joke", "qwzx vbnm", "🙂🙂"])
def test_unrelated_text_is_out_of_scope(model: LinearIntents, text: str) -> None:
    assert model.classify(text).intent is Intent.OUT_OF_SCOPE


def test_confidence_is_a_probability_and_higher_for_clear_messages(model: LinearIntents) -> None:
    clear = model.classify("where is my order")
    vague = model.classify("my")
    for result in (clear, vague, model.classify("qwzx")):
        assert 0.0 <= result.confidence <= 1.0
    assert clear.confidence > 0.5
    assert clear.confidence > model.probabilities("my")[clear.intent.value]


def test_probabilities_cover_every_learned_label_and_sum_to_one(model: LinearIntents) -> None:
    probabilities = model.probabilities("hola, dónde está mi pedido")
    assert set(probabilities) == set(EXAMPLES)
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_the_same_examples_always_give_the_same_answers() -> None:
    first, second = LinearIntents(EXAMPLES), LinearIntents(EXAMPLES)
    for text in ("where is my order", "cancelar", "hallo danke", "tell me a joke"):
        assert first.classify(text) == second.classify(text)
        assert first.classify(text) == first.classify(text)


def test_labels_outside_parleys_intents_are_answered_by_name_but_classified_out_of_scope() -> None:
    model = LinearIntents({"weather": ["what is the weather", "will it rain"], "greeting": ["hello", "hi"]})
    assert model.best_label("will it rain today")[0] == "weather"
    assert model.classify("will it rain today").intent is Intent.OUT_OF_SCOPE


def test_a_confidence_floor_sends_uncertain_messages_out_of_scope() -> None:
    strict = LinearIntents(EXAMPLES, min_confidence=0.999)
    label, confidence = strict.best_label("my")
    assert label is None
    assert 0.0 <= confidence <= 1.0
    assert strict.classify("my") == Classification(Intent.OUT_OF_SCOPE, confidence)


def test_training_without_examples_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="no examples"):
        LinearIntents({})
    with pytest.raises(ValueError, match="no examples"):
        LinearIntents({"greeting": []})


def test_a_saved_model_loads_and_answers_exactly_as_the_trained_one(model: LinearIntents, tmp_path: Path) -> None:
    artifact = tmp_path / "intents.npz"
    model.save(artifact)
    loaded = LinearIntents.load(artifact)
    for text in ("where is my order", "¿dónde está mi pedido?", "merci", "tell me a joke", "qwzx"):
        assert loaded.classify(text) == model.classify(text)
        assert loaded.best_label(text) == model.best_label(text)


def _expected_calibration_error(answers: list[tuple[float, bool]], bins: int = 10) -> float:
    total = 0.0
    for b in range(bins):
        inside = [(c, right) for c, right in answers if min(int(c * bins), bins - 1) == b]
        if inside:
            confidence = sum(c for c, _ in inside) / len(inside)
            accuracy = sum(right for _, right in inside) / len(inside)
            total += len(inside) * abs(confidence - accuracy)
    return total / len(answers)


@pytest.fixture(scope="module")
def catalog_split() -> tuple[LinearIntents, list[tuple[str, str]]]:
    """Four catalogs' examples, a fixed fifth of each intent held out (seeded), the model trained on the rest."""
    import json
    import random

    from parley.i18n import locales_dir

    rng = random.Random(11)
    train: dict[str, list[str]] = {}
    held_out: list[tuple[str, str]] = []
    for language in ("en", "es", "de", "zh"):
        catalog = json.loads((locales_dir() / f"{language}.json").read_text(encoding="utf-8"))
        for intent, texts in sorted(catalog["examples"].items()):
            shuffled = sorted(texts)
            rng.shuffle(shuffled)
            cut = len(shuffled) // 5
            held_out += [(text, intent) for text in shuffled[:cut]]
            train.setdefault(intent, []).extend(shuffled[cut:])
    return LinearIntents(train, min_confidence=0.0), held_out


def test_calibrated_confidence_on_held_out_examples_is_closer_to_accuracy(
    catalog_split: tuple[LinearIntents, list[tuple[str, str]]],
) -> None:
    model, held_out = catalog_split
    raw, calibrated = [], []
    for text, intent in held_out:
        before = model.probabilities(text, calibrated=False)
        after = model.probabilities(text)
        if not after:  # shares no feature with any example: answered out of scope with certainty
            continue
        best = max(after, key=lambda k: after[k])
        assert best == max(before, key=lambda k: before[k])  # calibration changes how sure, never the answer
        raw.append((before[best], best == intent))
        calibrated.append((after[best], best == intent))
    assert _expected_calibration_error(calibrated) < 0.6 * _expected_calibration_error(raw)
    accuracy = sum(right for _, right in calibrated) / len(calibrated)
    assert abs(sum(c for c, _ in calibrated) / len(calibrated) - accuracy) < 0.05


def test_the_temperature_fitted_on_held_out_scores_recovers_the_one_that_generated_the_labels() -> None:
    from parley.nlu.linear import fit_temperature

    rng = np.random.default_rng(3)
    scores = rng.normal(0.0, 4.0, size=(4000, 6)).astype(np.float32)
    for true_temperature in (0.5, 2.5):
        scaled = np.exp(scores / true_temperature)
        chances = scaled / scaled.sum(axis=1, keepdims=True)
        labels = np.array([rng.choice(6, p=p) for p in chances], dtype=np.int64)
        assert fit_temperature(scores, labels) == pytest.approx(true_temperature, rel=0.1)


def test_the_out_of_scope_floor_applies_to_the_calibrated_confidence(model: LinearIntents) -> None:
    text = "where is the order"
    label, confidence = model.best_label(text)
    assert label == "order_status"
    assert confidence == pytest.approx(model.probabilities(text)[label], abs=1e-4)
    assert confidence != pytest.approx(model.probabilities(text, calibrated=False)[label], abs=0.01)
    assert model.tuned(min_confidence=confidence - 0.01).best_label(text)[0] == "order_status"
    assert model.tuned(min_confidence=confidence + 0.01).best_label(text)[0] is None


def test_expecting_more_out_of_scope_messages_raises_their_probability_only(model: LinearIntents) -> None:
    text = "what about tomorrow"
    usual = model.probabilities(text)
    wary = model.tuned(out_of_scope_share=0.6).probabilities(text)
    assert wary["out_of_scope"] > usual["out_of_scope"]
    assert sum(wary.values()) == pytest.approx(1.0, abs=1e-5)
    # The other labels keep their proportions: only the prior of out of scope changed.
    assert wary["greeting"] / wary["thanks"] == pytest.approx(usual["greeting"] / usual["thanks"], rel=1e-4)


def test_a_saved_model_keeps_its_calibrated_confidences_exactly(model: LinearIntents, tmp_path: Path) -> None:
    assert model.temperature != pytest.approx(1.0, abs=0.05)  # the calibration is there to be kept
    artifact = tmp_path / "intents.npz"
    model.tuned(out_of_scope_share=0.3).save(artifact)
    loaded = LinearIntents.load(artifact)
    assert loaded.temperature == model.temperature
    for text in ("where is my order", "cancelar", "hallo danke", "tell me a joke", "my"):
        assert loaded.probabilities(text) == model.tuned(out_of_scope_share=0.3).probabilities(text)
        assert loaded.classify(text) == model.tuned(out_of_scope_share=0.3).classify(text)
