"""The endpoints and credentials files of one run, written from the settings into ``var/run/``.

Rasa reads its stores from an endpoints file and its channels from a credentials file.  The
stores depend on the environment (a Redis URL or not, PostgreSQL or SQLite, the action server's
port), so the endpoints are made here and nowhere else; the channels are listed once, in the
repository's credentials.yml.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

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


def credentials(settings: Settings) -> Dict[str, Any]:
    """The channels of credentials.yml (Rasa's own REST channel for the stock layout)."""
    if settings.stock:
        return {"rest": None}
    return yaml.safe_load(CREDENTIALS.read_text("utf-8")) or {}


def write(settings: Settings) -> Tuple[Path, Path]:
    """(endpoints file, credentials file) for this run, under settings.run_dir."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    ep = settings.run_dir / f"endpoints-{settings.rasa_port}.yml"
    cr = settings.run_dir / f"credentials-{settings.rasa_port}.yml"
    ep.write_text(yaml.safe_dump(endpoints(settings), allow_unicode=True, sort_keys=False), "utf-8")
    cr.write_text(yaml.safe_dump(credentials(settings), allow_unicode=True, sort_keys=False), "utf-8")
    return ep, cr
