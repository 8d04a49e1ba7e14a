"""The shape of the curated source files (``knowledge/sources/*.yml``).

Every file is validated against these models before anything is written to the
database, so a typo in a field name or a missing section heading fails the
build with the file, the service and the field named, instead of producing a
store that answers wrongly.  Pydantic 1.10 is used because Rasa 3.6 pins it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Extra, Field, conint, constr, root_validator

NonEmpty = constr(strip_whitespace=True, min_length=1)


class Strict(BaseModel):
    """Base for every source model: unknown keys are errors, not silently dropped."""

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class Fact(Strict):
    """One statement of the manual, verbatim, with the heading it stands under.

    ``section`` may be left out when it is the service's own section; the
    loader fills it in so that every stored fact carries its source.
    ``data`` holds numbers pulled out of ``text`` (hours, days, amounts) for
    code that must compute with them.
    """

    text: NonEmpty
    section: Optional[NonEmpty] = None
    data: Dict[str, Any] = Field(default_factory=dict)


class QA(Strict):
    """A question-and-answer pair printed in the manual itself."""

    q: NonEmpty
    a: NonEmpty
    section: Optional[NonEmpty] = None


Period = Literal[
    "policy_year",  # 每个保险期间 / 每个保单年度
    "hospitalisation",  # 每次住院
    "illness",  # 每种疾病 / 每次确诊
    "lifetime",  # 保险期间内限 N 次 (whole contract)
    "unlimited",  # 不限次数
    "per_use",  # only a per-use amount is given
    "not_stated",
]


class UsageLimit(Strict):
    """How often a service may be used, structured, plus the sentence it comes from."""

    text: NonEmpty
    section: Optional[NonEmpty] = None
    count: Optional[conint(ge=0)] = None
    per: Period = "not_stated"
    days_per_use: Optional[conint(ge=0)] = None
    hours_per_use: Optional[float] = None
    carry_over: Optional[bool] = None  # 可否跨保单年度累计
    shared_with_family: Optional[bool] = None
    data: Dict[str, Any] = Field(default_factory=dict)


class TimeFact(Fact):
    """A response, arrangement or delivery time promised by the manual."""

    kind: Literal["response", "arrangement", "report", "delivery", "service_hours", "duration", "other"]


class AdvanceNotice(Fact):
    """How long before the service the customer must apply."""

    hours: Optional[float] = None
    working_days: Optional[float] = None


class Channel(Strict):
    """A way to apply: app, mini program, official account, hotline, butler …"""

    kind: Literal["app", "mini_program", "wechat_official", "hotline", "butler", "web", "email", "online", "other"]
    text: NonEmpty  # the manual's own wording, e.g. the menu path
    section: Optional[NonEmpty] = None


class Apply(Strict):
    """How to apply: the channels and the ordered steps, as the manual lists them."""

    channels: List[Channel] = Field(default_factory=list)
    steps: List[NonEmpty] = Field(default_factory=list)
    section: Optional[NonEmpty] = None


class Hospital(Strict):
    """A hospital named by the manual as where a service is given."""

    name: NonEmpty
    city: Optional[NonEmpty] = None  # as printed; resolved against the gazetteer
    province: Optional[NonEmpty] = None
    note: Optional[NonEmpty] = None


CoverageType = Literal[
    "list",  # a city list (coverage/<list>.yml)
    "provinces",  # whole provinces named in `provinces`
    "hospitals",  # only the named hospitals
    "nationwide",  # anywhere in mainland China
    "remote",  # online / by phone, place does not matter
    "overseas",  # outside mainland China
    "unpublished",  # the manual gives only a number of cities
    "not_stated",  # the manual says nothing about where
]


class Coverage(Strict):
    """Where a service can be used, as data.

    ``text`` is the manual's sentence; the other fields are what code needs to
    answer "can I use it in X".  ``lists`` names files in ``coverage/``.
    ``extra_provinces`` is for lists that add whole provinces on top
    (004 住院探视: 江苏/浙江/重庆全省).
    """

    type: CoverageType
    text: NonEmpty
    section: Optional[NonEmpty] = None
    lists: List[NonEmpty] = Field(default_factory=list)
    provinces: List[NonEmpty] = Field(default_factory=list)
    extra_provinces: List[NonEmpty] = Field(default_factory=list)
    hospitals: List[Hospital] = Field(default_factory=list)
    printed_city_count: Optional[conint(ge=0)] = None
    printed_hospital_count: Optional[conint(ge=0)] = None
    scope_note: Optional[NonEmpty] = None
    # The part of a place-bound service that is also given remotely anywhere, as printed
    # (004 肿瘤多学科会诊: 线上视频会诊咨询服务范围为全国；线下面诊…仅限指定医疗机构).
    remote_text: Optional[NonEmpty] = None

    @root_validator(skip_on_failure=True)
    def _type_needs_its_data(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        kind = values["type"]
        if kind == "list" and not values["lists"]:
            raise ValueError("type 'list' needs 'lists' (names of files in coverage/)")
        if kind == "provinces" and not values["provinces"]:
            raise ValueError("type 'provinces' needs 'provinces'")
        if kind == "hospitals" and not values["hospitals"]:
            raise ValueError("type 'hospitals' needs 'hospitals'")
        if kind == "unpublished" and values["printed_city_count"] is None:
            raise ValueError("type 'unpublished' needs 'printed_city_count'")
        return values


RequestField = Literal["admission_date", "discharge_date", "distance_band"]


class Service(Strict):
    """One service of a product, with everything the manual says about it."""

    key: constr(regex=r"^[a-z][a-z0-9_]*$")
    name: NonEmpty
    aliases: List[NonEmpty] = Field(default_factory=list)
    section: NonEmpty
    category: Optional[NonEmpty] = None
    content: List[Fact] = Field(..., min_items=1)
    items: List[NonEmpty] = Field(default_factory=list)  # e.g. the 29 home-nursing items
    items_title: Optional[NonEmpty] = None
    eligibility: List[Fact] = Field(default_factory=list)
    prerequisites: List[Fact] = Field(default_factory=list)
    usage_limit: List[UsageLimit] = Field(default_factory=list)
    times: List[TimeFact] = Field(default_factory=list)
    advance_notice: List[AdvanceNotice] = Field(default_factory=list)
    apply: Apply
    materials: List[Fact] = Field(default_factory=list)
    cancellation: List[Fact] = Field(default_factory=list)
    costs: List[Fact] = Field(default_factory=list)
    notes: List[Fact] = Field(default_factory=list)
    qa: List[QA] = Field(default_factory=list)
    coverage: Coverage
    waiting_period: Optional[Fact] = None  # only where the service departs from the product's rule
    # What a service request must collect beyond place, hospital, date and phone, where the
    # manual asks for it (住院陪护: admission and expected discharge dates; 出院交通: distance band).
    request_fields: List[RequestField] = Field(default_factory=list)


class Contact(Strict):
    """A contact channel of the product (hotline, official account, app, butler)."""

    kind: Literal["hotline", "wechat_official", "mini_program", "app", "butler", "web", "email", "other"]
    name: NonEmpty
    value: NonEmpty  # number, account name or menu path as printed
    hours: Optional[NonEmpty] = None
    note: Optional[NonEmpty] = None
    section: NonEmpty


class Rule(Strict):
    """A product-wide rule or definition (等待期, 犹豫期, 服务共享规则, 就医提示 …)."""

    topic: Literal[
        "waiting_period",
        "cooling_off",
        "sharing",
        "definition",
        "validity",
        "disclaimer",
        "medical_tip",
        "other",
    ]
    title: NonEmpty
    text: NonEmpty
    section: NonEmpty
    data: Dict[str, Any] = Field(default_factory=dict)


class ManualInfo(Strict):
    file: constr(regex=r"^\d{3}_[0-9a-f]+\.txt$")
    title: NonEmpty
    insurer: NonEmpty
    insurer_aliases: List[NonEmpty] = Field(..., min_items=1)  # 众安 / 众安保险: may name several products
    provider: Optional[NonEmpty] = None  # service company, e.g. 柏盛健康
    contract_disclaimer: Optional[NonEmpty] = None  # the manual's own "以保险合同为准" sentence


class Product(Strict):
    id: constr(regex=r"^[a-z][a-z0-9_]*$")
    name: NonEmpty
    label_note: Optional[NonEmpty] = None  # e.g. the manual does not state the product name
    aliases: List[NonEmpty] = Field(..., min_items=1)


class Attachment(Strict):
    """A plain list printed in the manual that is not a city list (e.g. the 18 diseases)."""

    key: constr(regex=r"^[a-z][a-z0-9_]*$")
    title: NonEmpty
    section: NonEmpty
    items: List[NonEmpty] = Field(..., min_items=1)
    note: Optional[NonEmpty] = None


class ManualSource(Strict):
    """One curated file = one manual."""

    manual: ManualInfo
    product: Product
    contacts: List[Contact] = Field(default_factory=list)
    rules: List[Rule] = Field(default_factory=list)
    qa: List[QA] = Field(default_factory=list)  # Q&A not tied to one service
    services: List[Service] = Field(..., min_items=1)
    attachments: List[Attachment] = Field(default_factory=list)


# --- coverage list files (knowledge/sources/coverage/*.yml) -----------------

CountyRule = Literal[
    "excluded",  # 市辖区 only; counties and county-level cities are not covered
    "listed_only",  # 市辖区, plus the counties the list names
]


class CoverageEntry(Strict):
    """One place of a printed list, in the manual's own words.

    ``name`` and ``province`` are as printed (typos and wrong provinces
    included); the loader resolves them against the gazetteer and records
    every correction.  ``within`` names the listed city a county belongs to
    when the manual prints it that way (e.g. 延边（延吉市、珲春市）).
    """

    name: NonEmpty
    province: Optional[NonEmpty] = None
    within: Optional[NonEmpty] = None
    hospitals: Optional[conint(ge=0)] = None
    note: Optional[NonEmpty] = None
    resolve_as: Optional[NonEmpty] = None  # explicit gazetteer name when the printed one is ambiguous


class PrintedTotal(Strict):
    """A count the manual prints (per province or overall), kept to compare with the rows."""

    scope: NonEmpty  # "全部" or a province as printed
    cities: Optional[conint(ge=0)] = None
    hospitals: Optional[conint(ge=0)] = None
    text: NonEmpty


class CoverageList(Strict):
    """A printed city list (an attachment or an in-text table)."""

    id: constr(regex=r"^\d{3}_[a-z0-9_]+$")
    manual: constr(regex=r"^\d{3}_[0-9a-f]+\.txt$")
    section: NonEmpty
    title: NonEmpty
    scope_note: Optional[NonEmpty] = None  # e.g. 市辖区范围, 不含下辖县
    county_rule: CountyRule
    printed_totals: List[PrintedTotal] = Field(default_factory=list)
    footnote: Optional[NonEmpty] = None
    entries: List[CoverageEntry] = Field(..., min_items=1)
