"""The focused search finds the manual's sentence however the customer words it, and the retrieval
development set it is measured and calibrated on stays honest (held out, each expected sentence
really in the manual and in the store).

The paraphrase cases below are written for this file from the manuals; they are in neither half
of knowledge/retrieval/dev.yml, so the development set stays a measurement.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from evaluation.heldout import overlaps, store_finder, training_questions
from evaluation.suite import load_suite, questions
from knowledge.api import FOCUS_MIN_SCORE, KnowledgeBase
from knowledge.retrieval import DEV_B_PATH, DEV_PATH, GAPS_DEV_PATH, MEASURING_SETS, PRODUCT_DEV_PATH, load_dev, split
from knowledge.search import FOCUS, char_bigrams, expand, synonym_groups

ROOT = Path(__file__).resolve().parents[1]
MANUALS = Path("/work/shared/manuals")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.open()


def _detail(kb: KnowledgeBase, text: str) -> str:
    """The question as the answer policy searches it: product, service and place names left out."""
    for m in sorted(store_finder(kb).find(text), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return text


def _service(kb: KnowledgeBase, product_id: str, name: str):
    return next(s for s in kb.all_services() if s.product.id == product_id and s.name == name)


# (product, service, question with its names, a substring of the sentence that answers it).
# Each needs the lexicon or the character pairs: the word search alone found none of them.
PARAPHRASES = [
    ("zhongan_plus", "门诊陪诊服务", "老婆要剖腹产了，PLUS门诊陪诊能跟着去吗", "分娩时不进行陪同"),
    ("pingan_health", "7天住院陪护", "平安陪护的护工能帮我爸输液吗", "避免向客户提供如注射等介入性"),
    ("zhongan_value_added", "视频问诊服务", "得了抑郁症能用众安视频问诊吗", "精神类或心理咨询不在服务范围"),
    ("axa_tianping", "远程问诊", "星期天能给安盛远程问诊打电话吗", "9：00~21：00"),
]


@pytest.mark.parametrize("product_id,service_name,question,expected", PARAPHRASES)
def test_a_paraphrased_detail_question_finds_the_manuals_sentence(kb, product_id, service_name, question, expected):
    finder = store_finder(kb)
    detail = question
    for m in sorted(finder.find(question), key=lambda m: len(m.text), reverse=True):
        detail = detail.replace(m.text, " ")
    # ranked first; whether it is also shown is the calibrated threshold's trade (benchmarks/bench_retrieval.py:
    # at 9.36 the 剖腹产 question's right sentence, first at 8.87, is not shown)
    svc = _service(kb, product_id, service_name)
    ranked = kb.focus_ranking(detail, svc.id, svc.product.id)
    assert ranked and expected in ranked[0]["text"], ranked[:1]


def test_a_detail_the_manual_does_not_state_gets_no_sentence_as_often_as_measured(kb):
    # The questions of the development set the manual does not answer: at the calibrated threshold 4 of 11
    # (calibration half) and 4 of 10 (check half) still get a loosely related sentence, with the hooks
    # as without them (benchmarks/bench_retrieval.py).  With the threshold the first hooks brought (1.31),
    # "护工晚上睡哪里" (000 院内陪护 says nothing of where the carer sleeps) was one more such, shown
    # "每天 24 小时"; at 9.36, with hooks for every sentence, it gets none.
    unanswerable = [i for i in load_dev() if not i.answerable]
    shown = [
        i.q
        for i in unanswerable
        if kb.focus_passage(
            _detail(kb, i.q),
            _service(kb, i.product, i.service) if i.service else None,
            None if i.service else i.product,
        )
        is not None
    ]
    # with the hooks of 2026-12-04 at 5.29: 5 of 11 and 5 of 10 (knowledge/gaps.py then tells a part of
    # them what the manual does not state)
    assert len(shown) <= 10, shown


def test_the_lexicon_expands_a_customers_word_to_the_manuals():
    extra = expand("老婆要剖腹产了", synonym_groups())
    assert "分娩" in extra and "剖腹产" not in extra
    assert expand("这句话与词表无关", synonym_groups()) == []


def test_character_pairs_stay_within_a_run_of_letters():
    assert char_bigrams("打针，换药") == ["打针", "换药"]
    assert char_bigrams("药 费") == ["药", "费"]


# -- the development set ---------------------------------------------------------------------


def _fold(text: str) -> str:
    return re.sub(r"\s+|\*\*", "", text)


@pytest.mark.parametrize(
    "path, least, unanswerable",
    [(DEV_PATH, 120, 20), (DEV_B_PATH, 150, 20), (GAPS_DEV_PATH, 60, 40), (PRODUCT_DEV_PATH, 150, 40)],
)
def test_every_expected_sentence_is_in_the_manual_and_in_the_searched_passages(kb, path, least, unanswerable):
    manuals = {p.id: _fold((MANUALS / p.manual).read_text("utf-8")) for p in kb.products()}
    items = load_dev(path)
    assert len(items) >= least and sum(not i.answerable for i in items) >= unanswerable
    assert {i.product for i in items} == {p.id for p in kb.products()}
    for it in items:
        sid = _service(kb, it.product, it.service).id if it.service else None
        scope = [
            p
            for p in kb._passages
            if p[0] == it.product and (sid is None or p[1] == sid) and p[2] not in ("step", "channel")
        ]
        if it.answerable:
            assert any(it.matches(p[4]) for p in scope), it
            assert any(_fold(e) in manuals[it.product] for e in it.expect), it


def test_the_split_is_deterministic_and_each_half_covers_every_product():
    items = load_dev()
    calibration, check = split(items)
    assert split(list(reversed(items))) == (calibration, check)
    assert sorted(calibration + check, key=lambda i: i.q) == sorted(items, key=lambda i: i.q)
    for half in (calibration, check):
        assert {i.product for i in half} == {i.product for i in items}
        assert any(not i.answerable for i in half)


def test_the_development_sets_are_held_out_from_the_suite_the_nlu_data_and_each_other(kb):
    dev = [i.q for path in MEASURING_SETS if path != GAPS_DEV_PATH for i in load_dev(path)]
    gaps = [i.q for i in load_dev(GAPS_DEV_PATH)]
    finder = store_finder(kb)
    suite = questions([load_suite(p) for p in sorted((ROOT / "evaluation" / "suites").glob("*.yml"))])
    nlu = training_questions(
        sorted((ROOT / "bot" / "data").glob("*.yml")) + sorted((ROOT / "tests" / "nlu").glob("test_nlu*.yml"))
    )
    first = [i.q for i in load_dev(DEV_PATH)]
    second = [i.q for i in load_dev(DEV_B_PATH)]
    found = (
        overlaps(dev, suite + nlu, finder)
        + overlaps(gaps, suite + nlu + dev, finder)
        + overlaps(second, first, finder)  # the second part adds questions, not the first's again
    )
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:10]]


def test_the_shipped_threshold_is_the_one_calibrated_on_the_calibration_half(kb):
    spec = importlib.util.spec_from_file_location("bench_retrieval", ROOT / "benchmarks" / "bench_retrieval.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    calibration, _ = split(load_dev())
    ranked = bench.measure(bench.focus_search(kb, FOCUS), bench.cases(kb, calibration, store_finder(kb)))
    assert round(bench.calibrate(ranked), 2) == FOCUS_MIN_SCORE


def test_a_question_asking_for_a_kind_of_value_prefers_the_sentence_that_prints_one(kb):
    from knowledge.search import expected_values

    assert [p.pattern for p in expected_values("多少钱以上要审处方")] and not expected_values("能不能扶着我走")
    assert any(p.search("服务时间每日 6：00-22：00") for p in expected_values("大清早几点开始有人"))
    svc = kb.service("zhongan_value_added", "图文咨询")
    hit = kb.focus_passage("大清早几点开始有人", svc)
    assert hit is not None and "6：00-22：00" in hit["text"]
    off = replace(FOCUS, answer_bonus=0.0, hooks=0.0)  # without them no word of the question is in that sentence
    ranked = kb.focus_ranking("大清早几点开始有人", svc.id, None, options=off)
    assert not ranked or "6：00-22：00" not in ranked[0]["text"] or ranked[0]["score"] < FOCUS_MIN_SCORE


def test_a_services_sentence_far_above_the_products_own_is_the_focus():
    """Without a service named the product's own rules come first, unless a service's sentence scores
    OTHER_SERVICE_FACTOR times as high (and as the threshold): a service described, not named."""
    from knowledge.api import OTHER_SERVICE_FACTOR, pick_focus

    k, t = OTHER_SERVICE_FACTOR, 9.36
    own = {"service_id": None, "score": 12.0, "text": "共享规则"}
    far = {"service_id": 7, "score": k * 12.0, "text": "不能现金补贴"}
    near = {"service_id": 7, "score": k * 12.0 - 1, "text": "不能现金补贴"}
    assert pick_focus([far, own], False, t) is far
    assert pick_focus([near, own], False, t) is own
    assert pick_focus([{**near, "score": k * t}], False, t) is not None  # a service's sentence alone
    assert pick_focus([{**near, "score": k * t - 0.01}], False, t) is None


def test_the_factor_for_a_services_sentence_is_the_one_calibrated_on_the_product_wide_set(kb):
    spec = importlib.util.spec_from_file_location("bench_retrieval", ROOT / "benchmarks" / "bench_retrieval.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    from knowledge.api import OTHER_SERVICE_FACTOR

    calibration, _ = split(load_dev(PRODUCT_DEV_PATH))
    ranked = bench.measure(bench.focus_search(kb, FOCUS), bench.cases(kb, calibration, store_finder(kb)))
    assert bench.calibrate_factor(ranked) == OTHER_SERVICE_FACTOR


def test_the_last_clause_of_a_message_is_the_thing_asked():
    """FocusOptions.last_clause (measured, not shipped: benchmarks/bench_retrieval.py) scores this apart."""
    from knowledge.search import last_clause

    assert last_clause("我爸痰多自己咳不出来，平安陪护的护工能给他吸痰吗") == "平安陪护的护工能给他吸痰吗"
    assert last_clause("能保证吗？") == "能保证吗" and last_clause("？") == "？"
