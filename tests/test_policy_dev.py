"""benchmarks/data/conversations_dev: the conversations the answer policy's thresholds are set on
(benchmarks/bench_policy_dev.py) are apart from the suite and the NLU test set that measure them."""

from __future__ import annotations

from pathlib import Path

from evaluation.heldout import overlaps, store_finder, training_questions
from evaluation.suite import load_suite, questions

ROOT = Path(__file__).resolve().parents[1]
DEV = sorted((ROOT / "benchmarks" / "data" / "conversations_dev").glob("*.yml"))
# "成都呢", "那安盛的呢": a follow-up this short is the same few words in every set; its case is its context
SHORT = 8


def test_the_development_conversations_load_as_suites():
    suites = [load_suite(p) for p in DEV]
    assert sum(len(s.cases) for s in suites) >= 100


def test_no_development_question_stands_for_a_suite_or_nlu_test_question(kb):
    dev = questions([load_suite(p) for p in DEV])
    measuring = questions([load_suite(p) for p in sorted((ROOT / "evaluation" / "suites").glob("*.yml"))])
    measuring += training_questions(sorted((ROOT / "tests" / "nlu").glob("*.yml")))
    found = [o for o in overlaps(dev, measuring, store_finder(kb)) if len(o.template) >= SHORT]
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:15]]
