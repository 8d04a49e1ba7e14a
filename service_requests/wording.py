"""Every sentence the request desk, its rules and the request form show a customer or a butler.

Chinese wording lives here and nowhere else in the request code, so that it is read, reviewed and
changed in one place: the desk and the rules decide *what* to say and pass in the facts (names,
dates, numbers, the manual's sentence); these functions only say it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Optional, Sequence

from knowledge.api import FactInfo, ServiceInfo
from service_requests.models import ARRANGED, CANCELLED, CANCELLED_USED, DONE, SUBMITTED

# -- values shown as they are stored ----------------------------------------------------------
STATUS_CN = {
    SUBMITTED: "已提交，待服务人员联系",
    ARRANGED: "已安排",
    DONE: "已完成",
    CANCELLED: "已取消",
    CANCELLED_USED: "已取消（按手册视同已使用）",
}
POLICY_STATUS_CN = {"lapsed": "已失效", "cancelled": "已退保", "in_force": "有效"}
DISTANCE_CN = {"within_200km": "200 公里以内（含）", "over_200km": "200 公里以上"}
YES = "是"  # a prerequisite answered yes, as the summary shows it

# -- the form's fields: label (summary, correction notice), question, unreadable answer ---------
LABEL_INPATIENT_ORDER = "已开具住院单"
LABEL_DIAGNOSIS = "已有医院诊断"
LABEL_PLACE = "服务城市"
LABEL_HOSPITAL = "医院"
LABEL_ADMISSION_DATE = "入院日期"
LABEL_DISCHARGE_DATE = "预计出院日期"
LABEL_DATE_TIME = "期望服务时间"
LABEL_DISTANCE_BAND = "家庭常住地距医院"
LABEL_PHONE = "联系电话"

ASK_INPATIENT_ORDER = "医院是否已经为您开具住院单（住院证）？请回复“是”或“否”。"
ASK_DIAGNOSIS = "是否已经有医院出具的明确诊断（病历上写明诊断）？请回复“是”或“否”。"
ASK_HOSPITAL = "请问在哪家医院？请说医院全称。"
ASK_ADMISSION_DATE = "请问入院日期是哪天？（如：11月25日）"
ASK_DISCHARGE_DATE = "请问预计哪天出院？（按医嘱，如：12月2日）"
ASK_DISTANCE_BAND = (
    "您的家庭常住地距离医院大约多远？200 公里以内（含）安排车辆，200 公里以上承担火车票或机票。"
    "请回复公里数或“200公里以内/以上”。"
)


def ask_place(service_name: str) -> str:
    return f"请问在哪个城市使用{service_name}？（如：杭州、河南兰考）"


def ask_date_time(service_name: str, notice: Optional[str]) -> str:
    """``notice``: the manual's advance notice ("提前 48 小时"), said with the question where there is one."""
    return "请问希望什么时间使用服务？请说日期和时间（如：12月3日上午9点）。" + (
        f"{service_name}需{notice}申请。" if notice else ""
    )


def ask_phone(phone_masked: str) -> str:
    return f"请问联系电话？回复“用保单手机”将使用保单预留号码（{phone_masked}），或直接输入 11 位手机号。"


UNREADABLE_YES_NO = "请回复“是”或“否”。"
UNREADABLE_HOSPITAL = "请告诉我医院的名称，例如“浙江大学医学院附属第一医院”。"
UNREADABLE_DATE = "没有看懂这个日期，请说“11月25日”或“明天”这样的日期。"
UNREADABLE_DATE_TIME = "没有看懂这个时间，请说日期和时间，例如“12月3日上午9点”或“明天下午2点”。"
UNREADABLE_DISTANCE = "请回复大约多少公里，或“200公里以内”/“200公里以上”。"
UNREADABLE_PHONE = "请输入 11 位手机号码，或回复“用保单手机”。"


# -- answers checked against the stay, the place and the clock ---------------------------------
def before_admission(admitted: str) -> str:
    return f"服务时间应在入院（{admitted}）之后，请重新输入。"


def after_discharge(discharged: str) -> str:
    return f"服务时间应在出院（{discharged}）之前，请重新输入。"


def time_assumed(when: datetime) -> str:
    """A date given without a time is registered at the parser's default hour (parsing.parse_datetime: 9:00)."""
    return f"没有说具体时间，先按 {when:%m月%d日} 上午 9 点登记，确认前可以修改。"


def discharge_before_admission(admitted: date) -> str:
    return f"出院日期不能早于入院日期（{admitted:%m月%d日}），请重新输入。"


def already_discharged(service_name: str) -> str:
    return f"{service_name}仅限住院期间或出院前申请，已出院的无法申请；如日期说错了请重新输入。"


def unknown_place(text: str, suggestion: Optional[str]) -> str:
    return f"没有找到地名“{text}”" + (
        f"，您是指{suggestion}吗？请直接输入城市名。" if suggestion else "，请输入城市名（如：杭州）。"
    )


def place_not_covered(where: str, service_name: str, reason: str) -> str:
    return f"{where}不在{service_name}的服务范围内（{reason}）。如在其他城市使用，请告诉我城市名；或说“算了”结束。"


def place_is_a_province(reason: str) -> str:
    return f"{reason}，请说具体城市。"


def place_unconfirmed(reason: str) -> str:
    return f"（{reason}，能否安排以服务人员确认为准）"


# -- binding ----------------------------------------------------------------------------------
def binding_locked(minutes: int) -> str:
    return f"验证失败次数过多，请 {minutes} 分钟后再试，或拨打保单上的客服热线。"


def binding_mismatch(attempts_left: int) -> str:
    return "保单号与验证号码不匹配，请核对后重新输入保单号" + (
        f"（还可尝试 {attempts_left} 次）。" if attempts_left else "。"
    )


def bound(product_name: str, number: str, masked_name: str) -> str:
    return f"已验证：{product_name}，保单号 {number}，被保险人 {masked_name}。"


# -- choosing the service ---------------------------------------------------------------------
def service_list(services: Iterable[ServiceInfo]) -> str:
    """The services a policy may apply for, as listed to the customer."""
    return "、".join(s.name for s in services)


def no_such_service(product_name: str, mention: str, elsewhere: Sequence[str], offered: str) -> str:
    """The policy lacks the service named (``elsewhere``: the products that have it); or none was named."""
    lead = (
        f"您的保单（{product_name}）不含“{mention}”这项服务"
        + (f"（{'、'.join(elsewhere)}有）" if elsewhere else "")
        + "。"
        if mention
        else ""
    )
    return f"{lead}您的保单可申请：{offered}。请告诉我要申请哪一项。"


def service_chosen(product_name: str, service_name: str) -> str:
    return f"好的，为您申请{product_name}的{service_name}。"


# -- the summary, the submission and what comes next -------------------------------------------
SUMMARY_HEAD = "请确认申请信息："
SUMMARY_FOOT = "信息无误请回复“确认”提交；需要修改请直接说，如“时间改成12月3日下午2点”；不办了请说“算了”。"


def summary_service(product_name: str, service_name: str) -> str:
    return f"· 服务：{product_name}·{service_name}"


def summary_policy(number: str, masked_name: str) -> str:
    return f"· 保单：{number}（被保险人 {masked_name}）"


def summary_line(label: str, shown: str) -> str:
    return f"· {label}：{shown}"


NEXT_STEP_NONE = "无需操作。"
NEXT_STEP_ARRANGED = "服务已安排，请按约定时间使用。"


def next_step_waiting(response_time: Optional[str]) -> str:
    """``response_time``: the manual's promise, quoted where it gives one."""
    return f"等待服务人员联系：{response_time}" if response_time else "等待服务人员与您联系确认安排。"


def submitted(service_name: str, reference: str, next_step: str) -> str:
    return f"已为您提交{service_name}申请，编号 {reference}。" + f"\n下一步：{next_step}"


def submitted_before(reference: str, next_step: str) -> str:
    return f"这份申请已经提交过了，编号 {reference}，无需重复确认。" + f"\n下一步：{next_step}"


def materials(texts: Sequence[str]) -> str:
    return "\n请准备：" + "；".join(t.rstrip("；;。") for t in texts) + "。"


def submitted_basis(manual_title: str, section: str) -> str:
    return f"\n（依据：{manual_title}·{section}）查询进度请说“我的申请进度”。"


# audit-trail notes the butlers read
NOTE_SUBMITTED = "客户在对话中确认提交"
NOTE_CANCELLED = "客户在对话中取消"
NOTE_CANCELLED_AFTER_ARRANGEMENT = "客户在服务安排后取消"


# -- cancelling -------------------------------------------------------------------------------
NOTHING_TO_CANCEL = "您目前没有可以取消的申请。"


def which_to_cancel(listing: Sequence[tuple]) -> str:
    """``listing``: (reference, service name) of each request that may still be cancelled."""
    shown = "、".join(f"{reference}（{service}）" for reference, service in listing)
    return f"您有多份可取消的申请：{shown}。请说“取消申请”加编号。"


def request_not_found(reference: str) -> str:
    return f"没有找到您名下编号为 {reference} 的申请，请核对编号（可说“我的申请进度”查看）。"


def already_cancelled(reference: str) -> str:
    return f"申请 {reference} 已经取消了。"


def already_done(reference: str) -> str:
    return f"申请 {reference} 的服务已经完成，无法取消。"


def cannot_cancel(reference: str, why: str) -> str:
    return f"申请 {reference} 无法取消：{why}"


def cancelled_counted_as_used(reference: str, service_name: str, rule: FactInfo) -> str:
    return (
        f"已取消申请 {reference}（{service_name}）。这项服务已经为您安排，按手册，"
        f"安排后取消视同已使用，本次权益不再返还：“{rule.text}”（{rule.section}）"
    )


def cancelled(reference: str, service_name: str, note: Optional[str]) -> str:
    return f"已取消申请 {reference}（{service_name}）。" + (f"提醒：{note}" if note else "")


# -- a butler's status change -----------------------------------------------------------------
CANCEL_NEEDS_REASON = "取消申请需要写明原因。"


def no_such_status(status: str) -> str:
    return f"没有“{status}”这个状态。"


def no_such_request(reference: str) -> str:
    return f"没有编号为 {reference} 的申请。"


def status_not_allowed(reference: str, current: str, wanted: str) -> str:
    return f"申请 {reference} 目前是“{STATUS_CN.get(current, current)}”，不能改为“{STATUS_CN[wanted]}”。"


# -- the manuals' rules (service_requests.rules) ----------------------------------------------
def quote(service: ServiceInfo, fact: FactInfo) -> str:
    """The manual's sentence a refusal rests on, with the manual and its section."""
    return f"手册原文：“{fact.text.rstrip('；;。')}。”（{service.product.manual_title}·{fact.section}）"


def not_in_force(number: str, status: str) -> str:
    return f"保单 {number} 目前不在保障状态（{POLICY_STATUS_CN.get(status, status)}），无法申请服务。"


def expired(number: str, expiry: date) -> str:
    return f"保单 {number} 已于 {expiry:%Y年%m月%d日} 到期，服务有效期与保险合同一致，到期后无法申请。"


def not_yet_effective(number: str, effective: date) -> str:
    return f"保单 {number} 将于 {effective:%Y年%m月%d日} 生效，生效前无法申请服务。"


def contract_waiting_period(days: int) -> str:
    """Where the manual defers to the contract: the number kept on the policy."""
    return f"等待期同保险合同约定（本保单合同约定 {days} 天）"


def in_waiting_period(effective: date, last: date, first_day: date, service_name: str, reason: str) -> str:
    return (
        f"您的保单 {effective:%Y年%m月%d日} 生效，等待期到 {last:%Y年%m月%d日} 结束，"
        f"{first_day:%Y年%m月%d日} 起才能申请{service_name}。依据：{reason}"
    )


ACCIDENT_EXEMPT = "（手册写明意外无等待期：如因意外就医，请拨打客服热线说明情况。）"


def add_on_missing(service: ServiceInfo, add_on: Optional[str], number: str, rule: FactInfo) -> str:
    return (
        f"{service.name}仅适用于投保了“{add_on}”的保单，您的保单 {number} 没有该附加责任，无法申请。"
        f"{quote(service, rule)}"
    )


_REQUIREMENT = {
    "inpatient_order": "需先由医院开具住院单（住院证）后才能申请",
    "diagnosis": "需先有医院出具的明确诊断后才能申请",
}


def requirement_missing(service: ServiceInfo, need: str, rule: FactInfo) -> str:
    """The customer answered no to a prerequisite (``need``: inpatient_order, diagnosis)."""
    return f"{service.name}{_REQUIREMENT[need]}，请拿到后再来申请。{quote(service, rule)}"


THIS_STAY, THIS_POLICY_YEAR = "本次住院", "本保单年度"  # what a usage limit counts over


def limit_reached(service: ServiceInfo, scope: str, count: int, used: int, rule: FactInfo) -> str:
    return f"{service.name}{scope}可用 {count} 次，您已申请 {used} 次，次数已用完。{quote(service, rule)}"


TIME_PASSED = "这个时间已经过去了，请换一个之后的日期和时间。"


def notice(hours: Optional[float] = None, working_days: Optional[float] = None) -> str:
    """An advance notice as the manuals state it: "提前 48 小时" or "提前 1 个工作日"."""
    return f"提前 {float(hours):g} 小时" if hours else f"提前 {float(working_days):g} 个工作日"


def notice_hint(first: str, other: Optional[str]) -> str:
    """The first notice, with the other figure where the manual gives another one elsewhere."""
    return first + (f"（手册另一处写{other}）" if other else "")


def too_little_notice(service: ServiceInfo, need: str, scheduled: datetime, rule: FactInfo) -> str:
    return (
        f"{service.name}需要{need}申请，您选的时间 {scheduled:%m月%d日 %H:%M} 来不及，请换一个更晚的时间。"
        f"{quote(service, rule)}"
    )


def notice_elsewhere(other: FactInfo) -> str:
    return f" 另外，手册另一处写的是：“{other.text.rstrip('；;。')}。”"


def cancel_not_allowed(service: ServiceInfo, rule: FactInfo) -> str:
    return f"{service.name}申请成功后不允许取消或改期。{quote(service, rule)}"


def cancel_too_late_hours(service: ServiceInfo, hours: float, rule: FactInfo) -> str:
    return f"{service.name}需在服务开始前至少 {float(hours):g} 小时取消，现在已经来不及了。{quote(service, rule)}"


def cancel_too_late_working_days(service: ServiceInfo, days: float, rule: FactInfo) -> str:
    return f"{service.name}需在预约时间至少提前 {float(days):g} 个工作日取消，现在已经来不及了。{quote(service, rule)}"


# -- the request form (actions.request_form) --------------------------------------------------
VERIFY_FIRST = "为您办理服务申请前，需要先验证保单。"
ASK_POLICY_NUMBER = "请输入保单号（在电子保单或保险公司 APP 的“我的保单”里）。"
ASK_VERIFICATION = "请输入投保时预留手机号的后四位，或被保险人身份证号的后四位，用于核实身份。"
UNREADABLE_POLICY_NUMBER = "没有识别到保单号，请输入保单上的保单号（字母加数字，如 PA2025000501）。"
UNREADABLE_VERIFICATION = "请输入 4 位数字：投保时预留手机号的后四位，或身份证号的后四位。"
UNREADABLE_CONFIRMATION = "请回复“确认”提交，或直接说要修改的内容（如“电话改成139…”），不办了请说“算了”。"
CONFIRMATION_DECLINED = "好的，请直接说要修改的内容，例如“时间改成12月3日下午2点”或“医院改成…”。"
STOPPED = "好的，已停止本次申请，没有提交任何内容。需要时随时说“我要申请…”。"
NO_REQUESTS = "您还没有提交过服务申请。需要时可以说“我要申请住院陪护”这样的话。"
NOTHING_BOUND = "当前没有绑定保单。申请服务时我会请您输入保单号。"


def ask_service(offered: str) -> str:
    return f"请问要申请哪项服务？您的保单可申请：{offered}。"


def corrected(label: str, shown: str) -> str:
    return f"已将{label}改为：{shown}。"


def requests_head(count: int) -> str:
    return f"您的服务申请（共 {count} 份）："


def request_line(reference: str, service: str, status_cn: str, scheduled: Optional[datetime], next_step: str) -> str:
    when = f"，期望时间 {scheduled:%m月%d日 %H:%M}" if scheduled else ""
    return f"· {reference} {service}：{status_cn}{when}。下一步：{next_step}"


def unbound(number: str) -> str:
    return f"已解除保单 {number} 的绑定。下次申请服务时，请输入要使用的保单号。"
