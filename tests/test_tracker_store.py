"""The conversation store (assistant.tracker_store) on real SQLite and PostgreSQL: what Rasa writes, read back.

Several Rasa processes share one database in the production layout; here two store objects on
one URL play them.  Trackers are built from the project's own domain.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered

from assistant.history import KEEP_TURNS, MAX_TURNS, user_turns
from assistant.tracker_store import ConversationStore
from knowledge.config import ROOT

DOMAIN = Domain.load(str(ROOT / "bot" / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    else:
        yield request.getfixturevalue("postgres_url")


def run(coro):
    return asyncio.run(coro)


async def turn(store: ConversationStore, sender: str, text: str, place: str) -> None:
    """One turn as Rasa makes it: retrieve (or create), log the user, the action and its events, save."""
    tracker = await store.retrieve(sender) or await store.create_tracker(sender)
    tracker.update(UserUttered(text, {"name": "ask_coverage", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(SlotSet("place", place))
    tracker.update(BotUttered(f"{place}可以使用"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


def test_a_conversation_survives_a_new_store_and_is_rasas_own_table(url):
    store = ConversationStore(DOMAIN, url=url)
    run(turn(store, "c1", "杭州能用吗", "杭州市"))
    run(turn(store, "c1", "那义乌呢", "义乌市"))
    restarted = ConversationStore(DOMAIN, url=url)
    tracker = run(restarted.retrieve("c1"))
    assert tracker.get_slot("place") == "义乌市" and user_turns(tracker) == 2
    rasa_own = SQLTrackerStore(DOMAIN, host=url)  # Rasa's store reads what this one wrote, event for event
    theirs = run(rasa_own.retrieve("c1"))
    assert [e.as_dict() for e in theirs.events] == [e.as_dict() for e in tracker.events]
    rasa_own.engine.dispose()


def test_two_processes_on_one_database_each_see_the_others_turns(url):
    a, b = ConversationStore(DOMAIN, url=url), ConversationStore(DOMAIN, url=url)
    run(turn(a, "c2", "杭州能用吗", "杭州市"))  # a keeps its tracker
    run(turn(b, "c2", "那义乌呢", "义乌市"))  # b reads a's turn, adds its own
    run(turn(a, "c2", "乌海呢", "乌海市"))  # a brings its kept tracker up to date first
    tracker = run(b.retrieve("c2"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["杭州能用吗", "那义乌呢", "乌海呢"]
    assert tracker.get_slot("place") == "乌海市"
    full = run(SQLTrackerStore(DOMAIN, host=url).retrieve("c2"))
    assert len([e for e in full.events if isinstance(e, UserUttered)]) == 3  # nothing written twice


def test_a_turn_that_fails_before_saving_leaves_nothing_behind(url):
    store = ConversationStore(DOMAIN, url=url)
    run(turn(store, "c3", "杭州能用吗", "杭州市"))
    tracker = run(store.retrieve("c3"))
    tracker.update(SlotSet("place", "半途而废"))  # the turn crashes here: never saved
    again = run(store.retrieve("c3"))
    assert again is not tracker and again.get_slot("place") == "杭州市"


def test_a_long_conversation_is_kept_short_and_whole_in_the_table(url):
    store = ConversationStore(DOMAIN, url=url)
    for i in range(3 * MAX_TURNS):
        run(turn(store, "c4", f"第{i}个问题", f"地点{i}"))
    kept = run(store.retrieve("c4"))
    assert KEEP_TURNS <= user_turns(kept) <= MAX_TURNS + 1
    assert kept.get_slot("place") == f"地点{3 * MAX_TURNS - 1}"
    full = run(store.retrieve_full_tracker("c4"))
    assert user_turns(full) == 3 * MAX_TURNS
    assert full.current_slot_values() == kept.current_slot_values()
    run(store.save(kept))
    run(turn(ConversationStore(DOMAIN, url=url), "c4", "最后一个", "终点"))  # another process continues it
    assert user_turns(run(store.retrieve_full_tracker("c4"))) == 3 * MAX_TURNS + 1


def test_an_open_form_is_never_cut(url):
    store = ConversationStore(DOMAIN, url=url)
    tracker = run(store.create_tracker("c5"))
    tracker.update(UserUttered("我要申请7天住院陪护", {"name": "request_service", "confidence": 1.0}))
    tracker.update(ActionExecuted("service_request_form"))
    tracker.update(ActiveLoop("service_request_form"))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    for i in range(2 * MAX_TURNS):
        run(turn(store, "c5", f"回答{i}", f"地点{i}"))
    kept = run(store.retrieve("c5"))
    assert kept.active_loop_name == "service_request_form"
    assert user_turns(kept) == 2 * MAX_TURNS + 1  # the whole form is kept while it is open
