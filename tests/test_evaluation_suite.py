"""The shipped FAQ suite: its shape, its independence from the training data, and the assistant's pass rate."""

from __future__ import annotations

import re

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from evaluation import report
from evaluation.runner import run
from evaluation.suite import load_suite, questions
from knowledge.config import ROOT

SUITES = sorted((ROOT / "evaluation" / "suites").glob("*.yml"))
# The suite has two parts.  The cases first written (no `topic` tag: 516 cases, held out by masked
# template) measured 489/516 = 94.8%, strict 92.0%, when the answer policy was restructured; 2026-12-02,
# after this round's work on the answer policy (`make eval`): 494/516 = 95.7%, strict 484 = 93.8%.  The
# 272 cases written with issue 12 for the kinds that failed (a `topic` tag each: list, amount,
# exception, hours, per_stay, comparison, follow_up, not_stated, outside, safety, misspelt_service,
# english, services_at, silence) measured 175/272 = 64.3% on their first run and now 188/272 = 69.1%,
# strict 171 = 62.9%: the work that issue 12 still asks for (97% over the whole suite).  The whole
# suite: 682/788 = 86.6%.  Later on 2026-12-02 (gaps, hooks, readings that need their words, no mention
# across words): first-written 497/516 = 96.3%, strict 486 = 94.2%; issue-12 cases 209/272 = 76.8%, strict
# 198 = 72.8%; the whole suite 706/788 = 89.6%.  2026-12-03 (readings named by the value asked, misspelt longer
# names, the verdict before a request, a sentence on each thing compared, the conversation's service when unsure):
# first-written 504/516 = 97.7%, strict 492 = 95.3%; issue-12 cases 243/272 = 89.3%, strict 231 = 84.9%; the whole
# suite 747/788 = 94.8%.  2026-12-04 (what a service covers for who may use it, conflicting values in a
# comparison, 1831 more question hooks, a rare thing the manual never mentions, the factor for a service's
# sentence on a question naming none): first-written 507/516 = 98.3%, strict 494 = 95.7%; issue-12 cases
# 248/272 = 91.2%, strict 236 = 86.8%; the whole suite 755/788 = 95.8%.  Bars sit just under these figures, each letting about three more cases fail
# (a retrained model moves a few answers either way); every coverage verdict given must be right
# (asserted below: a wrong city verdict is a wrong promise).  Raise the bars as the figures rise; never
# lower one to pass.
MIN_PASS_RATE = 0.97  # the first-written cases (504/516: 501 needed)
MIN_STRICT_PASS_RATE = 0.945  # 492/516: 488 needed
MIN_BY_KIND = {  # the first-written cases, by kind
    "coverage": 0.97,  # 161/162 (multi-turn cases counted by their kind too)
    "materials": 1.0,
    "contact": 1.0,
    "clarify": 1.0,
    "out_of_scope": 1.0,
    "comparison": 1.0,
    "services": 1.0,
    "chitchat": 1.0,
    "procedure": 0.89,  # 27/28
    "multi_turn": 0.94,  # 50/51
    "rule": 0.945,  # 211/219: 207 needed
    "faq": 0.87,  # 29/31
}
MIN_TOPIC_PASS_RATE = 0.9  # the issue-12 cases, all topics (248/272: 245 needed)
MIN_TOPIC_STRICT_PASS_RATE = 0.855  # 236/272: 233 needed
MIN_BY_TOPIC = {  # the topics at or near 100%, each letting one or two more fail
    "safety": 0.88,
    "services_at": 0.85,
    "silence": 0.8,
    "hours": 0.86,
    "per_stay": 0.8,
    "misspelt_service": 0.87,
    "english": 0.8,
    "outside": 0.84,
}


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
    train = {
        _norm(m.get("text"))
        for p in (ROOT / "bot" / "data").glob("*.yml")
        if "nlu:" in p.read_text("utf-8")
        for m in load_data(str(p)).training_examples
    }
    overlap = {q for q in questions(suites) if _norm(q) in train}
    assert not overlap, sorted(overlap)[:10]


def test_suite_questions_are_held_out_as_the_classifier_sees_them(suites, kb):
    """Names masked, no suite question may equal or nearly equal a training example (evaluation.heldout)."""
    from evaluation.heldout import overlaps, store_finder, training_questions

    found = overlaps(
        questions(suites), training_questions(sorted((ROOT / "bot" / "data").glob("*.yml"))), store_finder(kb)
    )
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:15]]


def test_assistant_passes_the_shipped_suite(suites, assistant):
    results = run(suites, assistant.url, workers=4, progress=False, token=assistant.api_token)
    report.write(report.summarise(results, "assistant (test run)", MIN_PASS_RATE), ROOT / "reports", "evaluation")
    first = report.summarise([r for r in results if not r.tags.get("topic")], "first-written cases")
    topics = report.summarise([r for r in results if r.tags.get("topic")], "issue-12 cases")
    failures = [(f["id"], [t["failures"] for t in f["turns"]]) for f in first["failures"]]
    assert first["overall"]["pass_rate"] >= MIN_PASS_RATE, failures[:20]
    assert first["overall"]["strict_pass_rate"] >= MIN_STRICT_PASS_RATE, first["nlu_mismatches"][:20]
    kinds = first["by"]["kind"]
    assert set(MIN_BY_KIND) == set(kinds), "a kind without a bar, or a bar for no case"
    low = {k: kinds[k] for k, bar in MIN_BY_KIND.items() if kinds[k]["pass_rate"] < bar}
    assert not low, (low, [f["id"] for f in first["failures"] if f["tags"].get("kind") in low][:20])
    assert topics["overall"]["pass_rate"] >= MIN_TOPIC_PASS_RATE, [f["id"] for f in topics["failures"]][:30]
    assert topics["overall"]["strict_pass_rate"] >= MIN_TOPIC_STRICT_PASS_RATE
    low = {k: v for k, v in topics["by"]["topic"].items() if v["pass_rate"] < MIN_BY_TOPIC.get(k, 0.0)}
    assert not low, low
    wrong = [
        (r["id"], t["user"])
        for summary in (first, topics)
        for r in summary["cases"]
        for t in r["turns"]
        if any(
            f.startswith("covered: expected") and "got null" not in f and "no payload" not in f
            for f in t["failures"] or []
        )
    ]
    assert not wrong, f"a coverage verdict given and wrong: {wrong}"


def test_every_printed_list_has_yes_and_no_cases_with_a_county_and_a_typo(suites, kb):
    seen: dict = {}
    for s in suites:
        for c in s.cases:
            products = kb.find_products(str(c.tags.get("product", "")))
            svc = kb.service(products[0], str(c.tags.get("service", ""))) if len(products) == 1 else None
            if svc is None or svc.coverage.type != "list":
                continue
            count = seen.setdefault((svc.product.name, svc.name), {"yes": 0, "no": 0, "county": 0, "typo": 0})
            for t in c.turns:
                if t.expect is not None and t.expect.covered_given and t.expect.covered is not None:
                    count["yes" if t.expect.covered else "no"] += 1
            if c.tags.get("place_kind") in ("county", "typo"):
                count[c.tags["place_kind"]] += 1
    lists = [(svc.product.name, svc.name) for svc in kb.all_services() if svc.coverage.type == "list"]
    short = {
        k: seen.get(k)
        for k in lists
        if not seen.get(k) or min(seen[k]["yes"], seen[k]["no"]) < 3 or not seen[k]["county"] or not seen[k]["typo"]
    }
    assert not short, short


def test_every_case_can_fail_on_what_the_user_reads(suites):
    """An expected intent is a diagnostic (it never fails a case), so every case needs a check of the reply."""
    idle = [
        c.id
        for s in suites
        for c in s.cases
        if not any(
            t.expect and (t.expect.facts or t.expect.type or t.expect.covered_given or t.expect.not_) for t in c.turns
        )
    ]
    assert not idle, idle


def test_service_aliases_the_suite_uses_are_known_beyond_the_suite(suites, kb):
    """An alias that only the suite uses may have been added to pass the suite: each one the suite asks with
    must also be printed in a manual or taught in the training data (data, not a fit to the test)."""
    from evaluation.heldout import training_questions
    from knowledge.config import MANUALS_DIR

    manuals = re.sub(r"\s", "", "".join(p.read_text("utf-8") for p in sorted(MANUALS_DIR.glob("*.txt"))))
    taught = "\n".join(training_questions(sorted((ROOT / "bot" / "data").glob("*.yml"))))
    asked = "\n".join(questions(suites))
    fitted = sorted(
        {
            (svc.product.id, alias)
            for svc in kb.all_services()
            for alias in svc.aliases
            if alias in asked and re.sub(r"\s", "", alias) not in manuals and alias not in taught
        }
    )
    assert not fitted, fitted
