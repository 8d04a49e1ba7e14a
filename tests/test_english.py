"""Short English questions read into the store's terms (knowledge.english)."""

from __future__ import annotations

import pytest

from knowledge.english import is_english, read_english


@pytest.mark.parametrize(
    "text, intent, products, services, places",
    [
        ("Can I use Ping An's hospital escort in Hangzhou?", "ask_coverage", ("平安",), ("陪诊",), ("杭州市",)),
        ("how do I apply for the ZhongAn green channel", "ask_apply", ("众安",), ("绿通",), ()),
        ("What documents do I need for an AXA second opinion?", "ask_materials", ("安盛",), ("第二诊疗意见",), ()),
        ("is a carer available in Xi'an", "ask_coverage", (), ("护工",), ("西安市",)),
        ("What services can I use in Cheng Du?", "ask_services", (), (), ("成都市",)),
        ("genetic testing in Wu Lu Mu Qi?", None, (), ("基因检测",), ("乌鲁木齐市",)),
    ],
)
def test_an_english_question_is_read_into_the_stores_words(kb, text, intent, products, services, places):
    r = read_english(text, kb.places)
    assert (r.intent, r.product_words, r.service_words, r.places) == (intent, products, services, places)
    # every service word is one the store knows, so the answer policy can resolve it like a Chinese mention
    assert all(kb.find_services(w)[0].score == 100.0 for w in r.service_words)


def test_a_chinese_question_with_latin_letters_is_not_english():
    assert not is_english("众安PLUS的MDT怎么申请") and not is_english("") and is_english("MDT for PLUS?")
    assert read_english("平安的陪诊在杭州能用吗", None) is None


def test_english_words_that_name_nothing_are_left_alone(kb):
    r = read_english("hello, is anybody there?", kb.places)
    assert r.intent is None and r.understood == ()
