"""Conversation locks: one turn at a time per conversation, in arrival order, across every worker and server.

Rasa processes a conversation's messages under a ticket lock.  Its RedisLockStore (3.6.21)
changes a lock by get → modify → set, so two workers that issue a ticket at the same moment
can both get the same number, or one can delete the lock the other just queued on; both
messages then run at once against one tracker (RasaHQ/rasa #9213, #6290; the fix, PR #11256, was
reverted and ships only in Rasa Pro).  Both stores here poll for the lock every 20 ms instead of
Rasa's fixed second, so a message that queues behind another waits for it, not for a clock.

- ``RedisTicketLockStore``: every change of a lock is one Redis transaction (WATCH/MULTI, retried
  on conflict), so tickets are unique and served in order.  Used whenever ``REDIS_URL`` is set:
  several Sanic workers, several Rasa servers.
- ``InMemoryTicketLockStore``: one process (the default); asyncio runs each change whole.

Both are custom lock stores in Rasa's sense (``lock_store: type: assistant.lock_store....``).
Rasa then allows ``SANIC_WORKERS`` > 1 with either, so ``assistant.settings`` forces one worker
when there is no Redis, and says so.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

POLL_SECONDS = 0.02


class _QuickPolling:
    """``lock()`` as in Rasa's LockStore, polling every POLL_SECONDS."""

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = POLL_SECONDS
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)  # type: ignore[attr-defined]
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)  # type: ignore[attr-defined]
        finally:
            self.cleanup(conversation_id, ticket)  # type: ignore[attr-defined]


class InMemoryTicketLockStore(_QuickPolling, InMemoryLockStore):
    """Rasa's in-memory ticket locks, polling every 20 ms (one process only)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        InMemoryLockStore.__init__(self)


class RedisTicketLockStore(_QuickPolling, RedisLockStore):
    """Rasa's Redis ticket locks with every change made atomically (see module doc)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        url: Optional[Text] = None,
        key_prefix: Optional[Text] = None,
        socket_timeout: float = 10.0,
    ) -> None:
        import redis

        from assistant.settings import Settings

        if endpoint_config is not None:
            url = url or endpoint_config.url
            key_prefix = key_prefix or endpoint_config.kwargs.get("key_prefix")
        url = url or Settings.from_env().redis_url
        if not url:
            raise ValueError("RedisTicketLockStore needs a Redis URL (REDIS_URL)")
        self.red = redis.StrictRedis.from_url(url, socket_timeout=socket_timeout)
        self.key_prefix = "lock:"
        if key_prefix:
            self._set_key_prefix(key_prefix)
        LockStore.__init__(self)

    def _change(
        self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]
    ) -> Any:
        """Apply ``change`` to the stored lock in one transaction; a lock left without tickets is deleted."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            lock, result = change(lock)
            pipe.multi()
            if lock is None or not lock.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as e:  # noqa: BLE001 - as Rasa's: the caller sees a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)  # deletes the lock when no one else waits
