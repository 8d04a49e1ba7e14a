"""Where the console listens and what it reads, from the environment (the serving settings for the rest)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from assistant.settings import VAR_DIR, Settings, read_token


@dataclass
class ConsoleSettings:
    port: int
    interface: str
    db_url: str
    rasa_url: str
    rasa_token: str
    conversations_db_url: str
    session_hours: float = 8.0
    max_failures: int = 5  # failed logins of one account (or from one address ×4) …
    lockout_minutes: float = 15.0  # … within this window lock it for as long

    @classmethod
    def from_env(cls) -> "ConsoleSettings":
        serving = Settings.from_env()
        return cls(
            port=int(os.environ.get("CONSOLE_PORT") or 5080),
            interface=os.environ.get("CONSOLE_INTERFACE") or "127.0.0.1",
            db_url=os.environ.get("CONSOLE_DB_URL") or f"sqlite:///{VAR_DIR / 'console.sqlite3'}",
            rasa_url=f"http://127.0.0.1:{serving.rasa_port}",
            rasa_token=read_token(serving.run_dir) or "",
            conversations_db_url=serving.conversations_db_url,
        )
