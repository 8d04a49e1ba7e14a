"""No personal data in any log: a whole request conversation leaves none of its values in a log file.

The conversation binds a policy (policy number, the four verification digits), gives a phone
number, corrects it, confirms and lists the request — through the session's assistant, whose
logs (supervisor, Rasa server, action server) are read back afterwards, whole.
"""

from __future__ import annotations

import re

from assistant.redaction import redact


def test_a_request_conversation_leaves_no_personal_data_in_the_logs(assistant, desk):
    from datetime import date, timedelta

    sender = "log-check"
    later = date.today() + timedelta(days=10)
    for text in [
        "我要申请就医陪诊",
        "PA2025000501",
        "0501",
        "杭州",
        "浙江大学医学院附属第一医院",
        f"{later.month}月{later.day}日上午10点",
        "电话是13912345670",
        "电话改成13987654321",
        "确认",
        "我的申请进度",
    ]:
        assistant.say(sender, text)
    mine = [r for r in desk.requests_of("rest", sender) if r.history[0]["actor"] == f"customer:rest:{sender}"]
    assert mine, "the conversation should have stored a request"
    assistant.say(sender, f"取消申请 {mine[0].reference}")  # the demo policy's one use a year, back for the other tests
    logs = {p.name: p.read_text("utf-8", "replace") for p in assistant.log_dir.glob("*.log")}
    assert (
        {"supervisor.log"} < set(logs)
        and any(n.startswith("rasa-") for n in logs)
        and any(n.startswith("actions-") for n in logs)
    )
    secrets = {
        "policy number": r"PA2025000501",
        "verification digits": r"(?<![\d:.\-])0501(?![\d:])",
        "phone given": r"13912345670",
        "phone corrected": r"13987654321",
        "phone on the policy": r"13800000501",
        "ID number on the policy": r"330106199002024567",
    }
    for name, text in logs.items():
        for what, pattern in secrets.items():
            assert not re.search(pattern, text), f"{what} found in {name}"


def test_the_log_net_masks_the_shapes_of_personal_data():
    line = "failed for PA2025000501, phone 13912345670, id 330106199002024567, +8613800000501 at 12:05:01"
    masked = redact(line)
    for value in ("PA2025000501", "13912345670", "330106199002024567", "13800000501"):
        assert value not in masked
    assert "12:05:01" in masked
