"""The interpret step's rules, one test each (no store, no model): the NLU's reading → one question."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import List, Tuple

from actions.policy.calibration import Calibration
from actions.policy.interpret import RULES, interpret
from actions.policy.turn import Turn

ROOT = Path(__file__).resolve().parents[1]


def training_examples() -> List[Tuple[str, str, bool]]:
    """(intent, text, whether it names a place) of every NLU training example (bot/data)."""
    from rasa.shared.nlu.training_data.loading import load_data

    out: List[Tuple[str, str, bool]] = []
    for p in sorted((ROOT / "bot" / "data").glob("*.yml")):
        if "nlu:" in p.read_text("utf-8"):
            out += [
                (m.get("intent"), m.get("text"), any(e["entity"] == "place" for e in m.get("entities") or []))
                for m in load_data(str(p)).training_examples
            ]
    return out


def test_every_rule_has_an_example_and_a_test():
    tested = {name[len("test_") :] for name in globals() if name.startswith("test_")}
    for rule in RULES:
        assert rule.__doc__ and ('"' in rule.__doc__ or "“" in rule.__doc__), f"{rule.__name__}: no example"
        assert rule.__name__ in tested, f"no test for {rule.__name__}"


def test_confirmed_suggestion():
    q = interpret(Turn("是的", "affirm", pending="杭州市", place="杭洲", last_question="ask_advance_notice"))
    assert q.intent == "ask_advance_notice" and q.place_words == "杭州市" and q.slots["place"] == "杭州市"
    assert interpret(Turn("是的", "affirm", pending="杭州市")).intent == "ask_coverage"
    assert interpret(Turn("是的", "affirm")).intent == "affirm"  # nothing pending: an acknowledgement


def test_follow_up():
    assert (
        interpret(Turn("那乌海呢", "inform", places=["乌海"], last_question="ask_materials")).intent == "ask_materials"
    )
    assert interpret(Turn("那乌海呢", "inform", places=["乌海"])).intent == "ask_coverage"
    assert interpret(Turn("住院陪护", "inform", services=["住院陪护"])).intent == "ask_service_info"
    assert interpret(Turn("平安的", "inform", products=["平安"])).intent == "ask_services"
    numbers = Turn(
        "家里人分别是众安PLUS、尊享e生2023版，打客服是不是都一个号？", "inform", products=["众安PLUS", "尊享e生2023版"]
    )
    assert interpret(numbers).intent == "ask_hotline"
    assert interpret(Turn("那2023版呢", "inform", products=["2023版"])).intent == "ask_services"
    team = Turn("2023版的私人健康管家都是医生吗", "inform", products=["2023版"])  # a person, not a number
    assert interpret(team).intent == "ask_services"
    assert interpret(Turn("嗯", "inform")).intent == "nlu_fallback"


def test_unsure_about_a_named_service():
    ranking = [("nlu_fallback", 0.45), ("ask_time", 0.35), ("ask_cost", 0.2)]
    q = interpret(Turn("重疾绿通找专家大概多久", "nlu_fallback", services=["重疾绿通"], ranking=ranking))
    assert q.intent == "ask_time"
    stricter = Calibration(unsure_question_min_confidence=0.4)
    assert interpret(
        Turn("重疾绿通找专家那块", "nlu_fallback", services=["重疾绿通"], ranking=ranking), 0, stricter
    ).intent == ("nlu_fallback")
    assert interpret(Turn("多久", "nlu_fallback", ranking=ranking)).intent == "nlu_fallback"  # no service named


def test_the_last_question_again_unsurely():
    ranking = [("nlu_fallback", 0.45), ("ask_hotline", 0.41), ("ask_time", 0.4)]
    assert interpret(Turn("晚上几点下班", "nlu_fallback", last_question="ask_hotline", ranking=ranking)).intent == (
        "ask_hotline"
    )
    assert interpret(Turn("晚上几点下班", "nlu_fallback", last_question="ask_cost", ranking=ranking)).intent == (
        "nlu_fallback"  # the last question is not among the likely ones
    )
    stricter = Calibration(unsure_question_min_confidence=0.45)
    turn = Turn("晚上几点下班", "nlu_fallback", last_question="ask_hotline", ranking=ranking)
    assert interpret(turn, 0, stricter).intent == "nlu_fallback"
    named = Turn("安盛晚上几点下班", "nlu_fallback", products=["安盛"], last_question="ask_hotline", ranking=ranking)
    assert "the_last_question_again_unsurely" not in interpret(named).applied  # a name: not only the last question


def test_the_kind_of_hospital_asks_where_a_service_is_given():
    turn = Turn("私立的呢", "inform", service="医疗垫付服务", last_question="ask_coverage", ranking=[("inform", 0.8)])
    assert interpret(turn).intent == "ask_coverage"


def test_one_product_is_not_a_comparison():
    turn = Turn("平安的住院垫付和别家比怎么样", "ask_compare", products=["平安"], services=["住院垫付"])
    assert interpret(turn, named_products=1).intent == "nlu_fallback"
    assert interpret(turn, named_products=2).intent == "ask_compare"  # 众安: an insurer with two products


def test_what_a_service_holds():
    assert interpret(Turn("重疾绿通都包括些什么", "ask_services", services=["重疾绿通"])).intent == "ask_service_info"
    assert interpret(Turn("平安有哪些服务", "ask_services", products=["平安"])).intent == "ask_services"


def test_several_products_compared():
    turn = Turn("安盛、平安的垫付要什么材料", "ask_materials", products=["安盛", "平安"], services=["垫付"])
    assert interpret(turn, named_products=2).intent == "ask_compare"
    one_insurer = Turn("众安的垫付要什么材料", "ask_materials", products=["众安"], services=["垫付"])
    assert interpret(one_insurer, named_products=2).intent == "ask_materials"


def test_another_service_starts_afresh():
    context = dict(service="肿瘤多学科会诊", place="成都", last_question="ask_coverage")
    assert interpret(Turn("二诊在哪些城市能用", "ask_coverage", services=["二诊"], **context)).place_words is None
    assert interpret(Turn("那二诊呢", "inform", services=["二诊"], **context)).place_words == "成都"
    assert interpret(Turn("需要提前多久", "ask_advance_notice", **context)).place_words == "成都"


def test_another_service_starts_afresh_unless_the_place_is_pointed_back_to():
    context = dict(service="住院垫付", place="太原", last_question="ask_coverage")
    turn = Turn("平安的住院陪护在那边行不行", "ask_coverage", services=["住院陪护"], **context)
    assert interpret(turn).place_words == "太原"


def test_a_place_asks_whether_it_is_there():
    assert interpret(
        Turn("带老人在毫州看病，平安陪诊能安排不", "ask_time", services=["陪诊"], places=["毫州"])
    ).intent == ("ask_coverage")
    assert interpret(
        Turn("我现在在乌海，重疾绿通申请得了吗", "ask_eligibility", services=["重疾绿通"], places=["乌海"])
    ).intent == ("ask_coverage")
    # the A-not-A form anywhere in the question ("有没有覆盖", "会不会有人来")
    assert interpret(
        Turn("我在拉萨，基因检测这里有没有覆盖", "ask_service_info", services=["基因检测"], places=["拉萨"])
    ).intent == ("ask_coverage")
    assert interpret(
        Turn("回苏州休养，术后家庭护理会不会有人来", "ask_service_info", services=["术后家庭护理"], places=["苏州"])
    ).intent == ("ask_coverage")
    assert (
        interpret(
            Turn("在苏州，术后家庭护理是不是要提前申请", "ask_service_info", services=["术后家庭护理"], places=["苏州"])
        ).intent
        == "ask_service_info"
    )
    # a detail asked stays that question; a kind the NLU read with its own words too
    assert (
        interpret(Turn("在成都申请陪诊多久能安排好", "ask_time", services=["陪诊"], places=["成都"])).intent
        == "ask_time"
    )
    assert (
        interpret(Turn("我在太原，怎么申请住院垫付", "ask_apply", services=["住院垫付"], places=["太原"])).intent
        == "ask_apply"
    )
    assert (
        interpret(Turn("我在福州，出院接送收钱不", "ask_cost", services=["出院接送"], places=["福州"])).intent
        == "ask_cost"
    )
    no_place = Turn("陪诊能安排不", "ask_service_info", services=["陪诊"])
    assert interpret(no_place).intent == "ask_service_info"  # no place named


def test_the_rules_apply_in_order_and_are_recorded():
    # a follow-up of "平安有哪些服务" naming a service: follow_up, then what_a_service_holds
    q = interpret(Turn("那住院垫付呢", "inform", services=["住院垫付"], last_question="ask_services"))
    assert q.intent == "ask_service_info" and q.applied == ("follow_up", "what_a_service_holds")


def test_other_readings_are_kept_for_the_answer_step():
    ranking = [("ask_coverage", 0.55), ("ask_usage_limit", 0.3), ("ask_time", 0.05)]
    q = interpret(Turn("杭州护工陪护那块", "ask_coverage", services=["护工"], places=["杭州"], ranking=ranking))
    assert q.alternatives == ("ask_usage_limit",)
    # "能陪护多少天" asks the days of use itself (a_value_asked_where): the coverage reading is the other one
    q = interpret(Turn("杭州护工能陪护多少天", "ask_coverage", services=["护工"], places=["杭州"], ranking=ranking))
    assert (q.intent, q.alternatives) == ("ask_usage_limit", ())


def test_emergency_first():
    q = interpret(Turn("我爸突然胸口疼得厉害，喘不上气，怎么办", "out_of_scope"))
    assert q.intent == "safety" and q.safety == ("emergency",)
    # with a service named, the question stays, safety goes first
    q = interpret(Turn("我爸中风了，重疾绿通在杭州能用吗", "ask_coverage", services=["重疾绿通"], places=["杭州"]))
    assert q.intent == "ask_coverage" and q.safety == ("emergency",)
    # the manual's own words on emergencies are a question about its rules, not an emergency
    assert interpret(Turn("紧急情况来不及预授权怎么办", "ask_advance_notice")).safety == ()


def test_no_medical_advice():
    q = interpret(Turn("发烧了吃布洛芬还是对乙酰氨基酚", "out_of_scope"))
    assert q.intent == "safety" and q.safety == ("medical_advice",)
    both = interpret(Turn("胸痛应该吃什么药", "out_of_scope"))
    assert both.safety == ("emergency", "medical_advice")
    # a service's own name is not a drug question ("靶向用药基因检测服务")
    assert interpret(Turn("靶向用药基因检测怎么申请", "ask_apply", services=["靶向用药基因检测"])).safety == ()


def test_insurer_outside_the_manuals():
    q = interpret(Turn("我买的是太平洋的医疗险，能用住院陪护吗", "inform", services=["住院陪护"]))
    assert q.intent == "outside_insurer" and q.outside_insurer == "太平洋"
    # a product of the manuals named as well: answered as asked
    named = Turn("平安的住院陪护和泰康的比怎么样", "ask_compare", products=["平安"], services=["住院陪护"])
    assert interpret(named, named_products=1).intent != "outside_insurer"
    # an emergency is not turned into "which insurers do you know"
    assert interpret(Turn("我是泰康的，我妈晕倒了", "nlu_fallback")).intent == "safety"


def test_a_service_in_other_words():
    assert interpret(Turn("有没有上门做饭的服务", "ask_services")).described_service == ("上门", "做饭")
    assert interpret(Turn("平安有宠物医疗服务吗", "ask_services", products=["平安"])).described_service == (
        "宠物",
        "医疗",
    )
    # the question's own words name nothing; a named service needs no other words
    assert interpret(Turn("你们一共有哪些服务", "ask_services")).described_service == ()
    assert interpret(Turn("住院陪护服务在杭州能用吗", "ask_coverage", services=["住院陪护"])).described_service == ()


def test_an_everyday_service():
    assert interpret(Turn("保单里带不带洗牙啊", "ask_services")).described_service == ("洗牙",)
    assert interpret(Turn("能用保险的服务请个月嫂不", "nlu_fallback")).described_service == ("月嫂",)
    # a service named, or an answer to something else (a request for a person), is left alone
    assert interpret(Turn("住院陪护能帮忙洗牙吗", "ask_service_info", services=["住院陪护"])).described_service == ()
    assert interpret(Turn("洗牙的事转人工", "human_handoff")).described_service == ()


def test_a_value_asked_names_the_question():
    turn = Turn("平安康复随访总共能约多少回", "ask_coverage", products=["平安"], services=["康复随访"])
    assert interpret(turn).intent == "ask_usage_limit"  # no place, no word of places: unsure, then 多少回
    assert interpret(Turn("住院垫付大概要多久", "nlu_fallback", services=["住院垫付"])).intent == "ask_time"
    # the days one use gives, asked after its verb, are a usage limit; the days until it is arranged a time
    nurse = Turn("重大疾病住院护工能陪护多少天", "nlu_fallback", services=["重大疾病住院护工", "陪护"])
    assert interpret(nurse).intent == "ask_usage_limit"
    assert interpret(Turn("护工最快可以几天安排好", "nlu_fallback", services=["护工"])).intent == "ask_time"
    assert interpret(Turn("护工几天能安排上", "nlu_fallback", services=["护工"])).intent == "ask_time"
    # no service to ask it of, or two kinds asked: still unsure
    assert interpret(Turn("总共能约多少回", "nlu_fallback")).intent == "nlu_fallback"
    assert interpret(Turn("多久能到，要多少钱", "nlu_fallback", services=["住院垫付"])).intent == "nlu_fallback"


def test_a_closing_said_unsurely():
    ranking = [("nlu_fallback", 0.45), ("goodbye", 0.30), ("stop_request", 0.17)]
    assert interpret(Turn("没事了，我自己再研究研究", "nlu_fallback", ranking=ranking)).intent == "closing"
    # a question, or a name, is not a closing; nor a likeliest reading that is a question
    assert interpret(Turn("没事了，还能再问吗", "nlu_fallback", ranking=ranking)).intent == "nlu_fallback"
    assert interpret(Turn("没事了，陪诊再说", "nlu_fallback", services=["陪诊"], ranking=ranking)).intent != "closing"
    other = [("nlu_fallback", 0.45), ("ask_materials", 0.30)]
    assert interpret(Turn("申请的时候得交单子", "nlu_fallback", ranking=other)).intent == "nlu_fallback"


def test_the_same_question_about_another_name():
    turn = Turn(
        "深圳那边又是什么情况", "nlu_fallback", places=["深圳"], last_question="ask_coverage", service="术后家庭护理"
    )
    assert interpret(turn).intent == "ask_coverage"
    turn = Turn("换成尊享家财的话能用多少回", "nlu_fallback", services=["尊享家财"], last_question="ask_usage_limit")
    assert interpret(turn).intent == "ask_usage_limit"
    # a kind of value asked of its own says more than the last question (多少回 after "有几项可以挑")
    turn = Turn("换成尊享家财的话能用多少回", "nlu_fallback", services=["尊享家财"], last_question="ask_service_info")
    assert interpret(turn).intent == "ask_usage_limit"
    # no follow-up words, or nothing asked before: still unsure
    assert interpret(Turn("深圳的医院", "nlu_fallback", places=["深圳"], last_question="ask_coverage")).intent == (
        "nlu_fallback"
    )
    assert interpret(Turn("深圳那边呢", "nlu_fallback", places=["深圳"])).intent == "nlu_fallback"
    # the follow-up words outweigh the NLU's next likely reading; a product alone is a new name too
    ranking = [("nlu_fallback", 0.45), ("ask_eligibility", 0.4)]
    turn = Turn(
        "那换作PLUS版的直付，情况一样吗", "nlu_fallback", products=["PLUS"], services=["直付"],
        last_question="ask_usage_limit", ranking=ranking,
    )  # fmt: skip
    assert interpret(turn).intent == "ask_usage_limit"
    turn = Turn("众安PLUS那边又怎么算", "nlu_fallback", products=["众安PLUS"], last_question="ask_usage_limit")
    assert interpret(turn).intent == "ask_usage_limit"


def test_applying_by_phone():
    turn = Turn("康复护理指导想申请，点哪里或者打哪个电话", "ask_hotline", services=["康复护理指导"])
    assert interpret(turn).intent == "ask_apply"
    assert (
        interpret(Turn("康复护理指导的客服电话多少", "ask_hotline", services=["康复护理指导"])).intent == "ask_hotline"
    )
    assert interpret(Turn("申请服务打哪个电话", "ask_hotline")).intent == "ask_hotline"  # no service: the hotlines


def test_a_cancel_with_nothing_to_cancel():
    q = interpret(Turn("申请之后还能反悔不，到哪步就撤不了了", "cancel_request", service="第二诊疗意见服务"))
    assert q.intent == "ask_cancel" and q.no_open_request
    assert interpret(Turn("帮我取消申请", "cancel_request")).intent == "nothing_to_cancel"
    # read unsurely, a cancellation likeliest: the service's rule; nothing said to be missing
    ranking = [("nlu_fallback", 0.45), ("cancel_request", 0.41), ("ask_cancel", 0.24)]
    turn = Turn("申请之后还能反悔不，到哪步就撤不了了", "nlu_fallback", service="第二诊疗意见服务", ranking=ranking)
    q = interpret(turn)
    assert q.intent == "ask_cancel" and not q.no_open_request
    unsure = [("nlu_fallback", 0.45), ("cancel_request", 0.04), ("ask_time", 0.03)]  # under the threshold (0.05)
    assert interpret(Turn("申请之后还能反悔不", "nlu_fallback", service="第二诊疗意见服务", ranking=unsure)).intent == (
        "nlu_fallback"
    )


def test_unsure_about_the_service_of_the_conversation():
    ranking = [("nlu_fallback", 0.5), ("ask_materials", 0.35), ("ask_apply", 0.1)]
    turn = Turn("申请的时候得交哪些单子", "nlu_fallback", service="院后随访", ranking=ranking)
    assert interpret(turn).intent == "ask_materials"
    assert interpret(Turn("申请的时候得交哪些单子", "nlu_fallback", ranking=ranking)).intent == "nlu_fallback"


def test_several_services_compared():
    turn = Turn("安盛基因检测报告和二诊意见报告，哪个出得更快", "ask_time", services=["基因检测", "二诊"])
    assert interpret(turn).intent == "ask_compare"
    assert interpret(Turn("基因检测和二诊都要什么材料", "ask_materials", services=["基因检测", "二诊"])).intent == (
        "ask_materials"
    )


def test_using_it_again():
    turn = Turn("今年已经是第二回住院了，住院垫付还能再办吗", "ask_eligibility", services=["住院垫付"])
    assert interpret(turn).intent == "ask_usage_limit"
    assert interpret(Turn("住院垫付谁能办", "ask_eligibility", services=["住院垫付"])).intent == "ask_eligibility"
    turn = Turn("在杭州还能再办住院垫付吗", "ask_coverage", services=["住院垫付"], places=["杭州"])
    assert interpret(turn).intent == "ask_coverage"


def test_a_reading_needs_its_words():
    ranking = [("human_handoff", 0.5), ("ask_sharing", 0.3), ("ask_eligibility", 0.1)]
    turn = Turn("平安药品服务能转给家里其他人用吗", "human_handoff", services=["药品服务"], ranking=ranking)
    assert interpret(turn).intent == "ask_sharing"
    assert interpret(Turn("帮我转人工", "human_handoff", ranking=ranking)).intent == "human_handoff"
    assert interpret(Turn("不想跟机器聊了", "human_handoff")).intent == "human_handoff"
    assert interpret(Turn("能转给别人吗", "human_handoff")).intent == "nlu_fallback"
    # a number asked in words of calling, or the number itself; not a detail of the service talked about
    ranking = [("ask_hotline", 0.6), ("ask_service_info", 0.2)]
    turn = Turn("出的报告是电子的还是纸的", "ask_hotline", services=["基因检测"], ranking=ranking)
    assert interpret(turn).intent == "ask_service_info"
    assert interpret(Turn("基因检测有问题打哪个电话", "ask_hotline", ranking=ranking)).intent == "ask_hotline"
    assert interpret(Turn("952299是众安的吗", "ask_hotline", ranking=ranking)).intent == "ask_hotline"
    # where a service is given: a place named, now or before, or words of places; else the next reading said in its words
    ranking = [("ask_coverage", 0.54), ("ask_time", 0.3), ("ask_hotline", 0.1)]
    turn = Turn(
        "中午12点半打安盛远程问诊有医生接吗", "ask_coverage", products=["安盛"], services=["远程问诊"], ranking=ranking
    )
    assert interpret(turn).intent == "ask_time"
    # a time of day asked (12点半) names the question before the NLU's next reading (ask_services, said anyhow)
    ranking = [("ask_coverage", 0.57), ("ask_services", 0.15), ("ask_time", 0.12)]
    assert interpret(Turn(turn.text, "ask_coverage", services=["远程问诊"], ranking=ranking)).intent == "ask_time"
    assert interpret(Turn("远程问诊有医生接吗", "ask_coverage", services=["远程问诊"], ranking=ranking)).intent == (
        "ask_service_info"  # ask_services about one service: what it holds
    )
    assert (
        interpret(Turn("远程问诊杭州能用吗", "ask_coverage", places=["杭州"], ranking=ranking)).intent == "ask_coverage"
    )
    assert interpret(Turn("远程问诊能用吗", "ask_coverage", place="杭州", ranking=ranking)).intent == "ask_coverage"
    assert interpret(Turn("陪诊覆盖哪些城市", "ask_coverage", ranking=ranking)).intent == "ask_coverage"
    # the words are looked for in what is asked, not in the service's name ("图文咨询" holds 咨询)
    ranking = [("ask_hotline", 0.5), ("ask_eligibility", 0.3)]
    turn = Turn("众安增值服务的图文咨询能问心理方面的问题吗", "ask_hotline", services=["图文咨询"], ranking=ranking)
    assert interpret(turn).intent == "ask_eligibility"
    # how to apply is asked in words of applying, booking or an entry point; who gives it and where are not
    ranking = [("ask_apply", 0.66), ("ask_service_info", 0.2)]
    turn = Turn("安盛二诊找的是啥水平的医生", "ask_apply", products=["安盛"], services=["二诊"], ranking=ranking)
    assert interpret(turn).intent == "ask_service_info"
    assert interpret(Turn("二诊去哪申请", "ask_apply", services=["二诊"], ranking=ranking)).intent == "ask_apply"
    ranking = [("ask_apply", 0.7), ("inform", 0.16), ("ask_service_info", 0.08)]
    turn = Turn("尊享e生plus的MDT会诊是在哪做的", "ask_apply", services=["MDT会诊"], ranking=ranking)
    assert interpret(turn).intent == "ask_coverage"  # no other reading likely; 在哪 asks where it is given
    ranking = [("ask_time", 0.79), ("ask_services", 0.06)]
    turn = Turn("特药审核通过了，去药店拿药我得带点啥", "ask_time", services=["特药"], ranking=ranking)
    assert interpret(turn).intent == "ask_materials"  # no word of time; 带点啥 asks what to bring
    # a greeting says hello or asks whether someone is there; "晚上也有人守着吗" about 院内陪护 does neither
    ranking = [("greet", 0.75), ("ask_service_info", 0.12)]
    turn = Turn("晚上也有人守着吗", "greet", service="院内陪护", product="zhongan_plus", ranking=ranking)
    assert interpret(turn).intent == "ask_service_info"
    assert interpret(Turn("您好，在吗", "greet", service="院内陪护", ranking=ranking)).intent == "greet"
    assert interpret(Turn("hello 小助手", "greet", ranking=ranking)).intent == "greet"
    # the conversation's last question carried on by a confirmation is not checked against the confirmation
    turn = Turn("是这个没错", "affirm", pending="service:质子重离子服务", last_question="ask_apply")
    assert interpret(turn).intent == "ask_apply"


def test_a_question_about_a_service_is_no_handoff():
    ranking = [("human_handoff", 0.9), ("ask_hotline", 0.02), ("check_requests", 0.02)]
    turn = Turn(
        "打95550申请肿瘤绿通时，客服要跟我确认哪些信息", "human_handoff", services=["肿瘤绿通"], ranking=ranking
    )
    assert interpret(turn).intent == "nlu_fallback"  # no other reading likely: searched in the service
    ranking = [("human_handoff", 0.6), ("ask_materials", 0.3)]
    turn = Turn("肿瘤绿通申请时客服要我交哪些材料", "human_handoff", services=["肿瘤绿通"], ranking=ranking)
    assert interpret(turn).intent == "ask_materials"
    # no service named, or no interrogative: a request for a person
    assert interpret(Turn("人工客服在哪", "human_handoff", ranking=ranking)).intent == "human_handoff"
    assert interpret(Turn("肿瘤绿通的事我要找客服", "human_handoff", services=["肿瘤绿通"])).intent == "human_handoff"


def test_every_training_example_of_a_kind_with_its_words_says_one(kb):
    """As the rule reads a message: without its product, service and place names ("图文咨询" holds 咨询)."""
    from actions.policy.lists import INTENT_WORDS
    from knowledge.vocabulary import MentionFinder, store_forms

    finder = MentionFinder(store_forms(kb))

    def detail(text: str) -> str:
        for m in sorted(finder.find(text), key=lambda m: m.start, reverse=True):
            text = text[: m.start] + " " + text[m.end :]
        return text

    examples = training_examples()
    for intent, words in INTENT_WORDS.items():
        mine = [(e, placed) for i, e, placed in examples if i == intent]
        assert len(mine) >= 50 and [e for e, placed in mine if not words.said_in(detail(e), placed)] == [], intent


def test_a_value_asked_where():
    ask = "我在成都，自己请护工一天能补多少"
    turn = Turn(ask, "ask_coverage", services=["护工"], places=["成都"], product="pingan_health")
    assert interpret(turn).intent == "ask_cost"  # 补多少: an amount, of which the place may be the condition
    # whether it is given there, or no value asked: still the coverage question
    assert (
        interpret(Turn("成都能补护工吗", "ask_coverage", services=["护工"], places=["成都"])).intent == "ask_coverage"
    )
    assert interpret(Turn("成都那边护工管不管", "ask_coverage", services=["护工"], places=["成都"])).intent == (
        "ask_coverage"
    )


def test_a_value_asked_of_what_to_bring():
    ranking = [("ask_materials", 0.74), ("ask_time", 0.26)]
    turn = Turn("平安垫付材料交齐后审核要多长时间", "ask_materials", services=["垫付"], ranking=ranking)
    assert interpret(turn).intent == "ask_time"  # 多长时间: a time, and the NLU found it likely too
    # no value asked, or the value's question not among the likely readings: what to bring
    assert interpret(replace(turn, text="平安垫付审核要交哪些材料")).intent == "ask_materials"
    assert interpret(replace(turn, ranking=[("ask_materials", 0.98), ("ask_time", 0.01)])).intent == "ask_materials"


def test_the_hours_of_a_contact():
    ask = "买的尊享e生PLUS，想晚上9点下班后微信问下私人健康管家我妈吃药的事，那会儿还在吗"
    assert interpret(Turn(ask, "ask_time", products=["尊享e生PLUS"])).intent == "ask_hotline"
    assert interpret(Turn("客服热线星期天有人接吗", "nlu_fallback")).intent == "ask_hotline"
    # a service given by phone is no contact; a duration is no time of day; a service named is asked of
    assert interpret(Turn("AXA那个打电话问医生的，周六能打吗", "ask_time")).intent == "ask_time"
    assert interpret(Turn("打客服预约后几天能排上", "ask_time")).intent == "ask_time"
    assert interpret(Turn("陪诊晚上9点管家还能约吗", "ask_time", services=["陪诊"])).intent == "ask_time"


def test_the_place_said_before():
    context = dict(place="宁波", service="重疾绿通", last_question="ask_coverage")
    turn = Turn("安盛的绿通在那里又怎么样", "ask_apply", products=["安盛"], services=["绿通"], **context)
    assert interpret(turn).intent == "ask_coverage"
    # a kind of value asked, no word of the place said before, or a conversation on something else
    assert interpret(replace(turn, text="安盛的绿通在那里几天能排上", intent="ask_time")).intent == "ask_time"
    assert interpret(replace(turn, text="安盛的绿通又怎么申请")).intent == "ask_apply"
    assert interpret(replace(turn, last_question="ask_materials")).intent == "ask_apply"


def test_a_closing_that_asks():
    ranking = [("deny", 0.6), ("ask_service_info", 0.2)]
    turn = Turn("有没有不用去医院、在家自己测大便的那种", "deny", service="癌症早筛服务", ranking=ranking)
    assert interpret(turn).intent == "ask_service_info"
    # asking nothing, or about no service: a closing still
    assert interpret(replace(turn, text="不用了")).intent == "deny"
    assert interpret(replace(turn, service=None)).intent == "deny"


def test_how_to_apply():
    turn = Turn("众安增值服务海南国际特药想申请，具体咋操作", "ask_service_info", services=["海南国际特药"])
    assert interpret(turn).intent == "ask_apply"
    # applying without a how, a how without applying, or no service named: what the service is
    assert interpret(replace(turn, text="海南国际特药申请以后能拿到什么药")).intent == "ask_service_info"
    assert interpret(replace(turn, text="海南国际特药具体怎么个服务法")).intent == "ask_service_info"
    assert interpret(replace(turn, services=[])).intent == "ask_service_info"


def test_the_comparison_goes_on():
    rows = ("axa_tianping|靶向用药基因检测服务", "zhongan_plus|恶性肿瘤及罕见病特定药品基因检测服务")
    context = dict(service="基因检测", last_question="ask_compare", compared=rows)
    q = interpret(Turn("那分别能做几次", "ask_usage_limit", **context))
    assert (q.intent, q.compared, q.compared_kind) == ("ask_compare", rows, "ask_usage_limit")
    assert interpret(Turn("哪边快点", "nlu_fallback", **context)).intent == "ask_compare"
    # a product, a place or another service named: a question of its own
    assert (
        interpret(Turn("安盛的能做几次", "ask_usage_limit", products=["安盛"], **context)).intent == "ask_usage_limit"
    )
    assert interpret(Turn("北京能做吗", "ask_coverage", places=["北京"], **context)).intent == "ask_coverage"
    other = Turn("二诊能做几次", "ask_usage_limit", services=["二诊"], **context)
    assert interpret(other).intent == "ask_usage_limit"
    assert interpret(Turn("那分别能做几次", "ask_usage_limit", service="基因检测")).intent == "ask_usage_limit"
