"""This machine's PostgreSQL and Redis, for the tests and benchmarks of the production layout.

Every developer and CI machine of the project runs PostgreSQL at 127.0.0.1:5432 (trust auth,
user postgres) and Redis at 127.0.0.1:6379.  A test of those paths uses them for real: a
missing server is an error that says which server is missing, never a silent skip.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


class ServiceMissing(RuntimeError):
    """A service the project's machines run is not reachable here."""


@contextmanager
def temporary_postgres_database(prefix: str = "assistant_test") -> Iterator[str]:
    """A new, empty PostgreSQL database for the block; its SQLAlchemy URL; dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - said plainly: the machine is meant to run it
        admin.dispose()
        raise ServiceMissing(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} (every machine of this project "
            f"runs it; start it with: pg_ctlcluster <version> main start): {exc}"
        ) from exc
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_url() -> str:
    """The Redis URL after checking Redis answers (ServiceMissing otherwise)."""
    import redis

    try:
        redis.StrictRedis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        raise ServiceMissing(
            f"Redis is not reachable at {REDIS_URL} (every machine of this project runs it): {exc}"
        ) from exc
    return REDIS_URL
