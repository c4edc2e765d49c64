"""`parley chat`: a person types as a customer; each line is a signed webhook POST and the replies are shown."""

from __future__ import annotations

import sys

from parley.channels.model import Channel
from parley.config import load_local_settings
from parley.local.session import LocalSession
from parley.observability import quiet


def run(sender: str, messenger: bool = False) -> int:
    # The functions' structured logs would drown the conversation; `parley serve` shows them.
    quiet(load_local_settings().conversation_log_level)
    channel = Channel.MESSENGER if messenger else Channel.WHATSAPP
    session = LocalSession()
    print("Starting the local stack with the demo data…", flush=True)
    session.start()
    print(f"You are {channel.value} user {sender}. Type a message; an empty line or Ctrl-D quits.\n", flush=True)
    try:
        while True:
            try:
                line = input("you › ")
            except EOFError:
                break
            if not line.strip():
                break
            exchange = session.say(channel, sender, line)
            if not exchange.replies:
                print(f"(no reply; webhook answered HTTP {exchange.status})")
            for reply in exchange.replies:
                buttons = "  ".join(f"[ {c} ]" for c in reply.choices)
                print(f"parley ‹ {reply.text}" + (f"\n         {buttons}" if buttons else "") + "\n", flush=True)
    finally:
        session.stop()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else "14155550123"))
