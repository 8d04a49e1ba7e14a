"""Reading a form answer typed in a chat: dates and times, phone numbers, yes/no, distances, references.

Written here rather than taken from a library: dateparser (the usual choice) reads none of
"明天上午9点", "12月3号", "下周二" and its dependencies conflict with Rasa's pins.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Optional, Tuple

_CN_NUM = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_NUM = r"(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
# the shapes of personal data, also used to keep them out of logs (assistant.redaction)
PHONE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
POLICY_NUMBER = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,4})\s*-?\s*(\d{8,20})(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def cn_int(token: str) -> int:
    """ "12" / "十二" / "二十三" → int."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (_CN_NUM[tens] if tens else 1) * 10 + (_CN_NUM[ones] if ones else 0)
    return _CN_NUM[token]


def parse_date(text: str, today: date) -> Optional[date]:
    """A calendar date in the text, read forward from ``today`` (a month-day without year is the next one)."""
    t = text.replace(" ", "")
    m = re.search(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", t)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(_NUM + r"月" + _NUM + r"[日号]?", t) or re.search(r"(\d{1,2})/(\d{1,2})(?!\d)", t)
    if m:
        month, day = cn_int(m.group(1)), cn_int(m.group(2))
        d = _safe_date(today.year, month, day)
        if d and d < today - timedelta(days=180):  # "1月5日" said in November is next year
            d = _safe_date(today.year + 1, month, day)
        return d
    for word, days in (
        ("大后天", 3),
        ("后天", 2),
        ("明天", 1),
        ("明日", 1),
        ("今天", 0),
        ("今日", 0),
        ("昨天", -1),
        ("前天", -2),
    ):
        if word in t:
            return today + timedelta(days=days)
    m = re.search(_NUM + r"天(?:后|以后|之后)", t)
    if m:
        return today + timedelta(days=cn_int(m.group(1)))
    m = re.search(r"(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天])", t)
    if m:
        target = _WEEKDAY[m.group(2)]
        monday = today - timedelta(days=today.weekday())
        prefix = m.group(1) or ""
        weeks = 2 if prefix == "下下" else 1 if prefix.startswith("下") else 0
        d = monday + timedelta(weeks=weeks, days=target)
        if not prefix and d < today:
            d += timedelta(weeks=1)
        return d
    m = re.search(r"(?<![\d月])" + _NUM + r"[日号]", t)
    if m:
        day = cn_int(m.group(1))
        d = _safe_date(today.year, today.month, day)
        if d and d < today:
            nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            d = _safe_date(nxt.year, nxt.month, day)
        return d
    return None


def parse_time(text: str) -> Optional[time]:
    """A time of day: "14:30", "下午3点半", "上午十点", "晚上8点15分"; a bare part of day gives its usual hour."""
    t = text.replace(" ", "")
    m = re.search(r"(\d{1,2})[:：](\d{2})", t)
    hour: Optional[int] = None
    minute = 0
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        m = re.search(_NUM + r"[点时](半|一刻|三刻|" + _NUM + r"分?)?", t)
        if m:
            hour = cn_int(m.group(1))
            extra = m.group(2) or ""
            minute = (
                30
                if extra == "半"
                else 15
                if extra == "一刻"
                else 45
                if extra == "三刻"
                else cn_int(m.group(3))
                if m.group(3)
                else 0
            )
    afternoon = any(w in t for w in ("下午", "晚上", "傍晚", "夜里", "晚间"))
    if hour is None:
        for words, default in (
            (("上午", "早上", "早晨", "上班"), 9),
            (("中午",), 12),
            (("下午",), 14),
            (("傍晚", "晚上"), 18),
        ):
            if any(w in t for w in words):
                return time(default, 0)
        return None
    if afternoon and hour < 12:
        hour += 12
    if "中午" in t and hour < 6:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def parse_datetime(text: str, now: datetime) -> Tuple[Optional[datetime], bool]:
    """(date and time, whether the time was given); a date alone is taken as 9:00."""
    d = parse_date(text, now.date())
    tm = parse_time(text)
    if d is None and tm is not None and not re.search(r"\d{1,2}[:：]\d{2}|[点时]", text.replace("小时", "")):
        tm = None
    if d is None and tm is not None:
        d = now.date() if datetime.combine(now.date(), tm) > now else now.date() + timedelta(days=1)
    if d is None:
        return None, False
    return datetime.combine(d, tm or time(9, 0)), tm is not None


def _safe_date(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_phone(text: str) -> Optional[str]:
    """A mainland mobile number (11 digits, 1[3-9]…), spaces and dashes allowed."""
    digits = re.sub(r"(?<=\d)[\s-](?=\d)", "", text)
    m = PHONE.search(digits)
    return m.group(1) if m else None


def mask_name(name: str) -> str:
    """沈明 → 沈** (the family name only, as every channel and the console show it)."""
    return (name[:1] + "**") if name else "**"


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_personal(text: str) -> str:
    """The text with every mobile and ID number masked as the channels show them (139****5678, 330106********4567)."""
    text = ID_NUMBER.sub(lambda m: m.group(0)[:6] + "*" * 8 + m.group(0)[-4:], text)
    return PHONE.sub(lambda m: m.group(0)[: len(m.group(0)) - 11] + mask_phone(m.group(1)), text)


_NO = ("没有", "没开", "还没", "未开", "不是", "不对", "否", "没", "不用", "不要", "不需要", "不", "无")
_YES = (
    "是的",
    "是",
    "对",
    "有",
    "已经",
    "已开",
    "开了",
    "拿到",
    "确认",
    "确定",
    "好的",
    "好",
    "可以",
    "行",
    "嗯",
    "提交",
    "没问题",
    "yes",
    "ok",
)


def parse_yes_no(text: str) -> Optional[bool]:
    """Yes or no in a short answer ("已经开了" → True, "还没有" → False); None when it is neither."""
    t = re.sub(r"[\s，。！？,.!?~～]", "", text.lower())
    if not t:
        return None
    for w in ("没问题",):
        if w in t:
            return True
    if any(t.startswith(w) or w in t for w in _NO[:9]):
        return False
    if any(t.startswith(w) for w in _NO):
        return False
    if any(w in t for w in _YES):
        return True
    return None


def parse_distance_band(text: str) -> Optional[str]:
    """ "within_200km" or "over_200km" (004 出院交通: 200 公里以内（含） / 以上)."""
    t = text.replace(" ", "").lower()
    m = re.search(r"(\d+(?:\.\d+)?)(?:公里|千米|km)", t)
    if m:
        km = float(m.group(1))
        if km == 200 and re.search(r"以上|多|超", t[m.end() : m.end() + 3]):
            return "over_200km"
        return "within_200km" if km <= 200 else "over_200km"
    if re.search(r"200.{0,3}(以内|之内|内)|不到|不超过|短途|本市|市内|同城", t):
        return "within_200km"
    if re.search(r"200.{0,3}(以上|之外|外)|超过|长途|外省|外地|跨省", t):
        return "over_200km"
    return None


def find_reference(text: str) -> Optional[str]:
    """A request reference (SR-20261121-0007), tolerant of case, spaces and missing dashes."""
    m = re.search(r"sr\s*-?\s*(\d{8})\s*-?\s*(\d{4})", text, re.IGNORECASE)
    return f"SR-{m.group(1)}-{m.group(2)}" if m else None


def find_policy_number(text: str) -> Optional[str]:
    """A policy number: two to four letters then 8–20 digits (the demo policies' shape), case-insensitive."""
    m = POLICY_NUMBER.search(text)
    return (m.group(1) + m.group(2)).upper() if m else None


def find_last4(text: str, skip: Optional[str] = None) -> Optional[str]:
    """Four digits (an ID number may end in X) standing alone, outside the policy number ``skip``."""
    if skip:
        text = re.sub(re.escape(skip), " ", text, flags=re.IGNORECASE)
    m = re.search(r"(?<![\dA-Za-z])(\d{3}[\dXx])(?![\dA-Za-z])", text)
    return m.group(1).upper() if m else None


# -- answers to the request form, and what a turn in the form is --------------------------------
HOSPITAL_NAME_MAX = 60  # characters kept of a hospital's name: a longer answer is a sentence, not a name
POLICY_PHONE = "policy"  # parse_phone_answer: the customer chose the phone number kept on the policy
_PLACE_LEAD = re.compile(r"^(在|是|去)")
_HOSPITAL_LEAD = re.compile(r"^(在|是|去|就在)")
_POLICY_PHONE_WORDS = re.compile(r"保单|预留|原来|这个号|本机|^(是|好|可以|用)")
_CORRECTION_LEAD = re.compile(r"^(改成|换成|改到|在)")
_CORRECTION_VALUE = re.compile(r"(?:改成|改为|换成|换到|改到|应该是|是)(.+)$")
STOP_WORDS = re.compile(r"^(算了|不办了|不申请了|不约了|不要了|不用了|退出|停止|先不|暂时不)")
QUESTION_MARK = re.compile(r"吗|？|\?|怎么|多少|什么|哪些|哪个|几[次天个点]|能不能|可不可以|是否|为啥|为什么")
CORRECTION = re.compile(r"改成|改为|换成|换到|改到|说错|写错|不是.+是")


def place_mention(text: str) -> str:
    """The place in "在杭州" / "是上海" / "去广州" (the gazetteer then says whether it is one)."""
    return _PLACE_LEAD.sub("", text)


def parse_hospital_name(text: str) -> Optional[str]:
    """A hospital's name ("在浙江省人民医院" → 浙江省人民医院); None for a bare yes/no or a single character."""
    name = _HOSPITAL_LEAD.sub("", text).strip("，。 ")
    if len(name) < 2 or parse_yes_no(name) is not None and len(name) <= 3:
        return None
    return name[:HOSPITAL_NAME_MAX]


def parse_phone_answer(text: str) -> Optional[str]:
    """A mobile number typed, or POLICY_PHONE for "用保单手机" / "是" / "本机"; None when it is neither."""
    phone = parse_phone(text)
    if phone:
        return phone
    return POLICY_PHONE if _POLICY_PHONE_WORDS.search(text) else None


def correction_place(text: str) -> str:
    """The place a short correction names ("改成上海" → 上海)."""
    return _CORRECTION_LEAD.sub("", text)


def correction_value(text: str) -> str:
    """The new value in "时间改成明天下午3点" (what follows 改成/换成/是); the whole text when there is no such word."""
    m = _CORRECTION_VALUE.search(text)
    return m.group(1).strip() if m else text


def is_stop(text: str) -> bool:
    """ "算了" / "不办了" …: the customer ends the request."""
    return bool(STOP_WORDS.match(text))


def is_question(text: str) -> bool:
    """A question mark or question word: a question asked in the middle of the form."""
    return bool(QUESTION_MARK.search(text))


def is_correction(text: str) -> bool:
    """ "改成" / "换成" / "说错了" / "不是…是…": the customer changes an answer already given."""
    return bool(CORRECTION.search(text))
