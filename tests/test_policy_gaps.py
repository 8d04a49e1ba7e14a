"""A detail question the shown sentences do not settle is told so first (real store, no model): an
either-or question whose sentences name neither thing, a kind of value the service prints nowhere,
things the manual never mentions."""

from __future__ import annotations

from actions.policy import Answerer, Turn
from actions.policy.interpret import either_or


def test_the_two_things_an_either_or_question_offers():
    assert either_or("报告是中文的还是英文的") == ("中文", "英文")
    assert either_or("是网上视频会诊，还是要本人去医院当面") == ("网上视频会诊", "本人去医院当面")
    assert either_or("出的报告是电子的还是纸的") == ("电子", "纸")
    assert either_or("这个服务好用吗") == () and either_or("还是不行吗") == ()


def test_neither_named_says_the_manual_does_not_state_which_then_what_it_says(kb):
    bot = Answerer(kb)
    # 003 第二诊疗意见服务 says nothing of the report's language
    reply = bot.answer(
        Turn(text="安盛二诊报告是中文的还是英文的", intent="ask_service_info", products=["安盛"], services=["二诊"])
    )
    assert reply.text.startswith("手册没有写明是中文还是英文。") and reply.payload()["answer"]["gap"] == {
        "kind": "either_or",
        "things": ["中文", "英文"],
    }
    # 000 7. 基因检测 (5): 出具电子版、纸质版报告 — named, so answered as usual
    reply = bot.answer(
        Turn(
            text="PLUS基因检测出的报告是电子的还是纸的",
            intent="ask_service_info",
            products=["PLUS"],
            services=["基因检测"],
        )
    )
    assert not reply.text.startswith("手册没有写明") and "电子版、纸质版" in reply.text


def test_a_thing_offered_is_named_by_most_of_its_words():
    """003 医后随访 / 服务流程: "专业医生与被保险人沟通病情" names neither 电话沟通 (沟通 alone, not 电话) nor
    医生上门来看 (医生 alone, not 上门); 000 的 "线上视频或线下面诊" names 网上视频会诊 by 视频 and 会诊."""
    from actions.policy.text import named_in

    text = "按约定时间，专业医生与被保险人沟通病情及康复情况。"
    assert not named_in("电话沟通", text) and not named_in("医生上门来看", text)
    assert named_in("网上视频会诊", "提供线上视频会诊或线下面诊咨询服务") and named_in("沟通", text)


def test_the_gaps_of_a_question_are_facts_about_the_text():
    from knowledge.gaps import unmentioned_words, unprinted_value

    assert unprinted_value("一次最多垫几万", ["每次垫付后 30 天内还款"]) == "金额"
    assert unprinted_value("一次最多垫几万", ["垫付额度最高 5 万元"]) is None
    assert unprinted_value("打几折", ["享受三折的折扣优惠"]) is None and unprinted_value("打几折", ["已完成"]) == "比例"
    assert unprinted_value("能垫付吗", ["每次垫付后 30 天内还款"]) is None  # no value asked
    # a number of uses asked: "往返医院次数" names counts, it prints none; "1 次" and "不限次数" do
    assert unprinted_value("护士总共能上门来几趟", ["可减少患者出院后往返医院次数"]) == "次数"
    assert unprinted_value("总共能约多少回", ["每次住院可开启 1 次权益"]) is None
    assert unprinted_value("一年能用几次", ["保单年度内不限次数"]) is None
    # 工作日 counted ("2个工作日内") is no time of day; named as days of service it is
    assert unprinted_value("半夜能用吗", ["在申请后 2个工作日内安排"]) == "服务时间"
    assert unprinted_value("半夜能用吗", ["服务时间：工作日"]) is None
    # how often is not how long: "隔多久打一次" is answered by neither "2个工作日内" nor "1 次"
    assert unprinted_value("隔多久给我打一次回访电话", ["在申请后 2个工作日内发起"]) == "频率"
    assert unprinted_value("隔多久打一次电话", ["出院后每周电话随访一次"]) is None
    assert unprinted_value("请的是哪个国家的专家", ["安排全球范围内权威专家"]) == "国家或地区"
    assert unprinted_value("请的是哪个国家的专家", ["由美国梅奥诊所专家出具意见"]) is None
    assert unprinted_value("能要求是女的吗", ["子女可代为申请"]) == "性别"  # 子女 names no sex
    assert unprinted_value("能要求是女的吗", ["可指定女性护工"]) is None
    # as the policy passes it, the service's name taken out: "能要个女护工不" -> "能要个 女 不"
    assert unprinted_value("能要个 女 不", ["专属护工服务，每天最多 24 小时"]) == "性别"
    assert unprinted_value("我女儿能用吗", ["专属护工服务"]) is None  # 女儿 asks no sex
    assert unprinted_value("多久 一次啊", ["在申请后 2个工作日内发起"]) == "频率"  # "多久随访一次", 随访 out
    # how an amount is computed answers how much
    assert unprinted_value("能垫多少钱", ["垫付金额计算逻辑：（预计就医总金额-医保支付金额-免赔额）*赔付比例"]) is None
    assert unmentioned_words("来回路费和住宿有人报吗", "挂号费由客户承担") == ("路费", "住宿")
    # a word of the synonym lexicon for it is a mention (路费 / 交通费用, 生孩子 / 分娩)
    assert unmentioned_words("来回路费和住宿有人报吗", "交通费用由客户承担") == ("住宿",)
    assert unmentioned_words("来回路费和住宿有人报吗", "路费、住宿费用自理") == ()
    assert unmentioned_words("生孩子能陪吗", "分娩时不进行陪同") == ()


def test_a_value_printed_nowhere_and_a_thing_never_mentioned_are_said_first(kb):
    bot = Answerer(kb)
    # 000 15. 线上康复: its sentences give a count and a response time, no hours of service
    reply = bot.answer(
        Turn(text="PLUS线上康复半夜能不能练", intent="ask_service_info", products=["PLUS"], services=["线上康复"])
    )
    assert reply.text.startswith("手册没有写明具体的服务时间。手册中相关的说明：")
    assert reply.payload()["answer"]["gap"] == {"kind": "value", "things": ["服务时间"]}
    # 002 术后家庭护理服务: what it holds, where and how to apply; no number of visits
    reply = bot.answer(
        Turn(text="众安增值服务术后家庭护理，护士总共能上门来几趟", intent="ask_usage_limit", products=["增值服务"],
             services=["术后家庭护理"])
    )  # fmt: skip
    assert reply.text.startswith("手册没有写明具体的次数。") and "打针" in reply.text
    # 000 11. 门诊陪诊服务: nothing on the escort's languages
    reply = bot.answer(
        Turn(
            text="PLUS门诊陪诊的陪诊员会说英语吗",
            intent="ask_service_info",
            products=["PLUS"],
            services=["门诊陪诊", "陪诊员"],
        )
    )
    assert reply.text.startswith("手册中没有提到“英语”。手册中相关的说明："), reply.text
    assert reply.payload()["answer"]["gap"] == {"kind": "words", "things": ["英语"]}
    # 000 10. 院内陪护服务 (1): 给药提醒 is named, so answered as usual
    reply = bot.answer(
        Turn(text="PLUS院内陪护会提醒吃药吗", intent="ask_service_info", products=["PLUS"], services=["院内陪护"])
    )
    assert "gap" not in reply.payload()["answer"] and "给药提醒" in reply.text


def test_a_specific_thing_the_whole_manual_never_mentions_is_said_although_a_sentence_matched(kb):
    from knowledge.gaps import RARE_WORD_FREQUENCY, unmentioned_words

    # 003 远程问诊: the search finds the sentence on what the doctor does (用药咨询 …), but the manual
    # says nothing anywhere of a sick note; the reply says so first, then shows the sentence
    bot = Answerer(kb)
    reply = bot.answer(
        Turn(text="安盛电话问诊的医生能给我开病假条吗", intent="ask_service_info", products=["安盛"],
             services=["电话问诊"])
    )  # fmt: skip
    assert reply.text.startswith("手册中没有提到“病假条”。手册中相关的说明："), reply.text
    assert "用药咨询" in reply.text
    # an everyday word (现在: far more common than the limit in jieba's dictionary) is how people talk
    assert unmentioned_words("现在要带身份证吗", "身份证", RARE_WORD_FREQUENCY) == ()
    assert unmentioned_words("现在要带身份证吗", "身份证") == ("现在",)
    # 004 就医陪诊: a sentence matches and nothing rare is named: no gap
    reply = bot.answer(
        Turn(text="平安陪诊员现在能约上吗", intent="ask_service_info", products=["平安"], services=["陪诊"])
    )
    assert "gap" not in reply.payload()["answer"]


def test_the_rare_word_limit_is_the_one_calibrated_on_the_calibration_halves(kb):
    import importlib.util
    import sys

    from knowledge.config import ROOT
    from knowledge.gaps import RARE_WORD_FREQUENCY

    spec = importlib.util.spec_from_file_location("bench_gaps", ROOT / "benchmarks" / "bench_gaps.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    assert bench.calibrate_rare(kb) == RARE_WORD_FREQUENCY


def test_an_amount_the_manual_computes_is_no_unprinted_amount(kb):
    """004 7.4 服务标准 prints how the advance is computed, not a figure: that answers "能垫多少钱"."""
    reply = Answerer(kb).answer(
        Turn(text="平安住院垫付一般能垫多少钱", intent="ask_cost", products=["平安"], services=["住院垫付"])
    )
    assert not reply.text.startswith("手册没有写明") and "（预计就医总金额-医保支付金额-免赔额）*赔付比例" in reply.text


def test_a_services_own_waiting_rule_answers_however_it_is_worded(kb):
    """002 药惠购服务: "保单生效即可使用该服务" is its waiting period (no 等待期 in the sentence), and says
    there is none: "多久" is answered, not told unprinted."""
    bot = Answerer(kb)
    turn = Turn(
        text="药惠购的话呢",
        intent="inform",
        services=["药惠购"],
        product="zhongan_value_added",
        last_question="ask_waiting_period",
    )
    assert "药惠购服务：保单生效即可使用该服务" in bot.answer(turn).text
    reply = bot.answer(
        Turn(text="药惠购等待期多久", intent="ask_waiting_period", services=["药惠购"], product="zhongan_value_added")
    )
    assert "保单生效即可使用该服务" in reply.text and not reply.text.startswith("手册没有写明")


def test_a_number_of_things_the_manual_does_not_print_is_said_not_stated(kb):
    # 000 7. 特定药品基因检测服务 prints no number of genes; "好几个刀口" says several, asks none
    svc = kb.service(kb.product("众安PLUS"), "基因检测")
    gap = kb.gap("能测多少个基因", svc)
    assert gap is not None and gap.kind == "value" and gap.things == ("数量",)
    several = kb.gap("身上好几个刀口一次能都换了吗", kb.service(kb.product("众安PLUS"), "术后上门护理"))
    assert several is None or "数量" not in several.things


def test_a_thing_another_service_mentions_is_not_said_absent_from_the_manual(kb):
    bot = Answerer(kb)
    # 002 图文咨询服务: 服务时间每日 6：00-22：00; 视频 and 医生 are in 视频问诊服务's part, not in its own
    gap = kb.gap("视频里有医生吗", kb.find_services("图文咨询", "zhongan_value_added")[0].service)
    assert gap is not None and gap.things == ("视频", "医生")
    assert gap.service == "图文咨询服务" and gap.elsewhere == ("视频问诊服务",)
    first = Turn(text="众安增值服务图文咨询早上五点多能发消息问吗", intent="ask_time", products=["增值服务"],
                 services=["图文咨询"])  # fmt: skip
    reply = bot.answer(first)
    assert "6：00-22：00" in reply.text
    # said as a turn to another thing, the message is about the one service that mentions them:
    # 002 视频问诊服务 "7*24 小时不限次使用"
    then = Turn(text="视频看医生的那个呢", intent="inform", last_question="ask_time", **_carried(reply))
    assert "图文咨询" in then.service
    reply = bot.answer(then)
    assert "视频问诊服务" in reply.text and "7*24 小时" in reply.text, reply.text
    assert reply.slots["service"] == "视频问诊服务"
    # said of the same service, the service stays and the line says where the manual mentions it:
    # 000 门诊陪诊服务 names no airport; 11. 海外就诊服务 (8) 到达当地后机场-酒店接机 1 次
    reply = bot.answer(
        Turn(text="能去机场接我吗", intent="ask_service_info", product="zhongan_plus", service="门诊陪诊服务")
    )
    assert reply.text.startswith("手册中门诊陪诊服务的说明没有提到“机场”（手册在海外就诊服务的说明中提到）。")
    assert reply.payload()["answer"]["gap"]["elsewhere"] == ["海外就诊服务"]


def _carried(reply) -> dict:
    return {k: reply.slots.get(k) for k in ("product", "service")}


def test_a_sentence_stating_no_fact_of_the_kind_asked_is_shown_after_saying_so(kb):
    from knowledge.search import fact_words

    # every cost fact of the store says it in one of the lexicon's words
    words = fact_words()["cost"]
    costs = [f.text for s in kb.all_services() for f in s.facts_of("cost")]
    assert len(costs) >= 30 and [t for t in costs if not any(w in t for w in words)] == []
    # 003 第二诊疗意见服务 has no sentence on costs; the one on the experts says nothing of one
    reply = Answerer(kb).answer(
        Turn(text="安盛二诊专家出意见要不要另外付专家费", intent="ask_cost", products=["安盛"], services=["二诊"])
    )
    assert reply.text.startswith("手册没有写明第二诊疗意见服务的费用。手册中相关的说明："), reply.text
    assert "国内知名专家" in reply.text
    assert reply.payload()["answer"]["gap"] == {
        "kind": "topic",
        "things": ["ask_cost"],
        "service": "第二诊疗意见服务",
        "elsewhere": [],
    }
