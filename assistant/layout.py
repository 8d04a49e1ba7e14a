"""The endpoints and credentials files of one run, written from the settings into ``var/run/``.

Rasa reads its stores from an endpoints file and its channels from a credentials file.  The
stores depend on the environment (a Redis URL or not, PostgreSQL or SQLite, the action server's
port), so the endpoints are made here and nowhere else; the channels are listed once, in the
repository's credentials.yml.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from assistant.settings import Settings
from knowledge.config import ROOT

CREDENTIALS = ROOT / "credentials.yml"


def endpoints(settings: Settings) -> Dict[str, Any]:
    out: Dict[str, Any] = {"action_endpoint": {"url": f"http://127.0.0.1:{settings.actions_port}/webhook"}}
    if settings.stock:  # Rasa as shipped: in-memory tracker and lock stores
        return out
    out["tracker_store"] = {"type": "assistant.tracker_store.ConversationStore", "url": settings.conversations_db_url}
    if settings.redis_url:
        out["lock_store"] = {"type": "assistant.lock_store.RedisTicketLockStore", "url": settings.redis_url}
    else:
        out["lock_store"] = {"type": "assistant.lock_store.InMemoryTicketLockStore"}
    return out


_VARIABLE = re.compile(r"\$\{(\w+)(:-([^}]*))?\}")  # ${VAR} (required) or ${VAR:-default}


def _fill(value: Any, env: Mapping[str, str], missing: List[str]) -> Any:
    """One option's value with its variables filled; the required ones unset are added to ``missing``."""
    if not isinstance(value, str):
        return value
    missing.extend(m.group(1) for m in _VARIABLE.finditer(value) if m.group(2) is None and not env.get(m.group(1)))
    return _VARIABLE.sub(lambda m: env.get(m.group(1)) or (m.group(3) or ""), value)


def credentials(settings: Settings, env: Optional[Mapping[str, str]] = None) -> Tuple[Dict[str, Any], List[str]]:
    """The channels of credentials.yml with ${VAR} / ${VAR:-default} filled from the environment, and what was left out.

    A channel with a required variable unset is left out (and said), rather than started half
    configured.  The stock layout has Rasa's own REST channel only.
    """
    if settings.stock:
        return {"rest": None}, []
    env = os.environ if env is None else env
    channels: Dict[str, Any] = {}
    off: List[str] = []
    for name, options in (yaml.safe_load(CREDENTIALS.read_text("utf-8")) or {}).items():
        missing: List[str] = []
        filled = {k: _fill(v, env, missing) for k, v in (options or {}).items()}
        if missing:
            off.append(f"{name.rsplit('.', 1)[-1]} 未启用（未设置 {', '.join(missing)}）")
        else:
            channels[name] = filled or None
    return channels, off


def write(settings: Settings) -> Tuple[Path, Path]:
    """(endpoints file, credentials file) for this run, under settings.run_dir."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    ep = settings.run_dir / f"endpoints-{settings.rasa_port}.yml"
    cr = settings.run_dir / f"credentials-{settings.rasa_port}.yml"
    ep.write_text(yaml.safe_dump(endpoints(settings), allow_unicode=True, sort_keys=False), "utf-8")
    cr.write_text(yaml.safe_dump(credentials(settings)[0], allow_unicode=True, sort_keys=False), "utf-8")
    return ep, cr
