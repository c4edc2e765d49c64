"""The report's scrubbing on adversarial messages (bench/data/scrubbing-{dev,test}.jsonl, made by
bench/scrubbing_data.py): how many leak a personal token into what the report shows, and how fast.

A message leaks when any of its personal tokens is a word of the shown text (or, for Han and kana, a part of it),
or when a digit survives. The text shown is what the report prints: the KPI engine's key (normalise), anonymised
again as the report does. dev is for looking at while changing the word lists; test is the figure to report."""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"\w+")
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _load(split: str) -> list[dict[str, Any]]:
    lines = (DATA / f"scrubbing-{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def shown(text: str, language: str | None = None) -> str:
    """What the report shows of a text from a conversation in `language`."""
    from parley.privacy.scrubbing import anonymise, normalise

    return anonymise(normalise(text, language=language), language=language).casefold()


def leaked(record: dict[str, Any], text: str) -> list[str]:
    words = set(_WORD.findall(text))
    found = [t for t in record["personal"] if t in words or (_WIDE.search(t) and len(t) > 1 and t in text)]
    if any(c.isdigit() for c in text):
        found.append("<digit>")
    return found


def measure(split: str) -> tuple[int, int, float, Counter[str]]:
    records = _load(split)
    shown("warm up the vocabulary")  # loading the word data is not per-message work
    started = time.perf_counter()
    texts = [shown(record["text"], record.get("language")) for record in records]
    seconds = time.perf_counter() - started
    leaks = 0
    kinds: Counter[str] = Counter()
    for record, text in zip(records, texts, strict=True):
        found = leaked(record, text)
        if found:
            leaks += 1
            kinds[record["locale"]] += 1
    return leaks, len(records), len(records) / seconds, kinds


def kept(split: str) -> tuple[int, int]:
    """How many realistic customer messages (bench/data/realistic, which name no one) the report would show with
    a word lost to a placeholder: what the scrubbing costs."""
    from parley.privacy.redaction import redact

    touched = total = 0
    for path in sorted((DATA / "realistic").glob(f"*-{split}.jsonl")):
        language = path.name.split("-")[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                total += 1
                touched += bool(_LOST.search(shown(redact(json.loads(line)["text"]), language)))
    return touched, total


_LOST = re.compile(r"\[(?:name|word|address)\]")


def run(split: str = "test") -> None:
    leaks, total, rate, kinds = measure(split)
    share = 100 * leaks / total
    print(
        f"report scrubbing, adversarial messages ({split} set): {leaks} of {total} leak a personal token"
        f" ({share:.1f} %)   (goal 0); {rate:,.0f} messages/s on one core"
    )
    if kinds:
        print("  leaking by name locale: " + ", ".join(f"{locale} {n}" for locale, n in kinds.most_common(8)))
    touched, messages = kept(split)
    print(
        f"  its cost: {touched} of {messages} realistic customer messages ({100 * touched / messages:.0f} %) shown"
        " with a word lost to a placeholder (typos, brands, slang; they name no one)"
    )


def show(split: str = "dev") -> None:
    """Every leak of the dev set, for someone changing the word lists (python bench/scrubbing.py [dev])."""
    for record in _load(split):
        text = shown(record["text"], record.get("language"))
        found = leaked(record, text)
        if found:
            print(f"{found}\n  {record['text']}\n  {text}")


if __name__ == "__main__":
    show(sys.argv[1] if len(sys.argv) > 1 else "dev")
