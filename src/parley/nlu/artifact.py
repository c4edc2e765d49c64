"""The intent model as a build-time artifact: trained from locales/ when the layer is built, loaded at cold start.

`python -m parley.nlu.artifact LOCALES_DIR OUT.npz` builds it (infra/layer/Makefile does). At run time the artifact
is used only if it was trained on exactly the examples the catalogs hold now; otherwise the model is trained from
them, as in development, so a stale artifact can never answer for changed catalogs."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from parley.nlu.examples import example_files, merged
from parley.nlu.intents import MODEL_VERSION, LinearIntents


def fingerprint(examples: Mapping[str, Iterable[str]]) -> str:
    """Of the examples and of the code that trains on them (MODEL_VERSION): an artifact built before the model
    learned its calibration, say, does not match however equal the examples."""
    canonical = json.dumps({label: sorted(texts) for label, texts in sorted(examples.items())}, ensure_ascii=False)
    return hashlib.sha256(f"{MODEL_VERSION}:{canonical}".encode()).hexdigest()


def catalog_examples(locales: Path) -> dict[str, list[str]]:
    """Every catalog's examples pooled by intent, with those of locales/examples/, as load_catalog reads them but
    straight from the files (the build needs no Babel)."""
    pooled: dict[str, list[str]] = {}
    for path in sorted(locales.glob("*.json")):
        own = json.loads(path.read_text(encoding="utf-8")).get("examples", {})
        for intent, texts in merged(own, example_files(locales, path.stem)).items():
            pooled.setdefault(intent, []).extend(texts)
    return pooled


def build(examples: Mapping[str, Iterable[str]], out: Path) -> LinearIntents:
    model = LinearIntents(examples)
    model.fingerprint = fingerprint(examples)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and moved into place: a process starting meanwhile reads the old file or the new, never half.
    partial = out.with_name(f".{out.name}.{os.getpid()}.npz")
    model.save(partial)
    partial.replace(out)
    return model


def load_or_train(examples: Mapping[str, Iterable[str]], artifact: Path | None, *, save: bool = False) -> LinearIntents:
    """The artifact's model when it was built from these examples; else a model trained now, and saved as the
    artifact when `save` (the local stack and tests keep one between runs; Lambda's /opt is read-only)."""
    from parley.observability import logger

    if artifact is not None and artifact.is_file():
        model = LinearIntents.load(artifact)
        if model.fingerprint == fingerprint(examples):
            return model
        if not save:
            logger.warning("intent model artifact does not match the catalogs; training from them instead")
    if artifact is not None and save:
        try:
            return build(examples, artifact)
        except OSError as exc:
            logger.warning("intent model not saved", extra={"error": type(exc).__name__})
    return LinearIntents(examples)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m parley.nlu.artifact LOCALES_DIR OUT.npz", file=sys.stderr)
        return 2
    locales, out = Path(argv[0]), Path(argv[1])
    model = build(catalog_examples(locales), out)
    print(f"intent model: {out} ({out.stat().st_size // 1024} KB, {model.size_bytes // 1024} KB of weights,"
          f" temperature {model.temperature:.2f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
