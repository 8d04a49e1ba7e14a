"""The render step: every Chinese word of an answer is in actions/policy/wording.py; styles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from actions.policy import Answerer, Turn, understand
from actions.policy.compose import PRODUCT_RULES
from actions.policy.wording import render

POLICY = Path(__file__).resolve().parent.parent / "actions" / "policy"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _strings(path: Path):
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


@pytest.mark.parametrize("module", ["resolve.py", "compose.py", "answer.py", "printed_lists.py"])
def test_the_resolve_and_answer_steps_hold_no_wording(module):
    matching = {word for _, word in PRODUCT_RULES.values()}  # words the manuals' sentences are matched on
    matching.add("目录")  # the section a product's list of services is cited from
    assert [s for s in _strings(POLICY / module) if CJK.search(s) and s not in matching] == []


def test_the_butler_style_lists_every_source_the_chat_style_three(kb):
    turn = Turn("我爸突然胸口疼得厉害，喘不上气，怎么办", "out_of_scope")
    answer = understand(kb, turn)
    sections = {s.section for s in answer.sources}
    chat, butler = render(answer, "chat"), render(answer, "butler")
    assert len(sections) > 3 and "全部来源" in butler.text and all(s in butler.text for s in sections)
    assert "全部来源" not in chat.text and butler.payload() == chat.payload()
    assert Answerer(kb, style="butler").answer(turn).text == butler.text
    with pytest.raises(ValueError):
        render(answer, "sms")


def test_a_hospital_listed_once_per_city_is_named_once(kb):
    # 000 4. 重疾多学科会诊MDT服务 lists "北上广地区三甲医院" for each of 北京, 上海 and 广州
    reply = Answerer(kb).answer(
        Turn("尊享e生plus的MDT会诊在什么地方做", "ask_coverage", products=["尊享e生plus"], services=["MDT会诊"])
    )
    assert "北上广地区三甲医院" in reply.text and "北上广地区三甲医院、北上广地区三甲医院" not in reply.text


def test_a_greeting_says_what_can_be_asked_and_keeps_the_conversation(kb):
    turn = Turn("您好，在吗", "greet", service="院内陪护", product="zhongan_plus", last_question="ask_usage_limit")
    reply = Answerer(kb).answer(turn)
    assert reply.text.startswith("您好！我是健康险服务助手") and "怎么申请" in reply.text
    assert not {"service", "product", "last_question"} & set(reply.slots)  # nothing of the context is reset
