"""The manuals' rules for opening and cancelling a request, read from the knowledge store's data.

Every number here comes from a curated fact (``Fact.data``) or a product rule, and every verdict
that refuses quotes the sentence it rests on with its source, so the customer and the butler
see why.  Functions are pure: the policy, the service, the clock and the counts come in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional, Sequence

from knowledge.api import FactInfo, RuleInfo, ServiceInfo, Source
from service_requests import wording

WEEKDAYS_OFF = (5, 6)  # Saturday, Sunday; the manuals give no holiday calendar


@dataclass(frozen=True)
class PolicyView:
    """What the rules need of a policy (the name is shown masked: ``masked_name``)."""

    id: int
    number: str
    product_id: str
    insured_name: str
    phone_masked: str
    id_number_masked: str
    effective_date: date
    expiry_date: date
    status: str
    waiting_period_days: int
    continuation: str
    add_ons: tuple
    demo: bool

    @property
    def masked_name(self) -> str:
        from service_requests.parsing import mask_name

        return mask_name(self.insured_name)


@dataclass(frozen=True)
class Verdict:
    """Whether a step may go on; when not, a Chinese explanation with the manual's sentence."""

    ok: bool
    code: str
    message: str = ""
    source: Optional[Source] = None
    data: Dict[str, Any] = field(default_factory=dict)


OK = Verdict(True, "ok")


# -- policy ---------------------------------------------------------------------------------
def check_in_force(policy: PolicyView, today: date) -> Verdict:
    """The manuals tie every service to the contract's term (服务有效期与保险合同有效期一致)."""
    if policy.status != "in_force":
        return Verdict(False, "not_in_force", wording.not_in_force(policy.number, policy.status))
    if today > policy.expiry_date:
        return Verdict(False, "expired", wording.expired(policy.number, policy.expiry_date))
    if today < policy.effective_date:
        return Verdict(False, "not_yet_effective", wording.not_yet_effective(policy.number, policy.effective_date))
    return OK


@dataclass(frozen=True)
class WaitingPeriod:
    first_day: Optional[date]  # the first day the service may be used; None: no waiting period
    reason: str
    source: Optional[Source] = None
    accident_exempt: bool = False


def waiting_period(policy: PolicyView, service: ServiceInfo, product_rules: Sequence[RuleInfo]) -> WaitingPeriod:
    """When the waiting period ends for this policy and service, and which rule says so.

    The service's own sentence wins (002 药惠购: 保单生效即可使用; 家财: 7 天; 000 门诊陪诊: 续期无等待期;
    002 医疗垫付: 意外无等待期), then the product's rule (004: 生效日起 30 日内（含第 30 天）, 活力GO 与
    转保无等待期), then the contract's own number kept on the policy (the other manuals say only
    "同保险合同规定的等待期").
    """
    accident = False
    for f in service.facts_of("waiting_period"):
        d = f.data
        src = service.source(f.section)
        if d.get("no_waiting_period") or d.get("days") == 0:
            return WaitingPeriod(None, f.text, src)
        if d.get("renewal_no_waiting_period") and policy.continuation == "renewal":
            return WaitingPeriod(None, f.text, src)
        if d.get("days"):
            return WaitingPeriod(policy.effective_date + timedelta(days=int(d["days"])), f.text, src)
        accident = accident or bool(d.get("accident_no_waiting_period"))
    for r in product_rules:
        src = Source(service.product.manual, service.product.manual_title, r.section)
        if service.key in r.data.get("exempt_services", ()):
            return WaitingPeriod(None, r.text, src)
        if r.data.get("transfer_no_waiting_period") and policy.continuation == "transfer":
            return WaitingPeriod(None, r.text, src)
    for r in product_rules:
        if r.data.get("days"):
            src = Source(service.product.manual, service.product.manual_title, r.section)
            return WaitingPeriod(policy.effective_date + timedelta(days=int(r.data["days"])), r.text, src, accident)
    return WaitingPeriod(
        policy.effective_date + timedelta(days=policy.waiting_period_days),
        wording.contract_waiting_period(policy.waiting_period_days),
        None,
        accident,
    )


def check_waiting_period(
    policy: PolicyView, service: ServiceInfo, product_rules: Sequence[RuleInfo], today: date
) -> Verdict:
    wp = waiting_period(policy, service, product_rules)
    if wp.first_day is None or today >= wp.first_day:
        return OK
    last = wp.first_day - timedelta(days=1)
    msg = wording.in_waiting_period(policy.effective_date, last, wp.first_day, service.name, wp.reason)
    if wp.accident_exempt:
        msg += wording.ACCIDENT_EXEMPT
    return Verdict(
        False, "waiting_period", msg, wp.source, {"ends": last.isoformat(), "first_day": wp.first_day.isoformat()}
    )


# -- prerequisites ------------------------------------------------------------------------
def requirements(service: ServiceInfo) -> Dict[str, FactInfo]:
    """What the manual requires before the service (inpatient_order, diagnosis, add_on) → its sentence."""
    out: Dict[str, FactInfo] = {}
    for f in service.facts_of("prerequisite"):
        for need in f.data.get("requires", ()):
            out.setdefault(need, f)
    return out


def check_add_on(policy: PolicyView, service: ServiceInfo) -> Verdict:
    f = requirements(service).get("add_on")
    if f is None or f.data.get("add_on") in policy.add_ons:
        return OK
    return Verdict(
        False,
        "add_on",
        wording.add_on_missing(service, f.data.get("add_on"), policy.number, f),
        service.source(f.section),
    )


def check_requirement(service: ServiceInfo, need: str, answer: bool) -> Verdict:
    """The customer's yes/no to "已开具住院单？" / "已有医院诊断？"."""
    f = requirements(service)[need]
    if answer:
        return OK
    return Verdict(False, need, wording.requirement_missing(service, need, f), service.source(f.section))


# -- usage limit ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    count: int
    per: str  # policy_year, hospitalisation, lifetime
    fact: FactInfo


def usage_limit(service: ServiceInfo) -> Optional[Limit]:
    """The first counted limit the manual gives (one policy is one insurance year here)."""
    for f in service.facts_of("usage_limit"):
        count, per = f.data.get("count"), f.data.get("per")
        if count and per in ("policy_year", "hospitalisation", "lifetime", "not_stated"):
            return Limit(int(count), "policy_year" if per == "not_stated" else per, f)
    return None


def check_usage(service: ServiceInfo, used: int, limit: Optional[Limit]) -> Verdict:
    if limit is None or used < limit.count:
        return OK
    scope = wording.THIS_STAY if limit.per == "hospitalisation" else wording.THIS_POLICY_YEAR
    return Verdict(
        False,
        "limit",
        wording.limit_reached(service, scope, limit.count, used, limit.fact),
        service.source(limit.fact.section),
        {"count": limit.count, "used": used},
    )


# -- advance notice -------------------------------------------------------------------------
def working_days_between(start: date, end: date) -> int:
    """Whole working days after ``start`` and before ``end`` (weekends skipped)."""
    n, d = 0, start + timedelta(days=1)
    while d < end:
        n += d.weekday() not in WEEKDAYS_OFF
        d += timedelta(days=1)
    return n


def _notice_facts(service: ServiceInfo) -> List[FactInfo]:
    return [f for f in service.facts_of("advance_notice") if f.data.get("hours") or f.data.get("working_days")]


def check_advance_notice(service: ServiceInfo, scheduled: datetime, now: datetime) -> Verdict:
    """The first stated notice is the rule; other numbers the manual gives elsewhere are mentioned."""
    facts = _notice_facts(service)
    if scheduled <= now:
        return Verdict(False, "past", wording.TIME_PASSED)
    if not facts:
        return OK
    rule = facts[0]
    hours, wdays = rule.data.get("hours"), rule.data.get("working_days")
    if hours:
        met = scheduled - now >= timedelta(hours=float(hours))
        need = wording.notice(hours=hours)
    else:
        met = working_days_between(now.date(), scheduled.date()) >= float(wdays)
        need = wording.notice(working_days=wdays)
    if met:
        return OK
    msg = wording.too_little_notice(service, need, scheduled, rule)
    others = [f for f in facts[1:] if (f.data.get("hours"), f.data.get("working_days")) != (hours, wdays)]
    if others:
        msg += wording.notice_elsewhere(others[0])
    return Verdict(False, "advance_notice", msg, service.source(rule.section))


def notice_hint(service: ServiceInfo) -> Optional[str]:
    """ "需提前 48 小时" for the date question, with the other figure where the manual disagrees."""
    facts = _notice_facts(service)
    if not facts:
        return None
    parts = []
    for f in facts:
        h, w = f.data.get("hours"), f.data.get("working_days")
        p = wording.notice(h, w)
        if p not in parts:
            parts.append(p)
    return wording.notice_hint(parts[0], parts[1] if len(parts) > 1 else None)


# -- cancellation ---------------------------------------------------------------------------
def check_cancel(service: ServiceInfo, scheduled: Optional[datetime], now: datetime) -> Verdict:
    """Whether a submitted request may still be cancelled, by the service's cancellation rule."""
    facts = service.facts_of("cancellation")
    for f in facts:
        d = f.data
        if d.get("cancel_allowed") is False:
            return Verdict(
                False, "cancel_not_allowed", wording.cancel_not_allowed(service, f), service.source(f.section)
            )
        if scheduled and d.get("cancel_hours_before"):
            if scheduled - now < timedelta(hours=float(d["cancel_hours_before"])):
                return _too_late(service, f, wording.cancel_too_late_hours(service, d["cancel_hours_before"], f))
        if scheduled and d.get("cancel_working_days_before"):
            if working_days_between(now.date(), scheduled.date()) < float(d["cancel_working_days_before"]):
                days = d["cancel_working_days_before"]
                return _too_late(service, f, wording.cancel_too_late_working_days(service, days, f))
    notes = [f.text for f in facts if not any(k.startswith("cancel_") for k in f.data)]
    return Verdict(True, "ok", "", None, {"notes": notes[:1]})


def _too_late(service: ServiceInfo, rule: FactInfo, message: str) -> Verdict:
    return Verdict(False, "cancel_too_late", message, service.source(rule.section))


def used_if_cancelled_after_arrangement(service: ServiceInfo) -> Optional[FactInfo]:
    """The manual's sentence that a cancellation once the service is arranged counts as a use (安排后取消视同已使用), if it has one."""
    return next((f for f in service.facts_of("cancellation") if f.data.get("used_after_arrangement")), None)


# -- what comes next ------------------------------------------------------------------------
def promise_deadline(promise: Optional[FactInfo], since: datetime) -> Optional[datetime]:
    """When the manual's promised response falls due for a request made at ``since``.

    ``hours`` are clock hours; ``working_hours`` count the hours of working days only; ``working_days``
    (or ``response_working_days``) end with the last of those days.  Working days skip weekends only:
    the manuals print no holiday calendar (as for the advance notice).
    """
    if promise is None:
        return None
    d = promise.data
    if d.get("hours"):
        return since + timedelta(hours=float(d["hours"]))
    if d.get("working_hours"):
        left, at = float(d["working_hours"]), since
        while left > 0:  # an hour counts when it starts on a working day
            step = min(left, 1.0)
            if at.weekday() not in WEEKDAYS_OFF:
                left -= step
            at += timedelta(hours=step)
        return at
    days = d.get("working_days") or d.get("response_working_days")
    if days:
        day, n = since.date(), 0
        while n < int(days):
            day += timedelta(days=1)
            n += day.weekday() not in WEEKDAYS_OFF
        return datetime.combine(day, time(23, 59))
    return None


def response_promise(service: ServiceInfo) -> Optional[FactInfo]:
    """The manual's promised response (or arrangement) time, quoted in the confirmation."""
    times = service.facts_of("time")
    for kind in ("response", "arrangement"):
        for f in times:
            if f.data.get("kind") == kind:
                return f
    return None
