"""NLU quality on a test set written independently of the training data.

`rasa test nlu` runs on tests/nlu/ (test_nlu.yml, the first set, and test_nlu_*.yml, the extension
written with issue 12 from the manuals, one file per manual and one across them) with the trained
model.  The figures, 2026-12-02 (`make eval-nlu`): the first set as written measured 96.1% intent
accuracy (562/585), but 193 of its questions equalled or nearly equalled a training example once
names are masked (what the classifier sees).  Rewritten into other customers' wordings, the same
model measured 91.5% (535/585); with 275 training examples written for the weak wordings (not taken
from the test set) 92.5% (541/585).  The extension (135 questions) then measured 83.0% (112/135) on
its first run; with 180 more training examples (bot/data/nlu_details.yml, for the kinds the errors
showed) the whole set measures 92.8% (668/720: the first set 94.4%, 552/585; the extension 85.9%,
116/135).  With no mention cutting across jieba's words (knowledge.vocabulary.MentionFinder), 93.3%
(672/720); the same data trained once more (`rasa train nlu`) measured 92.5%, which is the noise of one
training here.  Entity micro
F1 99.6% throughout.  The bars sit just under the honest figures: the intent bar lets five more
questions go wrong, the entity bar about two mentions.  Issue 12 asks for 96%: raise the bar as the
figure rises, never lower it to pass.
The test set must share no example with bot/data, as typed or as the classifier sees it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from knowledge.config import ROOT

TEST_DIR = ROOT / "tests" / "nlu"
# test_nlu.yml, the first set; test_nlu_*.yml, the extension written with issue 12 (one file per manual, and one across them)
TEST_FILES = sorted(TEST_DIR.glob("test_nlu*.yml"))
MIN_INTENT_ACCURACY = 0.92
MIN_ENTITY_F1 = 0.99


def _normalise(text: str) -> str:
    return re.sub(r"[\s，,。.？?！!~～、]", "", text).lower()


def _texts(path: Path) -> set:
    return {_normalise(m.get("text")) for m in load_data(str(path)).training_examples}


def test_test_set_is_large_and_disjoint_from_the_training_data():
    test = set().union(*(_texts(p) for p in TEST_FILES))
    assert len(test) >= 400
    train = set().union(*(_texts(p) for p in (ROOT / "bot" / "data").glob("*.yml") if "nlu:" in p.read_text("utf-8")))
    assert not test & train, f"in both: {sorted(test & train)[:10]}"


def test_test_set_is_held_out_as_the_classifier_sees_it(kb):
    """Names masked (the NLU classifies "<place>能用<service>吗", not "温州能用垫付吗"), no test question may
    equal or nearly equal a training example (evaluation.heldout)."""
    from evaluation.heldout import overlaps, store_finder, training_questions

    test = [m.get("text") for p in TEST_FILES for m in load_data(str(p)).training_examples]
    found = overlaps(test, training_questions(sorted((ROOT / "bot" / "data").glob("*.yml"))), store_finder(kb))
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:15]]


def test_the_development_set_is_held_out_from_training_and_test(kb):
    """benchmarks/data/nlu_dev is where training data may be written against (benchmarks/bench_nlu_dev.py):
    no training example may copy one of its questions, and none of them may stand for a test question,
    as the classifier sees them."""
    from evaluation.heldout import overlaps, store_finder, training_questions

    dev_files = sorted((ROOT / "benchmarks" / "data" / "nlu_dev").glob("*.yml"))
    dev = training_questions(dev_files)
    assert len(dev) >= 150
    finder = store_finder(kb)
    for other in (sorted((ROOT / "bot" / "data").glob("*.yml")), TEST_FILES):
        found = overlaps(dev, training_questions(other), finder)
        assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:15]]


@pytest.fixture(scope="module")
def nlu_report(model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu-results")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "nlu",
            "--nlu",
            str(TEST_DIR),
            "--model",
            str(model_path),
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=1200,
    )
    return out


def test_intent_accuracy(nlu_report):
    report = json.loads((nlu_report / "intent_report.json").read_text("utf-8"))
    assert report["accuracy"] >= MIN_INTENT_ACCURACY, {
        k: v for k, v in report.items() if isinstance(v, dict) and v.get("f1-score", 1) < 0.9
    }


def test_entity_f1(nlu_report):
    report = json.loads((nlu_report / "KnowledgeEntityExtractor_report.json").read_text("utf-8"))
    assert report["micro avg"]["f1-score"] >= MIN_ENTITY_F1, report
