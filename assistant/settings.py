"""How the assistant is served, read from the environment: ports, stores, workers, limits.

One place for every serving variable, so `make run`, the tests, the benchmarks and the README's
production layout all mean the same thing by them.  Defaults are embedded: SQLite files under
``var/``, one worker, no Redis — a fresh machine needs nothing else.  The production layout is
the same code with ``CONVERSATIONS_DB_URL`` (PostgreSQL), ``REDIS_URL`` and ``SANIC_WORKERS`` set.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

from knowledge.config import ROOT

VAR_DIR = ROOT / "var"
RUN_DIR = VAR_DIR / "run"  # files written for one run: endpoints, credentials, API token
LOG_DIR = VAR_DIR / "log"
DEFAULT_CONVERSATIONS_DB = VAR_DIR / "conversations.sqlite3"
TOKEN_FILE = RUN_DIR / "rasa-api-token"


def _number(env: Mapping[str, str], name: str, default: float, cast: Callable[[str], float] = int) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return cast(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a {'whole ' if cast is int else ''}number") from None


@dataclass
class Settings:
    """Everything the supervisor needs to start the assistant, and the children need to agree on."""

    rasa_port: int = 5005
    actions_port: int = 5055
    health_port: int = 5099
    console_port: int = 5080
    interface: str = "127.0.0.1"
    conversations_db_url: str = f"sqlite:///{DEFAULT_CONVERSATIONS_DB}"
    redis_url: Optional[str] = None
    sanic_workers: int = 1
    action_workers: int = 1
    api_token: str = ""
    action_timeout: float = 2.5  # seconds one action-server call may take before the user hears an apology
    max_message_chars: int = 1000
    max_concurrent_turns: int = (
        8  # per Rasa worker; more only lengthens every turn (assistant.channels.inputs.TurnGate)
    )
    log_dir: Path = LOG_DIR
    run_dir: Path = RUN_DIR
    stock: bool = False  # Rasa as shipped: in-memory stores, REST channel, no changes (benchmarks' reference)
    warnings: List[str] = field(default_factory=list)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        s = cls(
            rasa_port=_number(env, "RASA_PORT", 5005),
            actions_port=_number(env, "ACTIONS_PORT", 5055),
            health_port=_number(env, "HEALTH_PORT", 5099),
            console_port=_number(env, "CONSOLE_PORT", 5080),
            interface=env.get("RASA_INTERFACE") or "127.0.0.1",
            conversations_db_url=env.get("CONVERSATIONS_DB_URL") or f"sqlite:///{DEFAULT_CONVERSATIONS_DB}",
            redis_url=env.get("REDIS_URL") or None,
            sanic_workers=max(1, _number(env, "SANIC_WORKERS", 1)),
            action_workers=max(1, _number(env, "ACTION_SERVER_SANIC_WORKERS", 1)),
            api_token=env.get("RASA_API_TOKEN") or "",
            action_timeout=_number(env, "ACTION_TIMEOUT_SECONDS", 2.5, float),
            max_message_chars=_number(env, "MAX_MESSAGE_CHARS", 1000),
            max_concurrent_turns=_number(env, "MAX_CONCURRENT_TURNS", 8),
            log_dir=Path(env.get("LOG_DIR") or LOG_DIR),
            run_dir=Path(env.get("RUN_DIR") or RUN_DIR),
            stock=env.get("ASSISTANT_STOCK", "") == "1",
        )
        if s.sanic_workers > 1 and not s.redis_url and not s.stock:
            # Rasa itself would silently fall back to one worker with its in-memory lock store
            s.warnings.append(
                f"SANIC_WORKERS={s.sanic_workers} 需要 Redis 锁存储（请设置 REDIS_URL）；"
                "没有它，多个 worker 会同时改写同一会话。本次只用 1 个 worker。"
            )
            s.sanic_workers = 1
        return s

    def ensure_token(self) -> str:
        """The token Rasa's HTTP API requires: $RASA_API_TOKEN, else one made for this run and kept in var/run (0600)."""
        if not self.api_token:
            self.api_token = secrets.token_urlsafe(24)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        path = self.run_dir / TOKEN_FILE.name
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(self.api_token, "utf-8")
        return self.api_token

    def child_env(self) -> Dict[str, str]:
        """The variables the Rasa server and the action server read (their own names where Rasa has one)."""
        env = {
            "PYTHONPATH": str(ROOT),
            "SANIC_WORKERS": str(self.sanic_workers),
            "ACTION_SERVER_SANIC_WORKERS": str(self.action_workers),
            "ACTION_TIMEOUT_SECONDS": str(self.action_timeout),
            "MAX_MESSAGE_CHARS": str(self.max_message_chars),
            "MAX_CONCURRENT_TURNS": str(self.max_concurrent_turns),
            "CONVERSATIONS_DB_URL": self.conversations_db_url,
        }
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    @property
    def rest_url(self) -> str:
        return f"http://localhost:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.console_port}/"

    @property
    def health_url(self) -> str:
        return f"http://localhost:{self.health_port}/health"


def read_token(run_dir: Path = RUN_DIR) -> Optional[str]:
    """The HTTP API token of the assistant running from this checkout ($RASA_API_TOKEN first)."""
    if os.environ.get("RASA_API_TOKEN"):
        return os.environ["RASA_API_TOKEN"]
    path = run_dir / TOKEN_FILE.name
    return path.read_text("utf-8").strip() if path.exists() else None
