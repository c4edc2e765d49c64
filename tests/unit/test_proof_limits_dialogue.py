"""Proving who you are is limited per order number and per email as well as per conversation, across channels and
accounts: a stranger with many Messenger accounts cannot guess the email on one order, while a customer who mistyped
once is not locked out, and the limits end with their window."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from fakes import Clock, InMemoryConversations, InMemoryCustomers, InMemoryOrders, InMemoryProofAttempts
from parley.channels.model import Channel
from parley.dialogue.engine import DialogueEngine
from parley.dialogue.verification import CHECKS_LIMITED, Verification, email_hash
from parley.domain.proof_limits import ProofLimit, ProofLimits
from parley.domain.records import OrderStatus
from parley.nlu.intents import Intent
from parley.observability import metrics
from support.dialogue import catalogs, conversation_service
from support.factories import customer, inbound, order

EN = catalogs()["en"]
EMILY = customer(name="Emily Carter", phone="14155550123", email="emily@example.com", language="en")
LUCIA = customer(name="Lucía Fernández", phone="34612345678", email="lucia@example.es", language="es")
EMILY_ORDER = order(EMILY, order_id="ORD-104233", carrier="UPS", status=OrderStatus.SHIPPED)
LUCIA_ORDER = order(LUCIA, order_id="ORD-200311", carrier="SEUR", status=OrderStatus.PROCESSING)
LIMITS = ProofLimits(per_conversation=3, lock_seconds=1800, per_order=5, per_email=5, window_seconds=3600)
# Messenger accounts a stranger made, none of them on file.
STRANGERS = [f"77000000000000{n:02d}" for n in range(10)]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def attempts() -> InMemoryProofAttempts:
    return InMemoryProofAttempts()


@pytest.fixture
def service(clock: Clock, attempts: InMemoryProofAttempts) -> DialogueEngine:
    return conversation_service(
        customers=InMemoryCustomers([EMILY, LUCIA]),
        orders=InMemoryOrders([EMILY_ORDER, LUCIA_ORDER]),
        conversations=InMemoryConversations(),
        clock=clock,
        proof_attempts=attempts,
        proof_limits=LIMITS,
    )


def from_messenger(service: DialogueEngine, psid: str, text: str) -> str:
    """What Parley answers, without the welcome a first message gets before it."""
    return str(service.respond(inbound(text, sender=psid, channel=Channel.MESSENGER)).reply.text).split("\n\n")[-1]


def from_whatsapp(service: DialogueEngine, number: str, text: str) -> str:
    return str(service.respond(inbound(text, sender=number)).reply.text).split("\n\n")[-1]


def guess(service: DialogueEngine, psid: str, email: str, order_id: str = "ORD-104233") -> str:
    return from_messenger(service, psid, f"where is my order {order_id}? {email}")


def test_many_accounts_guessing_the_email_on_one_order_are_refused_after_the_limit(service) -> None:
    # 5 accounts, 3 guesses each: 15 guesses in a minute, as the tester made them.
    answers = [guess(service, psid, f"guess{n}.{i}@example.com") for n, psid in enumerate(STRANGERS[:5]) for i in
               range(3)]  # fmt: skip

    # Each account's third guess locks its own conversation, as before; past the order's limit, every guess is locked.
    assert answers[:3] == [EN.render("verify.failed")] * 2 + [EN.render("verify.locked")]
    assert set(answers[LIMITS.per_order :]) == {EN.render("verify.locked")}
    # Even the right email, from a fresh account, is refused now, with the same answer as any other lock.
    right = guess(service, STRANGERS[5], "emily@example.com")
    assert right == EN.render("verify.locked")
    assert "UPS" not in right


def test_the_refusal_is_the_conversations_own_lock_and_says_nothing_about_which_limit(service) -> None:
    for n in range(LIMITS.per_order):
        guess(service, STRANGERS[n], "nobody@example.com".replace("nobody", f"n{n}"))

    by_order = guess(service, STRANGERS[6], "someone@example.com")
    # Another order with the guessed email is also refused for a while: this conversation is locked now.
    other_order = guess(service, STRANGERS[6], "lucia@example.es", order_id="ORD-200311")

    assert by_order == other_order == EN.render("verify.locked")


def test_guessing_which_order_an_email_belongs_to_is_limited_per_email(service) -> None:
    answers = [guess(service, STRANGERS[n], "emily@example.com", order_id=f"ORD-9000{n:02d}") for n in range(6)]

    assert answers.count(EN.render("verify.failed")) == LIMITS.per_email
    assert answers[-1] == EN.render("verify.locked")
    assert guess(service, STRANGERS[7], "emily@example.com") == EN.render("verify.locked")


def test_a_customer_who_mistyped_once_is_not_locked_out(service) -> None:
    first = from_whatsapp(service, "14155559999", "where is my order ORD-104233? emily@exmaple.com")
    proven = from_whatsapp(service, "14155559999", "sorry: emily@example.com")

    assert first == EN.render("verify.failed")
    assert "UPS" in proven


def test_a_customer_proving_it_often_from_new_accounts_is_never_limited(service) -> None:
    # Their successful proofs are no failures: they do not count against the order or the email.
    for n in range(LIMITS.per_order + 3):
        assert "UPS" in guess(service, STRANGERS[n % len(STRANGERS)] + str(n), "emily@example.com")


def test_someone_elses_guesses_at_another_order_leave_a_customer_alone(service) -> None:
    for n in range(8):
        guess(service, STRANGERS[n], f"g{n}@example.com", order_id="ORD-200311")

    assert "UPS" in from_messenger(service, STRANGERS[9], "where is my order ORD-104233? emily@example.com")


def test_the_limits_end_with_their_window(service, clock) -> None:
    for n in range(LIMITS.per_order):
        guess(service, STRANGERS[n], f"g{n}@example.com")
    assert guess(service, STRANGERS[6], "emily@example.com") == EN.render("verify.locked")

    clock.now += timedelta(seconds=LIMITS.window_seconds + 1)

    # A fresh conversation (the refused one keeps its own lock a little longer) proves it again.
    assert "UPS" in guess(service, STRANGERS[7], "emily@example.com")


def test_the_conversation_lock_still_holds_on_its_own(clock) -> None:
    # Without counts across conversations (a deployment without the table), today's per-conversation lock.
    service = conversation_service(
        customers=InMemoryCustomers([EMILY]), orders=InMemoryOrders([EMILY_ORDER]),
        conversations=InMemoryConversations(), clock=clock, proof_limits=LIMITS,
    )  # fmt: skip
    answers = [guess(service, STRANGERS[0], f"g{n}@example.com") for n in range(LIMITS.per_conversation)]

    assert answers[-1] == EN.render("verify.locked")
    assert guess(service, STRANGERS[0], "emily@example.com") == EN.render("verify.locked")


def test_the_conversation_limit_comes_from_the_settings(clock, attempts) -> None:
    strict = ProofLimits(per_conversation=1, per_order=50, per_email=50)
    service = conversation_service(
        customers=InMemoryCustomers([EMILY]), orders=InMemoryOrders([EMILY_ORDER]),
        conversations=InMemoryConversations(), clock=clock, proof_attempts=attempts, proof_limits=strict,
    )  # fmt: skip

    assert guess(service, STRANGERS[0], "wrong@example.com") == EN.render("verify.locked")


def test_guesses_arriving_at_once_are_never_checked_beyond_the_limit(attempts) -> None:
    verification = Verification(InMemoryCustomers([EMILY]), InMemoryOrders([EMILY_ORDER]), attempts, LIMITS)
    now = int(Clock.START.timestamp())
    answers: list[str] = []
    start = threading.Barrier(20)

    def attack(n: int) -> None:
        start.wait()
        check = verification.check(EN, Intent.ORDER_STATUS, "ORD-104233", f"g{n}@example.com", {}, 0, None, now)
        assert check.step is not None
        answers.append(check.step.text)

    threads = [threading.Thread(target=attack, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers.count(EN.render("verify.failed")) == LIMITS.per_order
    assert answers.count(EN.render("verify.locked")) == 20 - LIMITS.per_order


def test_the_counts_hold_no_order_number_or_email(service, attempts) -> None:
    guess(service, STRANGERS[0], "someone@example.com")

    stored = json.dumps(list(attempts.tallies))
    assert "104233" not in stored and "someone" not in stored and email_hash("someone@example.com") not in stored
    assert {key.split("#")[0] for key in attempts.tallies} == {ProofLimit.ORDER.value, ProofLimit.EMAIL.value}


def test_a_limit_reached_is_a_cloudwatch_metric(service, monkeypatch, capsys) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    metrics.clear_metrics()
    try:
        for n in range(LIMITS.per_order + 2):
            guess(service, STRANGERS[n], f"g{n}@example.com")
        metrics.flush_metrics()
    finally:
        metrics.clear_metrics()

    emf = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    [declared] = emf["_aws"]["CloudWatchMetrics"]
    assert declared["Namespace"] == "Parley"
    assert emf[CHECKS_LIMITED] == [1.0, 1.0]  # the two guesses past the order's limit
