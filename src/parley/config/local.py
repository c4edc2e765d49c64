"""Settings of the local face only (`parley serve`, `chat`, `agent`, `data import`): where the checkout is, where the
local stack listens, the agents' token for `parley agent`, where the intent model is cached between runs, and where
`parley data import` keeps its journal."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LOCAL_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class LocalSettings:
    home: str = ""  # PARLEY_HOME: the checkout whose functions/ the local stack runs; empty: found from the code
    url: str = DEFAULT_LOCAL_URL  # PARLEY_URL: the local stack `parley agent` talks to
    agent_token: str = field(default="", repr=False)  # AGENT_API_TOKEN, for `parley agent`
    cache_dir: str = ""  # XDG_CACHE_HOME, else ~/.cache: the intent model is kept there between runs
    # `parley demo` and `chat` show the conversation, not the functions' INFO logs, unless POWERTOOLS_LOG_LEVEL says.
    conversation_log_level: str = "WARNING"
    # PARLEY_IMPORT_JOURNAL_DIR: where an import records what it is writing until it is written (data.import_journal).
    import_journal_dir: str = ""

    @property
    def intent_model_cache(self) -> Path:
        return Path(self.cache_dir or Path.home() / ".cache") / "parley" / "intents.npz"

    @property
    def import_journal(self) -> Path:
        return Path(self.import_journal_dir or Path(self.cache_dir or Path.home() / ".cache") / "parley" / "imports")


def load_local_settings(env: Mapping[str, str] | None = None) -> LocalSettings:
    env = os.environ if env is None else env
    return LocalSettings(
        home=(env.get("PARLEY_HOME") or "").strip(),
        url=(env.get("PARLEY_URL") or "").strip() or DEFAULT_LOCAL_URL,
        agent_token=env.get("AGENT_API_TOKEN") or "",
        cache_dir=(env.get("XDG_CACHE_HOME") or "").strip(),
        conversation_log_level=(env.get("POWERTOOLS_LOG_LEVEL") or "").strip().upper() or "WARNING",
        import_journal_dir=(env.get("PARLEY_IMPORT_JOURNAL_DIR") or "").strip(),
    )
