"""Service requests through the trained model over REST, as a customer's messages travel.

Each conversation uses the demo policies (dates relative to today, real clock); what is checked is
what the customer reads and what the request store then holds.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Tuple

import pytest

from service_requests.desk import ServiceDesk

_ids = itertools.count()


class Customer:
    def __init__(self, assistant, desk: ServiceDesk) -> None:
        self.assistant, self.desk = assistant, desk
        self.sender = f"customer-{next(_ids)}"

    def say(self, text: str) -> str:
        messages: List[Dict[str, Any]] = self.assistant.say(self.sender, text)
        return "\n".join(m["text"] for m in messages if "text" in m)

    def bind(self, number: str, last4: str) -> str:
        self.say(number)
        return self.say(last4)

    def requests(self):
        """Requests this customer made in this chat (demo policies are shared between tests)."""
        mine = f"customer:rest:{self.sender}"
        return [r for r in self.desk.requests_of("rest", self.sender) if r.history[0]["actor"] == mine]

    def slot(self, name: str):
        return self.assistant.tracker(self.sender)["slots"].get(name)


@pytest.fixture()
def customer(assistant, desk) -> Customer:
    return Customer(assistant, desk)


def far_date(days: int = 10) -> str:
    from datetime import date, timedelta

    d = date.today() + timedelta(days=days)
    return f"{d.month}月{d.day}日上午10点"


def test_not_bound_asks_for_the_policy_then_wrong_digits_then_right(customer):
    text = customer.say("我要申请就医陪诊")
    assert "验证保单" in text and "保单号" in text
    text = customer.say("PA2025000501")
    assert "后四位" in text
    text = customer.say("9999")
    assert "不匹配" in text and customer.requests() == []
    customer.say("PA2025000501")
    text = customer.say("0501")
    assert "已验证" in text and "13800000501" not in text and "330106199002024567" not in text
    assert "城市" in text  # the form goes on with the service named at the start


def open_request(customer: Customer, number: str, last4: str, ask: str, answers: List[Tuple[str, str]]) -> str:
    """Say ``ask``, bind, then answer each question whose text contains the key."""
    text = customer.say(ask)
    if "保单号" in text:
        text = customer.bind(number, last4)
    for key, answer in answers:
        assert key in text, (key, text)
        text = customer.say(answer)
    return text


def test_pingan_escort_full_request_with_corrections_and_double_confirmation(customer, desk):
    text = open_request(
        customer,
        "PA2025000501",
        "0501",
        "帮我约一下就医陪诊",
        [("城市", "杭州"), ("医院", "浙江大学医学院附属第一医院"), ("时间", "明天上午9点")],
    )
    assert "48 小时" in text and "来不及" in text  # too little advance notice, asked again
    text = customer.say(far_date(10))
    assert "电话" in text and "138****0501" in text
    text = customer.say("用保单手机")
    assert "请确认" in text and "浙江省杭州市" in text and "138****0501" in text
    text = customer.say("电话改成13912345678")
    assert "已将联系电话改为：139****5678" in text and "请确认" in text and "139****5678" in text
    text = customer.say("确认")
    assert "已为您提交就医陪诊申请" in text and "SR-" in text
    text = customer.say("确认")
    assert "已经提交过" in text
    stored = customer.requests()
    assert len(stored) == 1 and stored[0].details["phone"] == "13912345678" and stored[0].status == "submitted"
    text = customer.say("我的申请进度")
    assert stored[0].reference in text and "就医陪诊" in text and "已提交" in text
    text = customer.say("我要申请就医陪诊")  # 每个保险期间 1 次
    assert "次数已用完" in text
    text = customer.say(f"取消申请 {stored[0].reference}")
    assert "已取消" in text and customer.requests()[0].status == "cancelled"


def test_inside_the_waiting_period_says_when_it_ends(customer, desk):
    text = open_request(customer, "PA2026000502", "0502", "我想预约就医陪诊", [])
    assert "等待期到" in text and "结束" in text and "起才能申请" in text
    assert customer.requests() == []


def test_expired_policy_is_refused(customer):
    text = open_request(customer, "ZAE2024000203", "0203", "帮我申请直付医疗服务", [])
    assert "到期" in text and customer.requests() == []


def test_missing_add_on_is_explained(customer):
    text = open_request(customer, "ZAP2025000104", "0104", "帮我约门诊陪诊", [])
    assert "门急诊医疗补充加油包" in text and customer.requests() == []


def test_place_not_covered_then_a_covered_one(customer):
    text = open_request(customer, "PA2025000501", "0501", "我要申请7天住院陪护", [("城市", "乌海")])
    assert "不在" in text and "服务范围" in text
    text = customer.say("毫州")
    assert "医院" in text
    text = customer.say("算了不办了")
    assert "已停止" in text and customer.requests() == []


def test_stop_in_the_middle_keeps_nothing_and_a_new_question_is_answered(customer):
    open_request(customer, "PA2025000501", "0501", "帮我申请住院协助", [])
    text = customer.say("算了")
    assert "已停止" in text
    text = customer.say("住院协助在杭州能用吗")
    assert text.startswith("可以")
    assert customer.requests() == []


def test_zhongan_plus_outpatient_escort(customer):
    text = open_request(
        customer,
        "ZAP2025000101",
        "1234",
        "我想申请门诊陪诊",
        [("城市", "上海"), ("医院", "复旦大学附属华山医院"), ("时间", far_date(7)), ("电话", "13700001111")],
    )
    assert "请确认" in text and "137****1111" in text
    text = customer.say("确认")
    assert "已为您提交门诊陪诊服务申请" in text


def test_zhongan_2023_direct_billing(customer):
    text = open_request(
        customer,
        "ZAE2025000201",
        "0201",
        "帮我申请直付医疗服务",
        [("城市", "北京"), ("医院", "北京协和医院"), ("时间", far_date(8)), ("电话", "用保单手机")],
    )
    assert "请确认" in text
    assert "已为您提交直付医疗服务申请" in customer.say("确认")


def test_zhongan_value_added_video_consultation(customer):
    text = open_request(
        customer, "ZAV2025000301", "0301", "我要预约视频问诊", [("时间", far_date(3)), ("电话", "用保单手机")]
    )
    assert "请确认" in text and "城市" not in text  # a remote service asks no place
    assert "已为您提交视频问诊服务申请" in customer.say("确认")


def test_axa_green_channel_cannot_be_cancelled(customer):
    text = open_request(
        customer,
        "AX2025000401",
        "0401",
        "帮我申请恶性肿瘤就医绿通",
        [("城市", "杭州"), ("医院", "浙江省肿瘤医院"), ("时间", far_date(12)), ("电话", "用保单手机")],
    )
    assert "请确认" in text
    text = customer.say("确认")
    reference = customer.requests()[0].reference
    text = customer.say(f"帮我取消申请{reference}")
    assert "无法取消" in text and "不允许" in text and customer.requests()[0].status == "submitted"


def test_switch_policy_asks_for_the_policy_again(customer):
    customer.say("我要申请就医陪诊")
    customer.bind("PA2025000501", "0501")
    customer.say("算了")
    text = customer.say("换一个保单")
    assert "解除" in text and "PA2025000501" in text
    text = customer.say("我要申请住院协助")
    assert "保单号" in text


def test_a_request_stored_before_the_reply_was_lost_is_found_by_the_retry(customer, desk):
    """The action server stored the request and died before replying: the customer's retry gets the same reference."""
    text = open_request(
        customer,
        "PA2025000501",
        "0501",
        "帮我申请住院协助",
        [("住院单", "是"), ("城市", "杭州"), ("医院", "浙江省人民医院"), ("时间", far_date(9)), ("电话", "用保单手机")],
    )
    assert "请确认" in text
    draft = customer.slot("sr_draft")
    policy = desk.bound_policy("rest", customer.sender)
    service = desk.service_of(policy, "inpatient_assist")
    values = {k: customer.slot(f"sr_{k}") for k in ("inpatient_order", "place", "hospital", "date_time", "phone")}
    stored = desk.submit("rest", customer.sender, policy, service, values, draft)  # what the lost turn had written
    text = customer.say("确认")
    assert stored.request.reference in text and "已经提交过" in text
    assert len(customer.requests()) == 1


def test_a_question_in_the_middle_is_about_the_requested_service_and_the_form_goes_on(customer):
    text = open_request(customer, "PA2025000501", "0501", "帮我约一下就医陪诊", [])
    assert "城市" in text
    text = customer.say("需要准备什么材料？")
    assert "就医陪诊" in text and text.rstrip().endswith("河南兰考）")  # answered, then the city is asked again
    assert "医院" in customer.say("杭州")
