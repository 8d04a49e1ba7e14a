"""Opening the request store: an engine for a SQLAlchemy URL, with its tables created on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy.engine import Engine

from service_requests.config import database_url
from service_requests.models import Base
from storage.engines import make_engine


@lru_cache(maxsize=8)
def engine_for(url: Optional[str] = None) -> Engine:
    """One engine per URL per process (storage.engines: WAL, busy timeout and a pool on SQLite; the action server runs concurrent turns)."""
    engine = make_engine(url or database_url())
    Base.metadata.create_all(engine)
    return engine
