"""`make bench`, analytics: a week of 1,000,000 synthetic conversation events → `parley report`, timed.

The events follow the storage layout (events/year=…/month=…/day=…/, gzip JSON lines, as Firehose writes them)
and a realistic mix: conversations of 2 to 12 customer messages in twelve languages and a few translated ones, on
WhatsApp and Messenger, with flows, switches, fallbacks, handoffs, ratings, translations and delivery statuses.
Generating them is not timed. The report runs in a fresh interpreter, which prints its own peak resident memory
(getrusage RUSAGE_SELF ru_maxrss), so the figure is the report's alone, interpreter and imports included.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 3, 2, tzinfo=UTC)
DAYS = 7
TARGET = 1_000_000
PER_OBJECT = 40_000  # events per file, about what Firehose's 5 MB buffer holds for these records

LANGUAGES = ["en"] * 10 + ["es"] * 6 + ["pt"] * 4 + ["fr", "de", "it", "hi", "id", "ar", "tr", "ru", "zh"] * 2
PIVOT = ["nl", "pl", "ja", "ko", "sv"]
FLOWS = {"cancel_order": "cancel_order", "return_refund": "returns", "subscription": "subscriptions",
         "tech_support": "tech_support", "payment": "billing"}  # fmt: skip
ONE_TURN = ["order_status", "order_status", "invoice", "product_info", "greeting", "thanks", "goodbye"]
REASONS = ["asked_for_person", "not_understood", "frustrated", "guide_exhausted", "cart"]
UNRECOGNISED = [
    "do you ship to the canary islands", "can i change the address", "¿tienen tienda física?", "is it waterproof",
    "je voudrais parler de ma facture #", "kann ich in raten zahlen", "what's your return address", "hello??",
    "meu cupom # não funciona", "la talla # me queda pequeña", "do you have gift cards", "can i pick it up",
]  # fmt: skip

SCRIPT = """
import resource, sys
from parley.cli import main
code = main(sys.argv[1:])
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def generate(root: Path, target: int = TARGET, seed: int = 6) -> int:
    """Write about `target` events of DAYS days under root; returns how many were written."""
    rng = random.Random(seed)
    written = 0
    per_day = target // DAYS
    carry: list[tuple[int, str]] = []
    for day in range(DAYS):
        day_start = START + timedelta(days=day)
        day_end_ms = _ms(day_start + timedelta(days=1))
        events, unrecognised = carry, []
        carry = []
        made = len(events)
        while made < per_day:
            for at, line, text in _conversation(rng, _ms(day_start) + rng.randrange(86_400_000)):
                if text is not None:
                    unrecognised.append((at, json.dumps(text, ensure_ascii=False)))
                elif at < day_end_ms:
                    events.append((at, line))
                    made += 1
                else:
                    carry.append((at, line))
        ordered = sorted(events)
        if day == DAYS - 1:
            ordered = ordered[: target - written]  # exactly `target` in all: the last evening is cut short
        written += _write_day(root, "events", day_start, ordered)
        _write_day(root, "unrecognised", day_start, sorted(u for u in unrecognised if u[0] < day_end_ms))
    return written


def _conversation(rng: random.Random, at: int):  # type: ignore[no-untyped-def]
    conversation = f"{rng.getrandbits(64):016x}"
    known = rng.random() < 0.7
    customer = f"{rng.getrandbits(64):016x}" if known else ""
    channel = "whatsapp" if rng.random() < 0.7 else "messenger"
    language = rng.choice(PIVOT) if rng.random() < 0.06 else rng.choice(LANGUAGES)
    base = {"v": 1, "channel": channel, "conversation": conversation, "customer": customer, "language": language}
    open_flow = open_intent = ""
    for turn in range(rng.randint(2, 12)):
        message = f"{rng.getrandbits(48):012x}"
        at += rng.randint(5_000, 90_000) if turn else 0
        yield _event(base, "message_received", at, message=message, known_customer=known)
        if language in PIVOT:
            cached = rng.random() < 0.4
            yield _event(base, "translation_used", at + 40, provider_calls=0 if cached else 2,
                         cache_hits=2 if cached else 0, characters=0 if cached else rng.randint(40, 400))  # fmt: skip
        roll = rng.random()
        if roll < 0.12:
            yield _event(base, "fallback", at + 80, message=message)
            yield at + 80, None, {"at_ms": at + 80, "language": language, "text": rng.choice(UNRECOGNISED)}
        elif open_flow and roll < 0.7:
            pass  # the customer answers the open flow's question
        else:
            intent = rng.choice([*FLOWS, *ONE_TURN])
            flow = FLOWS.get(intent, "")
            yield _event(base, "intent_recognised", at + 80, message=message, intent=intent, flow=flow,
                         confidence=round(rng.uniform(0.55, 0.99), 2))  # fmt: skip
            open_flow, open_intent = (flow, intent) if flow else ("", "")  # another intent leaves the flow
        latency = rng.randint(350, 2500) if rng.random() < 0.95 else rng.randint(2500, 9000)
        yield _event(base, "reply_sent", at + latency, message=message, latency_ms=latency)
        for status in ("sent", "delivered", "read")[: rng.randint(0, 3)]:
            yield _event(base, "delivery_status", at + latency + 900, status=status)
        if rng.random() < 0.01:
            yield _event(base, "delivery_status", at + latency + 900, status="failed")
        if open_flow and rng.random() < 0.35:
            ending = rng.choices(["flow_completed", "flow_failed", "flow_abandoned"], [0.8, 0.1, 0.1])[0]
            yield _event(base, ending, at + latency + 10, flow=open_flow, intent=open_intent)
            if ending == "flow_completed" and rng.random() < 0.4:
                rating = rng.choices(range(1, 6), [1, 1, 2, 4, 7])[0]
                yield _event(base, "rating_submitted", at + latency + 30_000, rating=rating)
                if rng.random() < 0.2:
                    yield _event(base, "rating_commented", at + latency + 60_000)
            open_flow = ""
        if rng.random() < 0.015:
            yield _event(base, "handoff_started", at + latency + 20, reason=rng.choice(REASONS))
            break


def _event(base: dict[str, object], kind: str, at: int, **fields: object) -> tuple[int, str, None]:
    return at, json.dumps({**base, "type": kind, "at_ms": at, **fields}, separators=(",", ":")), None


def _write_day(root: Path, kind: str, day: datetime, lines: list[tuple[int, str]]) -> int:
    folder = root / kind / f"year={day:%Y}" / f"month={day:%m}" / f"day={day:%d}"
    folder.mkdir(parents=True, exist_ok=True)
    for part, first in enumerate(range(0, len(lines), PER_OBJECT)):
        chunk = lines[first : first + PER_OBJECT]
        name = f"parley-{kind}-{day:%Y-%m-%d}-{part:04d}.gz"
        with gzip.open(folder / name, "wt", encoding="utf-8", compresslevel=5) as out:
            out.writelines(line + "\n" for _, line in chunk)
    return len(lines)


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="parley-bench-analytics-") as scratch:
        root, out = Path(scratch) / "bucket", Path(scratch) / "report"
        events = generate(root)
        last = START + timedelta(days=DAYS - 1)
        args = ["report", "--from", f"{START:%Y-%m-%d}", "--to", f"{last:%Y-%m-%d}", "--events", str(root),
                "--out", str(out)]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"parley report failed:\n{done.stderr}")
        peak_mb = int(done.stdout.split("peak")[-1]) / 1024  # ru_maxrss is in KiB on Linux
        if not json.loads((out / "kpis.json").read_text(encoding="utf-8"))["conversations"]:
            raise SystemExit("parley report counted no conversations in the generated events")
    print(f"analytics: {events:,} events → report in {seconds:.1f} s, peak {peak_mb:.0f} MB"
          f" (goals ≤ 60 s, ≤ 512 MB)")  # fmt: skip


if __name__ == "__main__":
    run()
