"""Where things live: source folder and database URL (overridable by environment)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = Path(os.environ.get("KNOWLEDGE_SOURCES", Path(__file__).resolve().parent / "sources"))
MANUALS_DIR = Path(os.environ.get("MANUALS_DIR", ROOT.parent / "shared" / "manuals"))
DEFAULT_DB_PATH = ROOT / "build" / "knowledge.sqlite3"
DB_URL_ENV = "KNOWLEDGE_DB_URL"


def database_url() -> str:
    """The knowledge store's SQLAlchemy URL: $KNOWLEDGE_DB_URL, else a SQLite file under build/."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"
