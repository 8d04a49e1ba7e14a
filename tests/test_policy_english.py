"""Short English questions answered in Chinese with an English line (real store, no model: the NLU's
reading of an English message is ignored, so any intent stands in for it)."""

from __future__ import annotations

import pytest

from actions.policy import Answerer, Turn


@pytest.fixture(scope="module")
def bot(kb):
    return Answerer(kb)


def test_a_coverage_question_in_english(bot):
    reply = bot.answer(Turn(text="Can I use Ping An's hospital escort in Hangzhou?", intent="inform"))
    assert reply.answer_type == "coverage" and reply.covered is True and reply.service.name == "就医陪诊"
    assert reply.text.startswith("可以。") and "hangzhou = 杭州市" in reply.text.splitlines()[-1]


def test_an_application_question_in_english_keeps_the_manuals_source(bot):
    reply = bot.answer(Turn(text="How do I apply for the ZhongAn PLUS green channel?", intent="nlu_fallback"))
    assert reply.answer_type == "procedure" and reply.service.name == "重疾绿通服务"
    assert reply.sources and "Answered in Chinese above" in reply.text


def test_english_nobody_can_read_gets_a_bilingual_message(bot):
    reply = bot.answer(Turn(text="hello, anybody there?", intent="greet"))
    assert reply.answer_type == "clarify" and "请用中文提问" in reply.text and "I answer in Chinese" in reply.text


def test_a_limit_asked_in_english_is_the_usage_limit_and_no_english_word_is_a_gap(bot):
    """ "max how many days" asks for a limit ("max" wins over "how many days"); the English words are
    in no manual, which says nothing of what the manual states ("手册中没有提到“ping”" never)."""
    reply = bot.answer(Turn(text="ping an hospital nursing care, max how many days?", intent="human_handoff"))
    assert "最长提供为期7 天" in reply.text and "手册中没有提到" not in reply.text
