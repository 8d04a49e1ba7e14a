"""An engine for a SQLAlchemy URL, tuned for the stores that several processes write at once.

The request store and the conversation store are written by every worker of the action server
and of the Rasa server.  On PostgreSQL that needs nothing special (connections are checked
before use).  A SQLite file gets its folder created, write-ahead logging (readers never block
the writer), ``synchronous=NORMAL`` (in WAL mode a commit survives a crash of the process; only
a power cut can lose the last transactions, never corrupt the file), a 30 s busy timeout for
writers queuing on each other, and a pool of connections — SQLAlchemy 1.4 otherwise opens a new
SQLite connection for every session (NullPool), which cost a tenth of a turn in the profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A future-style engine for ``url``; extra keyword arguments go to ``create_engine``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args: Dict[str, Any] = {"timeout": 30, "check_same_thread": False}
    engine = create_engine(
        url, future=True, poolclass=QueuePool, pool_size=5, max_overflow=10, connect_args=connect_args, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine
