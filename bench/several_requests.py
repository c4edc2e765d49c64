"""Several requests in one message, and asking rather than guessing, measured with the product's own
`parley nlu classify` on bench/data/realistic/<lang>-dev.jsonl (the dev sets: SPLIT_FLOOR and CLARIFY_FLOOR were
chosen on them; the test sets are never looked at to choose anything).

    .venv/bin/python bench/several_requests.py [dev|test]

Segmentation: of the messages carrying two or more requests (`more_intents`), how many are split, and into exactly
the requests written; of the messages carrying one, how many are split (a wrong split answers what nobody asked).
The clarifying question: on how many messages it would fire ("which of these do you mean?" instead of an answer),
how often the model's first guess was wrong when it fired, and how often the request meant was one of the two
offered."""

from __future__ import annotations

import sys
from collections import Counter

from heldout import _classify
from realistic import _load


def measure(split: str = "dev") -> None:
    messages = _load(split)
    answers = _classify([m["text"] for m in messages])
    pairs = list(zip(messages, answers, strict=True))
    several = [(m, a) for m, a in pairs if m.get("more_intents")]
    single = [(m, a) for m, a in pairs if not m.get("more_intents")]

    def written(m: dict) -> list[str]:
        return [m["intent"], *m["more_intents"]]

    def read(a: dict) -> list[str]:
        return [r["intent"] for r in a.get("requests") or [{"intent": a["intent"]}]]

    split_right = [m for m, a in several if read(a) == written(m)]
    split_any = [m for m, a in several if len(read(a)) > 1]
    wrongly = [m for m, a in single if len(read(a)) > 1]

    def share(part: list, whole: list) -> str:
        return f"{len(part)} of {len(whole)} ({100 * len(part) / max(1, len(whole)):.1f}%)"

    print(f"Several requests, {split} ({len(messages)} messages, {len(several)} with two or more requests):")
    print(f"  split: {share(split_any, several)}, into exactly the requests written: {share(split_right, several)}")
    print(f"  messages of one request split: {share(wrongly, single)}")

    fired = [(m, a) for m, a in pairs if a.get("clarify")]
    wrong = [(m, a) for m, a in fired if a["clarify"][0] not in written(m)]
    offered = [(m, a) for m, a in fired if set(a["clarify"]) & set(written(m))]
    guessed_wrong = [(m, a) for m, a in pairs if not a.get("clarify") and read(a)[0] not in written(m)]
    print(f"Asking rather than guessing, {split}:")
    print(f"  the question fires on {share(fired, pairs)} messages")
    print(f"  when it fires, the first guess was wrong on {share(wrong, fired)};"
          f" the request meant is one of the two offered on {share(offered, fired)}")  # fmt: skip
    print(f"  first guesses still wrong without the question: {len(guessed_wrong)}")
    per = Counter(m["language"] for m, _ in fired)
    languages = sorted({m["language"] for m in messages})
    print("    fires per language: " + "  ".join(f"{language} {per[language]}" for language in languages))


if __name__ == "__main__":
    measure(sys.argv[1] if len(sys.argv) > 1 else "dev")
