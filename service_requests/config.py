"""Where the request store lives: $SERVICE_REQUESTS_DB_URL, else a SQLite file under var/.

The knowledge store is rebuilt from the sources at will (a SQLite build replaces its file), so
requests, which are customer data, never live in its file.  On PostgreSQL both stores may share
one database: their tables do not overlap.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL_ENV = "SERVICE_REQUESTS_DB_URL"
DEFAULT_DB_PATH = ROOT / "var" / "service_requests.sqlite3"
DEMO_POLICIES = Path(__file__).resolve().parent / "demo_policies.yml"
TIMEZONE = "Asia/Shanghai"  # the manuals' hours and dates are Beijing time


def database_url() -> str:
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"
