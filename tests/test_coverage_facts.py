"""Coverage facts pinned straight from the manuals, for every coverage list and kind.

Each case was checked against the manual's text (file and lines in the comments);
where a printed count disagrees with the rows, the rows are asserted and
knowledge/DATA_NOTES.md records the mismatch.
"""

from __future__ import annotations

from collections import Counter

import pytest

# (product, service, place as a user types it, covered, canonical place)
CASES = [
    # 000 重疾绿通 (000 lines 404-566): 亳州 411, 乌海 477, 南宁; 石嘴山/大兴安岭/和田 absent; 潜江 listed;
    # 菏泽 listed, its county 郓城 not.
    ("尊享e生PLUS", "重疾绿通", "亳州", True, "亳州市"),
    ("尊享e生PLUS", "重疾绿通", "乌海", True, "乌海市"),
    ("尊享e生PLUS", "重疾绿通", "南宁市", True, "南宁市"),
    ("尊享e生PLUS", "重疾绿通", "石嘴山", False, "石嘴山市"),
    ("尊享e生PLUS", "重疾绿通", "大兴安岭", False, "大兴安岭地区"),
    ("尊享e生PLUS", "重疾绿通", "和田", False, "和田地区"),
    ("尊享e生PLUS", "重疾绿通", "潜江", True, "潜江市"),
    ("尊享e生PLUS", "重疾绿通", "郓城县", False, "郓城县"),
    ("尊享e生PLUS", "重疾绿通", "毫州", True, "亳州市"),
    # 000 特药直付 city table (000 lines 725-1011): 宜城市 753, 莱芜市 806 (now 济南), 泰安, 昆山; 玉溪/邯郸/日喀则/句容 absent.
    ("尊享e生PLUS", "特药直付", "宜城", True, "宜城市"),
    ("尊享e生PLUS", "特药直付", "莱芜", True, "济南市"),
    ("尊享e生PLUS", "特药直付", "泰安", True, "泰安市"),
    ("尊享e生PLUS", "特药直付", "昆山", True, "昆山市"),
    ("尊享e生PLUS", "特药直付", "玉溪", False, "玉溪市"),
    ("尊享e生PLUS", "特药直付", "邯郸", False, "邯郸市"),
    ("尊享e生PLUS", "特药直付", "日喀则", False, "日喀则市"),
    ("尊享e生PLUS", "特药直付", "句容", False, "句容市"),
    ("尊享e生PLUS", "基因检测", "泰安", True, "泰安市"),  # 城市列表：同上 (000 line 1074)
    # 000 院内陪护 / 术后上门护理: 20 provinces (000 lines 1243-1249, 1867-1873).
    ("尊享e生PLUS", "院内陪护", "合肥", True, "合肥市"),
    ("尊享e生PLUS", "院内陪护", "成都", True, "成都市"),
    ("尊享e生PLUS", "院内陪护", "贵阳", False, "贵阳市"),
    ("尊享e生PLUS", "术后上门护理", "昆山", True, "昆山市"),
    ("尊享e生PLUS", "术后上门护理", "乌鲁木齐", False, "乌鲁木齐市"),
    ("尊享e生PLUS", "术后上门护理", "香港", False, "香港特别行政区"),
    # 000 国际进口特药: 13 named hospitals, 6 of them in 中国香港 (000 lines 1136-1162).
    ("尊享e生PLUS", "国际进口特药", "香港", True, "香港特别行政区"),
    ("尊享e生PLUS", "国际进口特药", "北京", False, "北京市"),
    # 003 绿通 (003 lines 93-118): 无锡 printed under 安徽, 宁波 under 江西; 拉萨; 晋中/石嘴山 absent; 杭州 listed, 建德 not.
    ("安盛", "绿通", "无锡", True, "无锡市"),
    ("安盛", "绿通", "宁波", True, "宁波市"),
    ("安盛", "绿通", "拉萨", True, "拉萨市"),
    ("安盛", "绿通", "晋中", False, "晋中市"),
    ("安盛", "绿通", "石嘴山", False, "石嘴山市"),
    ("安盛", "绿通", "建德", False, "建德市"),
    # 003 住院垫付 (003 lines 147-228): 莱芜, 昆山, 亳州, 乌海, 延吉 listed; 东阳 (金华's county) not; 湛江/武威 absent.
    ("安盛", "住院垫付", "莱芜", True, "济南市"),
    ("安盛", "住院垫付", "昆山", True, "昆山市"),
    ("安盛", "住院垫付", "毫州", True, "亳州市"),
    ("安盛", "住院垫付", "乌海", True, "乌海市"),
    ("安盛", "住院垫付", "东阳", False, "东阳市"),
    ("安盛", "住院垫付", "湛江", False, "湛江市"),
    ("安盛", "住院垫付", "武威", False, "武威市"),
    # 004 附件1 门诊协助 (004 lines 2164-2848): 合肥 30, 济南, 江门; 玉树/三沙/林芝 absent; 丰城市 listed; 五华 (梅州's county) not.
    ("平安", "门诊协助", "合肥", True, "合肥市"),
    ("平安", "门诊协助", "江门", True, "江门市"),
    ("平安", "门诊协助", "玉树", False, "玉树藏族自治州"),
    ("平安", "门诊协助", "三沙", False, "三沙市"),
    ("平安", "门诊协助", "林芝", False, "林芝市"),
    ("平安", "门诊协助", "丰城", True, "丰城市"),
    ("平安", "门诊协助", "五华县", False, "五华县"),
    # 004 附件3 陪诊 (004 lines 3111-3400): 保定, 岳阳, 襄樊 (= 襄阳); 淮南/陇南/石嘴山 absent; 共青城 (九江's county) not.
    ("平安", "陪诊", "保定", True, "保定市"),
    ("平安", "陪诊", "岳阳", True, "岳阳市"),
    ("平安", "陪诊", "襄阳", True, "襄阳市"),
    ("平安", "陪诊", "淮南", False, "淮南市"),
    ("平安", "陪诊", "陇南", False, "陇南市"),
    ("平安", "陪诊", "石嘴山", False, "石嘴山市"),
    ("平安", "陪诊", "共青城", False, "共青城市"),
    # 004 附件4 住院协助 (004 lines 3402-4088): 徐州, 崇左, 巴音郭楞 (line 4001); 山南/那曲/海北 absent.
    ("平安", "住院协助", "徐州", True, "徐州市"),
    ("平安", "住院协助", "崇左", True, "崇左市"),
    ("平安", "住院协助", "巴州", True, "巴音郭楞蒙古自治州"),
    ("平安", "住院协助", "山南", False, "山南市"),
    ("平安", "住院协助", "那曲", False, "那曲市"),
    ("平安", "住院协助", "海北", False, "海北藏族自治州"),
    # 004 附件5 住院陪护 (004 lines 4090-4425): 毫州 (typo of 亳州), 宁波, 宜宾, 义乌 and 大冶 (county-level, listed);
    # 乌海/怒江/普洱/山南 absent; 晋城 missing from the 山西 row; 同江 (佳木斯's county) not listed.
    ("平安", "住院陪护", "亳州", True, "亳州市"),
    ("平安", "住院陪护", "毫州", True, "亳州市"),
    ("平安", "住院陪护", "宁波", True, "宁波市"),
    ("平安", "住院陪护", "宜宾", True, "宜宾市"),
    ("平安", "住院陪护", "义乌", True, "义乌市"),
    ("平安", "住院陪护", "大冶", True, "大冶市"),
    ("平安", "住院陪护", "乌海", False, "乌海市"),
    ("平安", "住院陪护", "怒江", False, "怒江傈僳族自治州"),
    ("平安", "住院陪护", "普洱", False, "普洱市"),
    ("平安", "住院陪护", "晋城", False, "晋城市"),
    ("平安", "住院陪护", "同江", False, "同江市"),
    # 004 附件6 住院探视 / 出院交通 (004 lines 4427-4784): 毫州, 铜川, 乌海; 临夏/喀什 absent; 明光 (滁州's county) not,
    # 不包含下辖县; but 江苏/浙江/重庆 whole province: 义乌, 昆山, 城口县 yes.
    ("平安", "住院探视", "毫州", True, "亳州市"),
    ("平安", "住院探视", "铜川", True, "铜川市"),
    ("平安", "住院探视", "乌海", True, "乌海市"),
    ("平安", "住院探视", "临夏", False, "临夏回族自治州"),
    ("平安", "住院探视", "喀什", False, "喀什地区"),
    ("平安", "出院交通安排", "明光", False, "明光市"),
    ("平安", "出院交通安排", "义乌", True, "义乌市"),
    ("平安", "出院交通安排", "昆山", True, "昆山市"),
    ("平安", "出院交通安排", "城口县", True, "城口县"),
    # 004 肿瘤多学科会诊 offline hospitals (004 lines 528-560): 上海 4; elsewhere only the online video consultation (全国, line 423).
    ("平安", "肿瘤多学科会诊", "上海", True, "上海市"),
    # 003 靶向用药基因检测: nationwide; 004 康复随访: 全国范围内均可 (line 1702).
    ("安盛", "基因检测", "拉萨", True, "拉萨市"),
    ("平安", "康复随访", "三沙", True, "三沙市"),
]


@pytest.mark.parametrize("product, service, place, covered, canonical", CASES)
def test_coverage_answer_matches_the_manual(kb, product, service, place, covered, canonical):
    result = kb.is_covered(product, service, place)
    assert result.place is not None and result.place.name == canonical
    assert result.covered is covered, result.reason
    assert result.source is not None and result.source.section


def test_county_under_an_excluding_list_says_why(kb):
    r = kb.is_covered("平安", "出院交通安排", "明光").to_dict()
    assert r["city"] == "滁州市" and "不含下辖县" in r["reason"]


def test_typo_and_wrong_province_keep_the_manuals_wording(kb):
    r = kb.is_covered("平安", "住院陪护", "亳州").to_dict()
    assert r["matched_entry"]["printed_name"] == "毫州" and "亳州" in r["matched_entry"]["correction"]
    wuxi = kb.is_covered("安盛", "绿通", "无锡").to_dict()
    assert wuxi["province"] == "江苏省"
    assert wuxi["matched_entry"]["printed_province"] == "安徽"


def test_prefecture_named_only_through_its_counties_is_partly_covered(kb):
    # 000 特药直付 lists 宜城市 (a county-level city of 襄阳) but not 襄阳 itself.
    r = kb.is_covered("尊享e生PLUS", "特药直付", "襄阳")
    assert r.covered is None and r.status == "partial"
    assert [e["name"] for e in r.to_dict()["listed_within"]] == ["宜城市"]


def test_province_question_lists_the_cities_in_it(kb):
    r = kb.is_covered("安盛", "绿通", "江苏")
    assert r.status == "province" and r.covered is None
    assert {e["name"] for e in r.to_dict()["listed_within"]} == {"南京市", "苏州市", "南通市", "无锡市"}


def test_list_not_published_is_said_not_guessed(kb):
    for place in ("杭州", "乌海"):
        r = kb.is_covered("众安增值服务", "医疗垫付", place)
        assert r.covered is None and r.status == "list_not_published"
        assert r.service.coverage.printed_city_count == 83
    assert kb.is_covered("众安增值服务", "术后家庭护理", "杭州").service.coverage.printed_city_count == 241


def test_hospital_located_only_by_province_is_unknown_for_a_city(kb):
    # 002 海南国际特药: 海南博鳌超级医院, no city printed.
    assert kb.is_covered("众安增值服务", "海南国际特药", "海南").covered is True
    assert kb.is_covered("众安增值服务", "海南国际特药", "琼海").covered is None


def test_online_part_covers_where_the_offline_hospitals_do_not(kb):
    r = kb.is_covered("平安", "肿瘤多学科会诊", "杭州")
    assert r.covered is True and r.status == "remote_only" and "线上视频" in r.reason


@pytest.mark.parametrize("place", ["香港", "澳门", "台湾"])
def test_outside_the_mainland_is_not_covered_by_city_lists(kb, place):
    assert kb.is_covered("平安", "住院陪护", place).covered is False


def test_unknown_place_gets_suggestions_not_a_guess(kb):
    r = kb.is_covered("平安", "住院陪护", "杭洲").to_dict()
    assert r["covered"] is None and r["status"] == "unknown_place"
    assert "杭州市" in r["suggestions"]


# --- printed counts versus rows ----------------------------------------------------------


@pytest.mark.parametrize(
    "list_id, service, rows, total, per_province, per_city",
    [
        # 附件1: 总计 3213 (004 line 2846); 北京市 132 (2200), 合肥市 30 (2180), 丰城市 2 (2532)
        (
            "004_outpatient_assist",
            "门诊协助",
            343,
            3213,
            {"安徽省": 107, "新疆维吾尔自治区": 43},
            {"北京": 132, "合肥": 30, "丰城": 2},
        ),
        # 附件4: 总计 3399 (004 line 4086); 北京市 156 (3438), 合肥市 34 (3418), 巴音郭楞 1 (4001)
        (
            "004_inpatient_assist",
            "住院协助",
            344,
            3399,
            {"安徽省": 130, "重庆市": 56},
            {"北京": 156, "合肥": 34, "巴音郭楞": 1},
        ),
    ],
)
def test_004_hospital_counts_per_city_and_printed_total(kb, list_id, service, rows, total, per_province, per_city):
    pl = kb.lists[list_id]
    sums = Counter()
    for e in pl.entries:
        sums[e.printed_province] += e.hospitals
    printed = {t["scope"]: t["hospitals"] for t in pl.printed_totals}
    assert len(pl.entries) == rows
    assert sum(sums.values()) == total == printed["全部"]
    assert {p: sums[p] for p in per_province} == per_province
    assert {city: kb.is_covered("平安", service, city).hospitals for city in per_city} == per_city


def test_004_inpatient_care_rows_per_province_against_printed_counts(kb):
    pl = kb.lists["004_inpatient_care"]
    rows = Counter(e.printed_province for e in pl.entries if e.within is None)
    printed = {t["scope"]: t["cities"] for t in pl.printed_totals}
    mismatches = {p: (printed[p], rows[p]) for p in printed if printed[p] != rows[p]}
    # printed 15/11/14/97 but the rows list 14/10/12/98 (004 lines 4240-4247, 4270-4278, 4379-4417)
    assert mismatches == {"内蒙古": (15, 14), "山西": (11, 10), "云南": (14, 12), "四川": (97, 98)}
    assert rows["安徽"] == 16 and rows["浙江"] == 32 and rows["重庆"] == 40 and rows["北京"] == 1


def test_004_visit_transport_prefectures_add_up_to_331(kb):
    pl = kb.lists["004_visit_transport"]
    printed = {t["scope"]: t["cities"] for t in pl.printed_totals}
    assert printed["全部"] == 331  # 合计 331 (004 line 4780)
    assert sum(v for k, v in printed.items() if k != "全部") == 331


def test_000_special_drug_has_the_printed_208_cities(kb):
    pl = kb.lists["000_special_drug"]
    assert len(pl.entries) == 208  # 覆盖全国 208个城市 (000 line 665)
    assert len({e.division.adcode for e in pl.entries}) == 207  # 莱芜 and 济南 are one place since 2019


def test_003_lists_have_their_printed_sizes(kb):
    assert len(kb.lists["003_inpatient_advance"].entries) == 210  # 提供全国 210 个城市 (003 line 134)
    green = kb.lists["003_green_channel"]
    assert len({kb.places.province_of(e.division).adcode for e in green.entries}) == 31  # (31个省市), line 95


def test_coverage_by_province_groups_by_the_real_province(kb):
    groups = kb.coverage_by_province("安盛", "绿通")
    assert "无锡市" in [e.division.name for e in groups["江苏省"]]
    assert "无锡市" not in [e.division.name for e in groups.get("安徽省", [])]
