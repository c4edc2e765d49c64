"""`parley nlu classify` shows what the dialogue reads in a message beyond its intent: each request of a message that
makes several (`requests`), and the two requests Parley would ask about when the model is unsure (`clarify`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PARLEY = Path(sys.executable).with_name("parley")


def test_each_request_of_a_message_is_listed_and_a_sure_one_is_not_asked_about() -> None:
    texts = ["where is my order ORD-310006 and can I also get my last invoice?", "Where is my order ORD-104233?"]
    stdin = "".join(json.dumps({"text": text}) + "\n" for text in texts)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "META_", "WHATSAPP_", "MESSENGER_"))}

    done = subprocess.run([PARLEY, "nlu", "classify"], input=stdin, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600, check=False)  # fmt: skip

    assert done.returncode == 0, done.stderr
    several, one = (json.loads(line) for line in done.stdout.splitlines())
    assert [(r["intent"], "ORD-310006" in r["text"]) for r in several["requests"]] == [
        ("order_status", True), ("invoice", False),
    ]  # fmt: skip
    assert [r["intent"] for r in one["requests"]] == ["order_status"] and one["clarify"] is None
