"""Shared fixtures: one real knowledge database per test session, built from the curated sources."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from knowledge.api import KnowledgeBase
from knowledge.loader import build


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("store") / "knowledge.sqlite3"
    url = f"sqlite:///{path}"
    build(url)
    return url


@pytest.fixture(scope="session")
def kb(store_url: str) -> KnowledgeBase:
    return KnowledgeBase(store_url)


@pytest.fixture(scope="session")
def model_path():
    """The Rasa model for the current sources, trained at most once (cached in models/ by fingerprint)."""
    from assistant.model import ensure_model
    from knowledge.loader import build as build_store

    build_store()  # the default store, which training and the action server read
    return ensure_model()


@pytest.fixture(scope="session")
def assistant(model_path, requests_url):
    """The whole assistant on free ports: action server + Rasa server with the REST channel."""
    from assistant.serve import Assistant, free_port

    with Assistant(model=model_path, port=free_port(), action_port=free_port()) as running:
        yield running


def _postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


@pytest.fixture()
def postgres_url():
    admin = create_engine(_postgres_admin_url(), isolation_level="AUTOCOMMIT", future=True)
    name = f"knowledge_test_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is part of the machine; say so plainly when it is not there
        pytest.skip(f"PostgreSQL not reachable at {_postgres_admin_url()}: {exc}")
    url = _postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def requests_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The request store for the session's assistant (a real SQLite file), with the demo policies loaded.

    Set in the environment before the action server starts, so the server and the tests share it.
    """
    from service_requests.config import DB_URL_ENV

    url = f"sqlite:///{tmp_path_factory.mktemp('requests') / 'requests.sqlite3'}"
    os.environ[DB_URL_ENV] = url
    return url
