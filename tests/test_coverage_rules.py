"""The coverage rules themselves: a listed city's districts, and 004's whole-province rule for 住院探视 / 出院交通安排.

004 附件6 (.txt lines 4427-4784): "服务可覆盖下列城市市辖区范围，不包含下辖县、县级市，除江苏省、浙江省、重庆可支持
全省提供服务".  The manual also prints every county and county-level city of those three provinces that the
gazetteer holds (江苏 40, 浙江 53, 重庆 12: checked below), so on the real list the whole-province rule shows
only in a question about the province; ``test_the_whole_province_rule_covers_places_the_list_leaves_out`` takes
those rows out of the list to show the rule carries them on its own.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.coverage import YES, PrintedList, judge

WHOLE_PROVINCES = ("江苏", "浙江", "重庆")


@pytest.mark.parametrize(
    "product, service, place, district, city",
    [
        # 附件6: 滁州 listed (安徽 row), 不包含下辖县 — its 市辖区 are covered (明光, its county, is not)
        ("平安", "住院探视", "滁州琅琊区", "琅琊区", "滁州市"),
        ("平安", "出院交通安排", "滁州南谯区", "南谯区", "滁州市"),
        # 附件3 陪诊: 保定 listed, county_rule excluded
        ("平安", "陪诊", "保定竞秀区", "竞秀区", "保定市"),
        # 附件1 门诊协助: 合肥 30 hospitals; listed_only (only the counties it names)
        ("平安", "门诊协助", "合肥蜀山区", "蜀山区", "合肥市"),
        # 000 重疾绿通: 菏泽 listed, its county 郓城 not
        ("尊享e生PLUS", "重疾绿通", "菏泽牡丹区", "牡丹区", "菏泽市"),
        # 003 绿通: 杭州 listed, 建德 not
        ("安盛", "绿通", "杭州西湖区", "西湖区", "杭州市"),
    ],
)
def test_a_district_of_a_listed_city_is_covered_unlike_its_counties(kb, product, service, place, district, city):
    r = kb.is_covered(product, service, place)
    assert r.place.name == district and r.place.is_district and kb.places.city_of(r.place).name == city
    assert r.covered is True and r.status == YES, r.reason


@pytest.mark.parametrize(
    "product, service, county", [("平安", "住院探视", "明光"), ("尊享e生PLUS", "重疾绿通", "郓城县")]
)
def test_a_county_of_the_same_kind_of_list_is_not(kb, product, service, county):
    assert kb.is_covered(product, service, county).covered is False


@pytest.mark.parametrize("service", ["住院探视", "出院交通安排"])
@pytest.mark.parametrize("province", WHOLE_PROVINCES)
def test_the_three_provinces_are_covered_whole(kb, service, province):
    r = kb.is_covered("平安", service, province)
    assert r.covered is True and r.status == YES, r.reason
    other = kb.is_covered("平安", service, "安徽")  # a province of the same list without that rule
    assert other.covered is None and other.status == "province"


def _county_level(kb, province: str):
    prov = kb.places.resolve_province(province)
    return [
        d for d in kb.places.by_code.values() if d.province == prov.adcode and d.level == "county" and not d.is_district
    ]


def test_every_county_of_the_three_provinces_is_printed_in_the_list(kb):
    pl = kb.lists["004_visit_transport"]
    counts = {p: len(_county_level(kb, p)) for p in WHOLE_PROVINCES}
    assert counts == {"江苏": 40, "浙江": 53, "重庆": 12}
    assert [d.name for p in WHOLE_PROVINCES for d in _county_level(kb, p) if d.adcode not in pl.by_code] == []


@pytest.mark.parametrize("service", ["住院探视", "出院交通安排"])
def test_the_whole_province_rule_covers_places_the_list_leaves_out(kb, service):
    spec = kb.is_covered("平安", service, "杭州").service.coverage
    provinces = {kb.places.resolve_province(p).adcode for p in WHOLE_PROVINCES}
    trimmed = []
    for pl in spec.lists:
        fields = {k: getattr(pl, k) for k in PrintedList.__dataclass_fields__ if k not in ("by_code", "inside")}
        fields["entries"] = [e for e in pl.entries if e.division.province not in provinces]
        trimmed.append(PrintedList.indexed(kb.places, **fields))
    without_rows = replace(spec, lists=trimmed)
    places = [d for p in WHOLE_PROVINCES for d in _county_level(kb, p)] + [kb.places.resolve("南京").division]
    for d in places:
        j = judge(without_rows, d, kb.places)
        assert j.covered is True and j.status == YES, (d.name, j.reason)
    # the same trimmed list without the rule covers none of them: the rule, not a row, decided above
    bare = replace(without_rows, extra_provinces=())
    assert [d.name for d in places if judge(bare, d, kb.places).covered] == []
