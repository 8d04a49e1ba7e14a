"""Shared fixtures: one real knowledge database per test session, built from the curated sources."""
from __future__ import annotations

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
def model_path():
    """The Rasa model for the current sources, trained at most once (cached in models/ by fingerprint)."""
    from assistant.model import ensure_model
    from knowledge.loader import build as build_store

    build_store()  # the default store, which training and the action server read
    return ensure_model()


@pytest.fixture(scope="session")
def assistant(model_path):
    """The whole assistant on free ports: action server + Rasa server with the REST channel."""
    from assistant.serve import Assistant, free_port

    with Assistant(model=model_path, port=free_port(), action_port=free_port()) as running:
        yield running
