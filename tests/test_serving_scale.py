"""The production layout on this machine's PostgreSQL and Redis: workers, several servers, restarts.

PostgreSQL and Redis run on every machine of the project; when either is missing these tests
fail, saying which (assistant.local_services), never skip.  One server with two Rasa workers
(``SANIC_WORKERS=2``) and a second server sharing its database and Redis stand for "N Rasa
servers behind a load balancer" on one machine.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Dict, List

import pytest

from assistant.local_services import redis_url, temporary_postgres_database
from assistant.serve import Assistant, send


def text_of(messages: List[dict]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))


WECHAT_TOKEN = "scale-test-token"


@pytest.fixture(scope="module")
def shared():
    with temporary_postgres_database("conversations_test") as url:
        yield {"CONVERSATIONS_DB_URL": url, "REDIS_URL": redis_url(), "WECHAT_TOKEN": WECHAT_TOKEN}


@pytest.fixture(scope="module")
def two_workers(model_path, desk, shared):
    with Assistant(model=model_path, env={**shared, "SANIC_WORKERS": "2"}) as running:
        yield running


@pytest.fixture(scope="module")
def second_server(model_path, desk, shared, two_workers):
    with Assistant(model=model_path, env=shared) as running:
        yield running


def test_two_workers_are_running_on_one_port(two_workers):
    assert len(two_workers.pids()["rasa"]) == 3  # the worker manager and its two workers
    assert "Redis 锁" in two_workers.health()["layout"]


def _burst(url: str, sender: str, texts: List[str], stagger: float) -> List[Dict]:
    """Send the messages from separate connections, ``stagger`` seconds apart, without waiting for replies."""
    results: List[Dict] = [{} for _ in texts]

    def one(i: int) -> None:
        results[i] = {"text": text_of(send(url, sender, texts[i], timeout=60)), "done": time.perf_counter()}

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
        time.sleep(stagger)
    for t in threads:
        t.join()
    return results


CITIES = ["杭州", "乌海", "义乌", "合肥", "毫州", "昆山", "成都", "兰州", "温州", "无锡"]


@pytest.mark.parametrize("stagger", [0.0, 0.03])
def test_concurrent_messages_of_one_conversation_are_taken_one_at_a_time_in_order(two_workers, stagger):
    sender = f"burst-{int(stagger * 1000)}"
    texts = [f"平安的住院陪护在{c}能用吗" for c in CITIES]
    results = _burst(two_workers.url, sender, texts, stagger)
    for city, r in zip(CITIES, results, strict=True):
        assert r["text"] and city.replace("毫", "亳") in r["text"], (
            city,
            r["text"],
        )  # each reply answers its own message
    events = two_workers.tracker(sender)["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(texts)  # every message once, none lost
    kinds = [e["event"] if e["event"] != "action" else e["name"] for e in events]
    turns = "|".join(kinds).split("|user|")[1:]
    assert all("bot" in t and t.rstrip("|").endswith("action_listen") for t in turns)  # no turn began inside another
    by_finish = [t for _, t in sorted((r["done"], t) for r, t in zip(results, texts, strict=True))]
    assert users == by_finish  # the tracker's order is the order they were answered
    if stagger:
        assert users == texts  # sent one after another: taken in that order


def test_two_servers_on_one_database_carry_one_conversation_between_them(two_workers, second_server):
    sender = "alternate-1"
    servers = [two_workers, second_server]
    turns = [
        ("平安的住院陪护在毫州能用吗", "可以"),
        ("那乌海呢", "乌海"),
        ("需要提前多久申请", "12"),
        ("我要申请7天住院陪护", "保单号"),
        ("PA2025000501", "后四位"),
        ("0501", "城市"),
        ("毫州", "医院"),
    ]
    for i, (text, expected) in enumerate(turns):
        reply = text_of(servers[i % 2].say(sender, text))
        assert expected in reply, (i, text, reply)
    assert "不可以" in text_of(second_server.say("alternate-2", "平安的住院陪护在乌海能用吗"))
    slots = two_workers.tracker(sender)["slots"]
    assert slots == second_server.tracker(sender)["slots"] and slots["sr_place"] and slots["service"]


def test_a_half_filled_form_survives_a_restart_on_postgresql(two_workers):
    sender = "pg-restart"
    for text in ("我要申请7天住院陪护", "PA2025000501", "0501", "毫州"):
        reply = text_of(two_workers.say(sender, text))
    assert "医院" in reply
    before = two_workers.tracker(sender)["slots"]
    old = two_workers.pid("rasa")
    os.killpg(old, signal.SIGKILL)
    time.sleep(1)
    two_workers.wait_until_up(120)
    assert two_workers.pid("rasa") != old
    assert two_workers.tracker(sender)["slots"] == before
    assert "入院日期" in text_of(two_workers.say(sender, "亳州市人民医院"))


def test_the_conversations_are_in_rasas_table_on_postgresql(two_workers, shared):
    from sqlalchemy import create_engine, text

    engine = create_engine(shared["CONVERSATIONS_DB_URL"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = 'pg-restart' ORDER BY id")).all()
        indexes = {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'"))}
    engine.dispose()
    assert {"ix_events_sender_id", "ix_events_sender_id_id"} <= indexes
    assert [json.loads(d)["text"] for t, d in rows if t == "user"][:2] == ["我要申请7天住院陪护", "PA2025000501"]


def test_wechats_retries_sent_to_different_servers_run_once(two_workers, second_server):
    """WeChat may deliver a retry to any worker of any server: the answer is claimed in Redis, the turn runs once."""
    from assistant.channels.wechat_standin import WeChatSender

    senders = [WeChatSender(f"{s.base}/webhooks/wechat/webhook", WECHAT_TOKEN) for s in (two_workers, second_server)]
    user = "oScaleRetry0123456789abcdef"
    xml = senders[0].text(user, "平安的住院陪护在毫州能用吗", senders[0].msgid())
    answers: List[str] = []

    def deliver(i: int) -> None:
        status, _, reply = senders[i % 2].post(xml)
        answers.append(reply["Content"] if status == 200 and reply else f"HTTP {status}")

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4 and len(set(answers)) == 1 and "亳州" in answers[0]
    users = [e for e in two_workers.tracker(user)["events"] if e["event"] == "user"]
    assert len(users) == 1
