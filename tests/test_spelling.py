"""Misspelt service names (knowledge.spelling through KnowledgeBase.misspelt_services): found by sound, offered
for confirmation, never mistaken for a correct word."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text, typed, product, service",
    [
        ("平安住院陪户在杭州能用吗", "住院陪户", "平安", "7天住院陪护"),
        ("众安PLUS的重疾绿同怎么申请", "重疾绿同", "尊享e生PLUS", "重疾绿通服务"),
        ("平安的门诊协主要提前多久", "门诊协主", "平安", "门诊协助"),
        ("安盛电话问真一次多久", "电话问真", "安盛", "远程问诊"),
    ],
)
def test_a_same_sounding_service_name_is_found_with_the_service_it_may_mean(kb, text, typed, product, service):
    found = kb.misspelt_services(text, kb.product(product))
    assert [a.typed for a, _ in found] == [typed]
    assert [m.service.name for m in found[0][1]] == [service]


def test_without_a_product_every_product_offering_it_is_offered(kb):
    ((alike, matches),) = kb.misspelt_services("住院陪户怎么申请")
    assert alike.name == "住院陪护" and {m.service.product.id for m in matches} >= {"pingan_health", "zhongan_plus"}


@pytest.mark.parametrize(
    "text",
    [
        "平安的住院陪护在杭州能用吗",  # written right
        "支付宝怎么交电费",  # 支付 sounds like 直付 but is a word of its own
        "术后营养是什么",  # 营养是 sounds like 营养师 only across a word boundary
        "我想问问你们的服务",
    ],
)
def test_words_written_right_are_not_misspellings(kb, text):
    assert kb.misspelt_services(text) == []


@pytest.mark.parametrize(
    "text, typed, name",
    [
        ("平安住院陪护在杭洲能用吗", "杭洲", "杭州"),
        ("重疾绿通在郑洲有没有", "郑洲", "郑州"),
        ("成度能用吗", "成度", "成都"),
    ],
)
def test_a_same_sounding_place_is_found_in_the_message(kb, text, typed, name):
    assert [(a.typed, a.name) for a in kb.misspelt_places(text)] == [(typed, name)]


@pytest.mark.parametrize(
    "text",
    [
        "我要用安盛的绿通，帮我提交",  # 用安 sounds like 永安 but 安 belongs to 安盛
        "帮我看看这张化验单",  # 张化 sounds like 彰化 but cuts 这张 and 化验单
        "我在湖南长沙",  # 南长 sounds like 南昌 inside two names the store knows
        "手术的程度严不严重",  # 程度 sounds like 成都 but is a word of its own
    ],
)
def test_pieces_of_other_words_are_not_misspelt_places(kb, text):
    assert kb.misspelt_places(text) == []
