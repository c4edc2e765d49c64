"""`parley nlu classify` as a user runs it: JSON lines on stdin, one JSON line per message on stdout,
with nothing configured (no AWS, no Meta secrets)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PARLEY = Path(sys.executable).with_name("parley")
INTENTS = {"greeting", "goodbye", "thanks", "order_status", "cancel_order", "return_refund", "invoice", "payment",
           "subscription", "product_info", "tech_support", "human_agent", "change_language", "delete_data",
           "out_of_scope"}  # fmt: skip


def classify(stdin: str) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "META_", "WHATSAPP_", "MESSENGER_"))}
    done = subprocess.run([PARLEY, "nlu", "classify"], input=stdin, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()], done


def lines(*texts: str) -> str:
    return "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts)


@pytest.fixture(scope="module")
def answers() -> list[dict[str, Any]]:
    out, done = classify(lines(
        "Where is my order ORD-104233?",
        "¿Dónde está mi pedido ord 104233?",
        "Ich möchte meine Bestellung stornieren",
        "hello, good morning!",
        "我想和人工客服说话",
    ))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_one_line_per_message_with_the_documented_fields(answers: list[dict[str, Any]]) -> None:
    assert len(answers) == 5
    for answer in answers:
        assert set(answer) >= {"language", "intent", "confidence", "entities"}
        assert answer["intent"] in INTENTS
        assert isinstance(answer["confidence"], float)
        assert 0.0 <= answer["confidence"] <= 1.0
        assert isinstance(answer["entities"], dict)


def test_order_question_in_english(answers: list[dict[str, Any]]) -> None:
    assert answers[0]["language"] == "en"
    assert answers[0]["intent"] == "order_status"
    assert answers[0]["entities"] == {"order_id": "ORD-104233"}


def test_order_id_is_normalised_whatever_the_language(answers: list[dict[str, Any]]) -> None:
    assert answers[1]["language"] == "es"
    assert answers[1]["intent"] == "order_status"
    assert answers[1]["entities"]["order_id"] == "ORD-104233"


def test_answers_keep_the_order_of_the_messages(answers: list[dict[str, Any]]) -> None:
    assert [(a["language"], a["intent"]) for a in answers[2:]] == [
        ("de", "cancel_order"),
        ("en", "greeting"),
        ("zh", "human_agent"),
    ]


def test_no_order_id_when_the_message_names_none(answers: list[dict[str, Any]]) -> None:
    for answer in answers[2:]:
        assert "order_id" not in answer["entities"]


def test_a_bad_line_is_reported_and_the_rest_still_answered() -> None:
    out, done = classify('not json\n\n{"txt": "wrong field"}\n' + lines("thank you so much!"))
    assert done.returncode == 0
    assert len(out) == 3  # the blank line is skipped
    assert "line 1" in out[0]["error"]
    assert "line 3" in out[1]["error"]
    assert out[2]["intent"] == "thanks"
