"""The issue's first "done when": conversations run through `parley serve` (signed webhook POSTs in, Graph API sends
out), then `parley report` for their day, from the events the stack wrote to its bucket. kpis.json must match a count
made from the scripts alone: each script says who writes on which channel in which language, and for each message
what it asks for (or that it answers Parley's question), whether Parley cannot understand it, hands over, or is
rated, and whether it is answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from parley.analytics.reading import S3Source, read_events, read_unrecognised
from parley.channels.model import Channel
from parley.i18n import load_catalogs
from parley.local.session import LocalSession
from parley.local.stack import start_moto
from parley.privacy.scrubbing import normalise
from support.shop import ANA, AYSE, DMITRY, GRACE, HANNAH, LAYLA, Person, write_shop

PARLEY = Path(sys.executable).with_name("parley")
CATALOGS = load_catalogs()
DE, TR = CATALOGS["de"], CATALOGS["tr"]
WA, MS = Channel.WHATSAPP, Channel.MESSENGER


@dataclass(frozen=True)
class Step:
    text: str
    intent: str = ""  # the request the message makes; "" when it answers Parley's question
    tap: bool = False  # a tap on a choice Parley offered, titled `text`
    fallback: bool = False  # Parley cannot understand it
    handoff: bool = False  # a person takes over with it
    rating: int = 0
    answered: bool = True  # Parley replies (not while a person has the conversation)


@dataclass(frozen=True)
class Script:
    channel: Channel
    language: str
    steps: tuple[Step, ...]
    person: Person | None = None  # a customer on file, or one who proves who they are
    sender: str = ""  # a number not on file


SCRIPTS = (
    Script(WA, "de", person=HANNAH, steps=(
        Step("Hallo, wo ist meine Bestellung ORD-510001?", "order_status"),
        Step("Bitte stornieren Sie die Bestellung ORD-510002", "cancel_order"),
        Step(DE.render("choice.yes"), tap=True),
        Step("⭐⭐⭐⭐", tap=True, rating=4),
        Step(DE.render("choice.skip"), tap=True),
    )),
    Script(MS, "ru", person=DMITRY, steps=(
        Step("Позовите, пожалуйста, живого оператора", "human_agent", handoff=True),
        Step("алло, вы тут?", answered=False),
    )),
    Script(WA, "tr", person=AYSE, steps=(
        Step("Merhaba, uygulamaya giriş yapamıyorum", "tech_support"),
        Step(TR.render("choice.still_broken"), tap=True),
        Step(TR.render("choice.it_works"), tap=True),
        Step("⭐⭐⭐⭐⭐", tap=True, rating=5),
    )),
    Script(WA, "en", sender="12025550199", steps=(
        Step("what's the capital of Mongolia", "out_of_scope", fallback=True),
        Step("tell me a joke about penguins", "out_of_scope", fallback=True, handoff=True),
    )),
    # Layla writes from a number not on file and proves who she is: from then on she is a customer.
    Script(WA, "ar", person=LAYLA, sender="971509990000", steps=(
        Step("مرحبا، أين طلبي ORD-530001؟", "order_status"),
        Step("بريدي هو someone@example.org"),
        Step(LAYLA.email),
    )),
    Script(MS, "en", person=GRACE, steps=(Step("hi, why did my payment fail?", "payment"),)),
    Script(MS, "pt", person=ANA, steps=(Step("Olá! Quanto eu devo? Qual é a minha fatura em aberto?", "invoice"),)),
)  # fmt: skip


def independent_count(scripts: tuple[Script, ...]) -> dict[str, Any]:
    steps = [step for script in scripts for step in script.steps]
    ratings = [step.rating for step in steps if step.rating]
    return {
        "conversations": len(scripts),
        "customers": len({script.person.customer_id for script in scripts if script.person}),
        "messages_in": len(steps),
        "messages_out": sum(step.answered for step in steps),
        "handoffs": sum(step.handoff for step in steps),
        "fallbacks": sum(step.fallback for step in steps),
        "csat_responses": len(ratings),
        "csat_average": sum(ratings) / len(ratings),
        "languages": dict(Counter(script.language for script in scripts)),
        "channels": dict(Counter(script.channel.value for script in scripts)),
        "intents": dict(Counter(step.intent for step in steps if step.intent)),
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSession]:
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})  # fmt: skip
    for name in ("AWS_ENDPOINT_URL", "INBOUND_QUEUE_URL", "META_SECRET_NAME", "AWS_PROFILE", "EVENTS_BUCKET"):
        os.environ.pop(name, None)
    # moto's backends are shared by every moto server in this process, and the modules before this one left their
    # conversations and events in them: this report is of these scripts alone, so it starts from an empty moto.
    moto, os.environ["AWS_ENDPOINT_URL"] = start_moto()
    urllib.request.urlopen(urllib.request.Request(f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/reset", method="POST"))
    running = LocalSession(data_dir=write_shop(tmp_path_factory.mktemp("shop")).directory).start()
    yield running
    running.stop()
    moto.stop()
    os.environ.clear()
    os.environ.update(saved)


def run(session: LocalSession, script: Script) -> None:
    sender = script.sender or (script.person.phone if script.channel is WA else script.person.psid)  # type: ignore[union-attr]
    for step in script.steps:
        if step.tap:
            exchange = session.tap(script.channel, sender, step.text)
        else:
            exchange = session.say(script.channel, sender, step.text, timeout=10.0 if step.answered else 2.0)
        assert exchange.status == 200
        assert len(exchange.replies) == int(step.answered), (step.text, [r.text for r in exchange.replies])


def wait_for_events(source: S3Source, start: datetime, end: datetime, messages: int) -> None:
    """Each batch's events go to the bucket when its invocation ends, just after the reply: wait for the last."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if sum(e["type"] == "message_received" for e in read_events(source, start, end)) >= messages:
            return
        time.sleep(0.2)
    pytest.fail("the conversations' events did not all reach the bucket")


def test_the_report_of_the_day_matches_a_count_of_the_conversations_that_ran(served, tmp_path) -> None:
    first_day = datetime.now(UTC).date()
    for script in SCRIPTS:
        run(served, script)
    last_day = datetime.now(UTC).date()
    expected = independent_count(SCRIPTS)
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC) + timedelta(days=1)
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
    wait_for_events(S3Source(s3, os.environ["EVENTS_BUCKET"]), start, end, expected["messages_in"])

    out = tmp_path / "report"
    done = subprocess.run(
        [PARLEY, "report", "--from", first_day.isoformat(), "--to", last_day.isoformat(), "--out", str(out)],
        # Only the local stack's endpoint: the report finds the bucket `parley serve` writes to by itself.
        env={k: v for k, v in os.environ.items() if k != "EVENTS_BUCKET"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert {name: kpis[name] for name in expected} == expected
    assert kpis["handoff_rate"] == pytest.approx(2 / 7) and kpis["containment_rate"] == pytest.approx(5 / 7)
    assert kpis["fallback_rate"] == pytest.approx(2 / 18)
    assert kpis["csat_response_rate_basis"] == "rating_requested"
    assert kpis["first_responses"] > 0 and kpis["first_response_p50_ms"] > 0
    # Both were sent by one customer only: the report shows a text once three different customers sent it.
    assert kpis["unrecognised_messages"] == 2 and kpis["top_unrecognised_min_customers"] == 3
    assert kpis["top_unrecognised"] == []
    # What was kept for it: the words, and who sent them under a pseudonym, never the number.
    kept = list(read_unrecognised(S3Source(s3, os.environ["EVENTS_BUCKET"]), start, end))
    assert sorted(normalise(u["text"]) for u in kept) == [
        "tell me a joke about penguins", "what's the capital of mongolia",
    ]  # fmt: skip
    assert len({u["customer"] for u in kept}) == 1 and kept[0]["customer"]
    assert all("12025550199" not in json.dumps(u) for u in kept)
    assert (out / "kpis.csv").is_file() and (out / "report.html").is_file()
