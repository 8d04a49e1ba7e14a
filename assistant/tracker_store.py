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

All database work here is synchronous, as in Rasa's own store: each query takes well under a
millisecond on the indexed table.
"""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from assistant.history import MAX_TURNS, compact, user_turns
from assistant.settings import Settings
from storage.engines import make_engine

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 10_000
_PERSISTED = "_assistant_persisted"   # attribute on a tracker: (number of its events already in the table, id of the last)
_RESETS = {SessionStarted.type_name, Restarted.type_name}


class ConversationStore(SQLTrackerStore):
    """SQLTrackerStore on ``CONVERSATIONS_DB_URL`` that keeps each conversation's recent tracker (see module doc)."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[Text] = None, url: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, cache_size: Optional[int] = None, **kwargs: Any) -> None:
        url = url or (host if host and "://" in host else None) or Settings.from_env().conversations_db_url
        self.engine = make_engine(url, **create_engine_kwargs(url))
        self.Base.metadata.create_all(self.engine)
        try:
            sa.Index("ix_events_sender_id_id", self.SQLEvent.sender_id, self.SQLEvent.id).create(self.engine, checkfirst=True)
        except sa.exc.SQLAlchemyError:  # created at the same moment by another worker
            pass
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        size = cache_size if cache_size is not None else int(os.environ.get("CONVERSATION_CACHE_SIZE") or DEFAULT_CACHE_SIZE)
        self._kept: "OrderedDict[str, DialogueStateTracker]" = OrderedDict()
        self._cache_size = max(0, size)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the current session: the kept one brought up to date, else read from the table."""
        kept = self._kept.pop(sender_id, None)
        if kept is not None and self.domain is not None:
            count, last_id = getattr(kept, _PERSISTED)
            with self.session_scope() as session:
                rows = (session.query(self.SQLEvent)
                        .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > last_id)
                        .order_by(self.SQLEvent.id).all())
                newer = [(row.id, row.type_name, row.data) for row in rows]
            if not any(type_name in _RESETS for _, type_name, _ in newer):
                from rasa.shared.core.events import deserialise_events

                for event in deserialise_events([json.loads(data) for _, _, data in newer]):
                    kept.update(event)
                setattr(kept, _PERSISTED, (len(kept.events), newer[-1][0] if newer else last_id))
                return kept
        return await self._read(sender_id)

    async def _read(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = [(row.id, row.data) for row in self._event_query(session, sender_id, fetch_events_from_all_sessions=False)]
        if not rows or self.domain is None:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for _, data in rows], self.domain.slots)
        setattr(tracker, _PERSISTED, (len(tracker.events), rows[-1][0]))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the events the table does not have yet; keep the tracker (compacted when long) for the next turn."""
        persisted = getattr(tracker, _PERSISTED, None)
        with self.session_scope() as session:
            if persisted is None:  # not from retrieve (a new tracker, or one built elsewhere): count, as Rasa does
                start = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            else:
                start = persisted[0]
            new_events = list(tracker.events)[start:]
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            session.add_all(rows)
            session.flush()
            last_id = rows[-1].id if rows else (persisted[1] if persisted else self._last_id(session, tracker.sender_id))
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        setattr(tracker, _PERSISTED, (len(tracker.events), last_id))
        self._keep(tracker, new_events)

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

    def _row(self, sender_id: str, event: Event) -> Any:
        data = event.as_dict()
        return self.SQLEvent(sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                             intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             action_name=data.get("name"), data=json.dumps(data))

    def _last_id(self, session: Any, sender_id: str) -> int:
        return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar() or 0
