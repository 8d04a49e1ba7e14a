"""What WeChat messages mean to the assistant and how its replies look in WeChat (assistant.channels.wechat_messages)."""

from __future__ import annotations

import pytest
from wechatpy import parse_message

from assistant import texts
from assistant.channels import wechat_menu
from assistant.channels.wechat_messages import TEXT_LIMIT, read, render, split
from assistant.channels.wechat_standin import WeChatSender

S = WeChatSender("http://unused", "token")
OPENID = "oABCDEFGHIJKLMNOPQRSTUVWXYZ0"
MENU = wechat_menu.questions()


def parsed(msgtype: str, **fields):
    return parse_message(S.xml(OPENID, msgtype, **fields))


def test_text_and_a_numbered_choice():
    assert read(parsed("text", Content=" 那乌海呢 ", MsgId=1), MENU).text == "那乌海呢"
    assert read(parsed("text", Content="2", MsgId=2), MENU, ["我买的是平安健康", "我买的是众安"]).text == "我买的是众安"
    assert read(parsed("text", Content="3", MsgId=3), MENU, ["a", "b"]).text == "3"  # no such choice: the text itself


def test_voice_location_media_and_events():
    assert read(parsed("voice", MediaId="m", Format="amr", Recognition="那杭州呢。", MsgId=4), MENU).text == "那杭州呢"
    assert read(parsed("voice", MediaId="m", Format="amr", MsgId=5), MENU).reply == texts.WECHAT_VOICE_UNCLEAR
    loc = parsed("location", Location_X="30.27", Location_Y="120.15", Scale="15", Label="浙江省杭州市西湖区", MsgId=6)
    assert read(loc, MENU).text == "我在浙江省杭州市西湖区"  # no gazetteer given
    assert read(loc, MENU, place_of=lambda label: "浙江省杭州市西湖区").text == "那浙江省杭州市西湖区呢"
    assert (
        read(parsed("location", Location_X="30.27", Location_Y="120.15", Scale="15", MsgId=7), MENU).reply
        == texts.WECHAT_LOCATION_UNCLEAR
    )
    for kind, fields in (
        ("image", {"PicUrl": "http://p", "MediaId": "m"}),
        ("video", {"MediaId": "m", "ThumbMediaId": "t"}),
        ("link", {"Title": "t", "Description": "d", "Url": "http://u"}),
    ):
        assert read(parsed(kind, MsgId=8, **fields), MENU).reply == texts.WECHAT_MEDIA
    assert read(parsed("event", Event="subscribe"), MENU).reply == texts.WECHAT_WELCOME
    assert read(parsed("event", Event="unsubscribe"), MENU) == read(
        parsed("event", Event="VIEW", EventKey="http://x"), MENU
    )
    assert (
        read(parsed("event", Event="unsubscribe"), MENU).text is None
        and read(parsed("event", Event="unsubscribe"), MENU).reply is None
    )
    assert read(parsed("event", Event="CLICK", EventKey="MY_REQUESTS"), MENU).text == "我的申请进度"
    assert read(parsed("event", Event="CLICK", EventKey="NO_SUCH_KEY"), MENU).text is None


def test_the_welcome_offers_three_example_questions():
    assert sum(1 for line in texts.WECHAT_WELCOME.splitlines() if line[:2] in ("1.", "2.", "3.")) == 3


def test_one_turn_is_one_reply_with_buttons_as_numbers():
    out = render(
        [
            {
                "text": "您买的是哪家的保险？",
                "buttons": [
                    {"title": "平安健康", "payload": "我买的是平安健康"},
                    {"title": "众安", "payload": "我买的是众安"},
                ],
            },
            {"custom": {"answer": {"type": "clarify"}}},
            {"text": "也可以直接说保险公司名。"},
        ]
    )
    assert len(out.chunks) == 1
    assert (
        out.chunks[0] == "您买的是哪家的保险？\n\n回复数字即可选择：\n1. 平安健康\n2. 众安\n\n也可以直接说保险公司名。"
    )
    assert out.choices == ["我买的是平安健康", "我买的是众安"]


def test_a_long_answer_is_split_within_the_limit_at_sentence_ends_with_its_source_line():
    sentences = "".join(f"第{i}条：亳州市、乌海市和义乌市的服务说明写在这里，以手册为准。" for i in range(60))
    answer = f"可以。{sentences}\n来源：平安健康 医疗险《服务手册》6.7 天住院陪护 / 6.2 服务标准"
    text = answer + "\n\n第二段说明。\n来源：《服务手册》1.1"
    chunks = split(text)
    assert len(chunks) > 1 and all(len(c.encode("utf-8")) <= TEXT_LIMIT for c in chunks)
    assert all(c.endswith(("。", "1.1", "服务标准")) for c in chunks)  # no sentence is cut
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")  # nothing lost
    source_chunk = next(c for c in chunks if "6.2 服务标准" in c)
    assert "以手册为准。\n来源：平安健康" in source_chunk  # the source line stays with its answer


@pytest.mark.parametrize("limit", [100, 600, 2048])
def test_every_chunk_fits_whatever_the_limit(limit):
    text = ("一句很长很长的话没有句号" * 80) + "。\n来源：手册 1.1"
    assert all(len(c.encode("utf-8")) <= limit for c in split(text, limit))
    assert "".join(split(text, limit)).replace("\n", "") == text.replace("\n", "")


def test_the_menu_fits_wechats_limits():
    assert wechat_menu.check(wechat_menu.load()) == []
    assert wechat_menu.check([{"name": "太长太长太长太长的按钮", "key": "A", "question": "q"}] * 4)
    buttons = wechat_menu.api_json()["button"]
    assert len(buttons) <= 3 and all(
        b.get("key") in MENU or all(s["key"] in MENU for s in b["sub_button"]) for b in buttons
    )


def test_the_place_an_address_starts_with(default_store):
    from assistant.channels import wechat_messages

    place_of = wechat_messages.place_finder()
    assert place_of("浙江省温州市鹿城区五马街") == "浙江省温州市鹿城区"
    assert place_of("内蒙古自治区乌海市海勃湾区") and "乌海" in place_of("内蒙古自治区乌海市海勃湾区")
    assert place_of("不知道是哪里") is None
