"""Actions for service requests: the request form (rasa-sdk FormValidationAction idiom), tracking, cancelling.

Thin by design: every check and question comes from ``service_requests.desk.ServiceDesk``, the
fields and their slots from ``service_requests.fields``, every sentence from
``service_requests.wording``; this module only moves text between the tracker and the desk.
Slot values are the desk's normalised values; the verification digits are never kept in a slot.
"""

from __future__ import annotations

import asyncio
import uuid
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswer, turn_from
from actions.answers import QUESTION_INTENTS as ANSWERED_QUESTIONS
from actions.policy import Reply, Turn, answer
from actions.policy.lists import REQUESTS, SAFETY
from knowledge.api import KnowledgeBase
from service_requests import parsing
from service_requests import wording as w
from service_requests.desk import RequestRefused, ServiceDesk
from service_requests.fields import FIELD, FIELD_BY_SLOT, FIELDS

FORM = "service_request_form"
# the form's own slots around the request's fields (service_requests.fields): who, which service, confirmed
POLICY_NUMBER, VERIFICATION, SERVICE, CONFIRMED = "sr_policy_number", "sr_verification", "sr_service", "sr_confirmed"
FIELD_SLOTS = [f.slot for f in FIELDS]
FORM_SLOTS = [POLICY_NUMBER, VERIFICATION, SERVICE, *FIELD_SLOTS, CONFIRMED]  # bot/domain.yml's required_slots
# the request's state: its draft key (a repeated confirmation finds the stored request), how it ended
# (submitted, refused), and the service named before the policy was verified
DRAFT, OUTCOME, HINT = "sr_draft", "sr_outcome", "sr_hint"
STATE_SLOTS = [DRAFT, OUTCOME, HINT]
QUESTION_INTENTS = {*ANSWERED_QUESTIONS, "human_handoff", "bot_challenge"}
REQUESTS_LISTED = 10  # newest first, in "我的申请进度"


@lru_cache(maxsize=1)
def desk() -> ServiceDesk:
    return ServiceDesk()


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def _who(tracker: Tracker) -> Tuple[str, str]:
    """The channel and sender a request belongs to."""
    return _channel(tracker), tracker.sender_id


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
    return {f.name: tracker.get_slot(f.slot) for f in FIELDS if tracker.get_slot(f.slot)}


def _service(tracker: Tracker, policy):
    key = tracker.get_slot(SERVICE)
    return desk().service_of(policy, key) if policy and key else None


def _say(dispatcher: CollectingDispatcher, text: str, **request: Any) -> None:
    """A message with its structured payload ({"request": {...}}) for the console and the tests."""
    dispatcher.utter_message(text=text, json_message={"request": request})


def _refused(ended: bool) -> Dict[str, str]:
    """The outcome slot when the desk ended the request (a rule refused it): the form then stops asking."""
    return {OUTCOME: "refused"} if ended else {}


def _reset() -> List[EventType]:
    return [SlotSet(s, None) for s in FORM_SLOTS + STATE_SLOTS]


def _choose(policy, mention: Optional[str], dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    step = desk().choose_service(policy, mention or "")
    if step.message and (step.value or step.end or mention):
        _say(dispatcher, step.message, step="service", code=step.code)
    events: Dict[str, Any] = {SERVICE: step.value, **_refused(step.end)}
    if step.value:  # a question in the middle of the form is then about this service
        events.update(product=policy.product_id, service=desk().service_of(policy, step.value).name)
    return events


class _Named:
    """rasa-sdk's name of an action as a class attribute. A mixin (listed before Action), so rasa-sdk
    does not take it for an action of its own."""

    action_name = ""

    def name(self) -> Text:
        return self.action_name


class DeskAction(_Named):
    """An action whose work reads or writes the request store: done in a thread, so the action
    server's event loop goes on serving other conversations while the database answers.
    A mixin (listed before Action), so rasa-sdk does not take it for an action of its own."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return await asyncio.to_thread(self.handle, dispatcher, tracker, domain)

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        raise NotImplementedError


def _likeliest_question(tracker: Tracker) -> str:
    """The NLU's likeliest reading that is a question about the services (a request read as one is not)."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return next((r["name"] for r in ranking if r.get("name") in ANSWERED_QUESTIONS), "nlu_fallback")


def _checked_first(tracker: Tracker) -> Optional[Reply]:
    """ "人在拉萨工作，安盛绿通能帮我约吗", "平安的陪诊员能顺手帮我挂上复诊吗": a request asked yes or no is also a
    question whether the service can be had there, or does that; when the answer policy's reading of it is a
    verdict (the place covered or not, the thing on the service's list or not), the verdict is said first.
    None for a plain request, or when the question's answer is no verdict."""
    if not REQUESTS.question.search(_text(tracker)):
        return None
    reply = answer(KnowledgeBase.open(), turn_from(tracker, intent=_likeliest_question(tracker)))
    return reply if reply.covered is not None or "list" in reply.extra else None


class ActionStartServiceRequest(DeskAction, Action):
    """A new request: a fresh draft key, and the service the message names checked against the bound policy."""

    action_name = "action_start_service_request"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if REQUESTS.is_question(_text(tracker)):  # "自己请的护工能拿发票找平安报吗": answered, no request opened
            reply = answer(KnowledgeBase.open(), turn_from(tracker, intent=_likeliest_question(tracker)))
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, json_message=reply.payload())
            slots = [SlotSet(k, v) for k, v in reply.slots.items() if tracker.get_slot(k) != v]
            return _reset() + slots + [SlotSet(OUTCOME, "answered")]  # the form has nothing to ask and ends
        events = _reset() + [SlotSet(DRAFT, uuid.uuid4().hex)]
        checked = _checked_first(tracker)
        if checked is not None:
            dispatcher.utter_message(text=checked.text, json_message=checked.payload())
            events += [SlotSet(k, v) for k, v in checked.slots.items() if tracker.get_slot(k) != v]
            if checked.covered is False or checked.extra.get("list", {}).get("on_list") is False:
                return events + [SlotSet(OUTCOME, "answered")]  # not to be had there: nothing to request
        mention = _service_mention(tracker) or tracker.get_slot("service")
        policy = _policy(tracker)
        if policy is None:
            dispatcher.utter_message(text=w.VERIFY_FIRST)
            return events + [SlotSet(HINT, mention)]
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
        if tracker.get_slot(OUTCOME):
            return []
        policy = _policy(tracker)
        if policy is None:
            return [POLICY_NUMBER, VERIFICATION]
        service = _service(tracker, policy)
        if service is None:
            return [SERVICE]
        return [FIELD[f].slot for f in desk().fields(policy, service)] + [CONFIRMED]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        requested, text = tracker.get_slot("requested_slot"), _text(tracker)
        if not requested or not text:
            return []
        if _intent(tracker) == "stop_request" or parsing.is_stop(text):
            return []  # the form is rejected and the stop rule ends it
        if SAFETY.is_emergency(
            text
        ):  # "我爸突然胸口疼": 120 first (the answer policy's safety reply), then the form asks again
            safety = answer(KnowledgeBase.open(), Turn(text=text, intent="nlu_fallback"))
            dispatcher.utter_message(text=safety.text, json_message=safety.payload())
            return []
        if (
            requested != CONFIRMED
            and _intent(tracker) in QUESTION_INTENTS
            and parsing.is_question(text)
            and not parsing.is_correction(text)
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
        if slot == POLICY_NUMBER:
            number = parsing.find_policy_number(text)
            if number is None:
                dispatcher.utter_message(text=w.UNREADABLE_POLICY_NUMBER)
                return {slot: None}
            last4 = parsing.find_last4(text, skip=number)
            if last4:  # number and digits in one message
                return {slot: number, **self._bind(number, last4, dispatcher, tracker)}
            return {slot: number}
        if slot == VERIFICATION:
            last4 = parsing.find_last4(text)
            if last4 is None:
                dispatcher.utter_message(text=w.UNREADABLE_VERIFICATION)
                return {slot: None}
            return self._bind(tracker.get_slot(POLICY_NUMBER), last4, dispatcher, tracker)
        policy = _policy(tracker)
        if policy is None:
            return {slot: None}
        if slot == SERVICE:
            return _choose(policy, _service_mention(tracker) or text, dispatcher)
        service = _service(tracker, policy)
        values = _values(tracker)
        correcting = parsing.is_correction(text)
        if correcting or slot == CONFIRMED:
            target = d.correction(policy, service, text, values)
            if target and FIELD[target].slot != slot and (slot == CONFIRMED or correcting):
                step = d.check_field(policy, service, target, d.correction_value(text), values)
                if step.value is None:
                    dispatcher.utter_message(text=step.message)
                    return {slot: None, **_refused(step.end)}
                dispatcher.utter_message(text=w.corrected(FIELD[target].label, d.display(target, step.value)))
                return {FIELD[target].slot: step.value, slot: None}
        if slot == CONFIRMED:
            return self._confirm(text, policy, service, values, dispatcher, tracker)
        name = FIELD_BY_SLOT[slot].name
        step = d.check_field(policy, service, name, text, values)
        if step.message:
            _say(dispatcher, step.message, step=name, code=step.code)
        return {slot: step.value, **_refused(step.end)}

    def _bind(
        self, number: Optional[str], last4: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        verdict = desk().bind(_channel(tracker), tracker.sender_id, number or "", last4)
        _say(dispatcher, verdict.message, step="verification", code=verdict.code)
        if not verdict.ok:
            return {
                POLICY_NUMBER: None,
                VERIFICATION: None,
                **_refused(verdict.code == "locked"),
            }
        events: Dict[str, Any] = {VERIFICATION: "ok"}
        hint = tracker.get_slot(HINT)
        if hint:
            events.update(_choose(_policy(tracker), hint, dispatcher))
        return events

    def _confirm(
        self, text: str, policy, service, values: Dict[str, str], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        yes = parsing.parse_yes_no(text) if _intent(tracker) != "deny" else False
        if yes is None:
            dispatcher.utter_message(text=w.UNREADABLE_CONFIRMATION)
            return {CONFIRMED: None}
        if not yes:
            dispatcher.utter_message(text=w.CONFIRMATION_DECLINED)
            return {CONFIRMED: None}
        try:
            sub = desk().submit(*_who(tracker), policy, service, values, tracker.get_slot(DRAFT))
        except RequestRefused as refused:
            _say(dispatcher, refused.verdict.message, step="submit", code=refused.verdict.code)
            return {CONFIRMED: None, OUTCOME: "refused"}
        _say(dispatcher, sub.message, step="submitted", reference=sub.request.reference, created=sub.created)
        return {CONFIRMED: "yes", OUTCOME: "submitted"}


class _AskAction(DeskAction, Action):
    """``action_ask_<slot>``: the desk's question for the slot (one class per slot, made below)."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        _say(dispatcher, self.question(tracker), ask=self.slot)
        return []

    def question(self, tracker: Tracker) -> str:
        if self.slot == POLICY_NUMBER:
            return w.ASK_POLICY_NUMBER
        if self.slot == VERIFICATION:
            return w.ASK_VERIFICATION
        policy = _policy(tracker)
        if self.slot == SERVICE:
            return w.ask_service(w.service_list(desk().kb.services_of(policy.product_id)))
        service = _service(tracker, policy)
        if self.slot == CONFIRMED:
            return desk().summary(policy, service, _values(tracker))
        return desk().question(policy, service, FIELD_BY_SLOT[self.slot].name, _values(tracker))


ASK_ACTIONS = [type(f"ActionAsk_{s}", (_AskAction,), {"slot": s}) for s in FORM_SLOTS]


class ActionFinishServiceRequest(_Named, Action):
    """After the form: the desk has already replied (submitted or refused); nothing is left to ask."""

    action_name = "action_finish_service_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return [SlotSet("requested_slot", None)]


class ActionStopServiceRequest(_Named, Action):
    action_name = "action_stop_service_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        _say(dispatcher, w.STOPPED, step="stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + _reset()


class ActionRepeatConfirmation(_Named, Action):
    """ "确认" again after a submission (double tap, channel retry): the stored request, never a second one."""

    action_name = "action_repeat_confirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        view = await asyncio.to_thread(desk().submission, tracker.get_slot(DRAFT) or "")
        if view is None or not parsing.parse_yes_no(_text(tracker)):  # not a confirmation: answered like any other turn
            return await ActionAnswer().run(dispatcher, tracker, domain)
        _say(
            dispatcher,
            desk().submitted_text(view, again=True),
            step="submitted",
            reference=view.reference,
            created=False,
        )
        return []


class ActionListRequests(DeskAction, Action):
    action_name = "action_list_requests"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        views = desk().requests_of(*_who(tracker))
        if not views:
            _say(dispatcher, w.NO_REQUESTS, list=[])
            return []
        lines = [w.requests_head(len(views))]
        for v in views[:REQUESTS_LISTED]:
            lines.append(w.request_line(v.reference, v.service, v.status_cn, v.scheduled_at, v.next_step))
        listed = [{"reference": v.reference, "service": v.service, "status": v.status} for v in views]
        _say(dispatcher, "\n".join(lines), list=listed)
        return []


class ActionCancelRequest(DeskAction, Action):
    action_name = "action_cancel_request"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        verdict = desk().cancel(*_who(tracker), parsing.find_reference(_text(tracker)))
        if verdict.code == "nothing_open":  # "还能撤回吗" about a service: the answer policy gives its rule
            reply = answer(KnowledgeBase.open(), turn_from(tracker, intent="cancel_request"))
            payload = {**reply.payload(), "request": {"cancel": verdict.code}}
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, json_message=payload)
            return [SlotSet(k, v) for k, v in reply.slots.items() if tracker.get_slot(k) != v]
        _say(dispatcher, verdict.message, cancel=verdict.code, **verdict.data)
        return []


class ActionSwitchPolicy(DeskAction, Action):
    action_name = "action_switch_policy"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        number = desk().unbind(*_who(tracker))
        text = w.unbound(number) if number else w.NOTHING_BOUND
        _say(dispatcher, text, unbound=number)
        return []
