"""One draft confirmed twice at the same moment — two threads, or two processes (two action-server workers) — on
SQLite and on PostgreSQL: exactly one request is stored and both confirmations answer with it.

The race is arranged, not hoped for: the desk reads its clock in ``submit`` right after it looked for a request
stored for the draft, so a clock that waits there lets every confirmation look (and find nothing) before any
stores.  In the ordered runs the first then stores its request alone and the second follows — the interleaving
that only the database's unique draft key and the desk's "a parallel confirmation won" branch can answer
(or, for a service with a usage limit, the desk's look for the stored draft before it refuses by the limit).
The free run lets them go together.
"""

from __future__ import annotations

import multiprocessing
import threading
from datetime import date, datetime
from typing import Optional

import pytest

from knowledge.api import KnowledgeBase
from service_requests.desk import ServiceDesk

NOW = datetime(2026, 11, 21, 10, 0)
POLICY = {
    "number": "PA2026400001",
    "product_id": "pingan_health",
    "insured_name": "测试",
    "id_number": "11010119900101123X",
    "phone": "13900001111",
    "effective_date": date(2026, 1, 1),
    "expiry_date": date(2026, 12, 31),
    "status": "in_force",
    "waiting_period_days": 30,
}
VALUES = {
    "place": "浙江省杭州市",
    "hospital": "浙江省人民医院",
    "date_time": "2026-11-25 09:00",
    "phone": "13900002222",
}
TIMEOUT = 60
# 004 住院垫付 has no usage limit: the second confirmation gets as far as the insert, where only the unique
# draft key stops it; 就医陪诊 (每个保险期间 1次) meets the limit its twin's request now fills, before the insert.
SERVICES = ["inpatient_advance", "escort"]


class RacingClock:
    """Fixed time; the first reading in each thread waits at ``gate`` (all confirmations have looked), and then,
    unless this confirmation goes first, until ``first_done`` (the first has stored its request)."""

    def __init__(self, gate, first_done, goes_first: Optional[bool]) -> None:
        self.gate, self.first_done, self.goes_first = gate, first_done, goes_first
        self.seen = threading.local()

    def __call__(self) -> datetime:
        if not getattr(self.seen, "read", False):
            self.seen.read = True
            self.gate.wait(TIMEOUT)
            if self.goes_first is False:
                assert self.first_done.wait(TIMEOUT)
        return NOW


def _confirm(kb, url: str, service: str, gate, first_done, goes_first: Optional[bool], results) -> None:
    """One confirmation of draft "same" (a thread's or a process's body); puts (created, reference) or the error.

    ``kb``: the session's KnowledgeBase for threads (the store is read-only, loading it once per thread only
    costs time), its URL for a process, which loads its own."""
    try:
        kb = KnowledgeBase(kb) if isinstance(kb, str) else kb
        desk = ServiceDesk(kb, url, clock=RacingClock(gate, first_done, goes_first))
        pol = desk.policy(POLICY["number"])
        sub = desk.submit("rest", "u1", pol, desk.service_of(pol, service), VALUES, "same")
        results.put((sub.created, sub.request.reference))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put(("error", repr(exc)))
    finally:
        if goes_first:
            first_done.set()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, kb, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'requests.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    desk = ServiceDesk(kb, url, clock=lambda: NOW)
    desk.load_policies([POLICY])
    yield desk
    desk.engine.dispose()


def _check(desk: ServiceDesk, outcomes) -> None:
    assert all(o[0] != "error" for o in outcomes), outcomes
    assert sorted(created for created, _ in outcomes) == [False] * (len(outcomes) - 1) + [True]
    assert len({ref for _, ref in outcomes}) == 1
    stored = desk.requests_of_policy(desk.policy(POLICY["number"]))
    assert [r.reference for r in stored] == [outcomes[0][1]]


def _threads(desk: ServiceDesk, service: str, order) -> list:
    import queue

    gate, first_done, results = threading.Barrier(len(order)), threading.Event(), queue.Queue()
    workers = [
        threading.Thread(
            target=_confirm,
            args=(
                desk.kb,
                desk.engine.url.render_as_string(hide_password=False),
                service,
                gate,
                first_done,
                o,
                results,
            ),
        )
        for o in order
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(TIMEOUT)
    return [results.get_nowait() for _ in order]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("order", [(True, False), (None, None, None, None)], ids=["ordered", "free"])
def test_two_threads_confirming_one_draft_store_one_request(store, service, order):
    _check(store, _threads(store, service, order))


@pytest.mark.parametrize("service", SERVICES)
def test_two_processes_confirming_one_draft_store_one_request(store, service):
    ctx = multiprocessing.get_context("spawn")
    gate, first_done, results = ctx.Barrier(2), ctx.Event(), ctx.Queue()
    url = store.engine.url.render_as_string(hide_password=False)
    procs = [
        ctx.Process(target=_confirm, args=(store.kb.url, url, service, gate, first_done, goes_first, results))
        for goes_first in (True, False)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=TIMEOUT) for _ in procs]
    for proc in procs:
        proc.join(TIMEOUT)
        assert proc.exitcode == 0
    _check(store, outcomes)
