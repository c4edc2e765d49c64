"""The intent model built ahead of time is used only when it was trained on the catalogs as they are."""

from __future__ import annotations

import subprocess
import sys

from parley.i18n import load_catalogs, locales_dir
from parley.nlu.artifact import build, catalog_examples, fingerprint, load_or_train

EXAMPLES = {
    "order_status": ["where is my order", "dónde está mi pedido", "wo ist meine bestellung"],
    "greeting": ["hello", "hola", "hallo"],
    "thanks": ["thanks", "gracias", "danke"],
}


def test_a_matching_artifact_answers_exactly_like_the_model_it_was_built_from(tmp_path):
    built = build(EXAMPLES, tmp_path / "intents.npz")

    loaded = load_or_train(EXAMPLES, tmp_path / "intents.npz")

    assert loaded.fingerprint == built.fingerprint
    for text in ("where's my order?", "hola!", "vielen dank"):
        assert loaded.classify(text) == built.classify(text)


def test_an_artifact_from_other_examples_is_not_used(tmp_path):
    build({"greeting": ["hello", "hi"], "thanks": ["thanks", "ty"]}, tmp_path / "intents.npz")

    model = load_or_train(EXAMPLES, tmp_path / "intents.npz")

    assert model.fingerprint == ""  # trained from the catalogs, not loaded
    assert model.classify("where is my order").intent.value == "order_status"


def test_with_saving_on_a_missing_or_stale_artifact_is_replaced_and_then_loaded(tmp_path):
    path = tmp_path / "cache" / "intents.npz"
    build({"greeting": ["hello", "hi"], "thanks": ["thanks", "ty"]}, path)  # stale: other catalogs

    trained = load_or_train(EXAMPLES, path, save=True)
    loaded = load_or_train(EXAMPLES, path, save=True)

    assert trained.fingerprint == loaded.fingerprint == fingerprint(EXAMPLES)
    assert loaded.classify("wo ist meine bestellung") == trained.classify("wo ist meine bestellung")
    assert [p.name for p in path.parent.iterdir()] == ["intents.npz"]  # no partial file left behind


def test_without_an_artifact_the_model_is_trained():
    assert load_or_train(EXAMPLES, None).classify("wo ist meine bestellung").intent.value == "order_status"


def test_the_build_command_reads_the_catalogs_as_the_runtime_does(tmp_path):
    out = tmp_path / "models" / "intents.npz"
    load_catalogs.cache_clear()  # read the catalogs as they are on disk now

    done = subprocess.run([sys.executable, "-m", "parley.nlu.artifact", str(locales_dir()), str(out)],
                          capture_output=True, text=True, check=False)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert catalog_examples(locales_dir()) == load_catalogs().examples()
    assert load_or_train(load_catalogs().examples(), out).fingerprint == fingerprint(load_catalogs().examples())
    assert out.stat().st_size < 20 * 1024 * 1024


def test_a_wrong_call_of_the_build_command_says_how_to_use_it():
    done = subprocess.run([sys.executable, "-m", "parley.nlu.artifact"], capture_output=True, text=True, check=False)

    assert done.returncode == 2 and "usage" in done.stderr


def test_fingerprint_ignores_order_but_not_content():
    assert fingerprint({"a": ["x", "y"], "b": ["z"]}) == fingerprint({"b": ["z"], "a": ["y", "x"]})
    assert fingerprint({"a": ["x"]}) != fingerprint({"a": ["x", "y"]})


CALIBRATED = {
    "order_status": ["where is my order", "dónde está mi pedido", "wo ist meine bestellung", "track my parcel",
                     "when does my order arrive", "où est ma commande"],
    "greeting": ["hello", "hola", "hallo", "good morning", "hi there", "bonjour"],
    "thanks": ["thanks", "gracias", "danke", "thank you so much", "many thanks", "merci"],
}  # fmt: skip


def test_a_loaded_artifact_gives_the_very_calibrated_confidences_it_was_built_with(tmp_path):
    built = build(CALIBRATED, tmp_path / "intents.npz")
    loaded = load_or_train(CALIBRATED, tmp_path / "intents.npz")

    assert loaded.fingerprint == built.fingerprint != ""
    assert loaded.temperature == built.temperature != 1.0
    for text in ("where's my order?", "hola!", "vielen dank", "good", "merci beaucoup"):
        assert loaded.probabilities(text) == built.probabilities(text)
        assert loaded.classify(text) == built.classify(text)


def test_an_artifact_built_by_older_code_is_retrained_even_for_the_same_examples(tmp_path):
    """An artifact from before calibration: the same examples, no version and no temperature."""
    import hashlib
    import json

    import numpy as np

    path = tmp_path / "intents.npz"
    build(CALIBRATED, path)
    with np.load(path) as saved:
        kept = {k: saved[k] for k in ("weights", "bias", "idf", "features", "labels", "min_confidence")}
    canonical = json.dumps({label: sorted(texts) for label, texts in sorted(CALIBRATED.items())}, ensure_ascii=False)
    old_fingerprint = hashlib.sha256(canonical.encode()).hexdigest()  # how version 1 fingerprinted
    np.savez_compressed(path, fingerprint=np.asarray(old_fingerprint), **kept)

    model = load_or_train(CALIBRATED, path)

    assert model.fingerprint == ""  # trained here, not loaded
    assert model.temperature != 1.0
    assert model.classify("where is my order").intent.value == "order_status"
