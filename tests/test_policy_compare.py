"""Comparisons answer the detail asked, product by product (real store, no model)."""

from __future__ import annotations

import pytest

from actions.policy import Answerer, Turn


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_which_is_faster_is_answered_with_each_products_sentence(bot, kb):
    reply = bot.answer(
        Turn(text="安盛和众安PLUS的基因检测哪个出报告快", intent="ask_compare", products=["安盛", "众安PLUS"],
             services=["基因检测"])
    )  # fmt: skip
    assert reply.answer_type == "comparison"
    # the report times as each manual states them (003: 15 working days; 000 特药基因检测: 7 working days)
    assert "实验室收到样本后15个工作日内" in reply.text and "实验室收到样本后 7个工作日内" in reply.text.replace(
        "\u3000", " "
    )
    assert {s.manual for s in reply.sources} >= {kb.product("安盛").manual, kb.product("众安PLUS").manual}


def test_two_named_products_are_compared_alone(bot):
    reply = bot.answer(
        Turn(
            text="安盛跟平安的住院垫付有啥区别", intent="ask_compare", products=["安盛", "平安"], services=["住院垫付"]
        )
    )
    assert reply.extra["products"] == ["安盛天平医疗保险", "平安健康 医疗险"]
    assert "关于您问的" not in reply.text  # "有啥区别" asks no detail: the usual side-by-side rows


def test_the_kind_of_detail_compared_shows_each_products_facts_of_that_kind(bot):
    reply = bot.answer(
        Turn(text="陪诊提前多久申请，众安PLUS和平安比怎么样", intent="ask_compare", products=["众安PLUS", "平安"],
             services=["陪诊"])
    )  # fmt: skip
    assert reply.answer_type == "comparison" and reply.text.count("提前申请时间：") == 2
    assert "48 小时" in reply.text  # 平安 就医陪诊: 客户需提前 48 小时提交服务申请


def test_two_services_of_one_product_are_compared_on_the_detail_asked(bot):
    reply = bot.answer(
        Turn(text="安盛基因检测报告和二诊意见报告，哪个出得更快", intent="ask_compare", products=["安盛"],
             services=["基因检测", "二诊"])
    )  # fmt: skip
    assert reply.answer_type == "comparison" and reply.text.count("【安盛天平医疗保险·") == 2
    assert "靶向用药基因检测服务" in reply.text and "第二诊疗意见服务" in reply.text and "服务时效：" in reply.text


def test_what_two_services_do_compared_shows_each_ones_content(bot):
    """ "来了都能干些啥，有区别吗": the detail compared is what each service holds (its content)."""
    text = "做完手术护士上门，PLUS的上门护理和众安增值服务的家庭护理，来了都能干些啥，有区别吗"
    reply = bot.answer(
        Turn(text=text, intent="ask_compare", products=["PLUS", "众安增值服务"], services=["上门护理", "家庭护理"])
    )
    assert reply.text.count("服务内容：") == 2 and "20多项" in reply.text and "打针" in reply.text


def test_a_service_whose_manual_states_the_detail_twice_differently_shows_both(bot):
    # 004 manual, 6.7 天住院陪护: "6.2 服务标准" asks for 12 hours' notice, its own Q&A (6.4) for 24
    reply = bot.answer(
        Turn(text="平安的住院陪护和就医陪诊各要提前多久申请", intent="ask_compare", products=["平安"],
             services=["住院陪护", "就医陪诊"])
    )  # fmt: skip
    row = next(line for line in reply.text.split("【") if line.startswith("平安健康 医疗险·7天住院陪护"))
    assert "（手册中有不同说法）" in row and "提前 12 小时" in row and "提前 24 小时" in row
    escort = next(line for line in reply.text.split("【") if line.startswith("平安健康 医疗险·就医陪诊"))
    assert "不同说法" not in escort and "提前 48 小时" in escort


def test_the_sentence_on_the_detail_is_shown_when_it_is_in_another_part_of_the_manual(bot):
    """004 7.7 常见问题: "垫付材料审核要多久？ … 一个工作日做出审核结果" is no time fact of 住院垫付's
    own part; asked how long the review takes, 平安's row shows it beside its time facts."""
    reply = bot.answer(
        Turn(text="住院垫付交完材料，众安PLUS、安盛、平安三家各多久给审核结果", intent="ask_compare",
             products=["众安PLUS", "安盛", "平安"], services=["住院垫付"])
    )  # fmt: skip
    pingan = reply.text.split("【平安健康 医疗险·住院垫付】")[1].split("【")[0]
    assert "一个工作日做出审核结果" in pingan
    assert "48个小时内反馈具体审核意见" in reply.text and "2个工作日内对被该申请进行审核" in reply.text


def test_a_follow_up_after_a_comparison_compares_the_same_rows(bot):
    first = bot.answer(
        Turn(text="基因检测的报告，AXA和众安PLUS谁出得快点", intent="ask_compare", products=["AXA", "众安PLUS"],
             services=["基因检测"])
    )  # fmt: skip
    rows = first.slots["compared"]
    assert [r.split("|")[0] for r in rows] == ["axa_tianping", "zhongan_plus"]
    again = bot.answer(
        Turn(text="那分别能做几次", intent="ask_usage_limit", service="基因检测", last_question="ask_compare",
             compared=tuple(rows))
    )  # fmt: skip
    assert again.answer_type == "comparison" and again.extra["products"] == first.extra["products"]
    # each manual's number of uses (003: 基因检测服务1次; 000 特药基因检测: 保单年度内限制次数 1次)
    assert "基因检测服务1次" in again.text and "保单年度内限制次数 1次" in again.text
    assert again.slots["compared"] == rows
    # a question of one product's after it is no comparison, and the rows are let go
    one = bot.answer(
        Turn(text="安盛的要寄什么样本", intent="ask_service_info", products=["安盛"], service="基因检测",
             compared=tuple(rows))
    )  # fmt: skip
    assert one.answer_type != "comparison" and one.slots.get("compared") is None


def test_a_remote_services_row_says_it_is_not_bound_to_a_city(bot):
    # 000 (三) 预授权申请 is applied for online or by phone; its "coverage" sentence is how to apply
    reply = bot.answer(
        Turn(text="PLUS的直付和预授权分别要提前多久", intent="ask_advance_notice", products=["PLUS"],
             services=["直付", "预授权"])
    )  # fmt: skip
    assert reply.answer_type == "comparison"
    row = reply.text[reply.text.index("·预授权申请】") :]
    assert row.split("\n")[0].endswith("范围：线上或电话提供，不限城市") and "您可通过" not in row.split("\n")[0]


def test_a_rows_scope_is_never_a_bare_cross_reference_nor_the_limit_again(bot):
    # 000 7. prints its scope as "城市列表：同上"; 003's one sentence states both the limit and 全国范围
    reply = bot.answer(
        Turn(text="安盛和众安PLUS的基因检测哪个出报告快", intent="ask_compare", products=["安盛", "众安PLUS"],
             services=["基因检测"])
    )  # fmt: skip
    assert "范围：城市列表：同上" not in reply.text and "范围：按手册所列城市" in reply.text
    assert "基因检测服务1次。 范围：见上句" in reply.text


def test_two_products_and_a_word_of_one_service_name_in_each_are_compared(bot, kb):
    # 会诊 is a word of 平安's 肿瘤多学科会诊 and of PLUS's 重疾多学科会诊MDT服务, and of no other service of theirs
    pingan, plus = kb.product("平安"), kb.product("众安PLUS")
    assert [s.name for s in kb.services_named_by_a_word("两家的会诊分别要提前多久", [pingan, plus])] == [
        "肿瘤多学科会诊",
        "重疾多学科会诊MDT服务",
    ]
    assert kb.services_named_by_a_word("都能约人陪着去看病吧", [pingan, plus]) == []  # 看病 is only an alias's
    reply = bot.answer(
        Turn(text="会诊时间定了但我临时要出差，平安的和众安PLUS的分别得提前多久打招呼才能改？",
             intent="ask_advance_notice", products=["平安", "众安PLUS"])
    )  # fmt: skip
    # 004 4.4: 24 小时以上取消/修改预约，最多 2 次; 000 4. (8): 至少提前一个工作日告知 — asked as a change of booking
    assert reply.answer_type == "comparison" and "取消和变更" in reply.text
    assert "24 小时以上取消/修改预约" in reply.text and "至少提前一个工作日告知" in reply.text
    assert len(reply.slots["compared"]) == 2
