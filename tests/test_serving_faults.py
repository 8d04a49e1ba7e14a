"""Faults, as a real deployment meets them: the action server killed or hung, the Rasa server restarted, a clean stop.

An assistant of this module's own (supervised, SQLite conversation store), so its children can
be killed without disturbing the other tests.  Real processes, real signals, real HTTP.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Tuple

import pytest

from assistant import texts
from assistant.serve import Assistant


@pytest.fixture(scope="module")
def served(model_path, desk):
    with Assistant(model=model_path) as running:
        yield running


def timed(served: Assistant, sender: str, text: str) -> Tuple[str, float]:
    started = time.perf_counter()
    messages = served.say(sender, text, timeout=30)
    return "\n".join(m["text"] for m in messages if m.get("text")), time.perf_counter() - started


def test_the_action_server_killed_mid_conversation_is_restarted_and_the_customer_hears_why(served):
    sender = "fault-kill"
    text, _ = timed(served, sender, "平安的住院陪护在毫州能用吗")
    assert "可以" in text
    os.killpg(served.pid("actions"), signal.SIGKILL)
    text, took = timed(served, sender, "那乌海呢")
    assert text == texts.BUSY and took < 3.5
    served.wait_until_up(60)
    text, _ = timed(served, sender, "那乌海呢")
    assert "不可以" in text and "乌海" in text and "住院陪护" in text  # the product and service of the first turn
    out = served.supervisor_output()
    assert "动作服务器" in out and "SIGKILL" in out and "重启" in out
    assert served.health()["parts"]["actions"]["restarts"] >= 1


def test_a_hung_action_server_costs_each_customer_at_most_a_few_seconds_then_is_replaced(served):
    sender = "fault-hang"
    timed(served, sender, "平安的住院陪护在毫州能用吗")
    pid = served.pid("actions")
    os.killpg(pid, signal.SIGSTOP)
    try:
        first, took_first = timed(served, sender, "那乌海呢")
        second, took_second = timed(served, "fault-hang-2", "众安的门诊陪诊怎么申请")
    finally:
        deadline = time.time() + 60
        while time.time() < deadline and served.health()["parts"]["actions"]["pid"] in (pid, None):
            time.sleep(0.5)
    assert first == texts.BUSY and took_first < 3.5
    assert second == texts.BUSY and took_second < 3.5
    served.wait_until_up(60)
    assert served.pid("actions") != pid  # the supervisor killed the hung one
    assert "无响应" in served.supervisor_output()
    text, _ = timed(served, sender, "那乌海呢")
    assert "不可以" in text and "乌海" in text


def test_a_half_filled_request_form_survives_a_restart_of_the_rasa_server(served):
    sender = "fault-restart"
    timed(served, sender, "我要申请7天住院陪护")
    timed(served, sender, "PA2025000501")
    text, _ = timed(served, sender, "0501")
    assert "城市" in text
    text, _ = timed(served, sender, "毫州")
    assert "医院" in text
    before = served.tracker(sender)["slots"]
    old = served.pid("rasa")
    os.killpg(old, signal.SIGKILL)  # no chance to save anything on the way out
    time.sleep(1)
    served.wait_until_up(120)
    assert served.pid("rasa") != old
    assert served.tracker(sender)["slots"] == before  # context, form slots and the active form's state
    assert served.tracker(sender)["active_loop"]["name"] == "service_request_form"
    text, _ = timed(served, sender, "亳州市人民医院")
    assert "入院日期" in text and "保单号" not in text  # the form goes on to its next question; the binding holds
    assert served.tracker(sender)["slots"]["sr_hospital"] == "亳州市人民医院"


def test_sigterm_stops_everything(model_path, tmp_path):
    running = Assistant(model=model_path, work_dir=tmp_path).start()
    pids = [pid for group in running.pids().values() for pid in group]
    supervisor = running.proc
    running.stop()
    assert supervisor.returncode == 0
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    assert "已停止" in (tmp_path / "log" / "supervisor.log").read_text("utf-8")
