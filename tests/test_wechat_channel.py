"""The WeChat channel driven the way WeChat's servers drive it, through the trained model over real HTTP.

Callbacks are built and signed as WeChat builds them, safe-mode ones encrypted with wechatpy's
own crypto (``WeChatSender``).  WeChat's customer-service API cannot be reached from here: a
local stand-in implementing its documented endpoints (``StandInAPI``: token, custom/send, the
error codes) takes its place — that is the one thing not real in these tests.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from datetime import date, timedelta
from typing import Optional

import pytest

from assistant.channels.wechat_standin import StandInAPI, WeChatSender
from assistant.serve import Assistant, free_port

TOKEN, APP_ID, SECRET = "wechat-test-token", "wx0123456789abcdef", "the-app-secret"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # 43 characters, as WeChat's console makes them
LIMIT = 600  # bytes: smaller than WeChat's 2,048 so that real answers are split here


@pytest.fixture(scope="module")
def api():
    with StandInAPI(APP_ID, SECRET, free_port()) as standin:
        yield standin


@pytest.fixture(scope="module")
def served(model_path, desk, api):
    env = {
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": SECRET,
        "WECHAT_API_BASE": api.base,
        "WECHAT_TEXT_LIMIT": str(LIMIT),
        "ACTION_TIMEOUT_SECONDS": "12",
    }  # so a turn can be made slower than WeChat's 5 s below
    with Assistant(model=model_path, env=env) as running:
        yield running


@pytest.fixture()
def wechat(served) -> WeChatSender:
    return WeChatSender(f"{served.base}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)


_n = iter(range(10**6))


def openid() -> str:
    return f"oTest{next(_n):06d}abcdefghijklmnopq"[:28]


def stored_events(served: Assistant, sender: str) -> int:
    with sqlite3.connect(served.work_dir / "conversations.sqlite3") as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def ask(wechat: WeChatSender, user: str, text: str, mode: str = "plain") -> str:
    status, body, reply = wechat.post(wechat.text(user, text), mode)
    assert status == 200, body
    return reply["Content"] if reply else body


def test_url_verification(served, wechat):
    import urllib.error
    import urllib.request

    url, _ = wechat.request(wechat.text("oVerify", "x"))
    with urllib.request.urlopen(url + "&echostr=4711hello", timeout=10) as resp:
        assert resp.read() == b"4711hello"
    forged, _ = wechat.request(wechat.text("oVerify", "x"), token="not-the-token")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(forged + "&echostr=4711hello", timeout=10)
    assert err.value.code == 403


@pytest.mark.parametrize("mode", ["plain", "safe", "compat"])
def test_a_coverage_question_in_each_mode(served, wechat, mode):
    user = openid()
    status, body, reply = wechat.post(wechat.text(user, "平安的住院陪护在毫州能用吗"), mode)
    assert status == 200 and reply["MsgType"] == "text"
    assert reply["ToUserName"] == user and reply["FromUserName"] == wechat.account
    assert reply["Content"].startswith("可以") and "亳州" in reply["Content"]
    if mode != "plain":
        assert "<Encrypt>" in body and "亳州" not in body  # the reply is encrypted and signed
    assert "不可以" in ask(wechat, user, "那乌海呢", mode) and "乌海" in ask(wechat, user, "那乌海呢", mode)


def test_forged_or_foreign_or_stale_callbacks_are_refused_and_nothing_is_stored(served, wechat):
    user = openid()
    assert wechat.post(wechat.text(user, "平安的住院陪护在毫州能用吗"), token="forged")[0] == 403
    foreign = WeChatSender(wechat.url, TOKEN, AES_KEY, "wxSomeoneElsesApp")  # same key, another AppID inside
    assert foreign.post(foreign.text(user, "平安的住院陪护在毫州能用吗"), "safe")[0] == 403
    forged_sig = WeChatSender(wechat.url, TOKEN, "A" * 43, APP_ID)  # another key: cannot be decrypted
    assert forged_sig.post(forged_sig.text(user, "你好"), "safe")[0] == 403
    assert wechat.post(wechat.text(user, "你好"), timestamp=int(time.time()) - 3600)[0] == 403
    assert stored_events(served, user) == 0


def test_wechats_retries_of_one_message_run_once_and_get_the_same_answer(served, wechat):
    user, msgid = openid(), wechat.msgid()
    xml = wechat.text(user, "平安的住院陪护在毫州能用吗", msgid)
    answers = [wechat.post(xml)[2]["Content"] for _ in range(3)]
    assert answers[0] == answers[1] == answers[2] and "亳州" in answers[0]
    concurrent = []
    xml2 = wechat.text(user, "那乌海呢", wechat.msgid())
    threads = [threading.Thread(target=lambda: concurrent.append(wechat.post(xml2)[2]["Content"])) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(concurrent)) == 1 and "乌海" in concurrent[0]
    users = [e for e in served.tracker(user)["events"] if e["event"] == "user"]
    assert [u["text"] for u in users] == ["平安的住院陪护在毫州能用吗", "那乌海呢"]


def test_a_turn_slower_than_wechats_window_gets_success_then_the_answer_through_the_api(served, wechat, api):
    user = openid()
    ask(wechat, user, "平安的住院陪护在毫州能用吗")
    actions = served.pid("actions")
    os.killpg(actions, signal.SIGSTOP)  # the action server stalls for 5.5 s
    timer = threading.Timer(5.5, os.killpg, (actions, signal.SIGCONT))
    timer.start()
    try:
        started = time.perf_counter()
        status, body, reply = wechat.post(wechat.text(user, "那乌海呢"))
        took = time.perf_counter() - started
    finally:
        timer.join()
    assert status == 200 and body == "success" and reply is None and took < 5.0
    sent = api.wait_for(user, 1, timeout=20)
    assert sent and "乌海" in sent[0].content and "不可以" in sent[0].content
    assert sent[0].token in api.valid_tokens  # sent with a token the API had issued


def test_an_expired_token_is_fetched_again_once(served, wechat, api):
    user = openid()
    ask(wechat, user, "平安的住院陪护在毫州能用吗")
    api.expire_tokens()
    issued = api.tokens_issued
    actions = served.pid("actions")
    os.killpg(actions, signal.SIGSTOP)
    timer = threading.Timer(5.0, os.killpg, (actions, signal.SIGCONT))
    timer.start()
    try:
        assert wechat.post(wechat.text(user, "那义乌呢"))[1] == "success"
    finally:
        timer.join()
    sent = api.wait_for(user, 1, timeout=20)
    assert sent and "义乌" in sent[0].content and api.tokens_issued == issued + 1


def test_voice_location_subscribe_menu_and_media(served, wechat):
    user = openid()
    welcome = wechat.post(wechat.xml(user, "event", Event="subscribe"))[2]["Content"]
    assert welcome.count("\n") >= 3 and "住院陪护" in welcome
    ask(wechat, user, "平安的住院陪护在毫州能用吗")
    voice = wechat.post(
        wechat.xml(user, "voice", MediaId="m1", Format="amr", Recognition="那杭州呢。", MsgId=wechat.msgid())
    )
    assert voice[2]["Content"].startswith("可以") and "杭州" in voice[2]["Content"]
    location = wechat.post(
        wechat.xml(
            user,
            "location",
            Location_X="27.99",
            Location_Y="120.69",
            Scale="15",
            Label="浙江省温州市鹿城区五马街",
            MsgId=wechat.msgid(),
        )
    )
    assert "温州" in location[2]["Content"] and location[2]["Content"].startswith("可以")
    click = wechat.post(wechat.xml(user, "event", Event="CLICK", EventKey="MY_REQUESTS"))
    assert "申请" in click[2]["Content"]
    image = wechat.post(
        wechat.xml(user, "image", PicUrl="http://example.com/p.jpg", MediaId="m2", MsgId=wechat.msgid())
    )
    assert "文字" in image[2]["Content"]
    assert wechat.post(wechat.xml(user, "event", Event="unsubscribe"))[1] == "success"


def test_a_long_answer_is_split_and_goes_on_through_the_api(served, wechat, api):
    user = openid()
    first = ask(wechat, user, "平安的住院陪护在哪些城市能用")
    rest = api.wait_for(user, 1, timeout=20)
    whole = served.say(f"rest-{user}", "平安的住院陪护在哪些城市能用")
    rest_text = "\n".join(m["text"] for m in whole if m.get("text"))
    parts = [first] + [s.content for s in rest]
    assert len(parts) >= 2 and all(len(p.encode("utf-8")) <= LIMIT for p in parts)
    assert "".join(parts).replace("\n", "") == rest_text.replace("\n", "")
    assert parts[-1].splitlines()[-1].startswith("来源：")


def test_a_service_request_opened_confirmed_and_listed_in_wechat(served, wechat, desk):
    user = openid()
    later = date.today() + timedelta(days=10)
    steps = [
        ("我要申请就医陪诊", "保单号"),
        ("PA2025000501", "后四位"),
        ("0501", "城市"),
        ("杭州", "医院"),
        ("浙江大学医学院附属第一医院", "时间"),
        (f"{later.month}月{later.day}日上午10点", "电话"),
        ("用保单手机", "请确认"),
    ]
    for text, expected in steps:
        reply = ask(wechat, user, text)
        assert expected in reply, (text, reply)
        assert "13800000501" not in reply and "330106199002024567" not in reply
    done = ask(wechat, user, "确认")
    assert "SR-" in done
    requests = [r for r in desk.requests_of("wechat", user) if r.history[0]["actor"] == f"customer:wechat:{user}"]
    assert len(requests) == 1 and requests[0].status == "submitted"  # made in this WeChat chat
    listing = ask(wechat, user, "我的申请进度")
    assert requests[0].reference in listing
    assert "已取消" in ask(wechat, user, f"取消申请 {requests[0].reference}")


def test_numbered_choices_are_answered_with_the_number(served, wechat):
    user = openid()
    reply = ask(wechat, user, "住院陪护在杭州能用吗")  # no insurer named: the assistant offers the products
    assert "回复数字即可选择" in reply and "1." in reply
    choice: Optional[str] = next(
        (line.split(". ", 1)[1] for line in reply.splitlines() if line.startswith("1. ")), None
    )
    answer = ask(wechat, user, "1")
    assert choice and choice in answer and "杭州" in answer


def test_a_butlers_reply_reaches_a_wechat_customer_through_the_api(served, wechat, api):
    """What the console does on takeover and reply (console.rasa_api), for a customer who writes in WeChat."""
    import asyncio

    from console.rasa_api import RasaAPI

    user = openid()
    ask(wechat, user, "平安的住院陪护在毫州能用吗")
    rasa = RasaAPI(served.base, served.api_token)
    asyncio.run(rasa.append(user, [{"event": "pause", "metadata": {"butler": "王管家"}}]))
    assert wechat.post(wechat.text(user, "有人吗"))[1] == "success"  # paused: the assistant says nothing
    api.user_message(user)
    asyncio.run(
        rasa.append(
            user,
            [{"event": "bot", "text": "您好，我是健康管家王管家。", "metadata": {"butler": "王管家"}}],
            deliver=True,
        )
    )
    sent = api.wait_for(user, 1, timeout=20)
    assert sent and sent[-1].content == "您好，我是健康管家王管家。"
    asyncio.run(rasa.append(user, [{"event": "resume", "metadata": {"butler": "王管家"}}]))
    assert "乌海" in ask(wechat, user, "那乌海呢")
