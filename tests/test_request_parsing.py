"""Reading form answers as customers type them (dates are read forward from Saturday 2026-11-21 10:00)."""

from __future__ import annotations

from datetime import datetime

import pytest

from service_requests import parsing as p

NOW = datetime(2026, 11, 21, 10, 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("明天上午9点", "2026-11-22 09:00"),
        ("12月3日下午2点", "2026-12-03 14:00"),
        ("2026-12-03 09:30", "2026-12-03 09:30"),
        ("下周二", "2026-11-24 09:00"),
        ("周三上午十点", "2026-11-25 10:00"),
        ("1月5号", "2027-01-05 09:00"),
        ("25号下午", "2026-11-25 14:00"),
        ("后天晚上8点半", "2026-11-23 20:30"),
        ("3天后", "2026-11-24 09:00"),
    ],
)
def test_dates_and_times(text, expected):
    when, _ = p.parse_datetime(text, NOW)
    assert when.strftime("%Y-%m-%d %H:%M") == expected


def test_unreadable_date_is_none():
    assert p.parse_datetime("随便什么时候", NOW) == (None, False)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("已经开了", True),
        ("还没有", False),
        ("是的", True),
        ("没开", False),
        ("不对", False),
        ("确认", True),
        ("蓝色", None),
    ],
)
def test_yes_no(text, expected):
    assert p.parse_yes_no(text) is expected


def test_numbers_and_references():
    assert p.parse_phone("电话 139-1234-5678") == "13912345678" and p.mask_phone("13912345678") == "139****5678"
    assert p.find_reference("取消 sr20261121 0007") == "SR-20261121-0007"
    assert p.find_policy_number("保单号pa2025000501，手机尾号0501") == "PA2025000501"
    assert p.find_last4("PA2025000501 0501", skip="PA2025000501") == "0501"
    assert p.find_last4("身份证后四位123x") == "123X"
    assert (p.parse_distance_band("大概150公里"), p.parse_distance_band("在外省，很远")) == (
        "within_200km",
        "over_200km",
    )
