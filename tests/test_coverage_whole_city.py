"""A city the list names only district by district and county by county is covered as a whole (issue 12).

Cases read in 004_0cd53a263ec9ebf5.txt: 附件5 住院陪护 prints for 重庆 no city but 40 items (L4290-4298:
北碚 … 城口, with 万盛 and 双桥, now parts of 綦江区 and 大足区), and under 湖北 / 湖南 every county of 恩施州
(L4189-4201: 恩施市、利川市 … 鹤峰县) and of 湘西州 (L4209-4225: 吉首 … 永顺县) without the prefecture.
附件6 住院探视 / 出院交通安排 lists, in 四川's 县域 (L4696-4718), all 13 counties of 阿坝州 and all 18 of
甘孜州, neither prefecture being in its 地级市 column (L4683-4687).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.config import MANUALS_DIR
from knowledge.coverage import PARTIAL, YES, CoverageSpec, PrintedList, judge
from knowledge.places import short_forms

MANUAL = Path(MANUALS_DIR) / "004_0cd53a263ec9ebf5.txt"

WHOLE = [
    # (service, place, canonical, list, manual lines holding every part's name, number of parts)
    ("住院陪护", "重庆", "重庆市", "004_inpatient_care", (4290, 4298), 38),
    ("住院陪护", "恩施", "恩施土家族苗族自治州", "004_inpatient_care", (4183, 4201), 8),
    ("住院陪护", "湘西", "湘西土家族苗族自治州", "004_inpatient_care", (4207, 4225), 8),
    ("住院探视", "阿坝", "阿坝藏族羌族自治州", "004_visit_transport", (4696, 4718), 13),
    ("出院交通安排", "甘孜", "甘孜藏族自治州", "004_visit_transport", (4696, 4718), 18),
]


def _printed(lines: tuple) -> str:
    text = MANUAL.read_text("utf-8").splitlines()[lines[0] - 1 : lines[1]]
    return re.sub(r"\s+", "", "".join(text))


@pytest.mark.parametrize("service, place, canonical, list_id, lines, parts", WHOLE)
def test_every_part_is_printed_in_the_manual(kb, service, place, canonical, list_id, lines, parts):
    # The premise, from the manual itself: each district and county of the city is named in those lines.
    city = kb.resolve_place(place).division
    children = kb.places.children[city.adcode]
    printed = _printed(lines)
    assert len(children) == parts
    missing = [c.name for c in children if not any(n in printed for n in [c.name, *short_forms(c.name)])]
    assert not missing
    assert not any(e.division.adcode == city.adcode for e in kb.lists[list_id].entries)


@pytest.mark.parametrize("service, place, canonical, list_id, lines, parts", WHOLE)
def test_city_whose_every_part_is_listed_is_covered(kb, service, place, canonical, list_id, lines, parts):
    r = kb.is_covered("平安", service, place)
    assert r.place.name == canonical
    assert r.covered is True and r.status == YES, r.reason
    d = r.to_dict()
    assert len(d["listed_within"]) == parts and f"全部{parts}个区县" in d["reason"]
    plist = kb.lists[list_id]
    assert d["scope_note"] == plist.scope_note  # the list's own note goes with the yes
    assert d["source"]["section"] == plist.section


@pytest.mark.parametrize(
    "product, service, place, listed",
    [
        # 附件5 内蒙古 (L4240-4242): 二连浩特、锡林浩特、太仆寺旗 of 锡林郭勒盟's 12 parts, not the 盟.
        ("平安", "住院陪护", "锡林郭勒", {"二连浩特市", "锡林浩特市", "太仆寺旗"}),
        # 000 特药直付 (L753): 宜城市 of 襄阳's 9 parts, not 襄阳.
        ("尊享e生PLUS", "特药直付", "襄阳", {"宜城市"}),
    ],
)
def test_city_with_only_some_parts_listed_stays_partial(kb, product, service, place, listed):
    r = kb.is_covered(product, service, place)
    assert r.covered is None and r.status == PARTIAL
    assert {e["name"] for e in r.to_dict()["listed_within"]} == listed


def test_one_part_left_out_makes_the_city_partial(kb):
    # The rule, not the data: 附件5 without 城口县 no longer covers the whole of 重庆.
    service = kb.service("平安", "住院陪护")
    plist = kb.lists["004_inpatient_care"]
    chongqing = kb.resolve_place("重庆").division
    kept = [e for e in plist.entries if e.division.name != "城口县"]
    assert len(kept) == len(plist.entries) - 1
    fields = {k: getattr(plist, k) for k in ("id", "title", "section", "county_rule", "scope_note", "footnote")}
    smaller = PrintedList.indexed(kb.places, printed_totals=plist.printed_totals, entries=tuple(kept), **fields)
    spec = CoverageSpec(**{**service.coverage.__dict__, "lists": (smaller,)})
    assert judge(service.coverage, chongqing, kb.places).status == YES
    j = judge(spec, chongqing, kb.places)
    assert j.covered is None and j.status == PARTIAL and len(j.listed_within) == 39
