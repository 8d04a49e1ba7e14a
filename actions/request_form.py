"""Actions for service requests: the request form (rasa-sdk FormValidationAction idiom), tracking, cancelling.

Thin by design: every check, question and message comes from ``service_requests.desk.ServiceDesk``;
this module only moves text between the tracker and the desk.  Slot values are the desk's
normalised values; the verification digits are never kept in a slot.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import QUESTION_INTENTS as ANSWERED_QUESTIONS
from service_requests import parsing
from service_requests.desk import FIELD_LABEL, FIELD_ORDER, RequestRefused, ServiceDesk

FORM = "service_request_form"
FIELD_SLOTS = [f"sr_{f}" for f in FIELD_ORDER]
FORM_SLOTS = ["sr_policy_number", "sr_verification", "sr_service", *FIELD_SLOTS, "sr_confirmed"]
STATE_SLOTS = ["sr_draft", "sr_outcome", "sr_hint"]
YES_NO_SLOTS = {"sr_inpatient_order", "sr_diagnosis", "sr_confirmed"}
QUESTION_INTENTS = {*ANSWERED_QUESTIONS, "human_handoff", "bot_challenge"}
STOP_WORDS = re.compile(r"^(算了|不办了|不申请了|不约了|不要了|不用了|退出|停止|先不|暂时不)")
QUESTION_MARK = re.compile(r"吗|？|\?|怎么|多少|什么|哪些|哪个|几[次天个点]|能不能|可不可以|是否|为啥|为什么")
CORRECTION = re.compile(r"改成|改为|换成|换到|改到|说错|写错|不是.+是")


@lru_cache(maxsize=1)
def desk() -> ServiceDesk:
    return ServiceDesk()


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _service_mention(tracker: Tracker) -> Optional[str]:
    found = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "service" and e.get("value")]
    return max(found, key=lambda e: e.get("end", 0) - e.get("start", 0))["value"] if found else None


def _policy(tracker: Tracker):
    return desk().bound_policy(_channel(tracker), tracker.sender_id)


def _values(tracker: Tracker) -> Dict[str, str]:
    return {f: tracker.get_slot(f"sr_{f}") for f in FIELD_ORDER if tracker.get_slot(f"sr_{f}")}


def _service(tracker: Tracker, policy):
    key = tracker.get_slot("sr_service")
    return desk().service_of(policy, key) if policy and key else None


def _reset() -> List[EventType]:
    return [SlotSet(s, None) for s in FORM_SLOTS + STATE_SLOTS]


def _choose(policy, mention: Optional[str], dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    step = desk().choose_service(policy, mention or "")
    if step.message and (step.value or step.end or mention):
        dispatcher.utter_message(text=step.message, json_message={"request": {"step": "service", "code": step.code}})
    events: Dict[str, Any] = {"sr_service": step.value, **({"sr_outcome": "refused"} if step.end else {})}
    if step.value:  # a question in the middle of the form is then about this service
        events.update(product=policy.product_id, service=desk().service_of(policy, step.value).name)
    return events


class DeskAction:
    """An action whose work reads or writes the request store: done in a thread, so the action
    server's event loop goes on serving other conversations while the database answers.
    A mixin (listed before Action), so rasa-sdk does not take it for an action of its own."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return await asyncio.to_thread(self.handle, dispatcher, tracker, domain)

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        raise NotImplementedError


class ActionStartServiceRequest(DeskAction, Action):
    """A new request: a fresh draft key, and the service the message names checked against the bound policy."""

    def name(self) -> Text:
        return "action_start_service_request"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events = _reset() + [SlotSet("sr_draft", uuid.uuid4().hex)]
        mention = _service_mention(tracker) or tracker.get_slot("service")
        policy = _policy(tracker)
        if policy is None:
            dispatcher.utter_message(text="为您办理服务申请前，需要先验证保单。")
            return events + [SlotSet("sr_hint", mention)]
        return events + [SlotSet(k, v) for k, v in _choose(policy, mention, dispatcher).items()]


class ValidateServiceRequestForm(FormValidationAction):
    """Fills the requested slot from the user's text and lets the desk check it; corrections and stops too."""

    def name(self) -> Text:
        return "validate_service_request_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Text]:
        return await asyncio.to_thread(self._required, tracker)

    def _required(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("sr_outcome"):
            return []
        policy = _policy(tracker)
        if policy is None:
            return ["sr_policy_number", "sr_verification"]
        service = _service(tracker, policy)
        if service is None:
            return ["sr_service"]
        return [f"sr_{f}" for f in desk().fields(policy, service)] + ["sr_confirmed"]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        requested, text = tracker.get_slot("requested_slot"), _text(tracker)
        if not requested or not text:
            return []
        if _intent(tracker) == "stop_request" or STOP_WORDS.match(text):
            return []  # the form is rejected and the stop rule ends it
        if (
            requested not in ("sr_confirmed",)
            and _intent(tracker) in QUESTION_INTENTS
            and QUESTION_MARK.search(text)
            and not CORRECTION.search(text)
        ):
            return []  # a question in the middle: answered by action_answer, then the form asks again
        return [SlotSet(requested, text)]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return await asyncio.to_thread(self._validate, dispatcher, tracker)

    def _validate(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        out: Dict[str, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot in FORM_SLOTS and value is not None:
                out.update(self._check(slot, str(value), dispatcher, tracker))
        return [SlotSet(k, v) for k, v in out.items()]

    def _check(self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        d = desk()
        if slot == "sr_policy_number":
            number = parsing.find_policy_number(text)
            if number is None:
                dispatcher.utter_message(text="没有识别到保单号，请输入保单上的保单号（字母加数字，如 PA2025000501）。")
                return {slot: None}
            last4 = parsing.find_last4(text, skip=number)
            if last4:  # number and digits in one message
                return {slot: number, **self._bind(number, last4, dispatcher, tracker)}
            return {slot: number}
        if slot == "sr_verification":
            last4 = parsing.find_last4(text)
            if last4 is None:
                dispatcher.utter_message(text="请输入 4 位数字：投保时预留手机号的后四位，或身份证号的后四位。")
                return {slot: None}
            return self._bind(tracker.get_slot("sr_policy_number"), last4, dispatcher, tracker)
        policy = _policy(tracker)
        if policy is None:
            return {slot: None}
        if slot == "sr_service":
            return _choose(policy, _service_mention(tracker) or text, dispatcher)
        service = _service(tracker, policy)
        values = _values(tracker)
        if CORRECTION.search(text) or slot == "sr_confirmed":
            target = d.correction(policy, service, text, values)
            if target and f"sr_{target}" != slot and (slot == "sr_confirmed" or CORRECTION.search(text)):
                step = d.check_field(policy, service, target, d.correction_value(text), values)
                if step.value is None:
                    dispatcher.utter_message(text=step.message)
                    return {slot: None, **({"sr_outcome": "refused"} if step.end else {})}
                dispatcher.utter_message(text=f"已将{FIELD_LABEL[target]}改为：{d.display(target, step.value)}。")
                return {f"sr_{target}": step.value, slot: None}
        if slot == "sr_confirmed":
            return self._confirm(text, policy, service, values, dispatcher, tracker)
        step = d.check_field(policy, service, slot[3:], text, values)
        if step.message:
            dispatcher.utter_message(text=step.message, json_message={"request": {"step": slot[3:], "code": step.code}})
        return {slot: step.value, **({"sr_outcome": "refused"} if step.end else {})}

    def _bind(
        self, number: Optional[str], last4: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        verdict = desk().bind(_channel(tracker), tracker.sender_id, number or "", last4)
        dispatcher.utter_message(
            text=verdict.message, json_message={"request": {"step": "verification", "code": verdict.code}}
        )
        if not verdict.ok:
            return {
                "sr_policy_number": None,
                "sr_verification": None,
                **({"sr_outcome": "refused"} if verdict.code == "locked" else {}),
            }
        events: Dict[str, Any] = {"sr_verification": "ok"}
        hint = tracker.get_slot("sr_hint")
        if hint:
            events.update(_choose(_policy(tracker), hint, dispatcher))
        return events

    def _confirm(
        self, text: str, policy, service, values: Dict[str, str], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        yes = parsing.parse_yes_no(text) if _intent(tracker) != "deny" else False
        if yes is None:
            dispatcher.utter_message(
                text="请回复“确认”提交，或直接说要修改的内容（如“电话改成139…”），不办了请说“算了”。"
            )
            return {"sr_confirmed": None}
        if not yes:
            dispatcher.utter_message(text="好的，请直接说要修改的内容，例如“时间改成12月3日下午2点”或“医院改成…”。")
            return {"sr_confirmed": None}
        try:
            sub = desk().submit(
                _channel(tracker), tracker.sender_id, policy, service, values, tracker.get_slot("sr_draft")
            )
        except RequestRefused as refused:
            dispatcher.utter_message(
                text=refused.verdict.message, json_message={"request": {"step": "submit", "code": refused.verdict.code}}
            )
            return {"sr_confirmed": None, "sr_outcome": "refused"}
        dispatcher.utter_message(
            text=sub.message,
            json_message={"request": {"step": "submitted", "reference": sub.request.reference, "created": sub.created}},
        )
        return {"sr_confirmed": "yes", "sr_outcome": "submitted"}


class _AskAction(DeskAction, Action):
    """``action_ask_<slot>``: the desk's question for the slot (one class per slot, made below)."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=self.question(tracker), json_message={"request": {"ask": self.slot}})
        return []

    def question(self, tracker: Tracker) -> str:
        if self.slot == "sr_policy_number":
            return "请输入保单号（在电子保单或保险公司 APP 的“我的保单”里）。"
        if self.slot == "sr_verification":
            return "请输入投保时预留手机号的后四位，或被保险人身份证号的后四位，用于核实身份。"
        policy = _policy(tracker)
        if self.slot == "sr_service":
            names = "、".join(s.name for s in desk().kb.services_of(policy.product_id))
            return f"请问要申请哪项服务？您的保单可申请：{names}。"
        service = _service(tracker, policy)
        if self.slot == "sr_confirmed":
            return desk().summary(policy, service, _values(tracker))
        return desk().question(policy, service, self.slot[3:], _values(tracker))


ASK_ACTIONS = [type(f"ActionAsk_{s}", (_AskAction,), {"slot": s}) for s in FORM_SLOTS]


class ActionFinishServiceRequest(Action):
    """After the form: the desk has already replied (submitted or refused); nothing is left to ask."""

    def name(self) -> Text:
        return "action_finish_service_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return [SlotSet("requested_slot", None)]


class ActionStopServiceRequest(Action):
    def name(self) -> Text:
        return "action_stop_service_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text="好的，已停止本次申请，没有提交任何内容。需要时随时说“我要申请…”。",
            json_message={"request": {"step": "stopped"}},
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + _reset()


class ActionRepeatConfirmation(Action):
    """ "确认" again after a submission (double tap, channel retry): the stored request, never a second one."""

    def name(self) -> Text:
        return "action_repeat_confirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        view = await asyncio.to_thread(desk().submission, tracker.get_slot("sr_draft") or "")
        if view is None or not parsing.parse_yes_no(_text(tracker)):
            from actions.actions import ActionAnswer  # not a confirmation: answered like any other turn

            return await ActionAnswer().run(dispatcher, tracker, domain)
        dispatcher.utter_message(
            text=desk().submitted_text(view, again=True),
            json_message={"request": {"step": "submitted", "reference": view.reference, "created": False}},
        )
        return []


class ActionListRequests(DeskAction, Action):
    def name(self) -> Text:
        return "action_list_requests"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        views = desk().requests_of(_channel(tracker), tracker.sender_id)
        if not views:
            dispatcher.utter_message(
                text="您还没有提交过服务申请。需要时可以说“我要申请住院陪护”这样的话。",
                json_message={"request": {"list": []}},
            )
            return []
        lines = [f"您的服务申请（共 {len(views)} 份）："]
        for v in views[:10]:
            when = f"，期望时间 {v.scheduled_at:%m月%d日 %H:%M}" if v.scheduled_at else ""
            lines.append(f"· {v.reference} {v.service}：{v.status_cn}{when}。下一步：{v.next_step}")
        dispatcher.utter_message(
            text="\n".join(lines),
            json_message={
                "request": {
                    "list": [{"reference": v.reference, "service": v.service, "status": v.status} for v in views]
                }
            },
        )
        return []


class ActionCancelRequest(DeskAction, Action):
    def name(self) -> Text:
        return "action_cancel_request"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        verdict = desk().cancel(_channel(tracker), tracker.sender_id, parsing.find_reference(_text(tracker)))
        dispatcher.utter_message(
            text=verdict.message, json_message={"request": {"cancel": verdict.code, **verdict.data}}
        )
        return []


class ActionSwitchPolicy(DeskAction, Action):
    def name(self) -> Text:
        return "action_switch_policy"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        number = desk().unbind(_channel(tracker), tracker.sender_id)
        text = (
            f"已解除保单 {number} 的绑定。下次申请服务时，请输入要使用的保单号。"
            if number
            else "当前没有绑定保单。申请服务时我会请您输入保单号。"
        )
        dispatcher.utter_message(text=text, json_message={"request": {"unbound": number}})
        return []
