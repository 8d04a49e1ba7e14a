"""Shared fixtures: one real knowledge database per test session, built from the curated sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
def default_store() -> None:
    """The default store (build/), which training, the servers and ``KnowledgeBase.open()`` read: built once per session."""
    build()


@pytest.fixture(scope="session")
def model_path(default_store):
    """The Rasa model for the current sources, trained at most once (cached in models/ by fingerprint)."""
    from assistant.model import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def assistant(model_path, requests_url):
    """The whole assistant as `make run` serves it (supervised, SQLite conversation store), on free ports."""
    from assistant.serve import Assistant

    with Assistant(model=model_path) as running:
        yield running


@pytest.fixture()
def postgres_url():
    """A new PostgreSQL database on this machine's server, dropped afterwards.

    Every machine of the project runs PostgreSQL: when it is not reachable the test fails, saying so.
    """
    from assistant.local_services import temporary_postgres_database

    with temporary_postgres_database("knowledge_test") as url:
        yield url


@pytest.fixture(scope="session")
def requests_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The request store for the session's assistant (a real SQLite file), with the demo policies loaded.

    Set in the environment before the action server starts, so the server and the tests share it.
    """
    from service_requests.config import DB_URL_ENV

    url = f"sqlite:///{tmp_path_factory.mktemp('requests') / 'requests.sqlite3'}"
    os.environ[DB_URL_ENV] = url
    return url


@pytest.fixture(scope="session")
def desk(assistant, requests_url):
    """The request desk on the session assistant's request store, with the demo policies loaded."""
    from service_requests.desk import ServiceDesk

    d = ServiceDesk(KnowledgeBase.open(), requests_url)
    d.load_demo_policies()
    return d


@pytest.fixture(scope="session")
def console_user():
    """``console_user(assistant, name, role, password)``: an account made the documented way (`python -m console add-user`, password on stdin)."""
    import subprocess
    import sys

    from knowledge.config import ROOT

    def add(served, name: str, role: str, password: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "CONSOLE_DB_URL": f"sqlite:///{served.work_dir / 'console.sqlite3'}"}
        return subprocess.run(
            [sys.executable, "-m", "console", "add-user", name, "--role", role],
            input=password + "\n",
            text=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
        )

    return add


MODEL_FIXTURES = {"model_path", "assistant"}


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Mark every test that needs the trained model (through any fixture), so `make test-fast` can leave them out."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
