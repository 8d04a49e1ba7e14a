"""The evaluation runner itself, against a small fake REST server on localhost."""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from evaluation.__main__ import main as evaluation_main
from evaluation.report import diff, summarise
from evaluation.runner import run
from evaluation.suite import SuiteError, load_suite

REPLIES = {
    "亳州能用吗": [{"text": "可以。亳州市可以使用。"}, {"custom": {"answer": {"type": "coverage", "covered": True}}}],
    "乌海能用吗": [
        {"text": "不可以。乌海市不在服务范围内。"},
        {"custom": {"answer": {"type": "coverage", "covered": False}}},
    ],
    "提前多久": [{"text": "提前 12 小时提出申请"}],
    "沉默": [],
}


class FakeAssistant(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["message"] == "崩溃":
            self.send_response(500)
            self.end_headers()
            return
        data = json.dumps(REPLIES.get(body["message"], [{"text": "?"}]), ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def fake_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAssistant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks/rest/webhook"
    server.shutdown()


def _suite(tmp_path: Path, cases) -> Path:
    path = tmp_path / "suite.yml"
    path.write_text(yaml.safe_dump({"suite": "fake", "cases": cases}, allow_unicode=True), "utf-8")
    return path


CASES = [
    {
        "id": "yes",
        "tags": {"kind": "coverage", "service": "陪护"},
        "turns": [{"user": "亳州能用吗", "expect": {"covered": True, "facts": [["亳州", "毫州"]]}}],
    },
    {
        "id": "no",
        "tags": {"kind": "coverage", "service": "陪护"},
        "turns": [{"user": "乌海能用吗", "expect": {"covered": False, "not": ["亳州"]}}],
    },
    {
        "id": "fact",
        "tags": {"kind": "rule", "service": "陪护"},
        "turns": [{"user": "提前多久", "expect": {"facts": ["12小时"]}}],
    },
    {"id": "wrong", "tags": {"kind": "coverage"}, "turns": [{"user": "乌海能用吗", "expect": {"covered": True}}]},
    {"id": "missing", "tags": {"kind": "rule"}, "turns": [{"user": "沉默", "expect": {"facts": ["x"]}}]},
    {"id": "error", "tags": {"kind": "rule"}, "turns": [{"user": "崩溃", "expect": {"facts": ["x"]}}]},
    {"id": "after-error", "tags": {"kind": "rule"}, "turns": [{"user": "提前多久", "expect": {"facts": ["12 小时"]}}]},
]


def test_pass_fail_missing_reply_and_server_error(fake_url, tmp_path):
    results = {r.id: r for r in run([load_suite(_suite(tmp_path, CASES))], fake_url, progress=False)}
    assert results["yes"].passed and results["no"].passed and results["fact"].passed and results["after-error"].passed
    assert "covered: expected true, got false" in results["wrong"].turns[0].failures
    assert results["missing"].turns[0].failures[0] == "no reply"
    assert results["error"].turns[0].failures[0].startswith("server error")
    summary = summarise(list(results.values()), fake_url, 0.9)
    assert summary["overall"] == {
        "cases": 7,
        "passed": 4,
        "pass_rate": round(4 / 7, 4),
        "strict_pass_rate": round(4 / 7, 4),
    }
    assert summary["by"]["kind"]["coverage"]["cases"] == 3 and summary["passed_threshold"] is False
    assert summary["latency_ms"]["p95"] is not None


def test_cli_writes_reports_prints_the_rate_last_and_exits_by_threshold(fake_url, tmp_path, capsys):
    suite = _suite(tmp_path, CASES[:3])
    assert (
        evaluation_main(
            [
                "run",
                str(suite),
                "--url",
                fake_url,
                "--out",
                str(tmp_path),
                "--name",
                "ok",
                "--threshold",
                "1.0",
                "--quiet",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("overall pass rate: 100.0%")
    page = (tmp_path / "ok.html").read_text("utf-8")
    assert (tmp_path / "ok.json").exists() and "<img" not in page
    # the charts are SVG in the page, with the service names as text: the reader's browser draws the Chinese
    assert "<svg" in page and ">陪护</text>" in page
    failing = _suite(tmp_path, CASES)
    assert (
        evaluation_main(
            [
                "run",
                str(failing),
                "--url",
                fake_url,
                "--out",
                str(tmp_path),
                "--name",
                "bad",
                "--threshold",
                "0.95",
                "--quiet",
            ]
        )
        == 1
    )


def test_diff_lists_better_and_worse(fake_url, tmp_path, capsys):
    old = summarise(run([load_suite(_suite(tmp_path, CASES))], fake_url, progress=False), "old")
    flipped = [dict(c) for c in CASES]
    flipped[3] = {"id": "wrong", "tags": {}, "turns": [{"user": "乌海能用吗", "expect": {"covered": False}}]}
    flipped[0] = {"id": "yes", "tags": {}, "turns": [{"user": "亳州能用吗", "expect": {"covered": False}}]}
    new = summarise(run([load_suite(_suite(tmp_path, flipped))], fake_url, progress=False), "new")
    d = diff(old, new)
    assert d["better"] == ["fake · wrong"] and d["worse"] == ["fake · yes"]
    (tmp_path / "old.json").write_text(json.dumps(old), "utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), "utf-8")
    assert evaluation_main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 0
    assert "fake · wrong" in capsys.readouterr().out


def test_bad_suite_is_reported(tmp_path):
    path = _suite(tmp_path, [{"id": "x", "turns": [{"user": "q", "expect": {"colour": "red"}}]}])
    with pytest.raises(SuiteError):
        load_suite(path)


class FakeTracker(FakeAssistant):
    """The REST channel plus the tracker API, answering every tracker request with ``tracker``."""

    tracker: dict = {"latest_message": {"intent": {"name": "ask_time"}, "entities": []}}

    def do_GET(self):  # noqa: N802
        data = json.dumps(self.tracker).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)


def _run_with_tracker(tmp_path, tracker: dict, intent: str):
    """One case, "提前多久" expecting 12小时 and ``intent``, run against a stand-in whose tracker API gives ``tracker``."""
    handler = type("Tracker", (FakeTracker,), {"tracker": tracker})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/webhooks/rest/webhook"
        cases = [{"id": "nlu", "turns": [{"user": "提前多久", "expect": {"facts": ["12小时"], "intent": intent}}]}]
        return run([load_suite(_suite(tmp_path, cases))], url, progress=False)
    finally:
        server.shutdown()


def test_intent_mismatch_is_reported_but_does_not_fail_a_right_answer(tmp_path):
    results = _run_with_tracker(tmp_path, FakeTracker.tracker, "ask_advance_notice")  # every message read as ask_time
    summary = summarise(results, "fake")
    assert summary["overall"]["pass_rate"] == 1.0 and summary["overall"]["strict_pass_rate"] == 0.0
    assert summary["intent_accuracy"] == 0.0
    assert summary["nlu_mismatches"][0]["nlu_failures"] == ["intent: expected ask_advance_notice, got ask_time"]


def test_the_intent_of_a_message_the_core_fallback_reverted_is_read_from_its_event(tmp_path):
    """The tracker as Rasa 3.6 gives it after its core fallback answered a message: the fallback reverts
    the message ("rewind"), so latest_message is empty; the message's user event keeps its parse_data."""
    said = {"event": "user", "text": "提前多久", "parse_data": {"intent": {"name": "stop_request"}, "entities": []}}
    rewound = {
        "latest_message": {},
        "events": [{"event": "action", "name": "action_listen"}, said, {"event": "rewind"}],
    }
    results = _run_with_tracker(tmp_path, rewound, "stop_request")
    assert results[0].turns[0].intent == "stop_request" and results[0].passed_strict


def test_a_question_table_runs_like_a_suite_and_its_failures_come_back_as_tables(fake_url, tmp_path, capsys):
    from openpyxl import load_workbook

    table = tmp_path / "insurer.csv"
    table.write_text(
        "问题,要点,产品,服务,类型,可用\n"
        "亳州能用吗,亳州|毫州,平安,陪护,coverage,是\n"
        "乌海能用吗,,平安,陪护,coverage,是\n"
        "提前多久,12 小时；提出申请,平安,陪护,rule,\n",
        "utf-8",
    )
    assert evaluation_main(["run", str(table), "--url", fake_url, "--out", str(tmp_path), "--quiet"]) == 0
    assert "overall pass rate: 66.7% (2/3 cases)" in capsys.readouterr().out
    with (tmp_path / "evaluation-failures.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["id"], r["question"], r["kind"]) for r in rows] == [("row-3", "乌海能用吗", "coverage")]
    assert "covered" in rows[0]["failures"] and "乌海市不在服务范围内" in rows[0]["reply"]
    sheet = load_workbook(tmp_path / "evaluation-failures.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["suite", "id", "kind"] and sheet["G2"].value == "乌海能用吗"
    assert sheet.auto_filter.ref == "A1:J2"
