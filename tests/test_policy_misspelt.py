"""A misspelt service name is asked about ("您是指…吗") and used only once confirmed (real store, no model)."""

from __future__ import annotations

import pytest

from actions.policy import Answerer, Turn


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_a_misspelt_service_is_confirmed_then_the_pending_question_answered(bot):
    first = bot.answer(Turn(text="平安住院陪户在杭州能用吗", intent="ask_coverage", products=["平安"], places=["杭州"]))
    assert first.answer_type == "clarify" and "您是指“住院陪护”吗" in first.text
    assert first.covered is None and "可以" not in first.text  # nothing answered before the user confirms
    slots = first.slots
    assert slots["pending"] == "service:住院陪护" and slots["last_question"] == "ask_coverage"
    second = bot.answer(
        Turn(
            text="是的",
            intent="affirm",
            product=slots.get("product"),
            place=slots.get("place"),
            pending=slots["pending"],
            last_question=slots["last_question"],
        )
    )
    assert second.answer_type == "coverage" and second.covered is True
    assert second.service.name == "7天住院陪护" and "杭州" in second.text


def test_a_denied_suggestion_is_not_used(bot):
    reply = bot.answer(Turn(text="不是", intent="deny", pending="service:住院陪护", last_question="ask_coverage"))
    assert reply.service is None and reply.covered is None


def test_a_place_suggestion_still_confirms_a_place(bot):
    reply = bot.answer(
        Turn(text="是的", intent="affirm", product="pingan_health", service="住院陪护", pending="杭州市",
             last_question="ask_coverage")
    )  # fmt: skip
    assert reply.answer_type == "coverage" and reply.covered is True and "杭州" in reply.text


def test_a_service_written_right_is_answered_without_asking(bot):
    reply = bot.answer(
        Turn(
            text="平安住院陪护在杭州能用吗",
            intent="ask_coverage",
            products=["平安"],
            services=["住院陪护"],
            places=["杭州"],
        )
    )
    assert reply.answer_type == "coverage" and "您是指" not in reply.text


@pytest.mark.parametrize(
    "text, typed, place",
    [
        ("平安住院陪护在杭洲能用吗", "杭洲", "杭州市"),
        ("平安的住院陪护南景能不能用", "南景", "南京市"),
        ("平安住院陪护我在武汗", "武汗", "武汉市"),
    ],
)
def test_a_place_the_nlu_cannot_see_is_heard_and_asked_about(bot, text, typed, place):
    reply = bot.answer(Turn(text=text, intent="ask_coverage", products=["平安"], services=["住院陪护"]))
    assert reply.answer_type == "clarify" and f"没有找到地名“{typed}”，您是指{place}吗" in reply.text
    assert reply.slots["pending"] == place and reply.covered is None


def test_a_longer_name_misspelt_after_a_shorter_one_is_asked_about(bot):
    """ "质子重粒子": 质子 names 质子重离子服务 by itself, but the stretch is the longer name misspelt; it is
    asked about like any other misspelling, not read silently as the service its first characters name."""
    reply = bot.answer(
        Turn(text="众安增值服务质子重粒子要咨询的话从哪里申请", intent="ask_apply", products=["众安增值服务"],
             services=["质子"])
    )  # fmt: skip
    assert reply.answer_type == "clarify" and "您是指“质子重离子服务”吗" in reply.text
    assert reply.slots["last_question"] == "ask_apply"


def test_a_misspelt_name_is_asked_about_whatever_the_message_is_read_as(bot):
    """ "尊享PLUS海外就珍去日本，签证那块能帮忙吗" read as nothing in particular (nlu_fallback): the
    product's sentence on 签证 would answer it, but the service's name is confirmed first."""
    reply = bot.answer(
        Turn(text="尊享PLUS海外就珍去日本，签证那块能帮忙吗", intent="nlu_fallback", products=["尊享PLUS"])
    )
    assert reply.answer_type == "clarify" and "您是指“海外就诊服务”吗" in reply.text and "签证" not in reply.text


def test_a_detail_question_with_a_misspelt_name_is_answered_from_its_words_once_confirmed(bot):
    """ "尊享PLUS海外就珍去日本，签证那块能帮忙吗" read as nothing in particular: once "对对，就它" confirms
    海外就诊服务, the message before it (Turn.asked_before) is searched in that service (000 11. 海外就诊服务 /
    (8) 服务项目: 协助办理医疗签证…身元保证函), not answered with the service's description."""
    first = bot.answer(Turn(text="尊享PLUS海外就珍去日本，签证那块能帮忙吗", intent="nlu_fallback", products=["尊享PLUS"],
                            last_question="ask_materials"))  # fmt: skip
    assert first.slots["last_question"] is None  # the question pending is this one, not the earlier one
    second = bot.answer(
        Turn(text="对对，就它", intent="affirm", product=first.slots["product"], pending=first.slots["pending"],
             last_question=first.slots["last_question"], asked_before="尊享PLUS海外就珍去日本，签证那块能帮忙吗")
    )  # fmt: skip
    assert second.service.name == "海外就诊服务" and "身元保证函" in second.text and "您是指" not in second.text
    assert second.text.index("协助办理医疗签证") < second.text.index("具体以保险合同为准")


def test_the_action_passes_the_message_before_while_a_suggestion_is_pending():
    from rasa_sdk import Tracker

    from actions.actions import turn_from

    events = [
        {"event": "user", "text": "尊享PLUS海外就珍去日本，签证那块能帮忙吗"},
        {"event": "bot", "text": "没有找到“海外就珍”这项服务，您是指“海外就诊服务”吗？"},
        {"event": "user", "text": "对对，就它"},
    ]
    latest = {"text": "对对，就它", "intent": {"name": "affirm"}, "entities": []}

    def tracker(slots):
        return Tracker.from_dict({"sender_id": "u1", "slots": slots, "latest_message": latest, "events": events})

    assert turn_from(tracker({"pending": "service:海外就诊服务"})).asked_before == events[0]["text"]
    assert turn_from(tracker({})).asked_before is None  # nothing pending: nothing to carry
