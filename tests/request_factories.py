"""Test policies and a settable clock for the request desk's tests (one definition, several test modules)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Dict, Optional


class Clock:
    """The desk's clock, set by the test (``clock.now = …``)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def policy(number: str, product: str, effective: date, expiry: Optional[date] = None, **kw: Any) -> Dict[str, Any]:
    """A fictitious policy in force for a year from ``effective``; ``waiting``, ``status``, ``continuation``,
    ``add_ons`` and any other field of the policy file may be given."""
    return {
        "number": number,
        "product_id": product,
        "insured_name": "测试",
        "id_number": "11010119900101123X",
        "phone": "13900001111",
        "effective_date": effective,
        "expiry_date": expiry or effective + timedelta(days=364),
        "status": kw.pop("status", "in_force"),
        "waiting_period_days": kw.pop("waiting", 30),
        "continuation": kw.pop("continuation", "new"),
        "add_ons": kw.pop("add_ons", []),
        **kw,
    }
