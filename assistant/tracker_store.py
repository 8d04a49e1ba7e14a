"""Conversations kept in a database: Rasa's own SQLTrackerStore, on a SQLAlchemy URL, with each recent tracker kept.

The ``events`` table is Rasa's (the console and Rasa's HTTP API read it as Rasa writes it):
a SQLite file under ``var/`` by default, PostgreSQL (or any SQLAlchemy database) by
``CONVERSATIONS_DB_URL`` — the convention of the knowledge and request stores.

What this class adds to SQLTrackerStore, and why:

- **A tracker kept per conversation** (an LRU of ``CONVERSATION_CACHE_SIZE`` trackers, per
  process).  Rasa's store reads and deserialises every event of the session on every message,
  then counts them again to find what to insert.  Here a retrieve asks the database only for
  the events written after the kept tracker's last one (one indexed range query, usually
  empty) and applies them; so several Sanic workers, or several Rasa servers sharing the
  database, stay exact: whatever another process wrote is read before the turn.  A retrieve
  *takes* the kept tracker (a second concurrent retrieve reads the database), and a save puts
  it back: a turn that fails half-way leaves nothing half-applied in memory.
- **A short working history** (``assistant.history``): the kept tracker is compacted to its
  last few turns, so a turn costs the same at the 100th message as at the first.  The full
  history stays in the table.
- **An index on (sender_id, id)** for those range queries (Rasa creates one on sender_id only).
- The engine of ``storage.engines``, as the request store's: on SQLite, WAL, a busy timeout and a pool.

On a database server the database work runs in a thread (SQLAlchemy Core; Rasa's own store
blocks the event loop on every query and commit), so one conversation's round trips and commit
do not hold up the other turns; on SQLite, a local file, it runs inline (measured: faster).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from assistant.history import MAX_TURNS, compact, user_turns
from assistant.settings import Settings
from storage.engines import make_engine

DEFAULT_CACHE_SIZE = 10_000
_PERSISTED = (
    "_assistant_persisted"  # attribute on a tracker: (number of its events already in the table, id of the last)
)
_RESETS = {SessionStarted.type_name, Restarted.type_name}
T = TypeVar("T")
# the range queries' index, declared once on Rasa's table (Rasa indexes sender_id alone)
_SENDER_ID_INDEX = sa.Index("ix_events_sender_id_id", SQLTrackerStore.SQLEvent.sender_id, SQLTrackerStore.SQLEvent.id)


class ConversationStore(SQLTrackerStore):
    """SQLTrackerStore on ``CONVERSATIONS_DB_URL`` that keeps each conversation's recent tracker (see module doc)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        url: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        cache_size: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        url = url or (host if host and "://" in host else None) or Settings.from_env().conversations_db_url
        self.engine = make_engine(url, **create_engine_kwargs(url))
        self.Base.metadata.create_all(self.engine)  # a new table gets both indexes
        try:
            _SENDER_ID_INDEX.create(self.engine, checkfirst=True)  # a table Rasa made earlier gets the second
        except sa.exc.SQLAlchemyError:  # created at the same moment by another worker
            pass
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._inline = self.engine.dialect.name == "sqlite"
        size = (
            cache_size
            if cache_size is not None
            else int(os.environ.get("CONVERSATION_CACHE_SIZE") or DEFAULT_CACHE_SIZE)
        )
        self._kept: "OrderedDict[str, DialogueStateTracker]" = OrderedDict()
        self._cache_size = max(0, size)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the current session: the kept one brought up to date, else read from the table."""
        kept = self._kept.pop(sender_id, None)
        if kept is not None and self.domain is not None:
            _, last_id = getattr(kept, _PERSISTED)
            newer = await self._db(self._rows_after, sender_id, last_id)
            if not any(type_name in _RESETS for _, type_name, _ in newer):
                for event in deserialise_events([json.loads(data) for _, _, data in newer]):
                    kept.update(event)
                setattr(kept, _PERSISTED, (len(kept.events), newer[-1][0] if newer else last_id))
                return kept
        rows = await self._db(self._session_rows, sender_id)
        if not rows or self.domain is None:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for _, data in rows], self.domain.slots)
        setattr(tracker, _PERSISTED, (len(tracker.events), rows[-1][0]))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the events the table does not have yet; keep the tracker (compacted when long) for the next turn."""
        persisted = getattr(tracker, _PERSISTED, None)
        events = list(tracker.events)
        if persisted is None:  # not from retrieve (a new tracker, or one built elsewhere): count, as Rasa does
            start = await self._db(self._count_session_rows, tracker.sender_id)
        else:
            start = persisted[0]
        new_events = events[start:]
        rows = [self._row(tracker.sender_id, event) for event in new_events]
        last_id = await self._db(self._insert, tracker.sender_id, rows) if rows else (persisted or (0, 0))[1]
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        setattr(tracker, _PERSISTED, (len(events), last_id))
        self._keep(tracker, new_events)

    # -- the database work (see _db)
    def _rows_after(self, sender_id: str, last_id: int) -> List[Tuple[int, str, str]]:
        t = self.SQLEvent.__table__
        with self.engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    sa.select(t.c.id, t.c.type_name, t.c.data)
                    .where(t.c.sender_id == sender_id, t.c.id > last_id)
                    .order_by(t.c.id)
                )
            ]

    def _session_rows(self, sender_id: str) -> List[Tuple[int, str]]:
        with self.session_scope() as session:
            return [
                (row.id, row.data)
                for row in self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            ]

    def _count_session_rows(self, sender_id: str) -> int:
        with self.session_scope() as session:
            return self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()

    def _insert(self, sender_id: str, rows: List[Dict[str, Any]]) -> int:
        """Insert the rows in one transaction; the id of the last (the conversation's lock keeps other writers out)."""
        t = self.SQLEvent.__table__
        with self.engine.begin() as conn:
            conn.execute(t.insert(), rows)
            return conn.execute(sa.select(sa.func.max(t.c.id)).where(t.c.sender_id == sender_id)).scalar_one()

    def _keep(self, tracker: DialogueStateTracker, new_events: List[Event]) -> None:
        if self._cache_size == 0 or any(e.type_name in _RESETS for e in new_events):
            self._kept.pop(tracker.sender_id, None)  # a new session is read from the table next time: it is short
            return
        if user_turns(tracker) > MAX_TURNS:
            shorter = compact(tracker)
            if shorter is not None:
                setattr(shorter, _PERSISTED, (len(shorter.events), getattr(tracker, _PERSISTED)[1]))
                tracker = shorter
        self._kept[tracker.sender_id] = tracker
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self._cache_size:
            self._kept.popitem(last=False)

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run database work: in a thread for a database server, inline for SQLite (a local file: the thread costs more)."""
        if self._inline:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args))

    @staticmethod
    def _row(sender_id: str, event: Event) -> Dict[str, Any]:
        """The row Rasa's SQLTrackerStore writes for an event (same columns, same JSON)."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
