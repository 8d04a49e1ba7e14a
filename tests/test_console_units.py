"""The console's pieces without a server: the inbox summary of a conversation's events, accounts and their lockout."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from console import accounts as acc
from console.accounts import Accounts
from console.inbox import summarise
from console.store import console_engine


def ev(i, kind, **data):
    return (i, kind, 1000.0 + i, json.dumps({"event": kind, **data}))


def test_the_summary_flags_what_a_butler_must_see_and_clears_them_on_hand_back():
    rows = [
        ev(
            1,
            "user",
            text="平安的住院陪护在毫州能用吗",
            input_channel="wechat",
            parse_data={"intent": {"name": "ask_coverage"}},
        ),
        ev(2, "slot", name="product", value="pingan_health"),
        ev(3, "bot", text="可以。", data={"custom": {"answer": {"type": "coverage"}}}),
        ev(4, "user", text="能报销门票吗", parse_data={"intent": {"name": "nlu_fallback"}}),
        ev(5, "bot", text="抱歉……", data={"custom": {"answer": {"type": "fallback"}}}),
        ev(6, "user", text="转人工", parse_data={"intent": {"name": "human_handoff"}}),
        ev(7, "active_loop", name="service_request_form"),
        ev(8, "pause", metadata={"butler": "王管家"}),
    ]
    s, unanswered = summarise("o1", rows)
    assert s["channel"] == "wechat" and s["product"] == "pingan_health" and s["user_turns"] == 3
    assert s["asked_for_person"] and s["fell_back"] and s["request_open"] and s["paused"]
    assert s["last_text"] == "转人工" and s["last_from"] == "user" and s["last_event_id"] == 8
    assert [u["text"] for u in unanswered] == ["能报销门票吗"]  # once, though NLU and answer both fell back
    in_form = rows[:7] + [ev(8, "user", text="PA2025000501", parse_data={"intent": {"name": "nlu_fallback"}})]
    assert [u["text"] for u in summarise("o1", in_form)[1]] == ["能报销门票吗"]  # a form's answer is not a question
    s, _ = summarise(
        "o1",
        rows
        + [
            ev(9, "bot", text="您好", metadata={"butler": "王管家"}),
            ev(10, "resume"),
            ev(11, "active_loop", name=None),
        ],
    )
    assert (
        not (s["asked_for_person"] or s["fell_back"] or s["paused"] or s["request_open"]) and s["last_from"] == "butler"
    )


@pytest.fixture()
def accounts(tmp_path):
    return Accounts(console_engine(f"sqlite:///{tmp_path / 'console.sqlite3'}"), max_failures=3, lockout_minutes=15)


def test_passwords_are_argon2_hashes_and_the_lockout_ends(accounts, monkeypatch):
    accounts.add("王管家", "butler", "correct horse battery")
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from console.models import Account

    with Session(accounts.engine) as s:
        assert s.execute(select(Account.password_hash)).scalar_one().startswith("$argon2id$")
    for _ in range(3):
        assert accounts.login("王管家", "wrong", "1.2.3.4")[2] == "wrong"
    assert accounts.login("王管家", "correct horse battery", "1.2.3.4")[2] == "locked"
    later = acc.now() + timedelta(minutes=16)
    monkeypatch.setattr(acc, "now", lambda: later)
    user, token, why = accounts.login("王管家", "correct horse battery", "1.2.3.4")
    assert user and user.name == "王管家" and why == "" and accounts.user_for(token).csrf == user.csrf
    accounts.logout(token, user)
    assert accounts.user_for(token) is None


def test_an_unknown_name_and_a_wrong_password_look_the_same(accounts):
    accounts.add("王管家", "butler", "correct horse battery")
    assert accounts.login("无此人", "x", "1.2.3.4")[1:] == accounts.login("王管家", "x", "1.2.3.4")[1:] == ("", "wrong")
    with pytest.raises(ValueError):
        accounts.add("王管家", "admin", "correct horse battery")
