"""The loader validates every source file and never leaves a half-built store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.api import KnowledgeBase
from knowledge.config import ROOT, SOURCES_DIR
from knowledge.loader import SourceError, build, read_sources


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    dest = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, dest)
    return dest


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def test_the_shipped_sources_validate():
    src = read_sources()
    assert len(src.manuals) == 5
    assert src.fingerprint


def test_bad_field_is_named_with_file_and_service(sources: Path):
    target = sources / "004_pingan.yml"
    _edit(target, lambda d: d["services"][0]["usage_limit"][0].update(per="weekly"))
    with pytest.raises(SourceError) as err:
        read_sources(sources)
    message = str(err.value)
    assert "004_pingan.yml" in message
    assert "门诊协助" in message
    assert "usage_limit.0.per" in message


def test_unknown_field_and_missing_list_are_errors(sources: Path):
    _edit(sources / "003_axa.yml", lambda d: d["services"][0].update(colour="red"))
    _edit(sources / "004_pingan.yml", lambda d: d["services"][0]["coverage"].update(lists=["004_nowhere"]))
    with pytest.raises(SourceError) as err:
        read_sources(sources)
    problems = err.value.problems
    assert any("003_axa.yml" in p and "colour" in p for p in problems)
    assert any("004_pingan.yml" in p and "coverage.lists" in p and "004_nowhere" in p for p in problems)


def test_unresolvable_place_fails_the_build_with_the_entry_named(sources: Path, tmp_path: Path):
    _edit(
        sources / "coverage" / "004_inpatient_care.yml",
        lambda d: d["entries"].append({"name": "火星市", "province": "安徽"}),
    )
    with pytest.raises(SourceError) as err:
        build(f"sqlite:///{tmp_path / 'k.sqlite3'}", sources)
    assert any("004_inpatient_care.yml" in p and "火星市" in p for p in err.value.problems)
    assert not (tmp_path / "k.sqlite3").exists()


def test_malformed_file_fails_check_and_build_leaves_the_previous_store(sources: Path, tmp_path: Path):
    db = tmp_path / "k.sqlite3"
    url = f"sqlite:///{db}"
    assert _cli("build", KNOWLEDGE_DB_URL=url).returncode == 0
    before = db.read_bytes()
    (sources / "002_zhongan_value_added.yml").write_text("product: [unclosed\n", "utf-8")
    checked = _cli("check", KNOWLEDGE_SOURCES=str(sources))
    assert checked.returncode == 1
    assert "002_zhongan_value_added.yml" in checked.stderr
    built = _cli("build", KNOWLEDGE_SOURCES=str(sources), KNOWLEDGE_DB_URL=url)
    assert built.returncode == 1
    assert "002_zhongan_value_added.yml" in built.stderr
    assert db.read_bytes() == before
    assert KnowledgeBase(url).is_covered("平安", "住院陪护", "合肥").covered is True


def test_builds_and_answers_on_postgresql(postgres_url: str, sources: Path):
    build(postgres_url)
    kb = KnowledgeBase(postgres_url)
    assert kb.is_covered("平安", "住院陪护", "毫州").covered is True
    counts = dict(kb.counts)
    _edit(sources / "004_pingan.yml", lambda d: d["services"][0].pop("content"))
    with pytest.raises(SourceError):
        build(postgres_url, sources)
    assert KnowledgeBase(postgres_url).counts == counts  # the transaction rolled back
