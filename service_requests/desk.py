"""The service desk: bind a chat to a policy, walk a request's form, check it, store it, track and cancel it.

Everything a channel needs goes through ``ServiceDesk``; it reads the manuals' rules from the
knowledge store (``service_requests.rules``) and keeps policies, bindings, requests and their
audit trail in the request store.  Messages are Chinese, for the chat user; the structured
results carry codes for the butlers' console and the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from knowledge.api import KnowledgeBase, ServiceInfo
from service_requests import parsing as p
from service_requests import rules
from service_requests.config import DEMO_POLICIES, TIMEZONE
from service_requests.models import Binding, Policy, ServiceRequest, StatusChange, VerificationAttempt
from service_requests.rules import PolicyView, Verdict
from service_requests.store import engine_for

MAX_FAILED_BINDINGS = 5  # within LOCKOUT: then binding is refused for a while
LOCKOUT = timedelta(minutes=30)
SUBMITTED, ARRANGED, DONE, CANCELLED, CANCELLED_USED = "submitted", "arranged", "done", "cancelled", "cancelled_used"
STATUS_CN = {
    SUBMITTED: "已提交，待服务人员联系",
    ARRANGED: "已安排",
    DONE: "已完成",
    CANCELLED: "已取消",
    CANCELLED_USED: "已取消（按手册视同已使用）",
}
OPEN = (SUBMITTED, ARRANGED)  # a customer can still cancel; counted as uses: every status but CANCELLED
# what a butler may set from each status (a chat cancellation of an arranged request follows the manual: desk.cancel)
NEXT_STATUSES = {
    SUBMITTED: (ARRANGED, DONE, CANCELLED),
    ARRANGED: (DONE, CANCELLED, CANCELLED_USED),
    DONE: (),
    CANCELLED: (),
    CANCELLED_USED: (),
}

# Form fields in the order they are asked.  Yes/no prerequisites come first: a "no" ends the
# request before the customer has typed anything else.
FIELD_ORDER = (
    "inpatient_order",
    "diagnosis",
    "place",
    "hospital",
    "admission_date",
    "discharge_date",
    "date_time",
    "distance_band",
    "phone",
)
FIELD_LABEL = {
    "inpatient_order": "已开具住院单",
    "diagnosis": "已有医院诊断",
    "place": "服务城市",
    "hospital": "医院",
    "admission_date": "入院日期",
    "discharge_date": "预计出院日期",
    "date_time": "期望服务时间",
    "distance_band": "家庭常住地距医院",
    "phone": "联系电话",
}
DISTANCE_CN = {"within_200km": "200 公里以内（含）", "over_200km": "200 公里以上"}


@dataclass(frozen=True)
class Step:
    """The outcome of one form answer: the value to keep (None: ask again), what to say, whether the request ends."""

    value: Optional[str]
    message: str = ""
    end: bool = False
    code: str = "ok"


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
                return Verdict(
                    False,
                    "locked",
                    f"验证失败次数过多，请 {int(LOCKOUT.total_seconds() // 60)} 分钟后再试，或拨打保单上的客服热线。",
                )
            row = s.execute(select(Policy).where(Policy.number == (number or "").upper())).scalar_one_or_none()
            last4 = (last4 or "").upper()
            if row is None or last4 not in (row.phone[-4:], row.id_last4):
                s.add(VerificationAttempt(channel=channel, sender_id=sender, at=now))
                left = MAX_FAILED_BINDINGS - recent - 1
                return Verdict(
                    False,
                    "mismatch",
                    "保单号与验证号码不匹配，请核对后重新输入保单号" + (f"（还可尝试 {left} 次）。" if left else "。"),
                )
            binding = s.get(Binding, (channel, sender))
            if binding is None:
                s.add(Binding(channel=channel, sender_id=sender, policy_id=row.id, bound_at=now))
            else:
                binding.policy_id, binding.bound_at = row.id, now
            product = self.kb.get_product(row.product_id)
            return Verdict(
                True,
                "bound",
                f"已验证：{product.name}，保单号 {row.number}，被保险人 {p.mask_name(row.insured_name)}。",
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
            found = self.kb.find_services(mention, product, limit=1, cutoff=80) if mention else []
            svc = found[0].service if found else None
        if svc is None:
            names = "、".join(s.name for s in self.kb.services_of(product))
            elsewhere = [s.product.name for s in self.kb.products_offering(mention)] if mention else []
            lead = (
                f"您的保单（{product.name}）不含“{mention}”这项服务"
                + (f"（{'、'.join(elsewhere)}有）" if elsewhere else "")
                + "。"
                if mention
                else ""
            )
            return Step(None, f"{lead}您的保单可申请：{names}。请告诉我要申请哪一项。", code="no_such_service")
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
            verdict = rules.check_usage(svc, self._used(policy, svc), limit)
            if not verdict.ok:
                return Step(None, verdict.message, end=True, code=verdict.code)
        return Step(svc.key, f"好的，为您申请{product.name}的{svc.name}。")

    def fields(self, policy: PolicyView, service: ServiceInfo) -> List[str]:
        """The form's fields for this service, in asking order."""
        needs = rules.requirements(service)
        remote = service.coverage.type == "remote"
        wanted = {
            "inpatient_order": "inpatient_order" in needs,
            "diagnosis": "diagnosis" in needs,
            "place": not remote,
            "hospital": not remote,
            "date_time": True,
            "phone": True,
        }
        wanted.update({f: True for f in service.request_fields})
        limit = rules.usage_limit(service)
        if limit and limit.per == "hospitalisation":
            wanted["admission_date"] = True
        return [f for f in FIELD_ORDER if wanted.get(f)]

    def question(self, policy: PolicyView, service: ServiceInfo, name: str, values: Dict[str, str]) -> str:
        """What to ask for a field, with the manual's constraint where it helps the answer."""
        if name == "inpatient_order":
            return "医院是否已经为您开具住院单（住院证）？请回复“是”或“否”。"
        if name == "diagnosis":
            return "是否已经有医院出具的明确诊断（病历上写明诊断）？请回复“是”或“否”。"
        if name == "place":
            return f"请问在哪个城市使用{service.name}？（如：杭州、河南兰考）"
        if name == "hospital":
            return "请问在哪家医院？请说医院全称。"
        if name == "admission_date":
            return "请问入院日期是哪天？（如：11月25日）"
        if name == "discharge_date":
            return "请问预计哪天出院？（按医嘱，如：12月2日）"
        if name == "date_time":
            hint = rules.notice_hint(service)
            return "请问希望什么时间使用服务？请说日期和时间（如：12月3日上午9点）。" + (
                f"{service.name}需{hint}申请。" if hint else ""
            )
        if name == "distance_band":
            return "您的家庭常住地距离医院大约多远？200 公里以内（含）安排车辆，200 公里以上承担火车票或机票。请回复公里数或“200公里以内/以上”。"
        if name == "phone":
            return (
                f"请问联系电话？回复“用保单手机”将使用保单预留号码（{policy.phone_masked}），或直接输入 11 位手机号。"
            )
        raise KeyError(name)

    def check_field(
        self, policy: PolicyView, service: ServiceInfo, name: str, text: str, values: Dict[str, str]
    ) -> Step:
        """Read and check one answer. Never echoes a full phone or ID number."""
        text = (text or "").strip()
        now = self.clock()
        if name in ("inpatient_order", "diagnosis"):
            yes = p.parse_yes_no(text)
            if yes is None:
                return Step(None, "请回复“是”或“否”。", code="unreadable")
            verdict = rules.check_requirement(service, name, yes)
            return Step("是" if yes else None, verdict.message, end=not verdict.ok, code=verdict.code)
        if name == "place":
            return self._check_place(service, text)
        if name == "hospital":
            name_ = re.sub(r"^(在|是|去|就在)", "", text).strip("，。 ")
            if len(name_) < 2 or p.parse_yes_no(name_) is not None and len(name_) <= 3:
                return Step(None, "请告诉我医院的名称，例如“浙江大学医学院附属第一医院”。", code="unreadable")
            return Step(name_[:60])
        if name in ("admission_date", "discharge_date"):
            d = p.parse_date(text, now.date())
            if d is None:
                return Step(None, "没有看懂这个日期，请说“11月25日”或“明天”这样的日期。", code="unreadable")
            return self._check_stay(policy, service, name, d, values)
        if name == "date_time":
            when, timed = p.parse_datetime(text, now)
            if when is None:
                return Step(
                    None, "没有看懂这个时间，请说日期和时间，例如“12月3日上午9点”或“明天下午2点”。", code="unreadable"
                )
            if values.get("admission_date") and when.date() < date.fromisoformat(values["admission_date"]):
                return Step(
                    None, f"服务时间应在入院（{values['admission_date']}）之后，请重新输入。", code="before_admission"
                )
            if (
                values.get("discharge_date")
                and when.date() > date.fromisoformat(values["discharge_date"])
                and "distance_band" not in self.fields(policy, service)
            ):
                return Step(
                    None, f"服务时间应在出院（{values['discharge_date']}）之前，请重新输入。", code="after_discharge"
                )
            verdict = rules.check_advance_notice(service, when, now)
            if not verdict.ok:
                return Step(None, verdict.message, code=verdict.code)
            return Step(
                when.strftime("%Y-%m-%d %H:%M"),
                "" if timed else f"没有说具体时间，先按 {when:%m月%d日} 上午 9 点登记，确认前可以修改。",
            )
        if name == "distance_band":
            band = p.parse_distance_band(text)
            return (
                Step(band)
                if band
                else Step(None, "请回复大约多少公里，或“200公里以内”/“200公里以上”。", code="unreadable")
            )
        if name == "phone":
            if re.search(r"保单|预留|原来|这个号|本机|^(是|好|可以|用)", text) and not p.parse_phone(text):
                return Step(self._policy_phone(policy))
            phone = p.parse_phone(text)
            return Step(phone) if phone else Step(None, "请输入 11 位手机号码，或回复“用保单手机”。", code="unreadable")
        raise KeyError(name)

    def _policy_phone(self, policy: PolicyView) -> str:
        with self._session() as s:
            return s.get(Policy, policy.id).phone

    def _check_place(self, service: ServiceInfo, text: str) -> Step:
        result = self.kb.is_covered(service.product, service, re.sub(r"^(在|是|去)", "", text), in_person=True)
        if result.status == "unknown_place":
            sugg = result.to_dict()["suggestions"]
            return Step(
                None,
                f"没有找到地名“{text}”"
                + (f"，您是指{sugg[0]}吗？请直接输入城市名。" if sugg else "，请输入城市名（如：杭州）。"),
                code="unknown_place",
            )
        where = "".join(d.name for d in reversed(self.kb.places.chain(result.place)))
        if result.covered is False:
            return Step(
                None,
                f"{where}不在{service.name}的服务范围内（{result.reason}）。如在其他城市使用，请告诉我城市名；或说“算了”结束。",
                code="not_covered",
            )
        if result.status == "province":
            return Step(None, f"{result.reason}，请说具体城市。", code="province")
        note = "" if result.covered else f"（{result.reason}，能否安排以服务人员确认为准）"
        return Step(where, note, code="ok" if result.covered else "unconfirmed")

    def _check_stay(self, policy: PolicyView, service: ServiceInfo, name: str, d: date, values: Dict[str, str]) -> Step:
        if name == "discharge_date":
            admitted = date.fromisoformat(values["admission_date"]) if values.get("admission_date") else None
            if admitted and d < admitted:
                return Step(
                    None, f"出院日期不能早于入院日期（{admitted:%m月%d日}），请重新输入。", code="before_admission"
                )
            if d < self.clock().date():
                return Step(
                    None,
                    f"{service.name}仅限住院期间或出院前申请，已出院的无法申请；如日期说错了请重新输入。",
                    code="discharged",
                )
            return Step(d.isoformat())
        limit = rules.usage_limit(service)
        if limit and limit.per == "hospitalisation":
            verdict = rules.check_usage(service, self._used(policy, service, d), limit)
            if not verdict.ok:
                return Step(None, verdict.message, end=True, code=verdict.code)
        return Step(d.isoformat())

    def correction(self, policy: PolicyView, service: ServiceInfo, text: str, values: Dict[str, str]) -> Optional[str]:
        """Which filled field a correction ("时间改成明天下午3点", "电话换成139…") is about, if any."""
        fields = [f for f in self.fields(policy, service) if f in values]
        t = text
        keywords = (
            ("phone", ("电话", "手机", "号码")),
            ("hospital", ("医院",)),
            ("place", ("城市", "地点", "地方")),
            ("admission_date", ("入院",)),
            ("discharge_date", ("出院",)),
            ("distance_band", ("公里", "距离")),
            ("date_time", ("时间", "日期", "几点", "改到", "改成")),
        )
        for name, words in keywords:
            if name in fields and any(w in t for w in words):
                return name
        if "phone" in fields and p.parse_phone(t):
            return "phone"
        if "place" in fields and self.kb.resolve_place(re.sub(r"^(改成|换成|改到|在)", "", t)).found and len(t) <= 12:
            return "place"
        return None

    def correction_value(self, text: str) -> str:
        """The new value in "时间改成明天下午3点" (what follows 改成/换成/是)."""
        m = re.search(r"(?:改成|改为|换成|换到|改到|应该是|是)(.+)$", text)
        return m.group(1).strip() if m else text

    def summary(self, policy: PolicyView, service: ServiceInfo, values: Dict[str, str]) -> str:
        lines = [
            "请确认申请信息：",
            f"· 服务：{service.product.name}·{service.name}",
            f"· 保单：{policy.number}（被保险人 {policy.masked_name}）",
        ]
        for name in self.fields(policy, service):
            if name in values:
                lines.append(f"· {FIELD_LABEL[name]}：{self.display(name, values[name])}")
        lines.append("信息无误请回复“确认”提交；需要修改请直接说，如“时间改成12月3日下午2点”；不办了请说“算了”。")
        return "\n".join(lines)

    @staticmethod
    def display(name: str, value: str) -> str:
        if name == "phone":
            return p.mask_phone(value)
        if name == "distance_band":
            return DISTANCE_CN.get(value, value)
        return value

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
                    service, self._used(policy, service, admitted if limit.per == "hospitalisation" else None), limit
                )
            )
        for verdict in checks:
            if not verdict.ok:
                existing = self.submission(draft_key)  # a parallel confirmation of this draft stored it meanwhile
                if existing:  # (its request is the use the limit now counts)
                    return Submission(existing, False, self.submitted_text(existing, again=True))
                raise RequestRefused(verdict)
        promise = rules.response_promise(service)
        for attempt in range(8):
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
                            note="客户在对话中确认提交",
                        )
                    )
                    s.add(row)
                break
            except IntegrityError:
                existing = self.submission(draft_key)
                if existing:  # a concurrent confirmation of the same draft won the race
                    return Submission(existing, False, self.submitted_text(existing, again=True))
        else:  # pragma: no cover - eight reference collisions in a row
            raise RuntimeError("could not allocate a reference number")
        view = self.submission(draft_key)
        return Submission(view, True, self.submitted_text(view))

    def submission(self, draft_key: str) -> Optional[RequestView]:
        """The request stored for a draft, if it was confirmed (the retry after a lost reply finds it)."""
        with self._session() as s:
            row = s.execute(select(ServiceRequest).where(ServiceRequest.draft_key == draft_key)).scalar_one_or_none()
            return self._request_view(row) if row else None

    def _used(self, policy: PolicyView, service: ServiceInfo, admitted: Optional[date] = None) -> int:
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
            return "无需操作。"
        if row.status == ARRANGED:
            return "服务已安排，请按约定时间使用。"
        return f"等待服务人员联系：{row.response_time}" if row.response_time else "等待服务人员与您联系确认安排。"

    def submitted_text(self, view: RequestView, again: bool = False) -> str:
        service = self.service_of_key(view.product_id, view.service_key)
        head = (
            f"这份申请已经提交过了，编号 {view.reference}，无需重复确认。"
            if again
            else f"已为您提交{service.name}申请，编号 {view.reference}。"
        )
        text = head + f"\n下一步：{view.next_step}"
        materials = service.facts_of("material")
        if materials and not again:
            text += "\n请准备：" + "；".join(f.text.rstrip("；;。") for f in materials[:3]) + "。"
        if not again:
            text += f"\n（依据：{service.product.manual_title}·{service.section}）查询进度请说“我的申请进度”。"
        return text

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
                listing = "、".join(f"{r.reference}（{r.service}）" for r in open_)
                return Verdict(
                    False,
                    "which",
                    f"您有多份可取消的申请：{listing}。请说“取消申请”加编号。"
                    if open_
                    else "您目前没有可以取消的申请。",
                )
            reference = open_[0].reference
        target = next((r for r in mine if r.reference == reference), None)
        if target is None:
            return Verdict(
                False, "not_found", f"没有找到您名下编号为 {reference} 的申请，请核对编号（可说“我的申请进度”查看）。"
            )
        if target.status in (CANCELLED, CANCELLED_USED):
            return Verdict(False, "already_cancelled", f"申请 {reference} 已经取消了。")
        if target.status == DONE:
            return Verdict(False, "done", f"申请 {reference} 的服务已经完成，无法取消。")
        service = self.service_of_key(target.product_id, target.service_key)
        verdict = rules.check_cancel(service, target.scheduled_at, self.clock())
        if not verdict.ok:
            return Verdict(False, verdict.code, f"申请 {reference} 无法取消：{verdict.message}", verdict.source)
        counted = rules.used_if_cancelled_after_arrangement(service) if target.status == ARRANGED else None
        if counted is not None:  # the manual: once arranged, a cancellation counts as the service used
            self.set_status(reference, CANCELLED_USED, f"customer:{channel}:{sender}", "客户在服务安排后取消")
            return Verdict(
                True,
                "cancelled_used",
                f"已取消申请 {reference}（{service.name}）。这项服务已经为您安排，按手册，"
                f"安排后取消视同已使用，本次权益不再返还：“{counted.text}”（{counted.section}）",
                service.source(counted.section),
                {"reference": reference},
            )
        self.set_status(reference, CANCELLED, f"customer:{channel}:{sender}", "客户在对话中取消")
        notes = verdict.data.get("notes") or []
        return Verdict(
            True,
            "cancelled",
            f"已取消申请 {reference}（{service.name}）。" + (f"提醒：{notes[0]}" if notes else ""),
            data={"reference": reference},
        )

    def set_status(self, reference: str, to_status: str, actor: str, note: Optional[str] = None) -> RequestView:
        """Change a request's status and record who did it, when, from and to (for the butlers' console too).

        A butler (actor ``butler:<name>``) moves along NEXT_STATUSES and gives a reason to cancel;
        a ValueError says in Chinese what is not allowed.
        """
        if to_status not in STATUS_CN:
            raise ValueError(f"没有“{to_status}”这个状态。")
        with self._session() as s, s.begin():
            row = s.execute(
                select(ServiceRequest).where(ServiceRequest.reference == reference).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise ValueError(f"没有编号为 {reference} 的申请。")
            if actor.startswith("butler:"):
                if to_status not in NEXT_STATUSES.get(row.status, ()):
                    raise ValueError(
                        f"申请 {reference} 目前是“{STATUS_CN.get(row.status, row.status)}”，不能改为“{STATUS_CN[to_status]}”。"
                    )
                if to_status in (CANCELLED, CANCELLED_USED) and not (note or "").strip():
                    raise ValueError("取消申请需要写明原因。")
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
