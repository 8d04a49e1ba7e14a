"""The request desk on a real database: eligibility against the manuals' numbers, binding, idempotent submission, cancellation.

The clock is fixed (Saturday 2026-11-21 10:00, Beijing time) so every figure can be checked by hand;
each expected number is the manual's (file and section in the comment).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from request_factories import Clock, policy

from service_requests.config import ROOT
from service_requests.desk import RequestRefused, ServiceDesk

NOW = datetime(2026, 11, 21, 10, 0)  # a Saturday


@pytest.fixture()
def desk(kb, tmp_path):
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'requests.sqlite3'}", clock=Clock(NOW))
    d.load_policies(
        [
            policy("PA2026000001", "pingan_health", date(2026, 10, 23)),  # day 30 is 11-21: still waiting
            policy("PA2026000002", "pingan_health", date(2026, 10, 22)),  # day 31 is 11-21: free
            policy("PA2026000003", "pingan_health", date(2026, 11, 20), continuation="transfer"),
            policy("ZAP2026000004", "zhongan_plus", date(2026, 1, 1), add_ons=["门急诊医疗补充加油包"]),
            policy("ZAP2026000005", "zhongan_plus", date(2026, 1, 1)),
            policy(
                "ZAP2026000006",
                "zhongan_plus",
                date(2026, 11, 1),
                add_ons=["门急诊医疗补充加油包"],
                continuation="renewal",
            ),
            policy("ZAV2026000007", "zhongan_value_added", date(2026, 11, 16)),
            policy("AX2025000008", "axa_tianping", date(2025, 1, 1), date(2025, 12, 31)),
            policy("AX2026000009", "axa_tianping", date(2026, 1, 1)),
        ]
    )
    return d


def choose(desk, number, service):
    return desk.choose_service(desk.policy(number), service)


def test_pingan_waiting_period_is_30_days_including_day_30(desk):
    # 004 敬请注意/服务规则: 本合同生效日起 30 内（含第 30 天）为等待期
    step = choose(desk, "PA2026000001", "就医陪诊")
    assert step.end and step.code == "waiting_period"
    assert "2026年11月21日 结束" in step.message and "2026年11月22日 起" in step.message
    assert choose(desk, "PA2026000002", "就医陪诊").value == "escort"


def test_transfer_and_exempt_services_have_no_waiting_period(desk):
    assert choose(desk, "PA2026000003", "7天住院陪护").value == "inpatient_care_7day"  # 转保无等待期
    assert choose(desk, "ZAV2026000007", "药惠购").value == "drug_discount_purchase"  # 保单生效即可使用该服务


def test_service_own_waiting_period_and_contract_period(desk):
    step = choose(desk, "ZAV2026000007", "尊享家财服务")  # 应在等待期 7 天后: 11-16 + 7 → from 11-23
    assert step.end and "2026年11月23日 起" in step.message
    step = choose(desk, "ZAV2026000007", "癌症早筛")  # 保单等待期满后: the contract's 30 days
    assert step.end and "合同约定 30 天" in step.message
    # 000 门诊陪诊: 首年等待期同合同，续期服务则无等待期
    assert choose(desk, "ZAP2026000006", "门诊陪诊").value == "outpatient_escort"


def test_accident_exemption_is_mentioned(desk):
    step = choose(desk, "ZAV2026000007", "医疗垫付")  # 002: 等待期后（意外无等待期）
    assert step.end and "意外无等待期" in step.message


def test_add_on_is_required_for_000_outpatient_escort(desk):
    step = choose(desk, "ZAP2026000005", "门诊陪诊")
    assert step.end and step.code == "add_on" and "门急诊医疗补充加油包" in step.message
    assert choose(desk, "ZAP2026000004", "门诊陪诊").value == "outpatient_escort"


def test_expired_policy_and_service_not_in_product(desk):
    step = choose(desk, "AX2025000008", "恶性肿瘤就医绿通")
    assert step.end and step.code == "expired" and "2025年12月31日" in step.message
    step = choose(desk, "AX2026000009", "住院陪护")
    assert step.value is None and not step.end and "不含" in step.message and "恶性肿瘤住院垫付服务" in step.message


def test_advance_notice_48_hours_for_pingan_escort(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "escort")  # 004 3.就医陪诊: 客户需提前 48 小时提交服务申请
    assert desk.check_field(pol, svc, "date_time", "11月23日上午9点", {}).code == "advance_notice"  # 47 h
    assert desk.check_field(pol, svc, "date_time", "11月23日上午10点", {}).value == "2026-11-23 10:00"  # 48 h


def test_advance_notice_12_hours_and_the_24_of_the_faq(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "inpatient_care_7day")
    step = desk.check_field(pol, svc, "date_time", "今天晚上9点", {})  # 11 h
    assert step.code == "advance_notice" and "12 小时" in step.message and "24 小时" in step.message
    assert desk.check_field(pol, svc, "date_time", "今天晚上10点", {}).value == "2026-11-21 22:00"


def test_advance_notice_in_working_days(desk):
    pol = desk.policy("ZAP2026000004")
    svc = desk.service_of(pol, "direct_billing")  # 000: 就诊前提前1个工作日; Saturday → Monday has none between
    assert desk.check_field(pol, svc, "date_time", "11月23日上午9点", {}).code == "advance_notice"
    assert desk.check_field(pol, svc, "date_time", "11月24日上午9点", {}).value == "2026-11-24 09:00"


def test_place_must_be_covered(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "inpatient_care_7day")
    assert desk.check_field(pol, svc, "place", "毫州", {}).value == "安徽省亳州市"
    assert desk.check_field(pol, svc, "place", "乌海", {}).code == "not_covered"
    assert desk.check_field(pol, svc, "place", "火星", {}).code == "unknown_place"


def test_prerequisite_answered_no_ends_the_request(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "inpatient_assist")  # 已获取服务范围内医院开具的住院单
    assert desk.fields(pol, svc)[0] == "inpatient_order"
    step = desk.check_field(pol, svc, "inpatient_order", "还没开", {})
    assert step.end and "住院单" in step.message
    assert desk.check_field(pol, svc, "inpatient_order", "已经开了", {}).value == "是"


def _values(**kw):
    base = {
        "place": "浙江省杭州市",
        "hospital": "浙江省人民医院",
        "date_time": "2026-11-25 09:00",
        "phone": "13900002222",
    }
    base.update(kw)
    return base


def test_usage_limit_once_per_policy_year_counts_stored_requests(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "escort")  # 每个保险期间 1次
    first = desk.submit("rest", "u1", pol, svc, _values(), "d1")
    assert first.created and first.request.reference == "SR-20261121-0001"
    step = desk.choose_service(pol, "就医陪诊")
    assert step.end and step.code == "limit" and "1 次" in step.message
    desk.cancel("rest", "u1", first.request.reference)  # a cancelled request gives the use back
    assert desk.choose_service(pol, "就医陪诊").value == "escort"


def test_usage_limit_per_hospitalisation(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "hospital_visit")  # 保单有效期内，每次住院提供 1 次
    assert "admission_date" in desk.fields(pol, svc)
    desk.submit("rest", "u1", pol, svc, _values(admission_date="2026-11-24"), "d1")
    assert desk.check_field(pol, svc, "admission_date", "11月24日", {}).code == "limit"
    assert desk.check_field(pol, svc, "admission_date", "12月10日", {}).value == "2026-12-10"


def test_repeated_confirmation_stores_one_request(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "escort")
    a = desk.submit("rest", "u1", pol, svc, _values(), "same")
    b = desk.submit("rest", "u1", pol, svc, _values(), "same")
    assert a.created and not b.created and a.request.reference == b.request.reference
    assert "已经提交过" in b.message and len(desk.requests_of("rest", "u1")) == 1


def test_references_count_up_per_day_and_history_is_kept(desk):
    pol = desk.policy("PA2026000002")
    a = desk.submit("rest", "u1", pol, desk.service_of(pol, "escort"), _values(), "d1")
    b = desk.submit("rest", "u1", pol, desk.service_of(pol, "outpatient_assist"), _values(), "d2")
    assert (a.request.reference, b.request.reference) == ("SR-20261121-0001", "SR-20261121-0002")
    view = desk.set_status(b.request.reference, "cancelled", "butler:王管家", "客户来电取消")
    assert [(h["from"], h["to"], h["actor"]) for h in view.history] == [
        (None, "submitted", "customer:rest:u1"),
        ("submitted", "cancelled", "butler:王管家"),
    ]
    assert "13900002222" not in a.message and "下一步" in a.message


def test_rules_are_checked_again_at_confirmation(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "escort")
    desk.clock.now = datetime(2026, 11, 24, 10, 0)  # the customer came back three days later
    with pytest.raises(RequestRefused) as refused:
        desk.submit("rest", "u1", pol, svc, _values(), "late")
    assert refused.value.verdict.code == "advance_notice"


def test_cancellation_rules(desk):
    pol = desk.policy("PA2026000002")
    care = desk.service_of(pol, "inpatient_care_7day")  # 至少提前两小时取消
    r = desk.submit(
        "rest", "u1", pol, care, _values(date_time="2026-11-22 09:00", admission_date="2026-11-22"), "c1"
    ).request
    desk.clock.now = datetime(2026, 11, 22, 7, 30)
    refused = desk.cancel("rest", "u1", r.reference)
    assert not refused.ok and refused.code == "cancel_too_late" and "2 小时" in refused.message
    desk.clock.now = datetime(2026, 11, 22, 6, 30)
    assert desk.cancel("rest", "u1", r.reference).ok
    assert desk.cancel("rest", "u1", r.reference).code == "already_cancelled"
    axa = desk.policy("AX2026000009")
    green = desk.service_of(axa, "cancer_green_channel")  # 本项服务申请成功后不允许改期或取消
    g = desk.submit("rest", "u2", axa, green, _values(date_time="2026-12-01 09:00"), "c2").request
    refused = desk.cancel("rest", "u2", g.reference)
    assert not refused.ok and refused.code == "cancel_not_allowed" and "不允许" in refused.message
    assert desk.cancel("rest", "u1", g.reference).code == "not_found"  # not another customer's request


def test_binding_checks_digits_and_locks_after_repeated_failures(desk):
    assert desk.bind("rest", "u9", "PA2026000002", "1111").ok  # phone 13900001111
    assert desk.bind("rest", "u8", "pa2026000002", "123x").ok  # ID number ends 123X
    assert desk.bound_policy("rest", "u9").number == "PA2026000002"
    assert desk.bound_policy("rest", "u9").phone_masked == "139****1111"
    for _ in range(5):
        assert desk.bind("rest", "u7", "PA2026000002", "0000").code == "mismatch"
    assert desk.bind("rest", "u7", "PA2026000002", "1111").code == "locked"
    assert desk.unbind("rest", "u9") == "PA2026000002" and desk.bound_policy("rest", "u9") is None


def test_a_request_stored_before_a_crash_is_found_by_the_retry(kb, tmp_path):
    """A process stores the request and dies before replying; a new process confirming the same draft finds it."""
    url = f"sqlite:///{tmp_path / 'requests.sqlite3'}"
    script = f"""
import os
from datetime import datetime
from knowledge.api import KnowledgeBase
from service_requests.desk import ServiceDesk
d = ServiceDesk(KnowledgeBase({kb.url!r}), {url!r}, clock=lambda: datetime(2026, 11, 21, 10, 0))
d.load_demo_policies()
pol = d.policy("PA2025000501")
d.submit("wechat", "u1", pol, d.service_of(pol, "escort"),
         {{"place": "浙江省杭州市", "hospital": "浙江省人民医院", "date_time": "2026-11-25 09:00", "phone": "13900002222"}}, "draft-x")
os._exit(9)  # killed between storing and replying
"""
    assert subprocess.run([sys.executable, "-c", script], cwd=ROOT).returncode == 9
    d = ServiceDesk(kb, url, clock=Clock(NOW))
    pol = d.policy("PA2025000501")
    again = d.submit("wechat", "u1", pol, d.service_of(pol, "escort"), {}, "draft-x")
    assert not again.created and again.request.reference == "SR-20261121-0001"
    assert len(d.requests_of_policy(pol)) == 1


def test_the_desk_runs_on_postgresql(kb, postgres_url):
    d = ServiceDesk(kb, postgres_url, clock=Clock(NOW))
    d.load_demo_policies()
    pol = d.policy("PA2025000501")
    sub = d.submit("rest", "pg", pol, d.service_of(pol, "escort"), _values(), "pg-1")
    assert (
        d.submit("rest", "pg", pol, d.service_of(pol, "escort"), _values(), "pg-1").request.reference
        == sub.request.reference
    )
    assert d.cancel("rest", "pg", sub.request.reference).ok
    assert [h["to"] for h in d.request(sub.request.reference).history] == ["submitted", "cancelled"]
    d.engine.dispose()


def test_stay_dates_bound_the_service_time(desk):
    pol = desk.policy("PA2026000002")
    svc = desk.service_of(pol, "inpatient_care_7day")
    values = {"admission_date": "2026-11-23", "discharge_date": "2026-11-28"}
    assert desk.check_field(pol, svc, "discharge_date", "11月20日", {}).code == "discharged"
    assert desk.check_field(pol, svc, "date_time", "11月29日上午9点", values).code == "after_discharge"
    assert desk.check_field(pol, svc, "date_time", "11月22日上午9点", values).code == "before_admission"
    step = desk.check_field(pol, svc, "date_time", "11月24日", values)
    assert step.value == "2026-11-24 09:00" and "上午 9 点" in step.message


# -- the butlers' statuses (issue 11) -------------------------------------------------------------


def test_a_cancellation_after_arrangement_counts_as_a_use_where_the_manual_says_so(desk):
    pol = desk.policy("PA2026000002")
    escort = desk.service_of(
        pol, "escort"
    )  # 3.2: 本公司已确认陪诊员安排，但因客户自身原因放弃或取消服务的，视同该次服务已完成
    r = desk.submit("rest", "u1", pol, escort, _values(date_time="2026-12-01 09:00"), "a1").request
    desk.set_status(r.reference, "arranged", "butler:王管家", "陪诊员已确认")
    verdict = desk.cancel("rest", "u1", r.reference)
    assert verdict.ok and verdict.code == "cancelled_used" and "视同该次服务已完成" in verdict.message
    assert "3.就医陪诊 / 3.2 服务标准" in verdict.message
    assert desk.request(r.reference).status == "cancelled_used"
    again = desk.choose_service(pol, "就医陪诊")  # 每个保险期间 1次: the cancelled use still counts
    assert again.end and "次数已用完" in again.message


def test_a_cancellation_before_arrangement_gives_the_use_back(desk):
    pol = desk.policy("PA2026000002")
    escort = desk.service_of(pol, "escort")
    r = desk.submit("rest", "u1", pol, escort, _values(date_time="2026-12-01 09:00"), "a2").request
    assert desk.cancel("rest", "u1", r.reference).code == "cancelled"
    assert not desk.choose_service(pol, "就医陪诊").end  # the use is free again


def test_a_service_without_that_rule_is_cancelled_plainly_after_arrangement(desk):
    pol = desk.policy("PA2026000002")
    care = desk.service_of(pol, "inpatient_care_7day")  # its rule is the 2-hour notice, not 安排后视同已使用
    r = desk.submit(
        "rest", "u1", pol, care, _values(date_time="2026-11-25 09:00", admission_date="2026-11-25"), "a3"
    ).request
    desk.set_status(r.reference, "arranged", "butler:王管家")
    assert desk.cancel("rest", "u1", r.reference).code == "cancelled"


def test_butlers_move_a_request_along_its_statuses_only(desk):
    pol = desk.policy("PA2026000002")
    escort = desk.service_of(pol, "escort")
    r = desk.submit("rest", "u1", pol, escort, _values(date_time="2026-12-01 09:00"), "a4").request
    with pytest.raises(ValueError, match="原因"):
        desk.set_status(r.reference, "cancelled", "butler:王管家")
    with pytest.raises(ValueError, match="不能改为"):
        desk.set_status(r.reference, "cancelled_used", "butler:王管家", "x")
    with pytest.raises(ValueError, match="没有"):
        desk.set_status(r.reference, "lost", "butler:王管家")
    view = desk.set_status(r.reference, "done", "butler:王管家", "陪诊完成")
    assert view.status == "done" and [h["to"] for h in view.history] == ["submitted", "done"]
    assert desk.cancel("rest", "u1", r.reference).code == "done"
    with pytest.raises(ValueError, match="不能改为"):
        desk.set_status(r.reference, "arranged", "butler:王管家")


def test_the_promised_response_falls_due_and_a_late_request_is_flagged(desk):
    from service_requests import rules

    pol = desk.policy("PA2026000002")
    escort = desk.service_of(pol, "escort")
    promise = rules.response_promise(escort)
    r = desk.submit("rest", "u1", pol, escort, _values(date_time="2026-12-01 09:00"), "a5").request
    assert r.response_time == promise.text and r.due_at is not None and not r.overdue
    desk.clock.now = r.due_at + timedelta(minutes=1)
    assert desk.request(r.reference).overdue
    desk.set_status(r.reference, "arranged", "butler:王管家")
    assert not desk.request(r.reference).overdue
    saturday = datetime(2026, 11, 21, 10, 0)
    fact = lambda **d: type(promise)(promise.kind, promise.text, promise.section, d)  # noqa: E731
    assert rules.promise_deadline(fact(hours=48), saturday) == datetime(2026, 11, 23, 10, 0)
    assert rules.promise_deadline(fact(working_days=1), saturday) == datetime(2026, 11, 23, 23, 59)  # Monday
    assert rules.promise_deadline(fact(working_hours=2), saturday) == datetime(
        2026, 11, 23, 2, 0
    )  # weekend hours skipped
    assert rules.promise_deadline(None, saturday) is None
