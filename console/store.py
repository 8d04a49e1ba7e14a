"""The console's database (CONSOLE_DB_URL, else var/console.sqlite3) and a read-only view of the tracker store's events."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Engine

from console.models import Base
from storage.engines import make_engine


@lru_cache(maxsize=4)
def console_engine(url: str) -> Engine:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    return engine


@lru_cache(maxsize=4)
def events_engine(url: str) -> Engine:
    return make_engine(url)


_events: dict = {}


def events_table(engine: Engine) -> Optional[Table]:
    """Rasa's ``events`` table, read as the database has it (reflected: no second copy of Rasa's schema); None until Rasa made it."""
    key = str(engine.url)
    if key not in _events:
        from sqlalchemy import inspect

        if not inspect(engine).has_table("events"):
            return None
        _events[key] = Table("events", MetaData(), autoload_with=engine)
    return _events[key]
