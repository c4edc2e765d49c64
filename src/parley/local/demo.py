"""`make demo`: a scripted conversation through the real HTTP path of the local stack, printed for a person."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass, field

from parley.channels.model import Channel
from parley.config import load_local_settings
from parley.local.session import LocalSession
from parley.observability import quiet


@dataclass(frozen=True)
class Step:
    channel: Channel
    sender: str
    who: str
    text: str
    expect: tuple[str, ...] = ()
    forbid: tuple[str, ...] = field(default_factory=tuple)


EMILY, LUCIA, DANIEL, STRANGER = "14155550123", "34612345678", "5512345678901234", "12025550199"
CAMILLE_PSID, JOAO = "7012345678901234", "5511987654321"
SCRIPT = (
    Step(Channel.WHATSAPP, EMILY, "Emily (WhatsApp, en)", "Hi! Where is my order?", ("Emily", "ORD-104251")),
    Step(Channel.WHATSAPP, EMILY, "Emily (WhatsApp, en)", "When will ORD-104233 arrive?",
         ("ORD-104233", "UPS", "1Z999AA10123456784", "November 27, 2026")),
    Step(Channel.WHATSAPP, LUCIA, "Lucía (WhatsApp, es)", "Hola, ¿dónde está mi pedido ORD-200311?",
         ("Lucía", "ORD-200311", "SEUR", "SEU4489127736", "24 de noviembre de 2026")),
    Step(Channel.WHATSAPP, LUCIA, "Lucía (WhatsApp, es)", "¿Y cuándo llega?", ("ORD-200311",)),
    Step(Channel.WHATSAPP, LUCIA, "Lucía (WhatsApp, es)", "¿Y el pedido ORD-104233?", ("ORD-104233", "No encuentro"),
         ("UPS", "1Z999AA10123456784")),
    Step(Channel.MESSENGER, DANIEL, "Daniel (Messenger, en)", "hey, where's my parcel?",
         ("ORD-600901", "Royal Mail", "RM123456789GB")),
    Step(Channel.MESSENGER, CAMILLE_PSID, "Camille (Messenger, fr)", "Bonjour, où en est ma commande ?",
         ("Camille", "ORD-400877", "Colissimo", "6A23456789012", "25 novembre 2026")),
    Step(Channel.WHATSAPP, JOAO, "João (WhatsApp, pt)", "Oi, cadê meu pedido?", ("João", "ORD-300045")),
    Step(Channel.WHATSAPP, EMILY, "Emily (WhatsApp, en)", "When does my subscription renew?",
         ("Sock Club Monthly", "December 1, 2026", "$19.00")),
    Step(Channel.WHATSAPP, LUCIA, "Lucía (WhatsApp, es)", "Quiero pasarme al Club Premium", ("Club Premium", "19,99")),
    Step(Channel.WHATSAPP, LUCIA, "Lucía (WhatsApp, es)", "sí", ("Listo", "Club Premium")),
    Step(Channel.WHATSAPP, STRANGER, "unknown number (WhatsApp)", "Where is order ORD-104233?",
         ("email address used for that order",), ("UPS", "1Z999AA10123456784", "Emily")),
    Step(Channel.WHATSAPP, STRANGER, "unknown number (WhatsApp)", "it's someone@example.org",
         ("don't match",), ("UPS", "1Z999AA10123456784", "Emily")),
    Step(Channel.WHATSAPP, EMILY, "Emily (WhatsApp, en)", "thanks a lot!", ("welcome",)),
)  # fmt: skip


def _print_reply(text: str) -> None:
    for i, paragraph in enumerate(text.split("\n")):
        lines = textwrap.wrap(paragraph, 96) or [""]
        for j, line in enumerate(lines):
            print(("  parley   ‹ " if i == 0 and j == 0 else "             ") + line)


def run() -> int:
    # The functions' structured logs would drown the conversation; `parley serve` shows them.
    quiet(load_local_settings().conversation_log_level)
    session = LocalSession()
    print("Starting the local stack (embedded AWS, webhook, queue, fulfillment, Graph API stand-in)…")
    session.start()
    try:
        loaded = ", ".join(f"{r.written} {r.kind.value}" for r in session.imported)
        print(f"Loaded demo data: {loaded}")
        print(f"Webhook: {session.webhook_url(Channel.WHATSAPP)}  ·  Graph API stand-in: {session.graph.url}\n")
        failures = 0
        for step in SCRIPT:
            exchange = session.say(step.channel, step.sender, step.text)
            print(f"── {step.who}")
            print(f"  customer › {step.text}")
            text = "\n".join(r.text for r in exchange.replies)
            if exchange.replies:
                _print_reply(text)
                choices = [c for r in exchange.replies for c in r.choices]
                if choices:
                    print("             " + "  ".join(f"[ {c} ]" for c in choices))
                print(f"             (HTTP {exchange.status}; answered in {exchange.seconds:.2f} s)")
            else:
                print(f"  (no reply; webhook answered HTTP {exchange.status})")
            missing = [e for e in step.expect if e not in text]
            leaked = [f for f in step.forbid if f in text]
            if missing or leaked or len(exchange.replies) != 1:
                failures += 1
                print(f"  ✗ expected {missing or ''} {'must not show ' + str(leaked) if leaked else ''}".rstrip())
            print()
        print("── Security checks")
        checks = [
            ("unsigned POST", session.post(Channel.WHATSAPP, EMILY, "hi", signed=False).status, 401),
            ("wrong verify token", session.verify(Channel.WHATSAPP, "wrong", "123")[0], 403),
            ("verification handshake", session.verify(Channel.WHATSAPP, "local-verify-token", "8675309")[0], 200),
        ]
        for name, got, want in checks:
            mark = "✓" if got == want else "✗"
            failures += got != want
            print(f"  {mark} {name}: HTTP {got}")
        print()
        if failures:
            print(f"Demo finished with {failures} problem(s).")
            return 1
        print("Demo finished: every message answered once, from the customer's own data, in their language.")
        return 0
    finally:
        session.stop()


if __name__ == "__main__":
    sys.exit(run())
