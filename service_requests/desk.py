"""The service desk: bind a chat to a policy, walk a request's form, check it, store it, track and cancel it.

Everything a channel needs goes through ``ServiceDesk``; it reads the manuals' rules from the
knowledge store (``service_requests.rules``) and keeps policies, bindings, requests and their
audit trail in the request store.  Messages are Chinese, for the chat user; the structured
results carry codes for the butlers' console and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from knowledge.api import SERVICE_MATCH_CUTOFF, KnowledgeBase, ServiceInfo
from service_requests import parsing as p
from service_requests import rules
from service_requests import wording as w
from service_requests.config import DEMO_POLICIES, TIMEZONE
from service_requests.fields import FIELD, Answer, Step, asked_fields, corrected_field
from service_requests.models import (
    ARRANGED,
    CANCELLED,
    CANCELLED_USED,
    DONE,
    SUBMITTED,
    Binding,
    Policy,
    ServiceRequest,
    StatusChange,
    VerificationAttempt,
)
from service_requests.rules import PolicyView, Verdict
from service_requests.store import engine_for
from service_requests.wording import STATUS_CN

MAX_FAILED_BINDINGS = 5  # within LOCKOUT: then binding is refused for a while
LOCKOUT = timedelta(minutes=30)
SUBMIT_ATTEMPTS = 8  # reference numbers tried when concurrent submissions take the same one
MATERIALS_SHOWN = 3  # of the manual's list of materials, in the confirmation
PLACE_CORRECTION_MAX_CHARS = 12  # a message this short that names a place is a new city for the form
OPEN = (SUBMITTED, ARRANGED)  # a customer can still cancel; counted as uses: every status but CANCELLED
# what a butler may set from each status (a chat cancellation of an arranged request follows the manual: desk.cancel)
NEXT_STATUSES = {
    SUBMITTED: (ARRANGED, DONE, CANCELLED),
    ARRANGED: (DONE, CANCELLED, CANCELLED_USED),
    DONE: (),
    CANCELLED: (),
    CANCELLED_USED: (),
}


@dataclass(frozen=True)
class RequestView:
    reference: str
    service: str
    status: str
    status_cn: str
    created_at: datetime
    scheduled_at: Optional[datetime]
    details: Dict[str, Any]
    next_step: str
    product_id: str
    service_key: str
    history: List[Dict[str, Any]] = field(default_factory=list)
    channel: str = ""
    response_time: Optional[str] = None  # the manual's promise, quoted
    due_at: Optional[datetime] = None  # when that promise falls due (rules.promise_deadline)
    overdue: bool = False  # still only submitted after it fell due

    @property
    def city(self) -> Optional[str]:
        return self.details.get("place")


@dataclass(frozen=True)
class Submission:
    request: RequestView
    created: bool  # False: the same draft was confirmed before (double tap, retry)
    message: str


# a listing loads each request's policy and history in two queries, not two per row
_EAGER = (selectinload(ServiceRequest.history), selectinload(ServiceRequest.policy))


def _view(policy: Policy) -> PolicyView:
    return PolicyView(
        policy.id,
        policy.number,
        policy.product_id,
        policy.insured_name,
        p.mask_phone(policy.phone),
        policy.id_number_masked,
        policy.effective_date,
        policy.expiry_date,
        policy.status,
        policy.waiting_period_days,
        policy.continuation,
        tuple(policy.add_ons or ()),
        policy.demo,
    )


def beijing_now() -> datetime:
    return datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)


class ServiceDesk:
    """The request API. ``clock`` returns naive Beijing time (tests pass a fixed one)."""

    def __init__(
        self, kb: Optional[KnowledgeBase] = None, url: Optional[str] = None, clock: Callable[[], datetime] = beijing_now
    ) -> None:
        self.kb = kb or KnowledgeBase.open()
        self.engine = engine_for(url)
        self.clock = clock

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- policies ---------------------------------------------------------------------------
    def load_policies(self, records: Iterable[Dict[str, Any]], demo: bool = False) -> int:
        """Insert or update policies (by number). Demo files give dates as days from today."""
        today = self.clock().date()
        n = 0
        with self._session() as s, s.begin():
            for r in records:
                r = dict(r)
                for key in ("effective", "expiry"):
                    if f"{key}_days_from_today" in r:
                        r[f"{key}_date"] = today + timedelta(days=int(r.pop(f"{key}_days_from_today")))
                if r["product_id"] not in {x.id for x in self.kb.products()}:
                    raise ValueError(f"policy {r['number']}: unknown product {r['product_id']}")
                id_number = str(r.pop("id_number"))
                r.update(
                    id_number_masked=id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:],
                    id_last4=id_number[-4:].upper(),
                    demo=demo,
                    add_ons=list(r.get("add_ons") or []),
                )
                r.pop("note", None)
                row = s.execute(select(Policy).where(Policy.number == r["number"])).scalar_one_or_none()
                if row is None:
                    s.add(Policy(**r))
                else:
                    for k, v in r.items():
                        setattr(row, k, v)
                n += 1
        return n

    def load_demo_policies(self, path=DEMO_POLICIES) -> int:
        with open(path, encoding="utf-8") as f:
            return self.load_policies(yaml.safe_load(f)["policies"], demo=True)

    def policy(self, number: str) -> Optional[PolicyView]:
        with self._session() as s:
            row = s.execute(select(Policy).where(Policy.number == number.upper())).scalar_one_or_none()
            return _view(row) if row else None

    # -- binding ----------------------------------------------------------------------------
    def bound_policy(self, channel: str, sender: str) -> Optional[PolicyView]:
        with self._session() as s:
            b = s.get(Binding, (channel, sender))
            return _view(b.policy) if b else None

    def bind(self, channel: str, sender: str, number: str, last4: str) -> Verdict:
        """Bind the sender to a policy if ``last4`` are the last four digits of its phone or ID number."""
        now = self.clock()
        with self._session() as s, s.begin():
            recent = s.execute(
                select(func.count())
                .select_from(VerificationAttempt)
                .where(
                    VerificationAttempt.channel == channel,
                    VerificationAttempt.sender_id == sender,
                    VerificationAttempt.at > now - LOCKOUT,
                )
            ).scalar_one()
            if recent >= MAX_FAILED_BINDINGS:
                return Verdict(False, "locked", w.binding_locked(int(LOCKOUT.total_seconds() // 60)))
            row = s.execute(select(Policy).where(Policy.number == (number or "").upper())).scalar_one_or_none()
            last4 = (last4 or "").upper()
            if row is None or last4 not in (row.phone[-4:], row.id_last4):
                s.add(VerificationAttempt(channel=channel, sender_id=sender, at=now))
                left = MAX_FAILED_BINDINGS - recent - 1
                return Verdict(False, "mismatch", w.binding_mismatch(left))
            binding = s.get(Binding, (channel, sender))
            if binding is None:
                s.add(Binding(channel=channel, sender_id=sender, policy_id=row.id, bound_at=now))
            else:
                binding.policy_id, binding.bound_at = row.id, now
            product = self.kb.get_product(row.product_id)
            return Verdict(
                True,
                "bound",
                w.bound(product.name, row.number, p.mask_name(row.insured_name)),
                data={"policy": row.number},
            )

    def unbind(self, channel: str, sender: str) -> Optional[str]:
        """Forget the sender's policy ("换一个保单"); returns the policy number that was bound."""
        with self._session() as s, s.begin():
            b = s.get(Binding, (channel, sender))
            if b is None:
                return None
            number = b.policy.number
            s.delete(b)
            return number

    # -- the form ---------------------------------------------------------------------------
    def service_of(self, policy: PolicyView, key: str) -> ServiceInfo:
        return self.service_of_key(policy.product_id, key)

    def choose_service(self, policy: PolicyView, mention: str) -> Step:
        """Resolve the service in the policy's product and check what can be checked before the form."""
        product = self.kb.get_product(policy.product_id)
        svc = self.kb.service(product, mention) if mention else None
        if svc is None:
            found = self.kb.find_services(mention, product, limit=1, cutoff=SERVICE_MATCH_CUTOFF) if mention else []
            svc = found[0].service if found else None
        if svc is None:
            offered = w.service_list(self.kb.services_of(product))
            elsewhere = [s.product.name for s in self.kb.products_offering(mention)] if mention else []
            return Step(None, w.no_such_service(product.name, mention, elsewhere, offered), code="no_such_service")
        today = self.clock().date()
        for verdict in (
            rules.check_in_force(policy, today),
            rules.check_waiting_period(policy, svc, self.kb.rules(product, "waiting_period"), today),
            rules.check_add_on(policy, svc),
        ):
            if not verdict.ok:
                return Step(None, verdict.message, end=True, code=verdict.code)
        limit = rules.usage_limit(svc)
        if limit and limit.per != "hospitalisation":
            verdict = rules.check_usage(svc, self.uses(policy, svc), limit)
            if not verdict.ok:
                return Step(None, verdict.message, end=True, code=verdict.code)
        return Step(svc.key, w.service_chosen(product.name, svc.name))

    def fields(self, policy: PolicyView, service: ServiceInfo) -> List[str]:
        """The form's fields for this service, in asking order (service_requests.fields)."""
        return [f.name for f in asked_fields(service)]

    def question(self, policy: PolicyView, service: ServiceInfo, name: str, values: Dict[str, str]) -> str:
        """What to ask for a field, with the manual's constraint where it helps the answer."""
        return FIELD[name].ask(policy, service)

    def check_field(
        self, policy: PolicyView, service: ServiceInfo, name: str, text: str, values: Dict[str, str]
    ) -> Step:
        """Read and check one answer. Never echoes a full phone or ID number."""
        field_ = FIELD[name]
        text = (text or "").strip()
        now = self.clock()
        value = field_.parse(text, now)
        if value is None:
            return Step(None, field_.unreadable, code="unreadable")
        return field_.check(Answer(self, policy, service, name, text, values, now), value)

    def policy_phone(self, policy: PolicyView) -> str:
        """The full phone number kept on the policy ("用保单手机"), which the policy's view shows only masked."""
        with self._session() as s:
            return s.get(Policy, policy.id).phone

    def correction(self, policy: PolicyView, service: ServiceInfo, text: str, values: Dict[str, str]) -> Optional[str]:
        """Which filled field a correction ("时间改成明天下午3点", "电话换成139…") is about, if any."""
        fields = [f for f in self.fields(policy, service) if f in values]
        named = corrected_field(text, fields)
        if named:
            return named
        if "phone" in fields and p.parse_phone(text):
            return "phone"
        if (
            "place" in fields
            and self.kb.resolve_place(p.correction_place(text)).found
            and len(text) <= PLACE_CORRECTION_MAX_CHARS
        ):
            return "place"
        return None

    def correction_value(self, text: str) -> str:
        """The new value in "时间改成明天下午3点" (what follows 改成/换成/是)."""
        return p.correction_value(text)

    def summary(self, policy: PolicyView, service: ServiceInfo, values: Dict[str, str]) -> str:
        lines = [
            w.SUMMARY_HEAD,
            w.summary_service(service.product.name, service.name),
            w.summary_policy(policy.number, policy.masked_name),
        ]
        for name in self.fields(policy, service):
            if name in values:
                lines.append(w.summary_line(FIELD[name].label, self.display(name, values[name])))
        lines.append(w.SUMMARY_FOOT)
        return "\n".join(lines)

    @staticmethod
    def display(name: str, value: str) -> str:
        """A stored value as the customer reads it (the phone masked, the distance band in words)."""
        return FIELD[name].show(value)

    # -- submission -------------------------------------------------------------------------
    def submit(
        self,
        channel: str,
        sender: str,
        policy: PolicyView,
        service: ServiceInfo,
        values: Dict[str, str],
        draft_key: str,
    ) -> Submission:
        """Store the request (once per draft): a repeated confirmation returns the stored one.

        The rules are checked again: time passes between the first question and the confirmation.
        """
        existing = self.submission(draft_key)
        if existing:
            return Submission(existing, False, self.submitted_text(existing, again=True))
        now = self.clock()
        checks = [
            rules.check_in_force(policy, now.date()),
            rules.check_waiting_period(policy, service, self.kb.rules(service.product, "waiting_period"), now.date()),
        ]
        when = datetime.strptime(values["date_time"], "%Y-%m-%d %H:%M") if values.get("date_time") else None
        if when:
            checks.append(rules.check_advance_notice(service, when, now))
        admitted = date.fromisoformat(values["admission_date"]) if values.get("admission_date") else None
        limit = rules.usage_limit(service)
        if limit:
            checks.append(
                rules.check_usage(
                    service, self.uses(policy, service, admitted if limit.per == "hospitalisation" else None), limit
                )
            )
        for verdict in checks:
            if not verdict.ok:
                existing = self.submission(draft_key)  # a parallel confirmation of this draft stored it meanwhile
                if existing:  # (its request is the use the limit now counts)
                    return Submission(existing, False, self.submitted_text(existing, again=True))
                raise RequestRefused(verdict)
        promise = rules.response_promise(service)
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                with self._session() as s, s.begin():
                    day = now.strftime("%Y%m%d")
                    n = s.execute(
                        select(func.count())
                        .select_from(ServiceRequest)
                        .where(ServiceRequest.reference.like(f"SR-{day}-%"))
                    ).scalar_one()
                    row = ServiceRequest(
                        reference=f"SR-{day}-{n + 1 + attempt:04d}",
                        draft_key=draft_key,
                        policy_id=policy.id,
                        product_id=policy.product_id,
                        service_key=service.key,
                        service_name=service.name,
                        status=SUBMITTED,
                        channel=channel,
                        sender_id=sender,
                        created_at=now,
                        scheduled_at=when,
                        admission_date=admitted,
                        details=dict(values),
                        response_time=promise.text if promise else None,
                    )
                    row.history.append(
                        StatusChange(
                            at=now,
                            actor=f"customer:{channel}:{sender}",
                            from_status=None,
                            to_status=SUBMITTED,
                            note=w.NOTE_SUBMITTED,
                        )
                    )
                    s.add(row)
                break
            except IntegrityError:
                existing = self.submission(draft_key)
                if existing:  # a concurrent confirmation of the same draft won the race
                    return Submission(existing, False, self.submitted_text(existing, again=True))
        else:  # pragma: no cover - SUBMIT_ATTEMPTS reference collisions in a row
            raise RuntimeError("could not allocate a reference number")
        view = self.submission(draft_key)
        return Submission(view, True, self.submitted_text(view))

    def submission(self, draft_key: str) -> Optional[RequestView]:
        """The request stored for a draft, if it was confirmed (the retry after a lost reply finds it)."""
        with self._session() as s:
            row = s.execute(select(ServiceRequest).where(ServiceRequest.draft_key == draft_key)).scalar_one_or_none()
            return self._request_view(row) if row else None

    def uses(self, policy: PolicyView, service: ServiceInfo, admitted: Optional[date] = None) -> int:
        """How many of the policy's requests count as uses of the service (of one stay, with ``admitted``)."""
        q = (
            select(func.count())
            .select_from(ServiceRequest)
            .where(
                ServiceRequest.policy_id == policy.id,
                ServiceRequest.service_key == service.key,
                ServiceRequest.status != CANCELLED,
            )
        )
        if admitted is not None:
            q = q.where(ServiceRequest.admission_date == admitted)
        with self._session() as s:
            return s.execute(q).scalar_one()

    def _request_view(self, row: ServiceRequest) -> RequestView:
        service = self.service_of_key(row.product_id, row.service_key)
        history = [
            {"at": h.at.isoformat(sep=" "), "actor": h.actor, "from": h.from_status, "to": h.to_status, "note": h.note}
            for h in row.history
        ]
        due = rules.promise_deadline(rules.response_promise(service), row.created_at)
        return RequestView(
            row.reference,
            row.service_name,
            row.status,
            STATUS_CN.get(row.status, row.status),
            row.created_at,
            row.scheduled_at,
            dict(row.details or {}),
            self._next_step(service, row),
            row.product_id,
            row.service_key,
            history,
            row.channel,
            row.response_time,
            due,
            bool(due and row.status == SUBMITTED and self.clock() > due),
        )

    def _next_step(self, service: ServiceInfo, row: ServiceRequest) -> str:
        if row.status not in OPEN:
            return w.NEXT_STEP_NONE
        if row.status == ARRANGED:
            return w.NEXT_STEP_ARRANGED
        return w.next_step_waiting(row.response_time)

    def submitted_text(self, view: RequestView, again: bool = False) -> str:
        service = self.service_of_key(view.product_id, view.service_key)
        if again:
            return w.submitted_before(view.reference, view.next_step)
        text = w.submitted(service.name, view.reference, view.next_step)
        materials = service.facts_of("material")
        if materials:
            text += w.materials([f.text for f in materials[:MATERIALS_SHOWN]])
        return text + w.submitted_basis(service.product.manual_title, service.section)

    def service_of_key(self, product_id: str, key: str) -> ServiceInfo:
        return next(s for s in self.kb.services_of(product_id) if s.key == key)

    # -- tracking and cancelling ------------------------------------------------------------
    def requests_of(self, channel: str, sender: str) -> List[RequestView]:
        """The sender's requests, newest first: those made in this chat and those of the bound policy."""
        policy = self.bound_policy(channel, sender)
        with self._session() as s:
            q = select(ServiceRequest).options(*_EAGER).order_by(ServiceRequest.id.desc())
            cond = (ServiceRequest.channel == channel) & (ServiceRequest.sender_id == sender)
            if policy:
                cond = cond | (ServiceRequest.policy_id == policy.id)
            return [self._request_view(r) for r in s.execute(q.where(cond)).scalars()]

    def requests_of_policy(self, policy: PolicyView) -> List[RequestView]:
        with self._session() as s:
            q = (
                select(ServiceRequest)
                .options(*_EAGER)
                .where(ServiceRequest.policy_id == policy.id)
                .order_by(ServiceRequest.id.desc())
            )
            return [self._request_view(r) for r in s.execute(q).scalars()]

    def all_requests(
        self, status: Optional[str] = None, product_id: Optional[str] = None, limit: int = 500
    ) -> List[RequestView]:
        """Every request, newest first (the butlers' queue), optionally of one status or product."""
        with self._session() as s:
            q = select(ServiceRequest).options(*_EAGER).order_by(ServiceRequest.id.desc()).limit(limit)
            if status:
                q = q.where(ServiceRequest.status == status)
            if product_id:
                q = q.where(ServiceRequest.product_id == product_id)
            return [self._request_view(r) for r in s.execute(q).scalars()]

    def request(self, reference: str) -> Optional[RequestView]:
        with self._session() as s:
            row = s.execute(select(ServiceRequest).where(ServiceRequest.reference == reference)).scalar_one_or_none()
            return self._request_view(row) if row else None

    def cancel(self, channel: str, sender: str, reference: Optional[str]) -> Verdict:
        """Cancel one of the sender's requests if the service's cancellation rule allows it now."""
        mine = self.requests_of(channel, sender)
        open_ = [r for r in mine if r.status in OPEN]
        if reference is None:
            if len(open_) != 1:
                listing = [(r.reference, r.service) for r in open_]
                if not open_:
                    return Verdict(False, "nothing_open", w.NOTHING_TO_CANCEL)
                return Verdict(False, "which", w.which_to_cancel(listing))
            reference = open_[0].reference
        target = next((r for r in mine if r.reference == reference), None)
        if target is None:
            return Verdict(False, "not_found", w.request_not_found(reference))
        if target.status in (CANCELLED, CANCELLED_USED):
            return Verdict(False, "already_cancelled", w.already_cancelled(reference))
        if target.status == DONE:
            return Verdict(False, "done", w.already_done(reference))
        service = self.service_of_key(target.product_id, target.service_key)
        verdict = rules.check_cancel(service, target.scheduled_at, self.clock())
        if not verdict.ok:
            return Verdict(False, verdict.code, w.cannot_cancel(reference, verdict.message), verdict.source)
        counted = rules.used_if_cancelled_after_arrangement(service) if target.status == ARRANGED else None
        if counted is not None:  # the manual: once arranged, a cancellation counts as the service used
            self.set_status(
                reference, CANCELLED_USED, f"customer:{channel}:{sender}", w.NOTE_CANCELLED_AFTER_ARRANGEMENT
            )
            return Verdict(
                True,
                "cancelled_used",
                w.cancelled_counted_as_used(reference, service.name, counted),
                service.source(counted.section),
                {"reference": reference},
            )
        self.set_status(reference, CANCELLED, f"customer:{channel}:{sender}", w.NOTE_CANCELLED)
        notes = verdict.data.get("notes") or []
        return Verdict(
            True,
            "cancelled",
            w.cancelled(reference, service.name, notes[0] if notes else None),
            data={"reference": reference},
        )

    def set_status(self, reference: str, to_status: str, actor: str, note: Optional[str] = None) -> RequestView:
        """Change a request's status and record who did it, when, from and to (for the butlers' console too).

        A butler (actor ``butler:<name>``) moves along NEXT_STATUSES and gives a reason to cancel;
        a ValueError says in Chinese what is not allowed.
        """
        if to_status not in STATUS_CN:
            raise ValueError(w.no_such_status(to_status))
        with self._session() as s, s.begin():
            row = s.execute(
                select(ServiceRequest).where(ServiceRequest.reference == reference).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise ValueError(w.no_such_request(reference))
            if actor.startswith("butler:"):
                if to_status not in NEXT_STATUSES.get(row.status, ()):
                    raise ValueError(w.status_not_allowed(reference, row.status, to_status))
                if to_status in (CANCELLED, CANCELLED_USED) and not (note or "").strip():
                    raise ValueError(w.CANCEL_NEEDS_REASON)
            row.history.append(
                StatusChange(at=self.clock(), actor=actor, from_status=row.status, to_status=to_status, note=note)
            )
            row.status = to_status
        return self.request(reference)


class RequestRefused(Exception):
    """Raised by ``submit`` when a rule no longer holds at confirmation time."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict
