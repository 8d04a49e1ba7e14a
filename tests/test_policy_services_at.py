""" "Which services can I use in 成都?": every service of the product checked against the place (real store, no model)."""

from __future__ import annotations

import pytest

from actions.policy import Answerer, Turn


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_each_service_is_checked_against_the_place_and_grouped(bot, kb):
    reply = bot.answer(Turn(text="平安在成都能用哪些服务", intent="ask_services", products=["平安"], places=["成都"]))
    groups = reply.extra["by_place"]
    product = kb.product("平安")
    # every service is in exactly one group, and each group agrees with the store's own verdict for 成都
    assert sorted(sum(groups.values(), [])) == sorted(s.name for s in kb.services_of(product))
    for name in groups["here"]:
        assert kb.is_covered(product, kb.service(product, name), "成都").covered is True
    for name in groups["not_here"]:
        assert kb.is_covered(product, kb.service(product, name), "成都").covered is False
    assert {"7天住院陪护", "就医陪诊"} <= set(groups["here"]) and "康复随访" in groups["remote"]
    assert "可以在成都市使用" in reply.text and "线上或电话提供，不限城市" in reply.text


def test_a_service_not_given_at_the_place_is_said_so(bot, kb):
    reply = bot.answer(Turn(text="安盛在拉萨有哪些服务", intent="ask_services", products=["安盛"], places=["拉萨"]))
    product = kb.product("安盛")
    not_here = reply.extra["by_place"]["not_here"]
    assert not_here and all(kb.is_covered(product, kb.service(product, n), "拉萨").covered is False for n in not_here)
    assert "不在拉萨市的服务范围内" in reply.text


def test_without_a_place_the_whole_catalogue_as_before(bot, kb):
    reply = bot.answer(Turn(text="平安有哪些服务", intent="ask_services", products=["平安"]))
    assert "by_place" not in reply.extra and f"共有{len(kb.services_of(kb.product('平安')))}项服务" in reply.text


def test_a_misspelt_place_is_asked_about_first(bot):
    reply = bot.answer(
        Turn(text="众安PLUS在杭洲能用哪些服务", intent="ask_services", products=["众安PLUS"], places=["杭洲"])
    )
    assert reply.answer_type == "clarify" and "您是指杭州市吗" in reply.text


def test_a_place_and_no_service_read_as_a_coverage_question_lists_the_services_there(bot):
    reply = bot.answer(Turn(text="平安在成都能用哪些服务", intent="ask_coverage", products=["平安"], places=["成都"]))
    assert reply.answer_type == "services" and "可以在成都市使用" in reply.text
    # a misspelt service in the message is asked about first
    typo = bot.answer(Turn(text="平安住院陪户在杭州能用吗", intent="ask_coverage", products=["平安"], places=["杭州"]))
    assert "您是指“住院陪护”吗" in typo.text
