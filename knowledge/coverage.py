"""Is a service usable in a place?  The rules, applied to a service's coverage.

This module holds the judgement only; the data comes from the store (see
``knowledge.api``).  The rules follow what the manuals print:

* a listed prefecture covers its urban districts (市辖区);
* its counties and county-level cities depend on the list's ``county_rule``:
  ``excluded`` (不含下辖县) or ``listed_only`` (only the counties the list names);
* a city (prefecture or municipality) not listed itself but with every one of its
  districts and counties listed is covered; with only some of them, "partly";
* a province is answered with the list's cities in it;
* places outside the mainland (香港, 澳门, 台湾) are known but not covered;
* a list the manual does not publish (only a count) gives "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from knowledge.places import Division, PlaceIndex

# status values (covered: True / False / None)
YES, NO, PARTIAL, PROVINCE, UNKNOWN, UNPUBLISHED, NOT_STATED, REMOTE_ONLY = (
    "yes",
    "no",
    "partial",
    "province",
    "unknown",
    "list_not_published",
    "not_stated",
    "remote_only",
)


@dataclass(frozen=True)
class ListEntry:
    list_id: str
    division: Division
    printed_name: str
    printed_province: Optional[str]
    within: Optional[str]
    hospitals: Optional[int]
    note: Optional[str]
    correction: Optional[str]


@dataclass(frozen=True)
class PrintedList:
    id: str
    title: str
    section: str
    county_rule: str
    scope_note: Optional[str]
    footnote: Optional[str]
    printed_totals: Sequence[Dict[str, Any]]
    entries: Sequence[ListEntry]
    by_code: Dict[str, List[ListEntry]] = field(default_factory=dict, compare=False)  # adcode → its rows
    inside: Dict[str, List[ListEntry]] = field(default_factory=dict, compare=False)  # ancestor adcode → rows below it

    @classmethod
    def indexed(cls, index: PlaceIndex, **kwargs: Any) -> "PrintedList":
        """A list with its rows indexed by place and by every enclosing place, so judging is a lookup."""
        plist = cls(**kwargs)
        for e in plist.entries:
            plist.by_code.setdefault(e.division.adcode, []).append(e)
            for outer in index.chain(e.division)[1:]:
                plist.inside.setdefault(outer.adcode, []).append(e)
        return plist


@dataclass(frozen=True)
class HospitalEntry:
    name: str
    division: Optional[Division]
    printed_city: Optional[str]
    note: Optional[str]


@dataclass(frozen=True)
class CoverageSpec:
    """A service's coverage as loaded from the store."""

    type: str
    text: str
    section: str
    scope_note: Optional[str]
    remote_text: Optional[str]
    printed_city_count: Optional[int]
    printed_hospital_count: Optional[int]
    lists: Sequence[PrintedList]
    provinces: Sequence[Division]
    extra_provinces: Sequence[Division]
    hospitals: Sequence[HospitalEntry]


@dataclass
class Judgement:
    """The answer to "can service S be used in place P", with why."""

    covered: Optional[bool]
    status: str
    reason: str  # short Chinese explanation for the user
    place: Optional[Division] = None
    entry: Optional[ListEntry] = None  # the list row that decided it
    plist: Optional[PrintedList] = None
    hospitals: Optional[int] = None
    hospital_names: List[str] = field(default_factory=list)
    listed_within: List[ListEntry] = field(default_factory=list)  # partly covered: the listed places inside
    section: Optional[str] = None

    def entries_dict(self) -> List[Dict[str, Any]]:
        return [
            {"name": e.division.name, "printed": e.printed_name, "hospitals": e.hospitals} for e in self.listed_within
        ]


def judge(spec: CoverageSpec, place: Division, index: PlaceIndex, in_person: bool = False) -> Judgement:
    """Apply the coverage rules to one resolved place.

    ``in_person``: the user asks about the place-bound form (线下面诊); a remote form given
    nationwide does not make that a yes, but it is said alongside the no.
    """
    j = _judge_place(spec, place, index)
    if spec.remote_text and j.covered is not True and place.mainland and in_person:
        j.reason = f"{j.reason}；另外，{spec.remote_text}"
        return j
    if spec.remote_text and j.covered is not True and place.mainland:
        # The place-bound part does not reach here, but the service is also given remotely.
        return Judgement(
            True,
            REMOTE_ONLY,
            f"{j.reason}；但{spec.remote_text}",
            place,
            plist=j.plist,
            hospital_names=j.hospital_names,
            hospitals=j.hospitals,
            section=spec.section,
        )
    return j


def _judge_place(spec: CoverageSpec, place: Division, index: PlaceIndex) -> Judgement:
    kind = spec.type
    if kind == "hospitals":  # named hospitals may lie outside the mainland (000 国际进口特药: 香港)
        return _judge_hospitals(spec, place, index)
    if kind == "unpublished":
        return Judgement(
            None,
            UNPUBLISHED,
            f"手册只给出覆盖城市的数量，未公布城市清单，无法确认{place.name}是否在内",
            place,
            section=spec.section,
        )
    if kind == "not_stated":
        return Judgement(None, NOT_STATED, "手册未说明该服务的适用城市", place, section=spec.section)
    if not place.mainland:
        if kind == "overseas":
            return Judgement(None, UNKNOWN, "手册未逐一列明可就诊的境外地区", place, section=spec.section)
        return Judgement(False, NO, f"{place.name}不在中国大陆服务范围内", place, section=spec.section)
    if kind == "overseas":
        return Judgement(False, NO, "该服务为境外就医服务，不适用于中国大陆境内", place, section=spec.section)
    if kind in ("nationwide", "remote"):
        return Judgement(
            True,
            YES,
            "该服务全国范围适用" if kind == "nationwide" else "该服务为远程服务，不限所在城市",
            place,
            section=spec.section,
        )
    province = index.province_of(place)
    if kind == "provinces":
        ok = any(p.adcode == province.adcode for p in spec.provinces)
        return Judgement(
            ok,
            YES if ok else NO,
            f"覆盖区域按省份列出，{'含' if ok else '不含'}{province.name}",
            place,
            section=spec.section,
        )
    return _judge_lists(spec, place, index)


def _hospitals_at(place: Division, hospitals: Sequence[HospitalEntry], spec: CoverageSpec) -> Judgement:
    """Covered: the manual names designated hospitals in (or under) the place."""
    return Judgement(
        True,
        YES,
        f"{place.name}有指定服务医院",
        place,
        hospitals=len(hospitals),
        hospital_names=[h.name for h in hospitals],
        section=spec.section,
    )


def _judge_hospitals(spec: CoverageSpec, place: Division, index: PlaceIndex) -> Judgement:
    located = [h for h in spec.hospitals if h.division is not None and h.division.level != "province"]
    inside = [
        h
        for h in located
        if index.contains(place, h.division) or index.city_of(h.division).adcode == index.city_of(place).adcode
    ]
    if inside:
        return _hospitals_at(place, inside, spec)
    # A hospital the manual places only by province: a city inside it can be neither confirmed nor ruled out.
    by_province = [
        h
        for h in spec.hospitals
        if h.division is not None
        and h.division.level == "province"
        and index.contains(h.division, place)
        and h.division.adcode != place.adcode
    ]
    if by_province:
        return Judgement(
            None,
            UNKNOWN,
            f"指定服务医院位于{by_province[0].division.name}，手册未写明所在城市",
            place,
            hospital_names=[h.name for h in by_province],
            section=spec.section,
        )
    in_province = [h for h in spec.hospitals if h.division is not None and index.contains(place, h.division)]
    if in_province:
        return _hospitals_at(place, in_province, spec)
    return Judgement(False, NO, f"指定服务医院不在{place.name}", place, hospitals=0, section=spec.section)


def _judge_lists(spec: CoverageSpec, place: Division, index: PlaceIndex) -> Judgement:
    for p in spec.extra_provinces:
        if index.contains(p, place):
            return Judgement(True, YES, f"{p.name}全省（市）均可提供服务", place, section=spec.section)
    best: Optional[Judgement] = None
    for plist in spec.lists:
        j = _judge_one_list(plist, place, index)
        if j.covered:
            return j
        if best is None or _weight(j) > _weight(best):
            best = j
    assert best is not None
    return best


def _weight(j: Judgement) -> int:
    return {YES: 4, PARTIAL: 3, PROVINCE: 3, UNKNOWN: 2, NO: 1}.get(j.status, 0)


def _judge_one_list(plist: PrintedList, place: Division, index: PlaceIndex) -> Judgement:
    def found(entry: ListEntry, reason: str) -> Judgement:
        return Judgement(True, YES, reason, place, entry, plist=plist, hospitals=entry.hospitals, section=plist.section)

    exact = plist.by_code.get(place.adcode)
    if exact:
        return found(exact[0], f"{place.name}在《{plist.title}》中")
    if place.level == "province" and not index.is_municipality(place):
        inside = plist.inside.get(place.adcode, [])
        if inside:
            return Judgement(
                None,
                PROVINCE,
                f"{place.name}有{len(inside)}个城市/地区在清单中",
                place,
                plist=plist,
                listed_within=inside,
                section=plist.section,
            )
        return Judgement(False, NO, f"清单中没有{place.name}的城市", place, plist=plist, section=plist.section)
    city = index.city_of(place)
    city_entries = plist.by_code.get(city.adcode, [])
    if city.adcode != place.adcode and city_entries:
        entry = city_entries[0]
        if place.is_district:
            return found(entry, f"{place.name}属{city.name}市辖区，{city.name}在清单中")
        if plist.county_rule == "excluded":
            reason = f"{place.name}是{city.name}下辖的县/县级市；清单只覆盖{city.name}市辖区范围，不含下辖县、县级市"
        else:
            reason = f"{place.name}是{city.name}下辖的县/县级市；清单列出了{city.name}，但未单独列出{place.name}"
        return Judgement(False, NO, reason, place, entry, plist=plist, section=plist.section)
    inside = plist.inside.get(place.adcode, [])
    parts = index.children.get(place.adcode, [])
    if parts and all(p.adcode in plist.by_code for p in parts):
        # Listed district by district and county by county (附件5 重庆, 恩施州): the whole city is covered.
        return Judgement(
            True,
            YES,
            f"清单未单列{place.name}，但列出了其下辖的全部{len(parts)}个区县",
            place,
            plist=plist,
            listed_within=[plist.by_code[p.adcode][0] for p in parts],
            section=plist.section,
        )
    if inside:
        names = "、".join(e.division.name for e in inside)
        return Judgement(
            None,
            PARTIAL,
            f"清单未列出{place.name}本身，只列出其下辖的{names}",
            place,
            plist=plist,
            listed_within=inside,
            section=plist.section,
        )
    return Judgement(False, NO, f"{place.name}不在《{plist.title}》中", place, plist=plist, section=plist.section)
