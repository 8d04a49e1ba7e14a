"""The request rules at their edges, where a one-line slip (``<`` for ``<=``, a day off) changes the answer.

Besides the weekend clock of test_service_requests (Saturday 2026-11-21), a midweek clock
(Wednesday 2026-11-25) and a Friday and a Monday one: on a Saturday, counting today or Saturday
as a working day, or reading "下周二" as the coming Tuesday, gives the same answer as the right rule.
The policies are made in each test's own request store: one that starts later, a lapsed and a
cancelled one, one that expires today.  Each expected figure is the manual's (file and section in
the comment) or the product rule the desk states (the 30-minute binding lockout).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from request_factories import Clock, policy

from service_requests import parsing as p
from service_requests import rules
from service_requests.desk import LOCKOUT, MAX_FAILED_BINDINGS, ServiceDesk

SATURDAY = datetime(2026, 11, 21, 10, 0)
MONDAY = datetime(2026, 11, 23, 10, 0)
WEDNESDAY = datetime(2026, 11, 25, 10, 0)
FRIDAY = datetime(2026, 11, 27, 10, 0)


@pytest.fixture()
def desk(kb, tmp_path):
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'requests.sqlite3'}", clock=Clock(SATURDAY))
    d.load_policies(
        [
            policy("PA2026100001", "pingan_health", date(2026, 1, 1)),  # well past 004's 30-day waiting period
            policy("PA2026100002", "pingan_health", date(2026, 12, 1)),  # starts later
            policy("PA2026100003", "pingan_health", date(2026, 1, 1), status="lapsed"),
            policy("PA2026100004", "pingan_health", date(2026, 1, 1), status="cancelled"),
            policy("PA2025100005", "pingan_health", date(2025, 11, 22), date(2026, 11, 21)),  # expires today
            policy("ZAV2026100006", "zhongan_value_added", date(2026, 12, 1)),  # starts later
            policy("ZAV2026100007", "zhongan_value_added", date(2026, 11, 21)),  # starts today
            policy("ZAP2026100008", "zhongan_plus", date(2026, 1, 1), add_ons=["门急诊医疗补充加油包"]),
            # 000 门诊陪诊: 首年等待期同合同，续期无等待期 — a first-year policy inside the contract's 30 days
            policy("ZAP2026100009", "zhongan_plus", date(2026, 11, 1), add_ons=["门急诊医疗补充加油包"]),
        ]
    )
    return d


def choose(desk: ServiceDesk, number: str, service: str):
    return desk.choose_service(desk.policy(number), service)


# -- the policy's term --------------------------------------------------------------------------


def test_a_policy_that_starts_later_is_refused_as_not_yet_effective(desk):
    # 服务有效期与保险合同有效期一致: before the contract starts there is no service, whatever the waiting period
    for number, service in (("PA2026100002", "就医陪诊"), ("ZAV2026100006", "药惠购")):
        step = choose(desk, number, service)
        assert step.end and step.code == "not_yet_effective", (number, step)
        assert "2026年12月01日" in step.message


def test_a_policy_is_usable_from_its_first_day(desk):
    # 002 药惠购: 保单生效即可使用该服务 — the effective date itself
    assert choose(desk, "ZAV2026100007", "药惠购").value == "drug_discount_purchase"


@pytest.mark.parametrize("number", ["PA2026100003", "PA2026100004"])
def test_lapsed_and_cancelled_policies_are_not_in_force(desk, number):
    step = choose(desk, number, "就医陪诊")
    assert step.end and step.code == "not_in_force" and number in step.message


def test_the_expiry_day_is_still_inside_the_term_and_the_next_day_is_not(desk):
    assert choose(desk, "PA2025100005", "就医陪诊").value == "escort"  # 2026-11-21, the expiry date itself
    desk.clock.now = SATURDAY + timedelta(days=1)
    step = choose(desk, "PA2025100005", "就医陪诊")
    assert step.end and step.code == "expired"


# -- waiting periods to the day ------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 90, 180])
def test_the_contract_waiting_period_ends_exactly_after_its_days(kb, tmp_path, days):
    """002 癌症早筛: 保单等待期满后 — the contract's own number.  Counted as 004 defines it (生效日起 30 日内（含第
    30 天）为等待期): the effective date is day 1, so the first free day is effective + days."""
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'r.sqlite3'}", clock=Clock(SATURDAY))
    last_waiting = policy(
        "ZAV2026200001", "zhongan_value_added", SATURDAY.date() - timedelta(days=days - 1), waiting=days
    )
    first_free = policy("ZAV2026200002", "zhongan_value_added", SATURDAY.date() - timedelta(days=days), waiting=days)
    d.load_policies([last_waiting, first_free])
    step = choose(d, "ZAV2026200001", "癌症早筛")
    assert step.end and step.code == "waiting_period"
    assert f"{SATURDAY.date():%Y年%m月%d日} 结束" in step.message
    assert f"{SATURDAY.date() + timedelta(days=1):%Y年%m月%d日} 起" in step.message
    assert choose(d, "ZAV2026200002", "癌症早筛").value == "cancer_screening"
    verdict = rules.check_waiting_period(
        d.policy("ZAV2026200001"), d.service_of(d.policy("ZAV2026200001"), "cancer_screening"), [], SATURDAY.date()
    )
    assert verdict.data == {
        "ends": SATURDAY.date().isoformat(),
        "first_day": (SATURDAY.date() + timedelta(days=1)).isoformat(),
    }


def test_the_service_own_seven_days_end_to_the_day(kb, tmp_path):
    # 002 尊享家财服务: 应在等待期 7 天后 — effective 11-14: waiting to 11-20, free from 11-21 (today)
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'r.sqlite3'}", clock=Clock(SATURDAY))
    d.load_policies(
        [
            policy("ZAV2026300001", "zhongan_value_added", date(2026, 11, 14)),
            policy("ZAV2026300002", "zhongan_value_added", date(2026, 11, 15)),
        ]
    )
    assert choose(d, "ZAV2026300001", "尊享家财服务").value == "home_property_services"
    step = choose(d, "ZAV2026300002", "尊享家财服务")
    assert step.end and step.code == "waiting_period" and "2026年11月22日 起" in step.message


def test_a_first_year_policy_waits_for_the_000_outpatient_escort(desk):
    # 000 门诊陪诊: 首年等待期同合同 (the renewal exemption does not apply to a new policy): 11-01 + 30 → 12-01
    step = choose(desk, "ZAP2026100009", "门诊陪诊")
    assert step.end and step.code == "waiting_period" and "2026年12月01日 起" in step.message


# -- working days: a midweek clock and a Friday one -----------------------------------------------


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (WEDNESDAY, datetime(2026, 11, 26), 0),  # Wednesday → Thursday: none in between (today does not count)
        (WEDNESDAY, datetime(2026, 11, 27), 1),  # Thursday
        (FRIDAY, datetime(2026, 11, 30), 0),  # Friday → Monday: Saturday and Sunday are not working days
        (FRIDAY, datetime(2026, 12, 1), 1),  # Monday
        (SATURDAY, datetime(2026, 11, 23), 0),
        (MONDAY, datetime(2026, 11, 30), 4),  # Tuesday to Friday
    ],
)
def test_working_days_between_skip_today_and_the_weekend(start, end, expected):
    assert rules.working_days_between(start.date(), end.date()) == expected


@pytest.mark.parametrize(
    "now, too_soon, soon_enough",
    [
        (WEDNESDAY, "11月26日上午9点", "11月27日上午9点"),  # today is not one of the working days before
        (FRIDAY, "11月30日上午9点", "12月1日上午9点"),  # nor is Saturday
    ],
)
def test_one_working_day_notice_for_000_direct_billing_midweek_and_on_friday(desk, now, too_soon, soon_enough):
    # 000 直付医疗服务: 在就诊前提前1个工作日
    desk.clock.now = now
    pol = desk.policy("ZAP2026100008")
    svc = desk.service_of(pol, "direct_billing")
    assert desk.check_field(pol, svc, "date_time", too_soon, {}).code == "advance_notice"
    assert desk.check_field(pol, svc, "date_time", soon_enough, {}).code == "ok"


def test_promised_working_days_fall_on_the_next_working_day(desk):
    promise = rules.response_promise(desk.service_of(desk.policy("PA2026100001"), "escort"))
    fact = type(promise)(promise.kind, promise.text, promise.section, {"working_days": 1})
    assert rules.promise_deadline(fact, WEDNESDAY) == datetime(2026, 11, 26, 23, 59)
    assert rules.promise_deadline(fact, FRIDAY) == datetime(2026, 11, 30, 23, 59)


# -- cancellation at exactly two hours -----------------------------------------------------------


def test_cancellation_at_exactly_two_hours_is_allowed_and_a_second_later_is_not(desk):
    # 004 7天住院陪护 6.4: 请提前一天或至少提前两小时自主或致电客服取消服务
    pol = desk.policy("PA2026100001")
    care = desk.service_of(pol, "inpatient_care_7day")
    scheduled = datetime(2026, 11, 22, 9, 0)
    assert rules.check_cancel(care, scheduled, scheduled - timedelta(hours=2)).ok
    late = rules.check_cancel(care, scheduled, scheduled - timedelta(hours=2) + timedelta(seconds=1))
    assert not late.ok and late.code == "cancel_too_late"
    values = {"place": "浙江省杭州市", "hospital": "浙江省人民医院", "phone": "13900002222"}
    r = desk.submit(
        "rest", "u1", pol, care, {**values, "date_time": "2026-11-22 09:00", "admission_date": "2026-11-22"}, "c1"
    ).request
    desk.clock.now = scheduled - timedelta(hours=2)
    assert desk.cancel("rest", "u1", r.reference).code == "cancelled"


# -- the stay ------------------------------------------------------------------------------------


def test_service_on_the_discharge_day_is_accepted(desk):
    # 004 7天住院陪护: 根据医嘱建议住院天数提供服务 — the discharge day is still a day in hospital
    pol = desk.policy("PA2026100001")
    svc = desk.service_of(pol, "inpatient_care_7day")
    values = {"admission_date": "2026-11-23", "discharge_date": "2026-11-28"}
    assert desk.check_field(pol, svc, "date_time", "11月28日上午9点", values).value == "2026-11-28 09:00"
    assert desk.check_field(pol, svc, "date_time", "11月29日上午9点", values).code == "after_discharge"


def test_discharge_today_is_not_already_discharged(desk):
    pol = desk.policy("PA2026100001")
    svc = desk.service_of(pol, "inpatient_care_7day")
    assert desk.check_field(pol, svc, "discharge_date", "今天", {}).value == "2026-11-21"
    assert desk.check_field(pol, svc, "discharge_date", "昨天", {}).code == "discharged"


def test_discharge_transport_may_be_used_after_the_discharge_day(desk):
    # 004 9.出院交通安排 9.2: 仅限出院日期 3 日内使用 — after the discharge date, unlike the in-hospital services
    pol = desk.policy("PA2026100001")
    svc = desk.service_of(pol, "discharge_transport")
    values = {"admission_date": "2026-11-23", "discharge_date": "2026-11-28"}
    assert desk.check_field(pol, svc, "date_time", "11月29日上午9点", values).value == "2026-11-29 09:00"


# -- binding lockout -----------------------------------------------------------------------------


def test_the_binding_lockout_expires_after_thirty_minutes(desk):
    for _ in range(MAX_FAILED_BINDINGS):
        assert desk.bind("rest", "u7", "PA2026100001", "0000").code == "mismatch"
    desk.clock.now = SATURDAY + LOCKOUT - timedelta(seconds=1)
    assert desk.bind("rest", "u7", "PA2026100001", "1111").code == "locked"
    desk.clock.now = SATURDAY + LOCKOUT
    assert desk.bind("rest", "u7", "PA2026100001", "1111").code == "bound"
    assert LOCKOUT == timedelta(minutes=30)  # the number the locked message states


def test_four_failures_do_not_lock(desk):
    for _ in range(MAX_FAILED_BINDINGS - 1):
        desk.bind("rest", "u6", "PA2026100001", "0000")
    assert desk.bind("rest", "u6", "PA2026100001", "1111").code == "bound"


# -- places the manual leaves open ------------------------------------------------------------


@pytest.mark.parametrize(
    "service, place, where",
    [
        ("direct_billing", "杭州", "浙江省杭州市"),  # 000 直付医疗服务: the manual names no cities
        ("special_drug_direct_pay", "襄阳", "湖北省襄阳市"),  # 000 特药直付 lists 宜城市 but not 襄阳 itself
    ],
)
def test_an_unconfirmable_place_is_accepted_with_a_note(desk, service, place, where):
    pol = desk.policy("ZAP2026100008")
    step = desk.check_field(pol, desk.service_of(pol, service), "place", place, {})
    assert step.code == "unconfirmed" and step.value == where and "服务人员确认" in step.message


def test_a_province_asks_for_the_city(desk):
    pol = desk.policy("PA2026100001")
    step = desk.check_field(pol, desk.service_of(pol, "inpatient_care_7day"), "place", "安徽", {})
    assert step.value is None and step.code == "province"


@pytest.mark.parametrize(
    "typo, meant",
    [
        ("杭洲", "杭州市"),
        ("哈尔宾", "哈尔滨市"),
        ("乌鲁木其", "乌鲁木齐市"),
        ("石家装", "石家庄市"),
        ("呼和浩持", "呼和浩特市"),
        ("秦皇到", "秦皇岛市"),
        ("张家介", "张家界市"),
        ("齐齐哈耳", "齐齐哈尔市"),
        ("景德震", "景德镇市"),
        ("住马店", "驻马店市"),
        ("平定山", "平顶山市"),
        ("攀枝化", "攀枝花市"),
        ("鄂尔多思", "鄂尔多斯市"),
        ("佳木思", "佳木斯市"),
        ("日客则", "日喀则市"),
        ("厦们", "厦门市"),
    ],
)
def test_a_mistyped_place_is_asked_about_not_guessed(desk, kb, typo, meant):
    pol = desk.policy("PA2026100001")
    step = desk.check_field(pol, desk.service_of(pol, "inpatient_care_7day"), "place", typo, {})
    assert step.value is None and step.code == "unknown_place"
    assert f"您是指{meant}吗" in step.message
    r = kb.is_covered("平安", "住院陪护", typo).to_dict()
    assert r["covered"] is None and r["status"] == "unknown_place" and r["suggestions"][0] == meant


# -- "下周二" and other dates a weekday clock tells apart -------------------------------------------


@pytest.mark.parametrize(
    "now, text, expected",
    [
        (MONDAY, "下周二", "2026-12-01"),  # next week's Tuesday, not tomorrow
        (MONDAY, "下星期二", "2026-12-01"),
        (MONDAY, "周二", "2026-11-24"),  # the coming Tuesday
        (MONDAY, "这周二", "2026-11-24"),
        (MONDAY, "下下周二", "2026-12-08"),
        (WEDNESDAY, "周二", "2026-12-01"),  # this week's Tuesday is past
        (WEDNESDAY, "下周五", "2026-12-04"),
        (WEDNESDAY, "周五", "2026-11-27"),
        (SATURDAY, "11月15日", "2026-11-15"),  # an admission a week ago stays this year
        (SATURDAY, "5号", "2026-12-05"),  # a day of the month already past is next month's
        (SATURDAY, "十二月三日", "2026-12-03"),
    ],
)
def test_dates_read_from_a_weekday(now, text, expected):
    assert p.parse_date(text, now.date()).isoformat() == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("下午3点", "2026-11-21 15:00"),  # a time alone later today is today
        ("上午9点", "2026-11-22 09:00"),  # already past at 10:00: tomorrow
        ("中午1点", "2026-11-21 13:00"),
    ],
)
def test_a_time_alone_is_the_next_such_time(text, expected):
    when, timed = p.parse_datetime(text, SATURDAY)
    assert timed and when.strftime("%Y-%m-%d %H:%M") == expected


def test_two_hundred_kilometres_is_within_the_band():
    # 004 出院交通: 200 公里以内（含）安排车辆
    assert p.parse_distance_band("200公里") == "within_200km"
    assert p.parse_distance_band("201公里") == "over_200km"
    assert p.parse_distance_band("200公里以上") == "over_200km"


def test_no_problem_is_yes_and_numbers_that_are_not_mobiles_are_not_phones():
    assert p.parse_yes_no("没问题") is True
    assert p.parse_phone("12012345678") is None
    assert p.parse_phone("13912345678") == "13912345678"
    assert (p.cn_int("十"), p.cn_int("十二"), p.cn_int("二十三")) == (10, 12, 23)


def test_a_time_that_is_now_has_passed_even_without_a_notice_rule(desk):
    pol = desk.policy("ZAP2026100008")
    svc = desk.service_of(pol, "special_drug_direct_pay")
    assert rules.notice_hint(svc) is None  # the manual states no advance notice for it
    assert rules.check_advance_notice(svc, SATURDAY, SATURDAY).code == "past"
    assert rules.check_advance_notice(svc, SATURDAY + timedelta(minutes=1), SATURDAY).ok
