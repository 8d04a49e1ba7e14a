"""Rules, limits, times and procedures pinned straight from each manual (file and line in comments)."""

from __future__ import annotations


def _texts(facts):
    return " ".join(f.text for f in facts)


def test_000_hotline_hours_and_mdt_limit(kb):
    hotline = kb.contacts("尊享e生PLUS", "hotline")[0]
    assert "021-38139960" in hotline.value and "8:00—22:00" in (hotline.hours or "")  # 000 line 54
    mdt = kb.service("尊享e生PLUS", "MDT")
    limit = mdt.facts_of("usage_limit")[0]
    assert limit.data["count"] == 1 and limit.data["per"] == "policy_year"  # 保单年度内限制次数 1次
    assert "10 个工作日内安排会诊" in _texts(mdt.facts_of("time"))


def test_000_escort_needs_the_outpatient_add_on(kb):
    escort = kb.service("尊享e生PLUS", "门诊陪诊")
    assert "门急诊医疗补充加油包" in _texts(
        escort.facts_of("prerequisite") + escort.facts_of("eligibility") + escort.facts_of("content")
    )


def test_000_home_nursing_lists_29_items(kb):
    assert len(kb.service("尊享e生PLUS", "术后上门护理").items) == 29


def test_001_hotlines_and_pre_authorisation_notice(kb):
    values = {c.value for c in kb.contacts("2023版", "hotline")}
    assert {"952299", "1010-9955"} <= values  # 001 line 53
    pre = kb.service("2023版", "预授权")
    assert "至少提前 2个工作日" in _texts(pre.facts_of("advance_notice"))  # 001 line 162


def test_002_advance_payment_has_no_waiting_period_for_accidents(kb):
    pay = kb.service("众安增值服务", "医疗垫付")
    assert "意外无等待期" in _texts(pay.facts_of("waiting_period"))  # 002 line 5
    carer = kb.service("众安增值服务", "重大疾病住院护工")
    assert "累计不超过 30 日" in _texts(carer.facts_of("content") + carer.facts_of("usage_limit"))  # 002 line 135


def test_003_green_channel_cannot_be_changed_or_cancelled(kb):
    green = kb.service("安盛", "绿通")
    assert "不允许改期或取消" in _texts(green.facts_of("cancellation"))  # 003 line 75
    assert any("95550" in c.value for c in kb.contacts("安盛", "hotline"))
    advance = kb.service("安盛", "住院垫付")
    assert "入院前 5 个工作日" in _texts(advance.facts_of("advance_notice"))  # 003 line 138
    assert advance.facts_of("usage_limit")[0].data["per"] == "unlimited"  # 不限次数


def test_004_waiting_period_cooling_off_and_sharing(kb):
    waiting = [r for r in kb.rules("平安", "waiting_period") if r.section == "服务规则及名词定义释义"]
    assert "本合同生效日起 30 内" in waiting[0].text and "活力 GO 服务无等待期" in waiting[0].text  # 004 line 45
    assert waiting[0].data["days"] == 30
    assert "15 日的犹豫期" in kb.rules("平安", "cooling_off")[0].text
    sharing = kb.rules("平安", "sharing")[0].text
    for name in ("门诊协助", "国内第二诊疗", "就医陪诊", "住院协助", "7 天住院陪护"):
        assert name in sharing
    shared = {
        s.name
        for s in kb.services_of("平安")
        if any(f.data.get("shared_with_family") for f in s.facts_of("usage_limit"))
    }
    assert shared == {"门诊协助", "国内第二诊疗（18种重疾）", "就医陪诊", "住院协助", "7天住院陪护"}


def test_004_inpatient_care_advance_notice_conflict_is_kept(kb):
    care = kb.service("平安", "住院陪护")
    hours = {(f.data.get("hours"), f.section.split(" / ")[-1]) for f in care.facts_of("advance_notice")}
    assert (12, "6.2 服务标准") in hours and (24, "6.4 常见问答") in hours  # 004 lines 908-924 vs 995+
    assert "至少提前两小时" in _texts(care.facts_of("cancellation"))


def test_004_escort_needs_48_hours(kb):
    escort = kb.service("平安", "陪诊")
    assert any(f.data.get("hours") == 48 for f in escort.facts_of("advance_notice"))  # 004 line 271


def test_004_critical_illness_list(kb):
    diseases = next(a for a in kb.attachments("平安") if a["key"] == "critical_illness_18")
    assert diseases["items"][0] == "恶性肿瘤" and len(diseases["items"]) == 19  # numbered 1, 2.1, 2.2, 3 … 18


def test_same_service_name_means_per_product_answers(kb):
    offering = {s.product.id for s in kb.products_offering("住院垫付")}
    assert offering == {"zhongan_plus", "zhongan_value_added", "axa_tianping", "pingan_health"}
    rows = kb.compare("住院垫付")
    assert len(rows) == 4 and all(r["source"]["section"] for r in rows)


def test_passage_search_finds_rules_with_sources(kb):
    hits = kb.search("犹豫期内解除合同退保费", product="平安")
    assert hits and "犹豫期" in hits[0]["text"] and hits[0]["source"]["manual"].startswith("004")
