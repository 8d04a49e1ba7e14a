"""Which product a message means when it names several (real store, no model)."""

from __future__ import annotations

import pytest
from answering import ask

from actions.policy import Answerer, Turn, understand
from actions.policy.resolve import mentioned_products


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_only_the_value_added_products_name_is_a_word_of_other_manuals(kb):
    """Derived from the manuals' text: the PLUS and 2023 manuals head their services 增值服务."""
    aliases = {a for p in kb.products() for a in (p.name, *p.aliases)}
    assert {a for a in aliases if kb.is_common_product_word(a)} == {"增值服务"}


@pytest.mark.parametrize(
    "products, expected",
    [
        (["众安", "增值服务"], ["zhongan_value_added"]),  # the insurer's name covers the product named beside it
        (["众安plus", "增值服务"], ["zhongan_plus"]),  # 增值服务 is the word of the PLUS manual here
        (["增值服务"], ["zhongan_value_added"]),  # alone it is the product's name
        (["安盛", "平安"], ["axa_tianping", "pingan_health"]),  # two products' names: both
    ],
)
def test_a_name_that_says_less_gives_way_to_the_one_beside_it(kb, products, expected):
    found = mentioned_products(kb, Turn(text="".join(products), intent="ask_services", products=products))
    assert sorted(p.id for p in found) == sorted(expected)


def test_the_services_of_plus_are_listed_when_asked_for_its_value_added_services(bot):
    reply = ask(bot, "众安plus都有哪些增值服务啊", "ask_services", products=["众安plus", "增值服务"])
    assert "尊享e生·中高端医疗保险PLUS的服务手册共有" in reply.text and "请问您的保单是哪个产品" not in reply.text


def test_the_one_product_of_the_insurer_with_the_service_is_kept_for_the_follow_ups(kb):
    turn = Turn(
        text="众安那个尊享家财服务能用几次", intent="ask_usage_limit", products=["众安"], services=["尊享家财服务"]
    )
    result = understand(kb, turn)
    assert result.slots.get("product") == "zhongan_value_added"


def test_a_service_named_by_its_words_apart(kb):
    """004 9. 出院交通安排 (alias 出院交通) said as "接我出院 … 交通补贴"; 门诊协助 as "门诊能协助"."""
    pingan = kb.product("平安")
    found = kb.services_named_apart("家里人自己开车接我出院，能给点交通补贴吗", pingan)
    assert [s.name for s in found] == ["出院交通安排"]
    assert [s.name for s in kb.services_named_apart("门诊能协助挂号吗", pingan)] == ["门诊协助"]
    assert kb.services_named_apart("下了飞机有人来机场接吗", pingan) == []  # no name's words: none
    # every product has a 垫付: without a product, no one service
    assert len(kb.services_named_apart("住院的时候能帮我垫付吗")) > 1


def test_the_service_named_apart_is_answered_and_kept(kb):
    turn = Turn(text="家里人自己开车接我出院，平安能给点交通补贴吗", intent="ask_cost", products=["平安"])
    result = understand(kb, turn)
    assert result.service is not None and result.service.name == "出院交通安排"
    assert result.slots.get("service") == "出院交通安排"
