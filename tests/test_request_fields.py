"""The registry of request fields (service_requests/fields.py) against what else names them.

bot/domain.yml declares the form's slots, its required_slots and an ask action per slot; the
knowledge schema says which fields a source may list for a service; the desk and the form read
the registry.  If any of them drifts from the registry, a test here fails before a conversation
does.  The behaviour the registry states (after-discharge rule, which field a correction is about)
is checked through the desk on the curated store.
"""

from __future__ import annotations

import typing
from datetime import date, datetime

import pytest
import yaml

from knowledge import schema
from service_requests.config import ROOT
from service_requests.desk import ServiceDesk
from service_requests.fields import CORRECTION_ORDER, FIELD, FIELD_BY_SLOT, FIELDS, asked_fields

DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
NOW = datetime(2026, 11, 21, 10, 0)  # a Saturday


@pytest.fixture(scope="module")
def form():
    from actions import request_form

    return request_form


@pytest.fixture()
def desk(kb, tmp_path):
    d = ServiceDesk(kb, f"sqlite:///{tmp_path / 'requests.sqlite3'}", clock=lambda: NOW)
    d.load_policies(
        [
            {
                "number": "PA2026000002",
                "product_id": "pingan_health",
                "insured_name": "测试",
                "id_number": "11010119900101123X",
                "phone": "13900001111",
                "effective_date": date(2026, 10, 22),
                "expiry_date": date(2027, 10, 21),
                "status": "in_force",
                "waiting_period_days": 30,
                "continuation": "new",
            }
        ]
    )
    yield d
    d.engine.dispose()


def test_the_form_required_slots_in_the_domain_are_the_form_actions_slots(form):
    required = DOMAIN["forms"][form.FORM]["required_slots"]
    assert required == form.FORM_SLOTS
    assert required[3:-1] == [f.slot for f in FIELDS]  # the fields between the service and the confirmation


def test_every_form_slot_is_declared_with_a_custom_mapping_and_no_other_sr_slot_exists(form):
    slots = DOMAIN["slots"]
    ours = form.FORM_SLOTS + form.STATE_SLOTS
    for name in ours:
        assert name in slots, name
        assert slots[name]["mappings"] == [{"type": "custom"}], name  # filled by the validation action only
    assert sorted(s for s in slots if s.startswith("sr_")) == sorted(ours)


def test_every_form_slot_has_its_ask_action_in_the_domain_and_in_the_form(form):
    asks = sorted(a().name() for a in form.ASK_ACTIONS)
    assert asks == sorted(f"action_ask_{s}" for s in form.FORM_SLOTS)
    assert set(asks) <= set(DOMAIN["actions"])
    assert sorted(a for a in DOMAIN["actions"] if a.startswith("action_ask_")) == asks


def test_every_field_a_source_may_list_is_in_the_registry():
    listable = typing.get_args(schema.RequestField)
    assert listable and set(listable) <= set(FIELD)


def test_fields_are_found_by_name_and_by_slot_and_the_correction_order_names_each_once():
    assert [FIELD[f.name] for f in FIELDS] == list(FIELDS)
    assert [FIELD_BY_SLOT[f.slot] for f in FIELDS] == list(FIELDS)
    assert sorted(CORRECTION_ORDER) == sorted(f.name for f in FIELDS if f.corrected_by)
    assert len(set(CORRECTION_ORDER)) == len(CORRECTION_ORDER)


def test_every_service_gets_a_question_for_each_field_it_asks(kb, desk):
    pol = desk.policy("PA2026000002")
    for service in kb.all_services():
        names = desk.fields(pol, service)
        assert names == [f.name for f in asked_fields(service)]
        assert "date_time" in names and "phone" in names and names[-1] == "phone"
        for name in names:
            assert desk.question(pol, service, name, {}).startswith(("请问", "医院", "是否", "您的")), (
                service.key,
                name,
            )


def test_which_fields_a_service_asks(desk):
    pol = desk.policy("PA2026000002")
    fields = lambda key: desk.fields(pol, desk.service_of(pol, key))  # noqa: E731
    # 004 9.出院交通安排: request_fields [admission_date, discharge_date, distance_band], in person
    assert fields("discharge_transport") == [
        "place",
        "hospital",
        "admission_date",
        "discharge_date",
        "date_time",
        "distance_band",
        "phone",
    ]
    assert fields("inpatient_assist")[0] == "inpatient_order"  # 5.1: 已获取…医院开具的住院单
    assert fields("domestic_second_opinion")[0] == "diagnosis"  # 国内第二诊疗: 明确诊断
    assert fields("hospital_visit")[2] == "admission_date"  # 每次住院提供 1 次: counted per stay
    assert fields("vitality_go") == ["date_time", "phone"]  # remote: no place, no hospital


def test_a_service_asking_the_distance_home_may_be_used_after_discharge_others_not(desk):
    pol = desk.policy("PA2026000002")
    stay = {"admission_date": "2026-11-23", "discharge_date": "2026-11-28"}
    transport = desk.service_of(pol, "discharge_transport")  # the transport home, on or after leaving
    step = desk.check_field(pol, transport, "date_time", "11月29日上午9点", stay)
    assert step.value == "2026-11-29 09:00"
    care = desk.service_of(pol, "inpatient_care_7day")  # 院内陪护: during the stay only
    step = desk.check_field(pol, care, "date_time", "11月29日上午9点", stay)
    assert step.value is None and step.code == "after_discharge" and "2026-11-28" in step.message


@pytest.mark.parametrize(
    "text, field",
    [
        ("电话改成13912345678", "phone"),  # 改成 is date_time's word too: the phone's own word wins
        ("出院时间改成11月30日", "discharge_date"),  # 时间 too
        ("入院日期改成11月24日", "admission_date"),
        ("医院改成浙江省人民医院", "hospital"),
        ("城市改成上海", "place"),
        ("距离改成300公里", "distance_band"),
        ("时间改成明天下午3点", "date_time"),
        ("改到后天上午10点", "date_time"),
        ("13812345678", "phone"),  # a number alone
        ("上海", "place"),  # a short place name alone
        ("几点改成下午3点", "date_time"),
        ("好的", None),
    ],
)
def test_a_correction_is_about_the_field_its_words_name(desk, text, field):
    pol = desk.policy("PA2026000002")
    service = desk.service_of(pol, "discharge_transport")
    values = {
        "place": "浙江省杭州市",
        "hospital": "浙江省人民医院",
        "admission_date": "2026-11-23",
        "discharge_date": "2026-11-28",
        "date_time": "2026-11-28 10:00",
        "distance_band": "within_200km",
        "phone": "13900001111",
    }
    assert desk.correction(pol, service, text, values) == field


def test_a_correction_is_only_about_a_field_already_answered(desk):
    pol = desk.policy("PA2026000002")
    service = desk.service_of(pol, "discharge_transport")
    assert desk.correction(pol, service, "电话改成13912345678", {"place": "浙江省杭州市"}) is None
    assert desk.correction(pol, service, "上海", {"phone": "13900001111"}) is None
