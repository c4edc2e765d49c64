"""The training examples beside a catalog: `locales/examples/<lang>/<intent>.txt`, one customer message a line, as
customers really write (locales/examples/README.md). Read with the standard library only: the model's build needs
nothing else."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = "examples"


def example_files(locales: Path, language: str, *, public: bool = True) -> dict[str, list[str]]:
    """A language's examples by intent; blank lines and lines starting with `#` are not examples. `public`: also
    those of public data sets, each in a folder of its own with its licence (locales/examples/en/bitext/)."""
    folder = locales / EXAMPLES_DIR / language
    found: dict[str, list[str]] = {}
    for path in sorted([*folder.glob("*.txt"), *(folder.glob("*/*.txt") if public else [])]):
        lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
        found.setdefault(path.stem, []).extend(line for line in lines if line and not line.startswith("#"))
    return found


def merged(*sources: dict[str, list[str]]) -> dict[str, list[str]]:
    """Examples of several sources by intent, each text once (whatever its case and spacing), in the order first
    seen."""
    pooled: dict[str, dict[str, str]] = {}
    for source in sources:
        for intent, texts in source.items():
            kept = pooled.setdefault(intent, {})
            for text in texts:
                kept.setdefault(" ".join(text.casefold().split()), text)
    return {intent: list(texts.values()) for intent, texts in pooled.items()}
