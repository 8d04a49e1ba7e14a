"""The answer engine the action calls, on a real knowledge database built from the curated sources."""

from __future__ import annotations

import pytest
from answering import ask

from actions.answers import Answerer, join_places


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_coverage_yes_with_source_and_payload(bot):
    reply = ask(
        bot, "平安的住院陪护在毫州能用吗", "ask_coverage", products=["平安"], services=["住院陪护"], places=["毫州"]
    )
    assert reply.text.startswith("可以。安徽省亳州市")
    assert "毫州" in reply.text and "来源：" in reply.text and "具体以保险合同为准" in reply.text
    answer = reply.payload()["answer"]
    assert answer["type"] == "coverage" and answer["covered"] is True and answer["place"] == "亳州市"
    assert answer["product_id"] == "pingan_health" and answer["service"] == "7天住院陪护"
    assert answer["sources"][0]["manual"] == "004_0cd53a263ec9ebf5.txt"
    assert reply.slots["product"] == "pingan_health" and reply.slots["last_question"] == "ask_coverage"


def test_follow_up_place_keeps_service_and_product(bot):
    reply = ask(
        bot,
        "那乌海呢",
        "inform",
        places=["乌海"],
        product="pingan_health",
        service="住院陪护",
        last_question="ask_coverage",
    )
    assert reply.text.startswith("不可以。内蒙古自治区乌海市") and reply.covered is False
    assert reply.slots["place"] == "乌海"


def test_county_level_place_is_judged_by_the_lists_rule(bot):
    reply = ask(
        bot, "明光能用出院接送吗", "ask_coverage", services=["出院接送"], places=["明光"], product="pingan_health"
    )
    assert reply.covered is False and "不含下辖县" in reply.text and "滁州市" in reply.text


def test_follow_up_question_keeps_the_service(bot):
    reply = ask(bot, "需要提前多久", "ask_advance_notice", product="pingan_health", service="住院陪护", place="乌海")
    assert "12 小时" in reply.text and "24 小时" in reply.text  # 6.2 vs 6.4: both, not hidden
    assert reply.payload()["answer"]["conflict"] is True


def test_product_switch_keeps_the_question(bot):
    reply = ask(
        bot,
        "那安盛的呢",
        "inform",
        products=["安盛"],
        product="pingan_health",
        service="住院垫付",
        last_question="ask_materials",
    )
    assert reply.product.id == "axa_tianping" and reply.answer_type == "materials"
    assert "病理报告" in reply.text
    assert reply.slots["product"] == "axa_tianping"


def test_ambiguous_product_asks_offering_only_products_with_the_service(bot, kb):
    reply = ask(bot, "住院陪护能用几次", "ask_usage_limit", services=["住院陪护"])
    assert reply.answer_type == "clarify"
    options = reply.payload()["answer"]["options"]
    assert set(options) == {s.product.name for s in kb.products_offering("住院陪护")}
    assert "安盛天平医疗保险" not in options


def test_insurer_name_narrows_to_its_products_with_the_service(bot):
    reply = ask(bot, "众安的住院垫付要什么材料", "ask_materials", products=["众安"], services=["住院垫付"])
    options = reply.payload()["answer"]["options"]
    assert set(options) == {"尊享e生·中高端医疗保险PLUS", "众安医疗险增值服务"}


def test_question_the_manual_does_not_answer_says_so_with_the_hotline(bot):
    reply = ask(bot, "增值服务的海南国际特药怎么申请", "ask_apply", products=["增值服务"], services=["海南国际特药"])
    assert reply.answer_type == "not_stated" and "没有写明" in reply.text and "10109955" in reply.text


def test_who_may_use_a_service_unstated_is_answered_by_what_it_covers(bot):
    # 001 manual, （二）预授权申请 / 1. 什么是预授权？: no sentence on who may apply, but the list of
    # treatments that need it ("需要预授权的项目：1) 所有住院治疗; … 单价人民币 8,000 元及以上的治疗、单项检查")
    reply = ask(
        bot, "众安2023版什么情况下需要做预授权", "ask_eligibility", products=["众安2023版"], services=["预授权"]
    )
    assert "手册没有写明适用人群和使用条件" in reply.text
    assert "所有住院治疗、化学治疗" in reply.text and "8,000 元" in reply.text
    assert ";、" not in reply.text and "“、" not in reply.text  # the list's separators as extracted are not shown
    assert "1. 什么是预授权？" in reply.text and reply.answer_type == "service_info"


def test_service_not_in_the_product(bot):
    reply = ask(
        bot, "安盛的住院陪护在杭州能用吗", "ask_coverage", products=["安盛"], services=["住院陪护"], places=["杭州"]
    )
    assert "没有“住院陪护”" in reply.text and reply.answer_type == "services"


def test_unknown_place_suggests_and_affirm_uses_the_suggestion(bot):
    reply = ask(bot, "杭洲能用吗", "ask_coverage", places=["杭洲"], product="pingan_health", service="陪诊")
    assert "您是指杭州市吗" in reply.text and reply.slots["pending"] == "杭州市"
    confirmed = ask(
        bot,
        "是的",
        "affirm",
        product="pingan_health",
        service="陪诊",
        place="杭洲",
        last_question="ask_coverage",
        pending="杭州市",
    )
    assert confirmed.covered is True and confirmed.text.startswith("可以。浙江省杭州市")


def test_coverage_without_place_summarises_by_province(bot):
    reply = ask(bot, "住院协助在哪些城市能用", "ask_coverage", products=["平安"], services=["住院协助"])
    assert reply.answer_type == "coverage_summary" and "安徽省16" in reply.text and "请告诉我您所在的城市" in reply.text
    # the manual's own sentence on the scope is quoted (000 3. 重疾绿通服务: 近 1000 家三甲医院), a cross-reference is not
    reply = ask(bot, "PLUS重疾绿通背后有多少家三甲医院可以排", "ask_coverage", products=["PLUS"], services=["重疾绿通"])
    assert "手册原文：服务医院：可在全国 31 个省/直辖市的近 1000 家三甲医院" in reply.text
    reply = ask(bot, "PLUS基因检测在哪些城市能做", "ask_coverage", products=["PLUS"], services=["基因检测"])
    assert reply.answer_type == "coverage_summary" and "同上" not in reply.text


def test_the_hospitals_asked_at_a_covered_place_where_the_manual_names_none(bot):
    """003 恶性肿瘤就医绿通服务 lists cities (4. 绿通城市列表) and prints only "近 1000 家…公立医院" (2. 服务细则):
    the verdict, then plainly that no hospital list is printed, with that sentence and its section."""
    reply = ask(bot, "安盛绿通在杭州到底能约哪几家医院，有医院名单吗", "ask_coverage", products=["安盛"],
                services=["绿通"], places=["杭州"])  # fmt: skip
    assert reply.covered is True and "手册没有写明具体的医院名单" in reply.text and "近 1000 家" in reply.text
    assert "(4) 服务医院城市列表" in reply.text
    plain = ask(bot, "安盛绿通在杭州能用吗", "ask_coverage", products=["安盛"], services=["绿通"], places=["杭州"])
    assert "医院名单" not in plain.text


def test_waiting_period_and_sharing_rules(bot):
    waiting = ask(bot, "等待期多久", "ask_waiting_period", product="pingan_health")
    # 004 敬请注意: 本合同生效日起 30 内（含第 30 天）为等待期
    assert "本合同生效日起 30 内（含第 30 天）为等待期" in waiting.text and waiting.answer_type == "rule"
    sharing = ask(bot, "家人能共用吗", "ask_sharing", products=["平安"])
    assert "直系亲属" in sharing.text


def test_how_to_apply_gives_the_steps(bot):
    reply = ask(bot, "门诊协助怎么申请", "ask_apply", products=["平安"], services=["门诊协助"])
    assert reply.answer_type == "procedure" and "1. 登录平安健康保险 APP/小程序" in reply.text


def test_human_request_gives_the_products_hotline(bot):
    reply = ask(bot, "转人工", "human_handoff", product="pingan_health")
    assert "95511-7" in reply.text and reply.answer_type == "handoff"


def test_out_of_scope_declines_without_facts(bot):
    reply = ask(bot, "今天天气怎么样", "out_of_scope")
    assert reply.answer_type == "out_of_scope" and "不在我能回答的范围" in reply.text and not reply.sources


def test_fallback_offers_the_best_passage_with_its_source(bot):
    unsure = ask(bot, "犹豫期内退保能退多少钱", "nlu_fallback")
    assert (
        unsure.sources and "犹豫期" in unsure.text and unsure.answer_type == "fallback" and "我不太确定" in unsure.text
    )
    # with the product known, its own rule on the detail stands out and is answered as such
    sure = ask(bot, "犹豫期内退保能退多少钱", "nlu_fallback", product="pingan_health")
    assert sure.answer_type == "rule" and "全部保险费" in sure.text and sure.sources


def test_compare_across_products(bot):
    reply = ask(bot, "各家住院垫付有啥区别", "ask_compare", services=["住院垫付"])
    assert reply.answer_type == "comparison" and len(reply.payload()["answer"]["products"]) == 4


def test_adjacent_place_mentions_are_one_place():
    assert join_places([(0, 2, "浙江"), (2, 4, "杭州"), (8, 10, "乌海")]) == ["浙江杭州", "乌海"]


def test_in_person_question_about_a_service_also_given_online(bot):
    offline = ask(
        bot,
        "平安肿瘤多学科会诊能在成都线下面诊吗",
        "ask_coverage",
        products=["平安"],
        services=["肿瘤多学科会诊"],
        places=["成都"],
    )
    assert offline.covered is False and "线上视频会诊咨询服务范围为全国" in offline.text
    anywhere = ask(
        bot,
        "平安肿瘤多学科会诊成都能用吗",
        "ask_coverage",
        products=["平安"],
        services=["肿瘤多学科会诊"],
        places=["成都"],
    )
    assert anywhere.covered is True and anywhere.text.startswith("可以，但只能远程使用")
    beijing = ask(
        bot,
        "平安肿瘤多学科会诊北京能线下面诊吗",
        "ask_coverage",
        products=["平安"],
        services=["肿瘤多学科会诊"],
        places=["北京"],
    )
    assert beijing.covered is True and "北京高博医院" in beijing.text


def test_usage_limit_includes_how_long_one_use_lasts(bot):
    reply = ask(bot, "平安的陪诊一次能陪多久", "ask_usage_limit", products=["平安"], services=["陪诊"])
    assert "每个保险期间 1次" in reply.text and "不超过 4 小时" in reply.text


def test_the_longest_service_mention_names_the_service(bot):
    reply = ask(
        bot,
        "众安增值服务的重大疾病住院护工能陪护多少天",
        "ask_usage_limit",
        products=["众安增值服务"],
        services=["重大疾病住院护工", "陪护"],
    )
    assert reply.service is not None and reply.service.name.startswith("重大疾病住院护工")


def test_the_manuals_sentence_on_the_detail_asked_comes_first(bot):
    reply = ask(bot, "平安二诊能不能点名要某个医生", "ask_eligibility", products=["平安"], services=["二诊"])
    lines = reply.text.split("\n")  # the answer's title, the focus label, then the focus sentences
    assert lines[1].startswith("与您的问题最相关的") and reply.payload()["answer"]["focus"] is True
    assert any("不能指定医生" in line for line in lines[1:4])


def test_the_facts_printing_the_kind_of_value_asked_are_shown_before_the_others(bot):
    # 004 5. 住院协助 has five facts on times; a day of the week asks for hours of service, and the
    # FAQ's "我们的工作时间是 9:00-21:00" (5.4) is among those shown, not left to "另有 1 条"
    reply = ask(
        bot, "星期天找平安住院协助的服务专员，有人回消息吗", "ask_time", products=["平安"], services=["住院协助"]
    )
    shown = reply.text.split("（另有")[0]
    assert "9:00-21:00" in shown, reply.text


def test_a_sentence_pointing_to_another_heading_of_its_service_is_shown_with_what_it_points_to(bot, kb):
    # 004 6.4 常见问答: "…进行费用补贴（补贴规则见注意事项）"; 6.5.7 注意事项 holds the amounts
    svc = kb.find_services("7天住院陪护", "pingan_health")[0].service
    faq = next(f.text for f in svc.facts if "补贴规则见注意事项" in f.text)
    pointed = kb.referenced_facts(svc, faq)
    assert [f.section.split(" / ")[-1] for f in pointed] == ["6.5 注意事项"] and "250 元/天" in pointed[0].text
    assert kb.referenced_facts(svc, "（以约定的见面时间开始算起）") == []
    reply = ask(
        bot, "要是赶上疫情医院不让护工进，自己请的人怎么补", "out_of_scope", services=["护工"], product="pingan_health"
    )
    assert "补贴规则见注意事项" in reply.text and "300 元/天" in reply.text and "250 元/天" in reply.text, reply.text
    assert "6.5 注意事项" in reply.text.split("来源：")[-1]


def test_a_second_sentence_the_search_cannot_tell_apart_is_shown_beside_the_first(bot, kb):
    """ "骑车摔伤了，还得提前一天约吗": 000 直付's booking rule that excepts accidents and 就医提示's
    sentence on accidents score within 0.85 of each other: both are shown (knowledge.api.second_focus;
    the rule among the facts of the kind asked, the other as the sentence on the detail)."""
    found = kb.focus_passages("骑车摔伤了， 还得提前一天约吗", kb.service("zhongan_plus", "直付医疗服务"))
    best, second = (
        "前往医院就诊请至少提前一个工作日预约（因意外伤害事故就诊除外）",
        "因意外伤害事故就诊时，请尽快联系我们",
    )
    assert [best in found[0]["text"], second in found[1]["text"]] == [True, True]
    reply = ask(bot, "骑车摔伤了，PLUS直付还得提前一天约吗", "ask_advance_notice", products=["PLUS"], services=["直付"])
    assert best in reply.text and f"与您的问题最相关的说明：{second}" in reply.text


def test_two_things_of_one_service_compared_get_a_sentence_each(bot):
    """ "约门诊跟约住院，哪个安排起来快点": 003 恶性肿瘤就医绿通服务 / 3. 服务流程 prints 【门诊】 5 and 【住院】
    10 working days; the sentence naming both (服务介绍: 门诊、住院预约服务各1次) answers neither."""
    reply = ask(bot, "安盛绿通约门诊跟约住院，哪个安排起来快点", "nlu_fallback", products=["安盛"], services=["绿通"])
    assert "【门诊】启动绿通服务后5个工作日内完成安排" in reply.text and "10个工作日内完成安排" in reply.text
    assert "各1次" not in reply.text
    from actions.policy.interpret import compared_pair

    assert compared_pair("线上和线下哪个贵") == ("线上", "线下") and compared_pair("我和我老婆谁能用") == ()


def test_a_second_sentence_never_repeats_the_first(bot):
    """安盛 恶性肿瘤就医绿通服务 prints "…可向我司申请二级及二级以上公立医院普通部的门诊预约、住院预约服务各 1 次"
    twice (服务介绍 and 服务细则); 平安 住院垫付's Q&A holds its answer "一般在收到客户提交的完整材料后…" again
    as a sentence of its own: neither is shown twice."""
    for text, service, product, said in [
        ("安盛绿通能约到几级医院", "绿通", "安盛", "二级及二级以上公立医院普通部的门诊预约"),
        ("平安垫付材料交齐后审核要多长时间", "垫付", "平安", "一般在收到客户提交的完整材料后一个工作日做出审核结果"),
    ]:
        reply = ask(bot, text, "nlu_fallback", products=[product], services=[service])
        assert reply.text.count(said) <= 1, reply.text


def test_an_unsure_question_about_a_named_service_shows_that_service_s_passage(bot):
    """No sentence passes the focus threshold for "护工那边的情况到底咋样": the nearest passage shown is
    the named service's (002 重大疾病住院护工: …情况观察…), never another service's (尊享家财 has 服务 too)."""
    reply = ask(bot, "众安增值服务的护工那边的情况到底咋样", "nlu_fallback", products=["众安增值服务"],
                services=["护工"])  # fmt: skip
    assert "情况观察" in reply.text and "重大疾病住院护工" in reply.text and "开锁" not in reply.text


def test_an_unsure_question_naming_nothing_stays_on_the_conversation_s_service(bot):
    """ "申请的时候得交哪些单子" after a question on 院后随访, read unsurely: the nearest passage is
    院后随访's, not another service's of the product (000 (三) 预授权申请 says 申请 too)."""
    reply = ask(bot, "申请的时候得交哪些单子", "nlu_fallback", product="zhongan_plus", service="院后随访")
    assert "院后随访" in reply.text and "预授权" not in reply.text


def test_a_service_sentence_on_the_topic_answers_a_product_rule(bot):
    reply = ask(bot, "安盛的绿通等待期内可以用吗", "ask_waiting_period", products=["安盛"], services=["绿通"])
    assert reply.answer_type == "rule" and "等待期内无法申请该项服务" in reply.text


def test_questions_naming_no_service_find_the_products_own_rules(bot):
    reply = ask(bot, "平安合同里的医院指的是什么医院", "ask_service_info", products=["平安"])
    assert reply.answer_type == "rule" and "二级以上（含二级）公立医院" in reply.text
    reply = ask(bot, "出院时候我自己打车回家，平安给不给交通补贴", "ask_cost", products=["平安"])
    assert "不能现金补贴" in reply.text and reply.slots["service"] == "出院交通安排"


def test_no_focus_for_a_plain_question(bot):
    reply = ask(bot, "平安住院垫付要准备什么材料", "ask_materials", products=["平安"], services=["住院垫付"])
    assert reply.answer_type == "materials" and "与您的问题最相关的说明" not in reply.text


def test_the_next_reading_answers_when_the_first_has_nothing_in_the_manual(bot):
    turn = dict(products=["众安增值服务"], services=["重大疾病住院护工", "陪护"])
    # read as a coverage question the manual says nothing; read as a usage limit it does
    reply = ask(
        bot,
        "众安增值服务的重大疾病住院护工能陪护多少天",
        "ask_coverage",
        ranking=[("ask_coverage", 0.55), ("ask_usage_limit", 0.3)],
        **turn,
    )
    assert (
        reply.answer_type == "rule"
        and "累计不超过 30 日" in reply.text
        and reply.slots["last_question"] == "ask_usage_limit"
    )

    def in_hangzhou(text):  # read as a coverage question, surely, with a place named
        ranking = [("ask_coverage", 0.95), ("ask_usage_limit", 0.02)]
        return ask(bot, text, "ask_coverage", ranking=ranking, places=["杭州"], **turn)

    # an unlikely other reading is not taken (a place named: the coverage reading stands)
    reply = in_hangzhou("众安增值服务的重大疾病住院护工在杭州能陪护吗")
    assert reply.answer_type in ("coverage", "coverage_summary") and reply.slots["last_question"] == "ask_coverage"
    # unless the words ask for the days themselves, whatever the NLU's reading (a_value_asked_where)
    reply = in_hangzhou("众安增值服务的重大疾病住院护工在杭州能陪护多少天")
    assert reply.answer_type == "rule" and "累计不超过 30 日" in reply.text
    # with no place and no word of places the coverage reading does not stand either: the detail is searched
    reply = ask(
        bot,
        "众安增值服务的重大疾病住院护工能陪护多少天",
        "ask_coverage",
        ranking=[("ask_coverage", 0.95), ("ask_usage_limit", 0.02)],
        **turn,
    )
    assert reply.answer_type == "rule" and reply.slots["service"] == "重大疾病住院护工"


def test_a_new_question_about_another_service_does_not_inherit_the_place(bot):
    context = dict(product="pingan_health", service="肿瘤多学科会诊", place="成都", last_question="ask_coverage")
    fresh = ask(bot, "平安二诊在哪些城市能用", "ask_coverage", services=["二诊"], **context)
    assert fresh.answer_type == "coverage_summary" and "成都" not in fresh.text
    follow_up = ask(bot, "那二诊呢", "inform", services=["二诊"], **context)
    assert follow_up.answer_type == "coverage" and follow_up.place == "成都市"


def test_a_cancel_with_nothing_open_gives_the_services_cancellation_rule_after_saying_so(kb):
    from actions.policy import Answerer, Turn

    reply = Answerer(kb).answer(
        Turn(text="申请之后还能反悔不", intent="cancel_request", product="axa_tianping", service="第二诊疗意见服务")
    )
    first, _, rest = reply.text.partition("\n\n")
    assert first == "您目前没有可以取消的申请。" and "无法取消" in rest and reply.payload()["answer"]["no_open_request"]
    assert Answerer(kb).answer(Turn(text="取消", intent="cancel_request")).text == "您目前没有可以取消的申请。"


def test_whether_someone_else_may_use_a_service_is_answered_by_who_may_use_it(bot):
    """ "能借用他的安盛绿通吗" read as a sharing question: 安盛's manual has no sharing rule, but the
    service's own conditions say who may use it (RELATED_QUESTIONS)."""
    reply = ask(
        bot, "被保人是我老公，我自己看病能借用他的安盛绿通吗", "ask_sharing", products=["安盛"], services=["绿通"]
    )
    assert "除被保险人之外的人员无法享有该服务权益" in reply.text and "没有写明家庭共享" not in reply.text
    # a product with a sharing rule keeps answering with it
    reply = ask(bot, "平安的服务能给家人共享吗", "ask_sharing", products=["平安"])
    assert "服务共享规则" in reply.text


def test_a_contact_found_for_a_detail_shows_its_note(bot):
    """ "私人健康管家都干过几年临床": the butler team's note in 联系我们 holds the years, not the number."""
    reply = ask(bot, "众安PLUS的私人健康管家靠不靠谱，都干过几年临床", "out_of_scope", products=["众安PLUS"])
    assert "5年以上" in reply.text and "联系我们" in reply.text


def test_a_question_on_a_products_own_rule_read_as_services_or_a_comparison_gets_the_rule(bot):
    """ "是不是买了保单就都有" (read as which services) and "手册跟合同不一样听哪个的" (read as a
    comparison) name no service and ask for no list: the product's own sentence on it answers."""
    reply = ask(bot, "安盛的健康服务是不是买了保单就都有", "ask_services", products=["安盛"])
    assert "不发生效力" in reply.text
    reply = ask(bot, "安盛的服务手册跟保险合同写得不一样的话，听哪个的", "ask_compare", products=["安盛"])
    assert "以保险合同为准" in reply.text and "请问您想比较哪项服务" not in reply.text
    assert ask(bot, "安盛有哪些服务", "ask_services", products=["安盛"]).answer_type == "services"


def test_the_services_named_as_examples_are_the_products_own(bot, kb):
    # 001 尊享e生2023版 offers 直付 and 预授权 only: "例如：住院陪护…" would name services it does not have
    reply = ask(bot, "尊享e生2023版的那个能用几次", "ask_usage_limit", products=["尊享e生2023版"])
    assert reply.text == "请问您想了解尊享e生·中高端医疗保险2023版的哪项服务？例如：直付医疗服务、预授权申请。"
    # no product: one service of each of three products; a comparison: services more than one product offers
    examples = (
        ask(bot, "这个服务在杭州能用吗", "ask_coverage", places=["杭州"])
        .text.split("例如：")[1]
        .rstrip("。")
        .split("、")
    )
    owners = {s.product.id for s in kb.all_services() if s.name in examples}
    assert len(set(examples)) == 3 and len(owners) >= 3
    compared = ask(bot, "哪个更好", "ask_compare").text.split("例如：")[1].rstrip("。").split("、")
    assert all(len({s.product.id for s in kb.products_offering(name)}) >= 2 for name in compared)
