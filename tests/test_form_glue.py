"""The request form's glue (actions/request_form.py) run directly on rasa-sdk trackers.

Each turn is a ``Tracker.from_dict`` built from the customer's slots and message, as the Rasa
server sends it to the action server; the actions run on the real desk (a SQLite request store,
the curated knowledge store, a fixed clock) with the domain read from bot/domain.yml.  No server
and no model: what is checked is what the glue adds to the desk — which slot an answer fills,
which slots the form still needs, the submit, confirm, correct and stop paths, and the messages
with their payloads.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from request_factories import Clock, policy

from actions import request_form as rf
from service_requests import wording as w
from service_requests.config import ROOT
from service_requests.desk import ServiceDesk
from service_requests.fields import FIELDS

DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
SATURDAY = datetime(2026, 11, 21, 10, 0)
MONDAY = datetime(2026, 11, 23, 10, 0)
PA, ZAP, ZAP2 = "PA2026000002", "ZAP2026000004", "ZAP2026000005"  # past the waiting period; phone 13900001111


def _policy(number: str, product: str, effective: date, **extra: Any) -> Dict[str, Any]:
    return policy(number, product, effective, date(2027, 12, 31), **extra)


@pytest.fixture()
def desk(kb, tmp_path, monkeypatch):
    """The desk the form's actions use (``request_form.desk``), on this test's own request store."""
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'requests.sqlite3'}", clock=Clock(SATURDAY))
    d.load_policies(
        [
            _policy(PA, "pingan_health", date(2026, 10, 22)),
            _policy(ZAP, "zhongan_plus", date(2026, 1, 1), add_ons=["门急诊医疗补充加油包"]),
            _policy(ZAP2, "zhongan_plus", date(2026, 1, 1)),
        ]
    )
    monkeypatch.setattr(rf, "desk", lambda: d)
    yield d
    d.engine.dispose()


class Chat:
    """One customer on the REST channel: the slots Rasa keeps, and the form's actions run on trackers made from them."""

    def __init__(self, sender: str = "u1", **slots: Any) -> None:
        self.sender, self.slots = sender, dict(slots)

    def tracker(self, text: Optional[str], intent: str, entities: List[Dict[str, Any]]) -> Tracker:
        events: List[Dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
        latest: Dict[str, Any] = {}
        if text is not None:
            latest = {"text": text, "intent": {"name": intent}, "entities": entities}
            events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"})
        state = {"sender_id": self.sender, "slots": dict(self.slots), "latest_message": latest, "events": events}
        return Tracker.from_dict(state)

    def run(
        self, action, text: Optional[str] = None, intent: str = "inform", entities: Optional[List] = None
    ) -> Tuple[List[str], Dict[str, Any], List[Dict[str, Any]]]:
        """(texts said, slots set, the payloads' "request" parts); the slots set are kept for the next turn."""
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, self.tracker(text, intent, entities or []), DOMAIN))
        set_ = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        self.slots.update(set_)
        payloads = [(m.get("custom") or {}).get("request") for m in dispatcher.messages]
        return [m["text"] for m in dispatcher.messages], set_, payloads

    def answer(self, text: str, intent: str = "inform") -> Tuple[List[str], Dict[str, Any], List[Dict[str, Any]]]:
        """The customer answers the slot the form asked for."""
        return self.run(rf.ValidateServiceRequestForm(), text, intent)

    def asked(self) -> str:
        """The question the form asks next (``action_ask_<requested_slot>``)."""
        slot = self.slots["requested_slot"]
        ask = next(a for a in rf.ASK_ACTIONS if a.slot == slot)
        texts, _, payloads = self.run(ask())
        assert payloads == [{"ask": slot}]
        return texts[0]


ANSWERED = {  # what an earlier turn of the form kept in each field's slot
    "sr_inpatient_order": "是",
    "sr_diagnosis": "是",
    "sr_place": "浙江省杭州市",
    "sr_hospital": "浙江省人民医院",
    "sr_admission_date": "2026-11-23",
    "sr_discharge_date": "2026-11-28",
    "sr_date_time": "2026-11-25 09:00",
    "sr_distance_band": "within_200km",
    "sr_phone": "13900002222",
}


def bound_chat(desk: ServiceDesk, number: str, service: Optional[str], requested: str, **slots: Any) -> Chat:
    """A customer whose policy is verified and whose service is chosen, who answered every field the
    form asks before ``requested`` (``slots`` change those answers) and is now asked for ``requested``."""
    assert desk.bind("rest", "u1", number, "1111").ok
    policy = desk.policy(number)
    asked = [f"sr_{name}" for name in desk.fields(policy, desk.service_of(policy, service))] if service else []
    earlier = asked[: asked.index(requested)] if requested in asked else asked
    state = dict(sr_policy_number=number, sr_verification="ok", sr_service=service, sr_draft="draft-1")
    return Chat(**state, **{s: ANSWERED[s] for s in earlier}, **slots, requested_slot=requested)


# -- one answer per field: the slot filled with the desk's value, or emptied with the desk's words ---------
FIELD_CASES = [
    # slot, service (asks that field), answer, value kept, unreadable answer
    ("sr_inpatient_order", "inpatient_assist", "已经开了", "是", "稍等"),
    ("sr_diagnosis", "domestic_second_opinion", "有诊断", "是", "我问问医生"),
    ("sr_place", "escort", "在杭州", "浙江省杭州市", None),
    ("sr_hospital", "escort", "在浙江省人民医院", "浙江省人民医院", "是"),
    ("sr_admission_date", "hospital_visit", "11月24日", "2026-11-24", "还不知道"),
    ("sr_discharge_date", "inpatient_care_7day", "11月28日", "2026-11-28", "看医生安排"),
    ("sr_date_time", "escort", "11月24日上午10点", "2026-11-24 10:00", "越快越好"),
    ("sr_distance_band", "discharge_transport", "大概300公里", "over_200km", "不太清楚"),
    ("sr_phone", "escort", "用保单手机", "13900001111", "123"),
]


def test_the_cases_cover_every_field_of_the_registry():
    assert sorted(c[0] for c in FIELD_CASES) == sorted(f.slot for f in FIELDS)


@pytest.mark.parametrize("slot, service, text, value, unreadable", FIELD_CASES)
def test_an_answer_fills_the_requested_slot_with_the_desk_value(desk, slot, service, text, value, unreadable):
    chat = bound_chat(desk, PA, service, slot)
    _, set_, _ = chat.answer(text)
    assert set_[slot] == value
    assert set_["requested_slot"] != slot  # the form moves on
    if unreadable is None:
        return
    chat = bound_chat(desk, PA, service, slot)
    texts, set_, payloads = chat.answer(unreadable)
    field = next(f for f in FIELDS if f.slot == slot)
    assert set_[slot] is None and set_["requested_slot"] == slot  # asked again
    assert texts == [field.unreadable] and payloads == [{"step": field.name, "code": "unreadable"}]


def test_an_unknown_place_is_asked_again_with_the_gazetteer_words(desk):
    chat = bound_chat(desk, PA, "escort", "sr_place")
    texts, set_, payloads = chat.answer("火星")
    assert set_ == {"sr_place": None, "requested_slot": "sr_place"}
    assert texts[0].startswith("没有找到地名“火星”") and payloads == [{"step": "place", "code": "unknown_place"}]


def test_a_rule_that_ends_the_request_sets_the_outcome_and_the_form_stops_asking(desk):
    chat = bound_chat(desk, PA, "inpatient_assist", "sr_inpatient_order")
    texts, set_, payloads = chat.answer("还没开", intent="deny")
    assert set_ == {"sr_inpatient_order": None, "sr_outcome": "refused", "requested_slot": None}
    assert "住院单" in texts[0] and "手册原文" in texts[0]
    assert payloads == [{"step": "inpatient_order", "code": "inpatient_order"}]


def test_a_date_time_before_the_notice_is_refused_with_the_manual_sentence(desk):
    chat = bound_chat(desk, PA, "escort", "sr_date_time")  # 004 3.2: 客户需提前 48 小时提交服务申请
    texts, set_, payloads = chat.answer("11月23日上午9点")  # 47 hours ahead
    assert set_["sr_date_time"] is None and "提前 48 小时" in texts[0]
    assert payloads == [{"step": "date_time", "code": "advance_notice"}]


# -- which slots the form still needs -------------------------------------------------------------------
def required(chat: Chat) -> List[str]:
    form = rf.ValidateServiceRequestForm()
    domain_slots = form.domain_slots(DOMAIN)
    return asyncio.run(form.required_slots(domain_slots, CollectingDispatcher(), chat.tracker(None, "", []), DOMAIN))


def test_required_slots_follow_the_binding_the_service_and_the_outcome(desk):
    chat = Chat()
    assert required(chat) == ["sr_policy_number", "sr_verification"]  # no policy bound to this chat yet
    desk.bind("rest", "u1", PA, "1111")
    assert required(chat) == ["sr_service"]
    chat.slots["sr_service"] = "discharge_transport"
    assert required(chat) == [
        "sr_place",
        "sr_hospital",
        "sr_admission_date",
        "sr_discharge_date",
        "sr_date_time",
        "sr_distance_band",
        "sr_phone",
        "sr_confirmed",
    ]
    chat.slots["sr_service"] = "vitality_go"  # remote: no place, no hospital
    assert required(chat) == ["sr_date_time", "sr_phone", "sr_confirmed"]
    chat.slots["sr_outcome"] = "refused"
    assert required(chat) == []  # the form ends


# -- binding and choosing the service -------------------------------------------------------------------
def test_a_request_before_binding_asks_for_the_policy_and_keeps_the_service_named(desk):
    chat = Chat()
    entities = [{"entity": "service", "value": "就医陪诊", "start": 2, "end": 6}]
    texts, set_, _ = chat.run(rf.ActionStartServiceRequest(), "我要申请就医陪诊", "request_service", entities)
    assert texts == [w.VERIFY_FIRST] and set_["sr_hint"] == "就医陪诊" and len(set_["sr_draft"]) == 32
    texts, set_, _ = chat.run(rf.ValidateServiceRequestForm())  # the form starts: nothing to validate yet
    assert set_ == {"requested_slot": "sr_policy_number"}
    assert chat.asked() == w.ASK_POLICY_NUMBER
    texts, set_, _ = chat.answer("我的保单号是 pa2026000002，手机尾号 1111")  # number and digits in one message
    assert texts[0] == "已验证：平安健康 医疗险，保单号 PA2026000002，被保险人 测**。"
    assert texts[1] == "好的，为您申请平安健康 医疗险的就医陪诊。"
    assert set_["sr_service"] == "escort" and set_["requested_slot"] == "sr_place"
    assert set_["product"] == "pingan_health" and set_["service"] == "就医陪诊"
    assert chat.slots["sr_verification"] == "ok"  # the verification digits are never kept in a slot
    assert not any("1111" in str(v) for k, v in chat.slots.items() if k != "sr_draft")


def test_a_question_read_as_a_request_is_answered_and_opens_nothing(desk):
    # 004 7天住院陪护: 暂不支持事后费用报销 — a question about the rule, read by the NLU as a request
    chat = Chat(product="pingan_health")
    entities = [{"entity": "service", "value": "陪护", "start": 5, "end": 7}]
    texts, set_, _ = chat.run(
        rf.ActionStartServiceRequest(), "没申请平安陪护，自己请了护工能拿发票报吗", "request_service", entities
    )
    assert texts and w.VERIFY_FIRST not in texts[0] and "7天住院陪护" in texts[0]
    assert set_["sr_outcome"] == "answered" and not set_.get("sr_draft")
    assert required(chat) == []  # the form that the rule starts next ends at once
    # a detail asked beside the request is a question too; a request worded as a question is still a request
    texts, set_, _ = Chat().run(
        rf.ActionStartServiceRequest(), "想约个陪诊，得提早多长时间", "request_service", entities
    )
    assert set_["sr_outcome"] == "answered" and w.VERIFY_FIRST not in texts[0]
    texts, set_, _ = Chat().run(rf.ActionStartServiceRequest(), "能帮我约个陪诊吗", "request_service", entities)
    assert texts == [w.VERIFY_FIRST] and len(set_["sr_draft"]) == 32
    # "帮我…的" before a noun names something done, it asks for nothing to be arranged
    from actions.policy.lists import REQUESTS

    assert REQUESTS.is_question("众安PLUS帮我建好的健康档案，我自己能在手机上翻看吗")
    assert not REQUESTS.is_question("能帮我约个陪诊吗") and not REQUESTS.is_question("帮我申请一下住院陪护")


def _mentions(text: str, **names: str) -> List[Dict[str, Any]]:
    """The entities the NLU gives for ``text``: each name (entity=words) where it stands in the text."""
    return [
        {"entity": entity, "value": words, "start": text.index(words), "end": text.index(words) + len(words)}
        for entity, words in names.items()
    ]


def test_a_request_asked_yes_or_no_at_a_place_says_the_verdict_first(desk):
    """ "人在拉萨工作，安盛绿通能帮我约吗": the place is checked before the form asks for the policy;
    a place the service does not reach opens no request."""
    # 安盛 恶性肿瘤就医绿通服务 / 4. 绿通城市列表 holds 拉萨市; 平安 3.陪诊服务覆盖城市清单 does not
    text = "人在拉萨工作，安盛绿通能帮我约吗"
    entities = _mentions(text, place="拉萨", product="安盛", service="绿通")
    texts, set_, _ = Chat().run(rf.ActionStartServiceRequest(), text, "request_service", entities)
    assert texts[0].startswith("可以。") and "拉萨市" in texts[0] and texts[1] == w.VERIFY_FIRST
    assert len(set_["sr_draft"]) == 32 and not set_.get("sr_outcome")
    text = "我在拉萨，平安陪诊能帮我约吗"
    entities = _mentions(text, place="拉萨", product="平安", service="陪诊")
    texts, set_, _ = Chat().run(rf.ActionStartServiceRequest(), text, "request_service", entities)
    assert texts[0].startswith("不可以。") and w.VERIFY_FIRST not in texts and set_["sr_outcome"] == "answered"
    # a plain request names no place to check: the form alone
    texts, _, _ = Chat().run(rf.ActionStartServiceRequest(), "我在拉萨，帮我申请平安陪诊", "request_service", [])
    assert texts == [w.VERIFY_FIRST]


def test_wrong_digits_ask_for_the_policy_again_and_repeated_failures_end_the_form(desk):
    chat = Chat(requested_slot="sr_policy_number")
    chat.answer(PA)
    assert chat.slots["requested_slot"] == "sr_verification"
    texts, set_, payloads = chat.answer("0000")
    assert set_["sr_policy_number"] is None and set_["requested_slot"] == "sr_policy_number"
    assert "不匹配" in texts[0] and payloads == [{"step": "verification", "code": "mismatch"}]
    for _ in range(4):
        chat.answer(PA)
        chat.answer("0000")
    chat.answer(PA)
    texts, set_, payloads = chat.answer("1111")  # right, but too late: locked out
    assert set_["sr_outcome"] == "refused" and set_["requested_slot"] is None
    assert payloads == [{"step": "verification", "code": "locked"}]


def test_a_service_not_in_the_policy_is_asked_again_with_the_list(desk):
    chat = bound_chat(desk, PA, None, "sr_service")
    assert chat.asked().startswith("请问要申请哪项服务？您的保单可申请：门诊协助、")
    texts, set_, payloads = chat.answer("质子重离子")  # 000's and 002's, not 004's
    assert set_["sr_service"] is None and set_["requested_slot"] == "sr_service"
    assert texts[0].startswith("您的保单（平安健康 医疗险）不含“质子重离子”这项服务")
    assert payloads == [{"step": "service", "code": "no_such_service"}]


# -- a question in the middle, a stop -------------------------------------------------------------------
def test_an_answer_with_a_question_word_is_an_answer_when_the_nlu_says_so(desk):
    chat = bound_chat(desk, PA, "escort", "sr_date_time")
    _, set_, _ = chat.answer("11月24日上午10点，几点都行", intent="inform")
    assert set_["sr_date_time"] == "2026-11-24 10:00"


def test_a_question_in_the_middle_fills_no_slot(desk):
    chat = bound_chat(desk, PA, "escort", "sr_place")
    texts, set_, _ = chat.answer("杭州能用吗？", intent="ask_coverage")
    assert texts == [] and set_ == {"requested_slot": "sr_place"}  # action_answer answers, the form asks again
    _, set_, _ = chat.answer("杭州", intent="ask_coverage")  # a bare city, read as a coverage follow-up: an answer
    assert set_["sr_place"] == "浙江省杭州市"


def test_an_emergency_in_the_middle_is_told_to_call_120_and_fills_no_slot(desk):
    chat = bound_chat(desk, PA, "escort", "sr_hospital")
    texts, set_, _ = chat.answer("我爸突然胸口疼，喘不上气了", intent="inform")
    assert len(texts) == 1 and texts[0].startswith("如果情况紧急，请立即拨打120急救电话")
    assert set_ == {"requested_slot": "sr_hospital"}  # not taken as the hospital's name: the form asks again


@pytest.mark.parametrize("text, intent", [("算了", "stop_request"), ("不办了，谢谢", "inform")])
def test_a_stop_fills_no_slot_and_the_stop_action_clears_the_form(desk, text, intent):
    chat = bound_chat(desk, PA, "escort", "sr_phone")
    texts, set_, _ = chat.answer(text, intent=intent)
    assert texts == [] and set_ == {"requested_slot": "sr_phone"}  # the form rejects; the stop rule takes over
    texts, set_, payloads = chat.run(rf.ActionStopServiceRequest())
    assert texts == [w.STOPPED] and payloads == [{"step": "stopped"}]
    assert all(set_[s] is None for s in rf.FORM_SLOTS + rf.STATE_SLOTS + ["requested_slot"])
    assert desk.requests_of("rest", "u1") == []


# -- the confirmation: submit, decline, correct, refuse, repeat --------------------------------------------
def filled(desk: ServiceDesk) -> Chat:
    """就医陪诊 with every field answered, at the confirmation."""
    return bound_chat(desk, PA, "escort", "sr_confirmed")


def test_the_summary_lists_the_answers_with_the_phone_masked(desk):
    summary = filled(desk).asked()
    assert summary.splitlines() == [
        "请确认申请信息：",
        "· 服务：平安健康 医疗险·就医陪诊",
        "· 保单：PA2026000002（被保险人 测**）",
        "· 服务城市：浙江省杭州市",
        "· 医院：浙江省人民医院",
        "· 期望服务时间：2026-11-25 09:00",
        "· 联系电话：139****2222",
        w.SUMMARY_FOOT,
    ]


def test_confirming_submits_once_and_a_repeated_confirmation_finds_the_stored_request(desk):
    chat = filled(desk)
    texts, set_, payloads = chat.answer("确认", intent="affirm")
    assert set_ == {"sr_confirmed": "yes", "sr_outcome": "submitted", "requested_slot": None}
    assert texts[0].startswith("已为您提交就医陪诊申请，编号 SR-20261121-0001。\n下一步：等待服务人员联系：")
    assert payloads == [{"step": "submitted", "reference": "SR-20261121-0001", "created": True}]
    (stored,) = desk.requests_of("rest", "u1")
    assert stored.details == {
        "place": "浙江省杭州市",
        "hospital": "浙江省人民医院",
        "date_time": "2026-11-25 09:00",
        "phone": "13900002222",
    }
    texts, _, payloads = chat.run(rf.ActionRepeatConfirmation(), "确认", "affirm")  # a double tap
    assert texts[0].startswith("这份申请已经提交过了，编号 SR-20261121-0001，无需重复确认。")
    assert payloads == [{"step": "submitted", "reference": "SR-20261121-0001", "created": False}]
    assert len(desk.requests_of("rest", "u1")) == 1


def test_declining_or_an_unclear_answer_submits_nothing_and_asks_again(desk):
    chat = filled(desk)
    texts, set_, _ = chat.answer("不对", intent="deny")
    assert texts == [w.CONFIRMATION_DECLINED] and set_ == {"sr_confirmed": None, "requested_slot": "sr_confirmed"}
    texts, set_, _ = chat.answer("信息有问题", intent="deny")  # 有 reads as yes; the NLU's deny wins
    assert texts == [w.CONFIRMATION_DECLINED] and set_["sr_confirmed"] is None
    texts, set_, _ = chat.answer("随便吧")
    assert texts == [w.UNREADABLE_CONFIRMATION] and set_["sr_confirmed"] is None
    assert desk.requests_of("rest", "u1") == []


def test_a_correction_at_the_confirmation_changes_that_field_and_asks_to_confirm_again(desk):
    chat = filled(desk)
    texts, set_, _ = chat.answer("电话改成13912345678")
    assert texts == ["已将联系电话改为：139****5678。"]
    assert set_ == {"sr_phone": "13912345678", "sr_confirmed": None, "requested_slot": "sr_confirmed"}
    texts, set_, _ = chat.answer("时间改成11月26日下午3点")
    assert texts == ["已将期望服务时间改为：2026-11-26 15:00。"] and set_["sr_date_time"] == "2026-11-26 15:00"
    texts, set_, _ = chat.answer("时间改成明天上午9点")  # 23 hours ahead: the 48-hour notice refuses it
    assert "提前 48 小时" in texts[0] and set_ == {"sr_confirmed": None, "requested_slot": "sr_confirmed"}
    assert chat.slots["sr_date_time"] == "2026-11-26 15:00"  # the earlier answer stands


def test_a_correction_while_another_field_is_asked_changes_the_field_it_names(desk):
    chat = bound_chat(desk, PA, "escort", "sr_phone")
    texts, set_, _ = chat.answer("医院改成浙江大学医学院附属第一医院")
    assert texts == ["已将医院改为：浙江大学医学院附属第一医院。"]
    assert set_ == {"sr_hospital": "浙江大学医学院附属第一医院", "sr_phone": None, "requested_slot": "sr_phone"}


def test_a_correction_of_the_field_being_asked_is_its_answer(desk):
    chat = bound_chat(desk, PA, "escort", "sr_phone")
    texts, set_, _ = chat.answer("电话换成13912345678")
    assert texts == [] and set_["sr_phone"] == "13912345678" and set_["requested_slot"] == "sr_confirmed"


def test_a_rule_broken_by_the_time_of_confirmation_refuses_and_ends_the_form(desk):
    chat = filled(desk)
    desk.clock.now = datetime(2026, 11, 24, 10, 0)  # came back three days later: 23 hours before the service
    texts, set_, payloads = chat.answer("确认", intent="affirm")
    assert set_ == {"sr_confirmed": None, "sr_outcome": "refused", "requested_slot": None}
    assert "提前 48 小时" in texts[0] and payloads == [{"step": "submit", "code": "advance_notice"}]
    assert desk.requests_of("rest", "u1") == []


def test_the_finish_action_clears_the_requested_slot(desk):
    texts, set_, _ = filled(desk).run(rf.ActionFinishServiceRequest())
    assert texts == [] and set_ == {"requested_slot": None}


# -- tracking, cancelling, switching policy -------------------------------------------------------------
def submit(desk: ServiceDesk, number: str, key: str, when: str, draft: str, **values: str) -> str:
    policy = desk.policy(number)
    details = {"place": "浙江省杭州市", "hospital": "浙江省人民医院", "date_time": when, "phone": "13900002222"}
    return desk.submit(
        "rest", "u1", policy, desk.service_of(policy, key), {**details, **values}, draft
    ).request.reference


def test_the_list_shows_each_request_with_its_status_and_next_step(desk):
    chat = Chat()
    texts, _, payloads = chat.run(rf.ActionListRequests(), "我的申请进度", "check_status")
    assert texts == [w.NO_REQUESTS] and payloads == [{"list": []}]
    ref = submit(desk, PA, "escort", "2026-11-25 09:00", "d1")
    texts, _, payloads = chat.run(rf.ActionListRequests(), "我的申请进度", "check_status")
    assert texts[0].splitlines()[0] == "您的服务申请（共 1 份）："
    assert (
        texts[0]
        .splitlines()[1]
        .startswith(f"· {ref} 就医陪诊：已提交，待服务人员联系，期望时间 11月25日 09:00。下一步：")
    )
    assert payloads == [{"list": [{"reference": ref, "service": "就医陪诊", "status": "submitted"}]}]


def test_a_cancel_with_nothing_open_is_answered_with_the_services_rule(desk):
    # 003 第二诊疗意见服务: 一旦进入病例整理阶段后，此服务无法取消 — asked when the sender has no request open
    chat = Chat(product="axa_tianping", service="第二诊疗意见服务")
    texts, _, payloads = chat.run(rf.ActionCancelRequest(), "申请之后还能反悔不，到哪步就撤不了了", "cancel_request")
    assert payloads == [{"cancel": "nothing_open"}]
    assert texts[0].startswith(w.NOTHING_TO_CANCEL + "\n\n") and "无法取消" in texts[0]
    texts, _, payloads = Chat().run(rf.ActionCancelRequest(), "取消申请", "cancel_request")
    assert texts == [w.NOTHING_TO_CANCEL] and payloads == [{"cancel": "nothing_open"}]


def test_cancelling_follows_the_one_working_day_rule_of_000_midweek(desk):
    # 000 4. 重疾多学科会诊MDT服务 (8) 注意事项: 服务取消或更改时间需要在原预约时间至少提前一个工作日告知
    desk.clock.now = MONDAY
    first = submit(desk, ZAP, "mdt_consultation", "2026-11-26 09:00", "m1", diagnosis="是")  # Thursday
    second = submit(desk, ZAP2, "mdt_consultation", "2026-11-26 14:00", "m2", diagnosis="是")  # once a year each
    chat = Chat()
    texts, _, payloads = chat.run(rf.ActionCancelRequest(), "取消申请", "cancel_request")
    assert payloads == [{"cancel": "which"}] and first in texts[0] and second in texts[0]
    desk.clock.now = datetime(2026, 11, 24, 10, 0)  # Tuesday: Wednesday is a whole working day before Thursday
    texts, _, payloads = chat.run(rf.ActionCancelRequest(), f"取消申请 {first.lower()}", "cancel_request")
    assert payloads == [{"cancel": "cancelled", "reference": first}] and texts[0].startswith(f"已取消申请 {first}")
    desk.clock.now = datetime(2026, 11, 25, 10, 0)  # Wednesday: no working day left between
    texts, _, payloads = chat.run(rf.ActionCancelRequest(), "取消申请", "cancel_request")  # the one left open
    assert payloads == [{"cancel": "cancel_too_late"}]
    assert texts[0].startswith(f"申请 {second} 无法取消：重疾多学科会诊MDT服务需在预约时间至少提前 1 个工作日取消")
    assert desk.request(second).status == "submitted"


def test_switching_policy_unbinds_the_chat(desk):
    desk.bind("rest", "u1", PA, "1111")
    texts, _, payloads = Chat().run(rf.ActionSwitchPolicy(), "换一个保单", "switch_policy")
    assert texts == [f"已解除保单 {PA} 的绑定。下次申请服务时，请输入要使用的保单号。"] and payloads == [
        {"unbound": PA}
    ]
    texts, _, payloads = Chat().run(rf.ActionSwitchPolicy(), "换一个保单", "switch_policy")
    assert texts == [w.NOTHING_BOUND] and payloads == [{"unbound": None}]


# -- how the action server finds the actions -------------------------------------------------------------
def test_the_action_server_package_registers_every_custom_action_of_the_domain():
    """In a fresh interpreter, as the action server starts: nothing imported beforehand registers actions."""
    code = (
        "import json; from rasa_sdk.executor import ActionExecutor; from assistant.action_server import ACTIONS_PACKAGE\n"
        "e = ActionExecutor(); e.register_package(ACTIONS_PACKAGE); print(json.dumps(sorted(e.actions)))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    registered = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(DOMAIN["actions"]) <= set(registered)


def test_the_answer_actions_module_does_not_import_the_request_form():
    """No import for its side effect (the server loads the package): actions.actions stands alone."""
    code = "import sys, actions.actions; sys.exit('actions.request_form' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True).returncode == 0
