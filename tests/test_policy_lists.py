"""What a printed list holds: an item named (with its definition), an item not on the list (with the
list), the whole list (real store, no model; the lists and definitions as the manuals print them)."""

from __future__ import annotations

import pytest
from answering import ask

from actions.policy import Answerer, Turn
from knowledge.lists import find_item, find_item_name, item_name, item_names, item_parts


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_item_names_split_a_category_a_description_and_an_alias():
    assert item_names("上门护理类：伤口换药") == ("上门护理类", "伤口换药")
    assert item_names("建卡取号：陪诊员协助或代替客户在院内的挂号/收费窗口或院内自助机取出就诊号。") == ("建卡取号",)
    assert item_names("终末期肾病（或称慢性肾功能衰竭尿毒症期）") == ("终末期肾病", "慢性肾功能衰竭尿毒症期")
    assert item_name("上门护理类：雾化护理") == "雾化护理"


def test_an_item_is_found_by_part_of_its_name_an_alias_or_the_lexicon(kb):
    items = kb.service("pingan_health", "国内第二诊疗（18种重疾）").items
    assert find_item(items, "帕金森") == "严重帕金森病"
    assert find_item(items, "尿毒症").startswith("终末期肾病")
    assert find_item(items, "心梗") == "急性心肌梗塞"  # lexicon: 心梗 / 心肌梗塞
    assert find_item(items, "肺癌") == "恶性肿瘤"  # lexicon: 癌 / 恶性肿瘤
    assert find_item(items, "糖尿病") is None and find_item(items, "病") is None


def test_a_disease_on_the_list_is_answered_with_its_definition(bot):
    reply = bot.answer(
        Turn(
            text="平安的二诊，帕金森算不算在18种重疾里", intent="ask_eligibility", products=["平安"], services=["二诊"]
        )
    )
    assert "中有“严重帕金森病”" in reply.text and "手册中的定义" in reply.text
    assert "2.18 种疾病清单" in reply.text  # the source: the attachment the definitions are printed in
    reply = bot.answer(
        Turn(text="平安二诊，我爸是肺癌，在18种里吗", intent="ask_service_info", products=["平安"], services=["二诊"])
    )
    assert "“恶性肿瘤”" in reply.text and "原位癌" in reply.text  # the definition says what is left out


def test_a_disease_not_on_the_list_is_said_so_with_the_list(bot):
    reply = bot.answer(
        Turn(text="平安二诊的18种重疾里有没有糖尿病", intent="ask_service_info", products=["平安"], services=["二诊"])
    )
    assert "没有写“糖尿病”" in reply.text and "共 19 项" in reply.text and "严重帕金森病" in reply.text
    assert reply.answer_type == "service_info"


def test_which_items_and_can_it_do_x(bot):
    reply = bot.answer(
        Turn(
            text="众安PLUS的术后上门护理都能做哪些",
            intent="ask_service_info",
            products=["众安PLUS"],
            services=["术后上门护理"],
        )
    )
    assert "共 29 项" in reply.text and "雾化护理" in reply.text
    reply = bot.answer(
        Turn(
            text="众安PLUS术后上门护理能给我妈做雾化吗",
            intent="ask_eligibility",
            products=["众安PLUS"],
            services=["术后上门护理"],
        )
    )
    assert "中有“雾化护理”" in reply.text


def test_a_question_that_is_not_about_the_list_gets_its_own_answer(bot):
    reply = bot.answer(
        Turn(text="众安PLUS的重疾绿通住院绿通要等几天", intent="ask_time", products=["众安PLUS"], services=["重疾绿通"])
    )
    assert "中有“" not in reply.text and "工作日" in reply.text
    reply = bot.answer(
        Turn(
            text="众安PLUS的术后上门护理在杭州有吗",
            intent="ask_coverage",
            products=["众安PLUS"],
            services=["术后上门护理"],
            places=["杭州"],
        )
    )
    assert reply.answer_type == "coverage"


def test_a_list_asked_with_a_number_and_an_item_asked_with_a_gap(bot):
    reply = bot.answer(
        Turn(text="平安二诊说的18种重疾到底是哪18种", intent="ask_eligibility", products=["平安"], services=["二诊"])
    )
    assert "共 19 项" in reply.text
    reply = bot.answer(
        Turn(
            text="乳腺原位癌，这种算恶性肿瘤吗，平安二诊",
            intent="ask_eligibility",
            products=["平安"],
            services=["二诊"],
        )
    )
    assert "“恶性肿瘤”" in reply.text and "原位癌" in reply.text
    reply = bot.answer(
        Turn(
            text="心脏放了支架，平安二诊清单上冠状动脉那条对得上吗",
            intent="ask_service_info",
            products=["平安"],
            services=["二诊"],
        )
    )
    assert "“冠状动脉搭桥术”" in reply.text and "手册中的定义" in reply.text


def test_a_word_several_items_share_asks_for_the_whole_list(bot):
    reply = bot.answer(
        Turn(
            text="尊享e生PLUS哪些治疗得先做预授权",
            intent="ask_eligibility",
            products=["尊享e生PLUS"],
            services=["预授权"],
        )
    )
    assert "共 5 项" in reply.text and "8,000 元" in reply.text


def test_which_cities_is_a_coverage_question_not_one_about_the_list(bot):
    reply = bot.answer(
        Turn(text="平安的住院陪护在哪些城市能用", intent="ask_coverage", products=["平安"], services=["住院陪护"])
    )
    assert "共 14 项" not in reply.text and reply.answer_type == "coverage_summary" and "920个城市" in reply.text


def test_the_parts_an_item_enumerates_are_names_too():
    item = "清洁与卫生 / 个人卫生照护：根据客户实际情况，协助并完成实施：1）面部清洁；2）口腔清洁；5）修剪指/趾甲。"
    parts = item_parts(item)
    assert "面部清洁" in parts and "修剪指甲" in parts and "修剪趾甲" in parts
    assert not any("实际情况" in p for p in parts)  # what introduces the numbered parts is none of them
    # what a clause says is NOT given is no part: "陪诊员不提供院后代取报告、代配药"
    assert "代配药" not in item_parts(
        "代取报告：协助获取报告。1）当天无法打印的，告知注意事项。2）陪诊员不提供院后代取报告、代配药。"
    )
    assert item_parts("上门护理类：伤口换药") == ()  # nothing enumerated
    assert "单项检查" in item_parts("上述医疗项目外单价人民币 8,000 元及以上的治疗、单项检查")


def test_a_part_is_found_only_when_one_item_has_it(kb):
    items = kb.service(kb.get_product("pingan_health"), "7天住院陪护").items
    assert find_item_name(items, "剪指甲")[1] == "修剪指甲"
    assert find_item_name(items, "体温")[1] == "测量体温并记录"
    assert find_item_name(items, "协助") is None  # 协助进食 and 协助排痰: two items


def test_a_rare_word_asks_about_a_part_of_an_item_a_common_one_does_not(bot):
    reply = bot.answer(
        Turn(
            text="老爷子住院好久没剪指甲了，平安7天陪护的护工管这个吗",
            intent="nlu_fallback",
            products=["平安"],
            services=["7天陪护"],
        )
    )
    assert "中有“修剪指甲”（属于“个人卫生照护”一项）" in reply.text and "6.7 天住院陪护" in reply.text
    reply = bot.answer(
        Turn(text="平安的专属护工住院期间都管什么", intent="ask_service_info", products=["平安"], services=["专属护工"])
    )
    assert "睡眠期间" not in reply.text.split("\n")[0]  # 期间: in 4% of the manuals' passages, no part's name


def test_a_part_asked_yes_or_no_is_answered_from_the_list(bot):
    """ "做血透了，这种得先走预授权不": 血透 (lexicon: 透析) names a part of the 需要预授权的项目 list, and a
    yes/no question about it is about the list; the item has no name of its own to say it belongs to."""
    reply = bot.answer(
        Turn(
            text="我爸肾不好要开始做血透了，尊享e生2023版这种得先走预授权不",
            intent="ask_eligibility",
            products=["尊享e生2023版"],
            services=["预授权"],
        )
    )
    assert "需要预授权的项目中有“血液或者腹膜透析”" in reply.text and "属于" not in reply.text.split("\n")[0]


def test_an_item_named_by_a_rare_word_in_a_long_story_asked_yes_or_no_is_about_the_list(bot):
    """ "我爸帕金森十来年了，吃药都压不住，…第二诊疗他能用吗" (read as out of scope): 帕金森 is rare in the
    manuals and names an item; the yes/no question is about the list, whatever else the message tells."""
    text = "我爸帕金森十来年了，吃药都压不住，平安健康险的第二诊疗他能用吗"
    reply = ask(bot, text, "out_of_scope", products=["平安健康险"], services=["第二诊疗"])
    assert "中有“严重帕金森病”" in reply.text and "手册中的定义" in reply.text
    assert "严重帕金森病。\n" not in reply.text  # the item is its name: not shown twice


def test_a_thing_off_the_list_that_an_items_definition_names_is_shown_with_it(bot):
    # 004 附件 2.18 种疾病清单: 冠状动脉搭桥术's definition says 冠状动脉支架植入术 …不在保障范围内
    turn = Turn(
        "他去年心脏放了个支架，这个算不算", "out_of_scope", service="国内第二诊疗（18种重疾）", product="pingan_health"
    )
    reply = bot.answer(turn)
    assert "中没有写“支架”" in reply.text and "冠状动脉支架植入术" in reply.text and "不在保障范围内" in reply.text
    assert reply.extra["list"]["on_list"] is False
    # a thing no definition names: the list alone
    reply = bot.answer(
        Turn("18种病里有糖尿病吗", "ask_eligibility", service="国内第二诊疗（18种重疾）", product="pingan_health")
    )
    assert "中没有写“糖尿病”" in reply.text and "的定义提到了它" not in reply.text
