"""What the manuals do not cover, said plainly: an insurer none of them is from, a stop with no
request in progress (real store, no model)."""

from __future__ import annotations

import pytest
from answering import ask

from actions.policy import Answerer, Turn
from actions.policy.lists import OTHER_INSURERS


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_no_outside_insurer_names_a_product_of_the_store(kb):
    for name in OTHER_INSURERS.names:
        assert kb.find_products(name) == [], name
        for p in kb.products():
            assert all(name not in a and a not in name for a in (*p.aliases, *p.insurer_aliases)), (name, p.id)


@pytest.mark.parametrize(
    "text, intent, services",
    [
        ("我买的是太平洋的医疗险，能用住院陪护吗", "inform", ["住院陪护"]),
        ("人保的住院垫付怎么申请", "ask_apply", ["住院垫付"]),
        ("我是中国人寿的客户，有什么服务", "ask_eligibility", []),
        ("泰康的二诊在杭州能用吗", "ask_coverage", ["二诊"]),
    ],
)
def test_an_insurer_outside_the_manuals_hears_which_ones_are_known(bot, kb, text, intent, services):
    reply = ask(bot, text, intent, services=services, product="pingan_health")
    assert reply.answer_type == "outside_manuals"
    assert "服务手册里没有" in reply.text and "请问您的保单是哪个产品" not in reply.text
    for p in kb.products():  # every product of the store, by name
        assert p.name in reply.text
    offering = kb.products_offering(services[0]) if services else []
    for svc in offering:  # and which of them have the service asked about
        assert svc.product.name in reply.text.split("这项服务的产品：")[1]


def test_a_known_product_named_beside_another_insurer_is_answered(bot):
    reply = ask(
        bot,
        "平安的住院陪护在合肥能用吗，我还有份泰康的",
        "ask_coverage",
        products=["平安"],
        services=["住院陪护"],
        places=["合肥"],
    )
    assert reply.answer_type == "coverage" and reply.covered is True


def test_words_holding_an_insurers_name_are_not_it():
    assert OTHER_INSURERS.named_in("我个人保险买的是平安") is None
    assert OTHER_INSURERS.named_in("我是人保的") == "人保"
    assert OTHER_INSURERS.named_in("中国人保的") == "中国人保"  # the longest name at the place


def test_a_stop_with_no_request_in_progress_gets_a_reply(bot):
    reply = ask(bot, "算了，不申请了", "stop_request", product="pingan_health", pending="杭州市")
    assert reply.text and "没有正在办理的服务申请" in reply.text
    assert "pending" not in reply.slots  # a suggestion made before stays open


def test_a_service_no_product_offers_is_said_so_with_the_closest_that_exist(bot, kb):
    reply = ask(bot, "有没有上门做饭的服务", "ask_services")
    assert reply.answer_type == "not_offered" and "服务手册中没有“上门做饭”相关的服务" in reply.text
    close = [s for s in kb.all_services() if any("上门" in a for a in (s.name, *s.aliases))]
    assert close and all(f"{s.product.name}的{s.name}" in reply.text for s in close)
    assert "请问您的保单是哪个产品" not in reply.text
    # within the product of the conversation, and without "close" services that only share a common word
    reply = ask(bot, "平安有宠物医疗服务吗", "ask_services", products=["平安"])
    assert reply.answer_type == "not_offered" and reply.product.id == "pingan_health"
    assert "没有“宠物医疗”相关的服务" in reply.text and "相近的服务有" not in reply.text


def test_services_the_manuals_have_in_other_words_are_not_refused(bot):
    assert ask(bot, "平安有哪些服务", "ask_services", products=["平安"]).answer_type == "services"
    assert ask(bot, "有没有帮忙挂号的服务", "ask_services").answer_type != "not_offered"  # 挂号 is in the manuals
    assert ask(bot, "安盛天平医疗险都有哪些健康管理服务", "ask_services", products=["安盛天平医疗险"]).answer_type == (
        "services"
    )


def test_a_product_named_in_a_question_read_as_out_of_scope_is_searched(bot):
    """000 联系我们 / 私人健康管家 answers "管家靠不靠谱"; without a product named nothing is searched."""
    reply = bot.answer(
        Turn(text="众安PLUS的私人健康管家靠不靠谱，都干过几年临床", intent="out_of_scope", products=["众安PLUS"])
    )
    answer = reply.payload()["answer"]
    assert answer["type"] == "contact" and answer["sources"][0]["section"].startswith("联系我们")
    assert bot.answer(Turn(text="今天天气怎么样", intent="out_of_scope")).payload()["answer"]["type"] == "out_of_scope"


def test_an_everyday_service_named_without_the_word_service_is_looked_up_in_the_manuals(bot):
    """ "保单里带不带洗牙啊": 洗牙 (data/everyday_services.yml) is in no manual: not offered, said so; the
    everyday words some manual does name (家政, 美容) are never refused."""
    reply = ask(bot, "保单里带不带洗牙啊，想去洁个牙", "ask_services")
    assert reply.answer_type == "not_offered" and "没有“洗牙”相关的服务" in reply.text
    reply = ask(bot, "家里的猫病了，带它看病能走保险里的服务吗", "ask_eligibility")
    assert reply.answer_type == "not_offered" and "“猫”" in reply.text
    from actions.policy.lists import EVERYDAY_SERVICES
    from actions.policy.resolve import manuals_text

    named = [w for w in EVERYDAY_SERVICES if w in manuals_text(bot.kb)]
    assert named  # the list holds words the manuals have; those must reach the manuals' answers
    for word in named:
        assert ask(bot, f"能用{word}吗", "ask_eligibility").answer_type != "not_offered", word
