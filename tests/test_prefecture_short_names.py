"""Short names of autonomous prefectures, and the places the lists print inside them (issue 12, DATA_NOTES.md).

004_0cd53a263ec9ebf5.txt prints 恩施 (附件6 湖北, L4552), 红河 and 文山 (附件5 云南 L4270, 附件6 L4741) for the
prefectures, and inside them 红河（个旧市、开远市） and 文山（文山县、砚山县、… 富宁县） (L4270-4272); 附件5 青海
prints 玉树藏族自治州（玉树县、…） (L4364).  文山县 and 玉树县 are the old names of 文山市 (2010) and 玉树市 (2013).
"""

from __future__ import annotations

import pytest

SEATS = [
    # (as printed, the prefecture it names, the county-level seat of the same short name, province)
    ("恩施", "恩施土家族苗族自治州", "恩施市", "湖北省"),
    ("红河", "红河哈尼族彝族自治州", "红河县", "云南省"),
    ("文山", "文山壮族苗族自治州", "文山市", "云南省"),
]


@pytest.mark.parametrize("printed, prefecture, seat, province", SEATS)
def test_short_name_resolves_to_the_prefecture_and_offers_the_seat(kb, printed, prefecture, seat, province):
    for within in (None, kb.places.resolve_province(province)):
        r = kb.places.resolve(printed, within=within)
        assert r.division.name == prefecture and r.division.level == "prefecture"
        assert seat in [a.name for a in r.alternatives]


@pytest.mark.parametrize("printed, prefecture, seat, province", SEATS)
def test_lists_hold_the_prefecture_for_its_short_name(kb, printed, prefecture, seat, province):
    rows = [e for pl in kb.lists.values() for e in pl.entries if e.printed_name == printed]
    assert rows and {e.division.name for e in rows} == {prefecture}


def test_places_printed_inside_honghe_and_wenshan_get_no_false_correction(kb):
    inside = [e for e in kb.lists["004_inpatient_care"].entries if e.within in ("红河", "文山")]
    assert {e.printed_name for e in inside} == {
        "个旧市",
        "开远市",
        "文山县",
        "砚山县",
        "西畴县",
        "麻栗坡县",
        "马关县",
        "丘北县",
        "广南县",
        "富宁县",
    }
    for e in inside:
        assert not e.correction or "实际属于" not in e.correction, (e.printed_name, e.correction)
        prefecture = kb.places.prefecture_of(e.division)
        assert prefecture is not None and prefecture.name.startswith(e.within)


@pytest.mark.parametrize(
    "place, printed",
    [("文山市", "文山县"), ("玉树市", "玉树县")],
)
def test_a_county_listed_under_its_old_name_is_covered(kb, place, printed):
    r = kb.is_covered("平安", "住院陪护", place).to_dict()
    assert r["covered"] is True and r["place"] == place
    assert r["matched_entry"]["printed_name"] == printed and place in r["matched_entry"]["note"]
