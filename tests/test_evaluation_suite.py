"""The shipped FAQ suite: its shape, its independence from the training data, and the assistant's pass rate."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from evaluation import report
from evaluation.runner import run
from evaluation.suite import load_suite, questions
from knowledge.config import ROOT

SUITES = sorted((ROOT / "evaluation" / "suites").glob("*.yml"))
MIN_PASS_RATE = 0.95


def _norm(text: str) -> str:
    return re.sub(r"[\s，,。.？?！!~～、]", "", text).lower()


@pytest.fixture(scope="module")
def suites():
    return [load_suite(p) for p in SUITES]


def test_suite_size_and_coverage_of_the_manuals(suites, kb):
    turns = [t for s in suites for c in s.cases for t in c.turns if t.expect]
    assert len(turns) >= 300
    assert sum(1 for s in suites for c in s.cases if c.tags.get("multi_turn")) >= 30
    asked = set()
    for s in suites:
        for c in s.cases:
            if c.tags.get("kind") in ("rule", "procedure", "materials", "faq") and c.tags.get("service"):
                product = kb.find_products(str(c.tags.get("product", "")))
                found = kb.find_services(str(c.tags["service"]), product[0] if len(product) == 1 else None)
                asked |= {(m.service.product.id, m.service.key) for m in found if m.score == 100.0}
    missing = [f"{svc.product.name} {svc.name}" for svc in kb.all_services() if (svc.product.id, svc.key) not in asked]
    assert not missing, f"no rule or procedure question for {missing}"


def test_suite_shares_no_question_with_the_training_data(suites):
    train = {_norm(m.get("text")) for p in (ROOT / "bot" / "data").glob("*.yml") if "nlu:" in p.read_text("utf-8")
             for m in load_data(str(p)).training_examples}
    overlap = {q for q in questions(suites) if _norm(q) in train}
    assert not overlap, sorted(overlap)[:10]


def test_assistant_passes_the_shipped_suite(suites, assistant):
    results = run(suites, assistant.url, workers=4, progress=False)
    summary = report.summarise(results, "assistant (test run)", MIN_PASS_RATE)
    report.write(summary, ROOT / "reports", "evaluation")
    failures = [(f["id"], [t["failures"] for t in f["turns"]]) for f in summary["failures"]]
    assert summary["overall"]["pass_rate"] >= MIN_PASS_RATE, failures[:20]
