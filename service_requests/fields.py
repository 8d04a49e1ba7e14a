"""The request form's fields: one entry per field says everything about it.

Each ``RequestField`` gives the field's label, its question, how an answer is read (a parser of
``service_requests.parsing``), how the value read is checked (against the manuals' rules, the place
lists, the stay and the clock), its Rasa slot, when the form asks it, how it is shown, which words
name it in a correction, and whether a service that asks it may be used after discharge.
The desk (``ServiceDesk.fields`` / ``question`` / ``check_field`` / ``summary`` / ``correction``),
the form actions (``actions.request_form``) and the check against ``bot/domain.yml``
(tests/test_request_fields.py) all read ``FIELDS``; adding a field is adding an entry here and
its slot in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Optional, Tuple

from knowledge.api import ServiceInfo
from service_requests import parsing as p
from service_requests import rules
from service_requests import wording as w
from service_requests.rules import PolicyView

if TYPE_CHECKING:
    from service_requests.desk import ServiceDesk

SLOT_PREFIX = "sr_"  # the form's slots in bot/domain.yml: sr_<field name>


@dataclass(frozen=True)
class Step:
    """The outcome of one form answer: the value to keep (None: ask again), what to say, whether the request ends."""

    value: Optional[str]
    message: str = ""
    end: bool = False
    code: str = "ok"


@dataclass(frozen=True)
class Answer:
    """One answer being checked: who answers, for which service and field, what the form holds already, when."""

    desk: "ServiceDesk"
    policy: PolicyView
    service: ServiceInfo
    field: str
    text: str  # as typed (trimmed)
    values: Dict[str, str]
    now: datetime


@dataclass(frozen=True)
class RequestField:
    name: str  # the key of the request's details and of the desk's API
    label: str  # in the summary and in "已将…改为"
    asked: Callable[[ServiceInfo], bool]  # besides when the service's request_fields name it
    ask: Callable[[PolicyView, ServiceInfo], str]  # the question
    parse: Callable[[str, datetime], Any]  # the answer's text read; None: unreadable
    unreadable: str  # what to say when parse reads nothing
    check: Callable[[Answer, Any], Step]  # the value read, checked
    corrected_by: Tuple[str, ...] = ()  # words that say a correction is about this field
    show: Callable[[str], str] = str  # the stored value as the customer reads it
    # a service that asks this field is used on leaving hospital, so its time may fall after discharge
    # (004 出院交通安排 asks the distance home)
    used_after_discharge: bool = False

    @property
    def slot(self) -> str:
        return SLOT_PREFIX + self.name


# -- when a field is asked ------------------------------------------------------------------------
def _always(service: ServiceInfo) -> bool:
    return True


def _only_when_listed(service: ServiceInfo) -> bool:
    """Asked only for the services whose source lists it (``request_fields``)."""
    return False


def _in_person(service: ServiceInfo) -> bool:
    """Where and in which hospital: for a service given on the spot, not for a remote one."""
    return service.coverage.type != "remote"


def _counted_per_stay(service: ServiceInfo) -> bool:
    """The admission date tells one hospitalisation from another where uses are counted per stay."""
    limit = rules.usage_limit(service)
    return bool(limit and limit.per == "hospitalisation")


# -- how a value read is checked -------------------------------------------------------------------
def _kept(a: Answer, value: str) -> Step:
    return Step(value)


def _answered_prerequisite(a: Answer, yes: bool) -> Step:
    verdict = rules.check_requirement(a.service, a.field, yes)
    return Step(w.YES if yes else None, verdict.message, end=not verdict.ok, code=verdict.code)


def _place(a: Answer, mention: str) -> Step:
    kb = a.desk.kb
    result = kb.is_covered(a.service.product, a.service, mention, in_person=True)
    if result.status == "unknown_place":
        suggestions = result.to_dict()["suggestions"]
        suggestion = suggestions[0] if suggestions else None
        return Step(None, w.unknown_place(a.text, suggestion), code="unknown_place")
    where = "".join(d.name for d in reversed(kb.places.chain(result.place)))
    if result.covered is False:
        return Step(None, w.place_not_covered(where, a.service.name, result.reason), code="not_covered")
    if result.status == "province":
        return Step(None, w.place_is_a_province(result.reason), code="province")
    note = "" if result.covered else w.place_unconfirmed(result.reason)
    return Step(where, note, code="ok" if result.covered else "unconfirmed")


def _admission(a: Answer, d: date) -> Step:
    limit = rules.usage_limit(a.service)
    if limit and limit.per == "hospitalisation":
        verdict = rules.check_usage(a.service, a.desk.uses(a.policy, a.service, d), limit)
        if not verdict.ok:
            return Step(None, verdict.message, end=True, code=verdict.code)
    return Step(d.isoformat())


def _discharge(a: Answer, d: date) -> Step:
    admitted = date.fromisoformat(a.values["admission_date"]) if a.values.get("admission_date") else None
    if admitted and d < admitted:
        return Step(None, w.discharge_before_admission(admitted), code="before_admission")
    if d < a.now.date():
        return Step(None, w.already_discharged(a.service.name), code="discharged")
    return Step(d.isoformat())


def _date_time(a: Answer, read: Tuple[datetime, bool]) -> Step:
    when, timed = read
    values = a.values
    if values.get("admission_date") and when.date() < date.fromisoformat(values["admission_date"]):
        return Step(None, w.before_admission(values["admission_date"]), code="before_admission")
    if (
        values.get("discharge_date")
        and when.date() > date.fromisoformat(values["discharge_date"])
        and not used_after_discharge(a.desk.fields(a.policy, a.service))
    ):
        return Step(None, w.after_discharge(values["discharge_date"]), code="after_discharge")
    verdict = rules.check_advance_notice(a.service, when, a.now)
    if not verdict.ok:
        return Step(None, verdict.message, code=verdict.code)
    return Step(when.strftime("%Y-%m-%d %H:%M"), "" if timed else w.time_assumed(when))


def _phone(a: Answer, phone: str) -> Step:
    return Step(a.desk.policy_phone(a.policy) if phone == p.POLICY_PHONE else phone)


def _prerequisite(name: str, label: str, question: str) -> RequestField:
    """A yes/no the manual requires before the service (rules.requirements: 住院单, 明确诊断): asked
    only where the manual states it, and a "no" ends the request."""
    return RequestField(
        name,
        label,
        asked=lambda service: name in rules.requirements(service),
        ask=lambda policy, service: question,
        parse=lambda text, now: p.parse_yes_no(text),
        unreadable=w.UNREADABLE_YES_NO,
        check=_answered_prerequisite,
    )


def _read_when(text: str, now: datetime) -> Optional[Tuple[datetime, bool]]:
    when, timed = p.parse_datetime(text, now)
    return (when, timed) if when else None


def _read_date(text: str, now: datetime) -> Optional[date]:
    return p.parse_date(text, now.date())


# -- the fields, in the order the form asks them ------------------------------------------------
# Yes/no prerequisites come first: a "no" ends the request before the customer has typed anything else.
FIELDS: Tuple[RequestField, ...] = (
    _prerequisite("inpatient_order", w.LABEL_INPATIENT_ORDER, w.ASK_INPATIENT_ORDER),
    _prerequisite("diagnosis", w.LABEL_DIAGNOSIS, w.ASK_DIAGNOSIS),
    RequestField(
        "place",
        w.LABEL_PLACE,
        asked=_in_person,
        ask=lambda policy, service: w.ask_place(service.name),
        parse=lambda text, now: p.place_mention(text),
        unreadable="",  # every text is a mention; the gazetteer says whether it names a place
        check=_place,
        corrected_by=("城市", "地点", "地方"),
    ),
    RequestField(
        "hospital",
        w.LABEL_HOSPITAL,
        asked=_in_person,
        ask=lambda policy, service: w.ASK_HOSPITAL,
        parse=lambda text, now: p.parse_hospital_name(text),
        unreadable=w.UNREADABLE_HOSPITAL,
        check=_kept,
        corrected_by=("医院",),
    ),
    RequestField(
        "admission_date",
        w.LABEL_ADMISSION_DATE,
        asked=_counted_per_stay,
        ask=lambda policy, service: w.ASK_ADMISSION_DATE,
        parse=_read_date,
        unreadable=w.UNREADABLE_DATE,
        check=_admission,
        corrected_by=("入院",),
    ),
    RequestField(
        "discharge_date",
        w.LABEL_DISCHARGE_DATE,
        asked=_only_when_listed,
        ask=lambda policy, service: w.ASK_DISCHARGE_DATE,
        parse=_read_date,
        unreadable=w.UNREADABLE_DATE,
        check=_discharge,
        corrected_by=("出院",),
    ),
    RequestField(
        "date_time",
        w.LABEL_DATE_TIME,
        asked=_always,
        ask=lambda policy, service: w.ask_date_time(service.name, rules.notice_hint(service)),
        parse=_read_when,
        unreadable=w.UNREADABLE_DATE_TIME,
        check=_date_time,
        corrected_by=("时间", "日期", "几点", "改到", "改成"),
    ),
    RequestField(
        "distance_band",
        w.LABEL_DISTANCE_BAND,
        asked=_only_when_listed,
        ask=lambda policy, service: w.ASK_DISTANCE_BAND,
        parse=lambda text, now: p.parse_distance_band(text),
        unreadable=w.UNREADABLE_DISTANCE,
        check=_kept,
        corrected_by=("公里", "距离"),
        show=lambda value: w.DISTANCE_CN.get(value, value),
        used_after_discharge=True,
    ),
    RequestField(
        "phone",
        w.LABEL_PHONE,
        asked=_always,
        ask=lambda policy, service: w.ask_phone(policy.phone_masked),
        parse=lambda text, now: p.parse_phone_answer(text),
        unreadable=w.UNREADABLE_PHONE,
        check=_phone,
        corrected_by=("电话", "手机", "号码"),
        show=p.mask_phone,
    ),
)
FIELD: Dict[str, RequestField] = {f.name: f for f in FIELDS}
FIELD_BY_SLOT: Dict[str, RequestField] = {f.slot: f for f in FIELDS}

# The order in which a correction's words are tried: a field's own noun before 时间 and the bare
# 改成/改到 that most corrections contain ("电话改成…" is about the phone, "出院时间改成…" about discharge).
CORRECTION_ORDER: Tuple[str, ...] = (
    "phone",
    "hospital",
    "place",
    "admission_date",
    "discharge_date",
    "distance_band",
    "date_time",
)
if sorted(CORRECTION_ORDER) != sorted(f.name for f in FIELDS if f.corrected_by):
    raise ValueError("CORRECTION_ORDER must name each field that has correction words once")


def asked_fields(service: ServiceInfo) -> Tuple[RequestField, ...]:
    """The fields the form asks for this service, in asking order."""
    return tuple(f for f in FIELDS if f.name in service.request_fields or f.asked(service))


def used_after_discharge(names: Iterable[str]) -> bool:
    """Whether a service asking these fields may be used after the discharge date."""
    return any(FIELD[n].used_after_discharge for n in names)


def corrected_field(text: str, filled: Iterable[str]) -> Optional[str]:
    """The filled field whose words the correction names, tried in CORRECTION_ORDER."""
    filled = set(filled)
    for name in CORRECTION_ORDER:
        if name in filled and any(word in text for word in FIELD[name].corrected_by):
            return name
    return None
