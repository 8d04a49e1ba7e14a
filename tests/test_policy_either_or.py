"""An either-or question whose shown sentences name neither thing is told the manual does not say which
(real store, no model)."""

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
    assert reply.text.startswith("手册没有写明是中文还是英文。") and reply.payload()["answer"]["unstated"] == [
        "中文",
        "英文",
    ]
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
