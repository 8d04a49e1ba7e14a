"""The command line, as the store's users call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from knowledge.config import ROOT


def _run(store_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "KNOWLEDGE_DB_URL": store_url},
        timeout=120,
    )


def test_coverage_contract(store_url):
    out = _run(store_url, "coverage", "平安", "住院陪护", "毫州")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"covered", "product", "service", "place", "province", "hospitals", "source"} <= set(data)
    assert data["covered"] is True
    assert data["place"] == "亳州市" and data["province"] == "安徽省"
    assert data["service"] == "7天住院陪护" and data["hospitals"] is None
    assert (
        data["source"]["manual"] == "004_0cd53a263ec9ebf5.txt"
        and "住院陪护服务覆盖城市清单" in data["source"]["section"]
    )


def test_coverage_with_hospital_count_and_no(store_url):
    yes = json.loads(_run(store_url, "coverage", "平安", "门诊协助", "合肥").stdout)
    assert yes["covered"] is True and yes["hospitals"] == 30
    no = json.loads(_run(store_url, "coverage", "平安", "住院陪护", "乌海").stdout)
    assert no["covered"] is False and no["place"] == "乌海市"


def test_coverage_for_an_unknown_place_and_service(store_url):
    place = json.loads(_run(store_url, "coverage", "平安", "住院陪护", "杭洲").stdout)
    assert place["covered"] is None and "杭州市" in place["suggestions"]
    service = json.loads(_run(store_url, "coverage", "安盛", "住院陪护", "杭州").stdout)
    assert service["covered"] is None and service["status"] == "no_such_service"


def test_stats_and_place(store_url):
    stats = _run(store_url, "stats")
    assert stats.returncode == 0 and "7天住院陪护" in stats.stdout and "936 places" in stats.stdout
    place = json.loads(_run(store_url, "place", "义乌").stdout)
    assert place["city"] == "金华市" and place["chain"] == ["义乌市", "金华市", "浙江省"]


def test_missing_store_is_a_clear_message(tmp_path):
    out = _run(f"sqlite:///{tmp_path / 'none.sqlite3'}", "coverage", "平安", "住院陪护", "合肥")
    assert out.returncode == 2 and "python -m knowledge build" in out.stderr
    assert not (tmp_path / "none.sqlite3").exists()
