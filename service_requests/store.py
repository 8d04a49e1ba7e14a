"""Opening the request store: an engine for a SQLAlchemy URL, with its tables created on first use."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from service_requests.config import database_url
from service_requests.models import Base


@lru_cache(maxsize=8)
def engine_for(url: Optional[str] = None) -> Engine:
    """One engine per URL per process; SQLite files get WAL and a busy timeout (the action server runs concurrent turns)."""
    url = url or database_url()
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, **({"connect_args": {"timeout": 30}} if sqlite else {"pool_pre_ping": True}))
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    Base.metadata.create_all(engine)
    return engine
