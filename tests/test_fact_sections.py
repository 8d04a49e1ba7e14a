"""Every sentence the store quotes stands, in its manual, under the section it cites (issue 12).

The check (``knowledge.provenance``) finds each sentence in the manual's text and walks up to the
headings above it.  The tests below also feed it citations that are wrong in the ways the sources
were wrong, so a checker that passes everything would fail here.
"""

from __future__ import annotations

import pytest

from knowledge.provenance import NO_HEADING, NOT_FOUND, OK, WRONG_SECTION, Checker, Citation

PLUS = "000_01c07bc6b9f80855.txt"


@pytest.fixture(scope="module")
def checker(kb) -> Checker:
    return Checker(kb)


def test_every_quoted_sentence_stands_under_its_cited_section(checker):
    findings = checker.check_all()
    assert {f.citation.manual[:3] for f in findings} == {"000", "001", "002", "003", "004"}
    assert len(findings) > 1000
    wrong = [f.describe() for f in findings if f.status != OK]
    assert not wrong, "\n".join(wrong)


def test_000_steps_cite_the_flow_they_are_printed_in(kb, checker):
    # Each service's steps are the rows of its "(7) 服务流程" table (000 lines 245-262, 287-299, …; 院后随访
    # numbers it "7) 服务流程", L1930); 住院垫付's steps are (1)–(6) of "2. 垫付服务流程" (L133-161).
    # The channels stay with "(2) 申请方式" / "(1) 提交申请", where they are printed.
    services = [s for s in kb.services_of("尊享e生PLUS") if s.steps]
    assert len(services) == 18 and sum(len(s.steps) for s in services) == 104
    for svc in services:
        expected = "2. 垫付服务流程" if svc.key == "advance_payment" else "7) 服务流程"
        assert svc.steps_section.endswith(expected), (svc.key, svc.steps_section)
        channels = {f.section.split(" / ")[-1] for f in svc.facts_of("channel")}
        allowed = {"(1) 提交申请"} if svc.key == "advance_payment" else {"(2) 申请方式", "2) 申请方式"}
        assert channels and channels <= allowed, (svc.key, channels)
    steps = [f for f in checker.check_all() if f.citation.manual == PLUS and " step " in f.citation.where]
    assert len(steps) == 104 and all(f.status == OK for f in steps)


def _step(kb, key: str, n: int) -> str:
    return next(s for s in kb.services_of("尊享e生PLUS") if s.key == key).steps[n - 1]


def test_a_step_cited_by_the_application_heading_is_caught(kb, checker):
    # The defect as it was: 健康档案建立 step 2 (L255, under "(7) 服务流程：") cited as "(2) 申请方式".
    c = Citation(PLUS, "planted", _step(kb, "health_record", 2), "1. 健康档案建立 / (2) 申请方式")
    finding = checker.check(c)
    assert finding.status == WRONG_SECTION and finding.heading == "(7) 服务流程："
    assert checker.check(Citation(PLUS, "right", c.text, "1. 健康档案建立 / (7) 服务流程")).status == OK


def test_a_step_under_a_sub_heading_of_another_number_is_caught(kb, checker):
    # 住院垫付 step 4 (垫付确认, L152-154) cited as "(1) 提交申请"; its parent section "2. 垫付服务流程" holds.
    text = _step(kb, "advance_payment", 4)
    wrong = Citation(PLUS, "planted", text, "（二）垫付医疗服务 / 2. 垫付服务流程 / (1) 提交申请")
    assert checker.check(wrong).status == WRONG_SECTION
    right = Citation(PLUS, "right", text, "（二）垫付医疗服务 / 2. 垫付服务流程 / (4) 垫付确认")
    assert checker.check(right).status == OK


def test_the_same_heading_of_another_service_is_caught(kb, checker):
    # 基因检测 step 2 (L1045) is under 7.'s "(7) 服务流程", not under 6.'s.
    text = _step(kb, "drug_gene_testing", 2)
    other = Citation(PLUS, "planted", text, "6. 恶性肿瘤及罕见病院外特定药品直付（包含CAR-T)服务 / (7) 服务流程")
    assert checker.check(other).status == WRONG_SECTION


def test_page_titles_head_the_page_above_them(checker):
    # "致客户函" (L52) and "联系我们" (L76) are printed at the foot of their pages, after "Foreword"/"Contactus".
    text = "如您在使用过程中发现本服务手册内容与保险合同内容存在出入，请以签订的保险合同为准。"  # L47
    assert checker.check(Citation(PLUS, "right", text, "致客户函")).status == OK
    assert checker.check(Citation(PLUS, "planted", text, "联系我们")).status == WRONG_SECTION


def test_a_sentence_or_heading_not_in_the_manual_is_reported(checker):
    made_up = Citation(PLUS, "planted", "保单年度内可无限次免费乘坐直升机转运。", "1. 健康档案建立 / (4) 服务次数")
    assert checker.check(made_up).status == NOT_FOUND
    real = "保单年度内不限次数。"  # printed under 1. 健康档案建立 / (4) 服务次数 (L241), but no "(9) 服务保障" exists
    assert checker.check(Citation(PLUS, "planted", real, "1. 健康档案建立 / (9) 服务保障")).status == NO_HEADING
