"""Unseen customer messages for `make bench`: language, intent and order ids as a user gets them from
`parley nlu classify`, on messages written apart from the catalogs (bench/data/messages-{dev,test}.jsonl).

dev is for looking at while changing the engine; test is the figure to report, and is best looked at rarely."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
# The command as installed in the virtualenv that runs this module (make bench: .venv/bin/python).
PARLEY = Path(sys.executable).with_name("parley")
LANGUAGE_GOAL, INTENT_GOAL = 97.0, 92.0

Message = dict[str, Any]


def _load(path: Path) -> list[Message]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _classify(texts: list[str]) -> list[Message]:
    """Runs the real CLI once over all texts, as a user would: JSON lines in on stdin, JSON lines out."""
    stdin = "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts)
    done = subprocess.run([str(PARLEY), "nlu", "classify"], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", check=False, cwd=ROOT, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"parley nlu classify exited {done.returncode}: {done.stderr.strip()[-500:]}")
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(answers) != len(texts):
        raise SystemExit(f"parley nlu classify answered {len(answers)} lines for {len(texts)} messages")
    return answers


def _in_catalogs(texts: list[str]) -> int:
    """How many messages the intent model has seen after all: the same words as a catalog example."""
    from parley.i18n import load_catalogs

    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    seen = {words(text) for catalog in load_catalogs() for texts in catalog.examples.values() for text in texts}
    return sum(words(text) in seen for text in texts)


def _percent(hits: list[bool]) -> float:
    return 100 * sum(hits) / len(hits) if hits else 0.0


def _by_language(expected: list[Message], hits: list[bool]) -> str:
    per: dict[str, list[bool]] = {}
    for message, hit in zip(expected, hits, strict=True):
        per.setdefault(message["language"], []).append(hit)
    return "  ".join(f"{language} {_percent(values):.0f}" for language, values in per.items())


def _confusions(pairs: list[tuple[str, str]], top: int = 10) -> str:
    counts = Counter((want, got) for want, got in pairs if want != got)
    if not counts:
        return "none"
    return ", ".join(f"{want} → {got} ×{count}" for (want, got), count in counts.most_common(top))


def _order_ids(expected: list[Message], answers: list[Message]) -> tuple[float, int, float, int]:
    """Share of named order ids found exactly, and share of messages without one that got one anyway."""
    pairs = list(zip(expected, answers, strict=True))
    named = [(m["entities"]["order_id"], a) for m, a in pairs if "order_id" in m["entities"]]
    unnamed = [a for m, a in pairs if "order_id" not in m["entities"]]
    found = [answer.get("entities", {}).get("order_id") == order_id for order_id, answer in named]
    spurious = [bool(answer.get("entities", {}).get("order_id")) for answer in unnamed]
    return _percent(found), len(named), _percent(spurious), len(unnamed)


def score(split: str) -> None:
    """Prints the figures for one file of messages (split: dev or test)."""
    expected = _load(DATA / f"messages-{split}.jsonl")
    answers = _classify([message["text"] for message in expected])
    languages = [(m["language"], str(a.get("language"))) for m, a in zip(expected, answers, strict=True)]
    intents = [(m["intent"], str(a.get("intent"))) for m, a in zip(expected, answers, strict=True)]
    language_hits = [want == got for want, got in languages]
    intent_hits = [want == got for want, got in intents]
    found, named, spurious, unnamed = _order_ids(expected, answers)

    print(f"Unseen messages, {split} ({len(expected)} messages, {len({m['language'] for m in expected})} languages):")
    print(f"  language accuracy {_percent(language_hits):5.1f}%   (goal ≥ {LANGUAGE_GOAL:.0f})")
    print(f"    per language: {_by_language(expected, language_hits)}")
    print(f"  intent accuracy   {_percent(intent_hits):5.1f}%   (goal ≥ {INTENT_GOAL:.0f})")
    print(f"    per language: {_by_language(expected, intent_hits)}")
    print(f"  order ids: {found:5.1f}% of {named} named found exactly;"
          f" spurious order id on {spurious:.1f}% of {unnamed} messages without one")  # fmt: skip
    print(f"  intent confusions (expected → predicted): {_confusions(intents)}")
    print(f"  language confusions (expected → predicted): {_confusions(languages)}")
    leaked = _in_catalogs([message["text"] for message in expected])
    print(f"  messages with the same words as a catalog example: {leaked}   (keep at 0, or they are not unseen)")


def unseen_messages(splits: tuple[str, ...] = ("dev", "test")) -> None:
    for split in splits:
        score(split)


if __name__ == "__main__":
    unseen_messages(tuple(sys.argv[1:]) or ("dev", "test"))
