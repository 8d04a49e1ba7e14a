"""Conversations through the trained model, over the REST channel, as a user's messages travel."""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Tuple

import pytest

_ids = itertools.count()


class Chat:
    def __init__(self, assistant) -> None:
        self.assistant = assistant
        self.sender = f"test-{next(_ids)}"

    def say(self, text: str) -> Tuple[str, Optional[Dict[str, Any]]]:
        messages: List[Dict[str, Any]] = self.assistant.say(self.sender, text)
        reply = "\n".join(m["text"] for m in messages if "text" in m)
        payload = next((m["custom"]["answer"] for m in messages if "custom" in m and "answer" in m["custom"]), None)
        return reply, payload


@pytest.fixture()
def chat(assistant):
    return Chat(assistant)


def test_coverage_yes_then_no_by_follow_up(chat):
    text, answer = chat.say("平安的住院陪护在合肥能用吗")
    assert answer["type"] == "coverage" and answer["covered"] is True and answer["place"] == "合肥市"
    assert text.startswith("可以") and "来源" in text
    text, answer = chat.say("那乌海呢")
    assert answer["covered"] is False and answer["place"] == "乌海市" and answer["service"] == "7天住院陪护"


def test_typo_place_is_understood(chat):
    text, answer = chat.say("平安健康险的住院陪护毫州可以用吗")
    assert answer["covered"] is True and answer["place"] == "亳州市"


def test_county_level_place(chat):
    text, answer = chat.say("我是平安的，出院交通安排在明光市能用吗")
    assert answer["covered"] is False and "不含下辖县" in text
    text, answer = chat.say("义乌呢")
    assert answer["covered"] is True and answer["place"] == "义乌市"  # 浙江 is covered province-wide


def test_carry_over_of_product_service_and_place(chat):
    chat.say("我买的是平安的")
    text, answer = chat.say("陪诊在杭州能用吗")
    assert answer["product_id"] == "pingan_health" and answer["covered"] is True
    text, answer = chat.say("需要提前多久预约")
    assert answer["service"] == "就医陪诊" and "48" in text


def test_product_switch_keeps_the_question(chat):
    text, answer = chat.say("平安的住院垫付要准备什么材料")
    assert answer["product_id"] == "pingan_health" and answer["type"] == "materials"
    text, answer = chat.say("那安盛的呢")
    assert answer["product_id"] == "axa_tianping" and answer["type"] == "materials" and "病理报告" in text


def test_ambiguous_product_is_asked_then_answered(chat):
    text, answer = chat.say("住院陪护一年能用几次")
    assert answer["type"] == "clarify" and "平安健康 医疗险" in answer["options"]
    text, answer = chat.say("我买的是平安健康险")
    assert answer["type"] == "rule" and answer["product_id"] == "pingan_health"
    assert "保障期间服务仅限 1次" in text  # 004 6.7 天住院陪护 / 6.2 服务标准


def test_question_the_manual_does_not_answer(chat):
    text, answer = chat.say("众安增值服务的海南国际特药怎么申请")
    assert answer["type"] == "not_stated" and "没有写明" in text and "10109955" in text


def test_out_of_scope_is_declined(chat):
    text, answer = chat.say("今天北京天气怎么样")
    assert answer["type"] == "out_of_scope" and "不在我能回答的范围" in text


def test_human_request_gives_the_hotline(chat):
    chat.say("我的保单是安盛的")
    text, answer = chat.say("我要转人工客服")
    assert answer["type"] == "handoff" and "95550" in text


def test_small_talk(chat):
    text, answer = chat.say("你好")  # the answer policy greets (a question read as greet gets another reading)
    assert "健康险服务助手" in text and answer["type"] == "chitchat" and not answer["sources"]
    text, _ = chat.say("你是机器人吗")
    assert "机器人" in text


def test_bad_input_gets_a_clear_message_not_an_error(chat):
    for message in ("", "？？？", "a" * 2000, "<script>alert(1)</script>"):
        messages = chat.assistant.say(chat.sender, message)
        assert any(m.get("text") for m in messages), (message[:20], messages)


def test_every_message_gets_a_reply_a_stop_with_no_request_in_progress(chat):
    # no dialogue rule covers stop_request outside the request form: rasa's core fallback, which
    # had no utter_default to say, now asks the answer policy (assistant/rasa_patches.py 6)
    text, _ = chat.say("算了，不申请了")
    assert "没有正在办理的服务申请" in text
    text, answer = chat.say("平安的住院陪护在合肥能用吗")  # the conversation goes on as before
    assert answer["covered"] is True


def test_an_emergency_is_told_to_call_120_first(chat):
    text, answer = chat.say("我爸突然胸口疼得厉害，喘不上气，怎么办")
    assert text.startswith("如果情况紧急，请立即拨打120急救电话") and answer["safety"] == ["emergency"]
    assert "重疾绿通服务" in text
