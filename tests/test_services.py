"""Every service of the five manuals is in the store, with how to apply and its source."""

from __future__ import annotations

import pytest

EXPECTED = {
    "zhongan_plus": [
        "直付医疗服务",
        "住院垫付服务",
        "预授权申请",
        "健康档案建立",
        "门诊陪诊服务",
        "重疾绿通服务",
        "重疾多学科会诊MDT服务",
        "重疾全球第二诊疗意见",
        "恶性肿瘤及罕见病院外特定药品直付",
        "恶性肿瘤及罕见病特定药品基因检测服务",
        "国际进口特药服务",
        "质子重离子服务",
        "院内陪护服务",
        "海外就诊服务",
        "康复护理指导",
        "术后营养方案",
        "术后上门护理服务",
        "线上康复",
        "院后随访",
    ],
    "zhongan_2023": ["直付医疗服务", "预授权申请"],
    "zhongan_value_added": [
        "医疗垫付",
        "重疾绿通",
        "肿瘤特药",
        "海南国际特药",
        "罕见病特药",
        "术后家庭护理",
        "图文咨询",
        "视频问诊",
        "癌症早筛",
        "药惠购",
        "重大疾病住院护工",
        "质子重离子",
        "尊享家财",
    ],
    "axa_tianping": [
        "恶性肿瘤就医绿通",
        "恶性肿瘤住院垫付",
        "第二诊疗意见",
        "靶向用药基因检测",
        "远程问诊",
        "医后随访",
    ],
    "pingan_health": [
        "门诊协助",
        "国内第二诊疗",
        "就医陪诊",
        "肿瘤多学科会诊",
        "住院协助",
        "7天住院陪护",
        "住院垫付",
        "住院探视",
        "出院交通安排",
        "康复随访",
        "药品服务",
        "活力GO",
    ],
}
# 002 prints no application channel for these two services (lines 45-53 and 131-141 of its text).
NO_CHANNEL_PRINTED = {("zhongan_value_added", "海南国际特药"), ("zhongan_value_added", "重大疾病住院护工")}
CASES = [(pid, name) for pid, names in EXPECTED.items() for name in names]


@pytest.mark.parametrize("product_id, name", CASES)
def test_service_is_in_the_store_with_apply_channels_and_source(kb, product_id, name):
    svc = kb.service(product_id, name)
    assert svc is not None, f"{product_id}: {name} missing"
    assert svc.product.id == product_id
    apply = kb.how_to_apply(svc)
    if (product_id, name) in NO_CHANNEL_PRINTED:
        assert not apply["stated"] and apply["hotlines"], f"{name}: the manual prints no channel; the hotline stands in"
    else:
        assert apply["stated"] and (apply["channels"] or apply["steps"]), f"{name}: no way to apply"
    assert svc.facts_of("content")
    src = svc.source()
    assert src.manual.startswith(svc.product.manual[:3]) and src.section
    for fact in svc.facts:
        assert fact.section, f"{name}: a {fact.kind} fact has no section"


def test_no_product_has_a_service_the_list_does_not_expect(kb):
    for pid, names in EXPECTED.items():
        found = {s.name for s in kb.services_of(pid)}
        expected = {kb.service(pid, n).name for n in names}
        assert found == expected, f"{pid}: unexpected {found - expected}"


def test_every_product_has_a_hotline_with_its_source(kb):
    for p in kb.products():
        hotlines = kb.contacts(p, "hotline")
        assert hotlines, p.name
        assert all(h.section for h in hotlines)


def test_plain_insurer_name_is_ambiguous_between_its_products(kb):
    assert {p.id for p in kb.find_products("众安")} == {"zhongan_plus", "zhongan_2023", "zhongan_value_added"}
    assert [p.id for p in kb.find_products("平安")] == ["pingan_health"]
    assert [p.id for p in kb.find_products("AXA")] == ["axa_tianping"]
    assert [p.id for p in kb.find_products("尊享e生PLUS")] == ["zhongan_plus"]
