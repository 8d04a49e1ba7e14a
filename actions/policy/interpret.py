"""Step 1 — interpret: the NLU's reading and the conversation's context → ONE question.

``RULES`` is applied in its order; each rule sees the question as the rules before it left it,
and either returns it changed or returns None (does not apply).  Each rule's docstring gives the
message it is for; ``tests/test_policy_interpret.py`` holds one test per rule.  Nothing here reads
the store except through ``named_products`` (how many products the message's names mean, which
the resolve step counts), and nothing here is wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional, Tuple

from actions.policy.calibration import CALIBRATION, Calibration
from actions.policy.lists import AVAILABILITY, EVERYDAY_SERVICES, INTENT_WORDS, OTHER_INSURERS, QUESTION_FRAME, SAFETY
from actions.policy.turn import QUESTION_INTENTS, Turn, suggested_service
from knowledge.english import is_english

# "宠物医疗服务", "上门做饭的服务": the words a message names a service with, when it names none the
# store knows (the name stands before 服务).
DESCRIBED_SERVICE = re.compile(r"([\u4e00-\u9fff]{2,12}?)的?服务")
INTERROGATIVES = ("哪", "几", "什么", "啥", "多少")
# The questions that may ask for a service in other words.
DESCRIBED_SERVICE_QUESTIONS = ("ask_services", "ask_service_info", "ask_coverage", "ask_apply")
# Words that ask about the place-bound form of a service also given online (线下面诊 vs 视频会诊).
IN_PERSON_WORDS = ("线下", "面诊", "当面", "到院", "现场", "面对面")


@dataclass(frozen=True)
class Question:
    """What is asked, about what: the one question the later steps answer."""

    intent: str  # the question answered (a follow-up's is the previous question's)
    text: str
    service_words: Optional[str] = None  # named now, or carried from the conversation
    place_words: Optional[str] = None
    mentions: Tuple[str, ...] = ()  # the names in the message (products, services, places)
    slots: Dict[str, Optional[str]] = field(default_factory=dict)  # what this message sets
    alternatives: Tuple[str, ...] = ()  # the NLU's next likely readings, best first
    applied: Tuple[str, ...] = ()  # the names of the rules that shaped it
    safety: Tuple[str, ...] = ()  # said before anything else: "emergency", "medical_advice"
    outside_insurer: Optional[str] = None  # an insurer named that has no product in the manuals
    described_service: Tuple[str, ...] = ()  # the words of a service named in other words ("宠物", "医疗")
    no_open_request: bool = False  # a cancellation asked with no request of the sender's open
    services: Tuple[str, ...] = ()  # the service mentions of this message, in order
    compared: Tuple[str, ...] = ()  # the rows of the comparison it goes on with (turn.compared)
    compared_kind: Optional[str] = None  # the kind of question asked of each of those rows

    @property
    def in_person(self) -> bool:
        return any(w in self.text for w in IN_PERSON_WORDS)

    @property
    def detail(self) -> str:
        """The message without its product, service and place names: what is asked about them."""
        text = self.text
        for mention in sorted(self.mentions, key=len, reverse=True):
            text = text.replace(mention, " ")
        return text


Rule = Callable[[Question, Turn, int, Calibration], Optional[Question]]


def emergency_first(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "我爸突然胸口疼，喘不上气": call 120 first, whatever else is asked; with no service named
    nothing else is asked (the terms: data/safety.yml)."""
    if not SAFETY.is_emergency(q.text):
        return None
    return replace(q, safety=q.safety + ("emergency",), intent=q.intent if turn.services else "safety")


def no_medical_advice(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "发烧了吃布洛芬还是对乙酰氨基酚": no drug or treatment advice, a pointer to a doctor."""
    if not SAFETY.asks_medical_advice(q.detail):
        return None
    return replace(q, safety=q.safety + ("medical_advice",), intent=q.intent if turn.services else "safety")


def insurer_outside_the_manuals(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "我买的是太平洋的医疗险，能用住院陪护吗": an insurer none of the manuals is from (and no
    product of theirs named) is said so plainly (the names: data/insurers.yml)."""
    if q.intent == "safety" or named_products:
        return None
    name = OTHER_INSURERS.named_in(q.text)
    return replace(q, intent="outside_insurer", outside_insurer=name) if name else None


def a_service_in_other_words(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "平安有宠物医疗服务吗", "有没有上门做饭的服务": no service the store knows is named, but one is
    asked for; the words right before 服务 (after the last question word) are kept for the resolve
    step to look up ("平安有哪些服务" names none)."""
    if turn.services or q.intent not in DESCRIBED_SERVICE_QUESTIONS:
        return None
    import jieba

    from knowledge.search import QUESTION_WORDS, STOPWORDS

    match = DESCRIBED_SERVICE.search(q.detail)
    if match is None:
        return None
    words = [w for w in jieba.lcut(match.group(1)) if w.strip()]
    frame = [
        i
        for i, w in enumerate(words)
        if w in QUESTION_WORDS or w in STOPWORDS or w in QUESTION_FRAME or any(x in w for x in INTERROGATIVES)
    ]
    tail = tuple(w for w in words[frame[-1] + 1 if frame else 0 :] if w != "的")
    return replace(q, described_service=tail) if tail else None


# The questions an everyday service is asked with ("带不带洗牙", "能请个月嫂不", "猫病了能走保险的服务吗").
EVERYDAY_QUESTIONS = (*DESCRIBED_SERVICE_QUESTIONS, "ask_eligibility", "nlu_fallback")


def an_everyday_service(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "保单里带不带洗牙啊", "老婆快生了，能用保险的服务请个月嫂不": no service the store knows is named,
    nor one in the words before 服务, but an everyday service is (data/everyday_services.yml): it is
    looked up like a service asked for in other words (not offered when no manual has the word)."""
    if turn.services or q.described_service or q.intent not in EVERYDAY_QUESTIONS:
        return None
    word = next((w for w in EVERYDAY_SERVICES if w in q.detail), None)
    return replace(q, described_service=(word,)) if word else None


def a_cancel_with_nothing_to_cancel(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "申请之后还能反悔不，到哪步就撤不了了" reaches the policy as cancel_request only when the sender has
    no open request: about a service (named, or of the conversation) it asks that service's cancellation
    rule; about none, it is told there is nothing to cancel. Read unsurely (nlu_fallback), with a
    cancellation its likeliest reading, about a service: that service's cancellation rule as well."""
    if q.intent == "nlu_fallback" and q.service_words:
        # read unsurely, most likely as a cancellation: the service's cancellation rule (whether a request
        # is open is not known here: none is said to be missing)
        likely = next((name for name, _ in turn.ranking if name != "nlu_fallback"), None)
        sure = any(name == likely and c >= cal.unsure_question_min_confidence for name, c in turn.ranking)
        return replace(q, intent="ask_cancel") if likely in CANCELLINGS and sure else None
    if q.intent != "cancel_request":
        return None
    return replace(q, intent="ask_cancel" if q.service_words else "nothing_to_cancel", no_open_request=True)


# The NLU's readings of a message that cancels or asks about cancelling.
CANCELLINGS = ("cancel_request", "ask_cancel")


def confirmed_suggestion(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "是的" after "您是指杭州市吗" (or "您是指“住院陪护”吗"): the suggested place or service, and the
    question that was pending."""
    if q.intent != "affirm" or not turn.pending:
        return None
    service = suggested_service(turn.pending)
    if service is not None:
        slots = {**q.slots, "service": service}
        if turn.asked_before and not turn.last_question:
            # "尊享PLUS海外就珍去日本，签证那块能帮忙吗" read as nothing in particular: its words are searched
            # in the service now confirmed, as if it had been named right
            return replace(q, intent="nlu_fallback", text=turn.asked_before, service_words=service, slots=slots)
        return replace(q, intent=turn.last_question or "ask_service_info", service_words=service, slots=slots)
    slots = {**q.slots, "place": turn.pending}
    return replace(q, intent=turn.last_question or "ask_coverage", place_words=turn.pending, slots=slots)


# Words of a number to call (not of a person to talk to: "私人健康管家是学医的吗" asks about the team).
NUMBER_WORDS = ("电话", "热线", "专线", "号码", "一个号", "哪个号", "客服")


def follow_up(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "那乌海呢" repeats the last question with the new place; a bare service or product likewise."""
    if q.intent != "inform":
        return None
    if turn.last_question:
        intent = turn.last_question
    elif turn.places:
        intent = "ask_coverage"
    elif turn.services:
        intent = "ask_service_info"
    elif turn.products:
        # "家里三个人分别是众安PLUS、2023版…打客服是不是都一个号？": a question in words of a number to
        # call, about the products named, asks for their numbers, not their services
        asks_number = any(m in q.detail for m in QUESTION_MARKS) and any(w in q.detail for w in NUMBER_WORDS)
        intent = "ask_hotline" if asks_number else "ask_services"
    else:
        intent = "nlu_fallback"
    return replace(q, intent=intent)


def the_last_question_again_unsurely(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "晚上几点下班" after the hotlines' numbers, read as nlu_fallback (ask_hotline 0.41, ask_time 0.40):
    a message that names nothing and that the NLU finds likely to be the conversation's last question
    asks it again, about what the conversation is on."""
    if q.intent != "nlu_fallback" or not turn.last_question or turn.products or turn.services or turn.places:
        return None
    likely = {n for n, c in turn.ranking if n in QUESTION_INTENTS and c >= cal.unsure_question_min_confidence}
    return replace(q, intent=turn.last_question) if turn.last_question in likely else None


def unsure_about_a_named_service(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "重疾绿通找专家的话大概多久" read as nlu_fallback, but about a named service (or, naming nothing
    else, the service of the conversation: "申请的时候得交哪些单子"): its likeliest question."""
    if q.intent != "nlu_fallback" or not (turn.services or (turn.service and not turn.products and not turn.places)):
        return None
    likely = [
        name
        for name, confidence in turn.ranking
        if name in QUESTION_INTENTS and confidence >= cal.unsure_question_min_confidence
    ]
    return replace(q, intent=likely[0]) if likely else None


# Words that mark a message as the same question again about something else ("那深圳呢", "换成尊享家财的话").
FOLLOW_UP_MARKERS = ("呢", "又", "换成", "换作", "换了", "改成", "那么", "的话", "同样", "一样")
# … and that a thing described is another one than the conversation's ("视频看医生的那个呢").
ANOTHER_THING_MARKERS = (*FOLLOW_UP_MARKERS, "那个")


def the_same_question_about_another_name(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "深圳那边又是什么情况", "换成尊享家财的话能用多少回", "众安PLUS那边又怎么算" read as nlu_fallback
    after a question: a new place, service or product, said as a follow-up, asks the last question
    again about it (before the NLU's next likely reading is tried: the follow-up words say more),
    unless it asks a kind of value of its own (多少回 after "有几项可以挑": a usage limit)."""
    if q.intent != "nlu_fallback" or not turn.last_question or not (turn.places or turn.services or turn.products):
        return None
    if not any(w in q.detail for w in FOLLOW_UP_MARKERS):
        return None
    return replace(q, intent=value_asked(q) or turn.last_question)


def a_reading_needs_its_words(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "平安药品服务能转给家里其他人用吗" read as human_handoff, "出的报告是电子的还是纸的" as ask_hotline,
    "中午12点半打远程问诊有医生接吗" as ask_coverage: each kind of data/intent_words.yml is asked in its own
    words (a coverage question: or with a place); without any, the NLU's next likely question that is said
    in its words, or an unsure one (searched in the conversation's service)."""
    words = INTENT_WORDS.get(q.intent)
    # the conversation's last question carried on ("是这个没错" confirming a name) is not this message's reading
    carried = q.intent == turn.last_question and q.intent != turn.intent
    # an English question's kind was read from its English words (english.py), not the NLU's
    if words is None or carried or is_english(q.text) or words.said_in(q.detail, _placed(q, turn)):
        return None
    return another_reading(q, turn, cal)


def a_question_about_a_service_is_no_handoff(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "打95550申请安盛肿瘤绿通时，客服要跟我确认哪些信息" read as human_handoff (客服 is a handoff's word):
    asked with an interrogative about a named service, it is a question about the service. Of the
    training data's 69 handoff examples one has an interrogative ("人工客服在哪"), and it names no service."""
    if q.intent != "human_handoff" or not turn.services or not any(w in q.detail for w in INTERROGATIVES):
        return None
    return another_reading(q, turn, cal)


def _placed(q: Question, turn: Turn) -> bool:
    return bool(turn.places or turn.heard_places or turn.place or q.place_words)


# With no other reading likely, the question a named service is asked by its words: where it is given
# ("MDT会诊是在哪做的"), what to bring ("去药店拿药我得带点啥").
ASKED_BY_WORDS = (
    ("ask_coverage", ("在哪", "哪里", "哪儿", "什么地方", "啥地方", "哪些城市", "哪个城市", "哪些地方")),
    (
        "ask_materials",
        ("带什么", "带啥", "带点啥", "带哪些", "带些什么", "准备什么", "准备啥", "准备哪些", "交什么", "交啥"),
    ),
)


def another_reading(q: Question, turn: Turn, cal: Calibration) -> Question:
    """The question named by the one kind of value asked, else the NLU's next likely question that is
    said in its words, else the question its words ask of a named service (where it is given, what to
    bring), else an unsure one (searched in the conversation's service)."""
    placed = _placed(q, turn)
    likely = [
        name
        for name, confidence in turn.ranking
        if name in QUESTION_INTENTS
        and name != q.intent
        and (name not in INTENT_WORDS or INTENT_WORDS[name].said_in(q.detail, placed))
        and confidence >= cal.other_reading_min_confidence
    ]
    # "中午12点半…有医生接吗" (next read as which services): the one kind of value asked names the question;
    # with no reading likely, "MDT会诊是在哪做的" asks where a named service is given (ASKED_BY_WORDS)
    asked = next((i for i, words in ASKED_BY_WORDS if q.service_words and any(w in q.detail for w in words)), None)
    return replace(q, intent=value_asked(q) or (likely[0] if likely else asked or "nlu_fallback"))


def value_asked(q: Question) -> Optional[str]:
    """The question named by the one kind of value the detail asks for, about a named service
    (knowledge/lexicon/answer_types.yml: 多少回 a usage limit; 多少钱 a cost; 多久, 几点 a time); None
    when it asks none, or several."""
    if not q.service_words:
        return None
    from knowledge.search import asked_types

    kinds = {t.question for t in asked_types(q.detail) if t.question}
    return kinds.pop() if len(kinds) == 1 else None


def a_value_asked_names_the_question(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "平安康复随访总共能约多少回" read as a coverage question with no place (so unsure): about a
    service, the one kind of value asked for names the question (knowledge/lexicon/answer_types.yml:
    多少回 a number of uses, a usage limit; 多少钱 a cost; 多久 a time)."""
    valued = value_asked(q) if q.intent == "nlu_fallback" else None
    return replace(q, intent=valued) if valued is not None else None


def a_value_asked_where(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "我在成都，自己请护工一天能补多少" read as a coverage question (a place named): a message that asks
    for one kind of value and not whether the service is given there asks for the value (the place may
    be its condition: "一线城市300元/天，其他城市250元/天")."""
    if q.intent != "ask_coverage" or not turn.places or AVAILABILITY.asks_whether(q.detail):
        return None
    valued = value_asked(q)
    return replace(q, intent=valued) if valued is not None else None


def a_value_asked_of_what_to_bring(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "平安垫付材料交齐后审核要多长时间" read as what to bring (材料 is in it): a list of documents has
    no value of a kind to ask for, so a message asking for one (多长时间: a time) asks the question
    that value names, when the NLU found that one likely too (ask_time 0.26)."""
    if q.intent != "ask_materials":
        return None
    valued = value_asked(q)
    likely = {n for n, c in turn.ranking if c >= cal.other_reading_min_confidence}
    return replace(q, intent=valued) if valued in likely else None


# Words of a contact one reaches: a line, or the health manager one writes to (not 电话 alone:
# "AXA那个打电话问医生的，周六能打吗" is about 远程问诊, a service given by phone).
CONTACT_WORDS = ("热线", "专线", "号码", "客服", "呼叫中心", "管家")


def the_hours_of_a_contact(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "想晚上9点下班后微信问下私人健康管家…，那会儿还在吗": a time of day asked of a contact (a number
    or the health manager), no service named, asks for the contact's hours (ask_hotline gives each
    contact with its hours), not for a service's times."""
    if q.intent not in ("ask_time", "nlu_fallback") or turn.services:
        return None
    if not any(w in q.detail for w in CONTACT_WORDS):
        return None
    from knowledge.search import asked_types

    return replace(q, intent="ask_hotline") if any(t.name == "clock" for t in asked_types(q.detail)) else None


# What the NLU reads a message closing the conversation as, when it is unsure ("没事了，我自己再研究研究").
CLOSINGS = ("goodbye", "thanks", "affirm", "stop_request", "deny")
QUESTION_MARKS = ("?", "？", "吗", "呢", "么", "嘛", "怎", "能不能", "可不可以", "是不是", "有没有", "会不会")


def a_closing_said_unsurely(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "没事了，我自己再研究研究", "行吧，就当我没问": no name, nothing asked (no question word or
    mark), and the NLU's likeliest reading but unsure is a closing: acknowledged, never answered with
    a passage of the manuals."""
    if q.intent != "nlu_fallback" or turn.products or turn.services or turn.places:
        return None
    if any(w in q.text for w in QUESTION_MARKS + INTERROGATIVES):
        return None
    likely = next((name for name, _ in turn.ranking if name != "nlu_fallback"), None)
    confident = any(name == likely and c >= cal.other_reading_min_confidence for name, c in turn.ranking)
    return replace(q, intent="closing") if likely in CLOSINGS and confident else None


def a_closing_that_asks(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "有没有不用去医院、在家自己测大便的那种" read as deny (有没有, 不用): in a conversation on a service, a
    message read as a closing that asks something (a question word or mark) is a question about the
    service — the NLU's next likely question said in its words, else an unsure one."""
    if q.intent not in ("deny", "affirm", "thanks", "goodbye") or not q.service_words:
        return None
    if not any(w in q.text for w in QUESTION_MARKS + INTERROGATIVES):
        return None
    return another_reading(q, turn, cal)


def one_product_is_not_a_comparison(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "平安的住院垫付和别家比怎么样" names one product: not a comparison, searched as unsure."""
    if q.intent == "ask_compare" and named_products == 1 and len(set(turn.services)) == 1:
        return replace(q, intent="nlu_fallback")
    return None


# Words of applying for a service ("想申请", "怎么约"): a number asked with them is the way to apply.
APPLY_WORDS = ("申请", "预约", "办理", "怎么约", "去哪约", "在哪约")


def applying_by_phone(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "康复护理指导想申请，点哪里或者打哪个电话": a number asked to apply for a named service is how
    to apply for it (its channels and steps), not the product's hotlines."""
    if q.intent == "ask_hotline" and turn.services and any(w in q.detail for w in APPLY_WORDS):
        return replace(q, intent="ask_apply")
    return None


# Words that ask how a thing is done.
HOW_WORDS = ("怎么", "咋", "如何", "怎样", "流程", "步骤", "操作", "手续")


def how_to_apply(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "海南国际特药想申请，具体咋操作" read as what the service is: applying asked how (申请 and 咋操作)
    of a named service is how to apply for it."""
    if q.intent != "ask_service_info" or not turn.services:
        return None
    if any(w in q.detail for w in APPLY_WORDS) and any(w in q.detail for w in HOW_WORDS):
        return replace(q, intent="ask_apply")
    return None


def what_a_service_holds(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "重疾绿通都包括些什么": "which services" about one named service asks what it holds."""
    if q.intent == "ask_services" and turn.services:
        return replace(q, intent="ask_service_info")
    return None


def several_products_compared(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "安盛、平安的垫付要什么材料": a question naming two products and a service compares them."""
    if len(set(turn.products)) >= 2 and named_products >= 2 and turn.services and q.intent in QUESTION_INTENTS:
        return replace(q, intent="ask_compare")
    return None


_ALTERNATIVE_LEFT = re.compile(r"[，,。？?！!\s]|是|用")
_ALTERNATIVE_RIGHT = re.compile(r"[，,。？?！!\s吗呢啊呀]")


def either_or(detail: str) -> Tuple[str, ...]:
    """The two things an either-or question offers: "报告是中文的还是英文的" → (中文, 英文),
    "是网上视频会诊，还是要本人去医院当面" → (网上视频会诊, 本人去医院当面); () when it offers none."""
    left, sep, right = detail.partition("还是")
    if not sep:
        return ()
    first = _ALTERNATIVE_LEFT.split(left.rstrip("，, "))[-1].removesuffix("的")
    second = _ALTERNATIVE_RIGHT.split(right)[0].lstrip("要得用是").removesuffix("的")
    return (first, second) if first and second else ()


# "A跟B，哪个快": two things joined, then which of them (a comparison within one service).
_TWO_COMPARED = re.compile(r"([^，,。？?！!\s]+?)(?:跟|和|与|同)([^，,。？?！!\s]+?)[，,\s]*(?:哪个|哪一个|哪种|谁)")


def compared_pair(detail: str) -> Tuple[str, ...]:
    """The two things a which-of-them question compares: "约门诊跟约住院，哪个安排起来快点" → (约门诊,
    约住院); () when it compares none."""
    m = _TWO_COMPARED.search(detail)
    return (m.group(1), m.group(2)) if m and len(m.group(1)) >= 2 and len(m.group(2)) >= 2 else ()


# Words of using a service again ("第二回住院了还能再办吗", "上回用掉了，这次还有没有份").
AGAIN_WORDS = (
    "再用", "再办", "再来", "再申请", "再叫", "再做", "再约", "还能再", "第二回", "第二次", "两回", "两次",
    "又住", "又开刀", "又要", "用掉了", "用过了", "用完了", "用过一次", "还有没有份", "还有份", "剩几次", "还剩",
)  # fmt: skip
READ_AS_ELIGIBILITY = ("ask_eligibility", "ask_service_info", "ask_coverage", "nlu_fallback")


def using_it_again(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "今年已经是第二回住院了，住院垫付还能再办吗": whether a service can be used again is its usage limit
    (per stay, per year), not who may use it."""
    if (
        q.service_words
        and q.intent in READ_AS_ELIGIBILITY
        and not turn.places
        and any(w in q.text for w in AGAIN_WORDS)
    ):
        return replace(q, intent="ask_usage_limit")
    return None


# Words that set two things side by side ("哪个更快", "分别", "有区别吗").
COMPARING_WORDS = (
    "哪个", "哪一个", "哪样", "哪家", "分别", "各自", "各要", "各多", "区别", "差别", "差异", "不同", "不一样", "一样",
    "相比", "比较", "更快", "更久", "更早", "更好", "划算", "哪边",
)  # fmt: skip


def several_services_compared(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "安盛基因检测报告和二诊意见报告，哪个出得更快": two services named and set side by side compare them."""
    if len(set(turn.services)) >= 2 and q.intent in QUESTION_INTENTS and any(w in q.text for w in COMPARING_WORDS):
        return replace(q, intent="ask_compare")
    return None


# The questions a comparison's follow-up asks of each row it compared (where is one product's coverage,
# which services one product's list).
ASKED_OF_EACH = tuple(i for i in QUESTION_INTENTS if i not in ("ask_coverage", "ask_services", "ask_compare"))


def the_comparison_goes_on(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "那分别能做几次" after "基因检测的报告，AXA和众安PLUS谁出得快点": a question after a comparison that
    names no product, place or other service asks it of each product compared (the same rows)."""
    if not turn.compared or turn.products or turn.places or (turn.services and q.slots.get("service") != turn.service):
        return None
    if q.intent in ASKED_OF_EACH:
        return replace(q, intent="ask_compare", compared=turn.compared, compared_kind=q.intent)
    if q.intent == "ask_compare" or (q.intent == "nlu_fallback" and any(w in q.text for w in COMPARING_WORDS)):
        return replace(q, intent="ask_compare", compared=turn.compared)
    return None


# Words that point back to the place of the conversation ("那边", "当地").
THERE = ("那边", "那里", "那儿", "那块", "那头", "这边", "这里", "这儿", "当地", "本地")
# The kinds a yes/no "can I get it" question is often read as; a question read as any other kind keeps it.
READ_AS_AVAILABILITY = (
    "ask_service_info",
    "ask_eligibility",
    "ask_time",
    "ask_usage_limit",
    "ask_apply",
    "nlu_fallback",
)


def a_place_asks_whether_it_is_there(
    q: Question, turn: Turn, named_products: int, cal: Calibration
) -> Optional[Question]:
    """ "带老人在毫州看病，平安陪诊能安排不": a yes/no question about getting a service, with a place named
    in it and no detail asked, is whether the service is given there (the words: data/availability.yml)."""
    if not turn.places or not q.service_words or q.intent not in READ_AS_AVAILABILITY:
        return None
    return replace(q, intent="ask_coverage") if AVAILABILITY.asks_whether(q.detail) else None


def the_place_said_before(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "安盛的绿通在那里又怎么样" after whether 众安's 重疾绿通 is given in 宁波: another product or service,
    asked of the place said before (那里, 当地 …) in a conversation on where services are given, asks
    the same — unless it asks for a kind of value ("那边几天能排上": a time)."""
    if q.intent not in READ_AS_AVAILABILITY or turn.last_question != "ask_coverage" or turn.places:
        return None
    if not turn.place or not (turn.products or turn.services) or not any(w in q.detail for w in THERE):
        return None
    return replace(q, intent="ask_coverage") if value_asked(q) is None else None


def another_service_starts_afresh(q: Question, turn: Turn, named_products: int, cal: Calibration) -> Optional[Question]:
    """ "平安二诊在哪些城市能用" after a question on 会诊 in 成都 does not inherit 成都
    ("那二诊呢" does: that is a follow-up, intent inform)."""
    if not turn.places and turn.intent != "inform" and turn.services and q.slots.get("service") != turn.service:
        if any(w in q.detail for w in THERE):  # "平安的住院陪护在那边行不行": the place said before
            return None
        return replace(q, place_words=None) if q.place_words is not None else None
    return None


RULES: List[Rule] = [
    emergency_first,
    no_medical_advice,
    insurer_outside_the_manuals,
    a_service_in_other_words,
    an_everyday_service,
    a_cancel_with_nothing_to_cancel,
    confirmed_suggestion,
    follow_up,
    the_same_question_about_another_name,
    the_last_question_again_unsurely,
    unsure_about_a_named_service,
    a_reading_needs_its_words,
    a_question_about_a_service_is_no_handoff,
    a_value_asked_names_the_question,
    a_value_asked_where,
    a_value_asked_of_what_to_bring,
    the_hours_of_a_contact,
    a_closing_said_unsurely,
    a_closing_that_asks,
    one_product_is_not_a_comparison,
    applying_by_phone,
    how_to_apply,
    what_a_service_holds,
    several_products_compared,
    several_services_compared,
    the_comparison_goes_on,
    a_place_asks_whether_it_is_there,
    the_place_said_before,
    using_it_again,
    another_service_starts_afresh,
]


def interpret(turn: Turn, named_products: int = 0, cal: Calibration = CALIBRATION) -> Question:
    """The one question this message asks, after every rule of ``RULES`` in order."""
    slots: Dict[str, Optional[str]] = {}
    if turn.services:
        # "重大疾病住院护工能陪护多少天": the longest mention names the service, the short one is a verb
        slots["service"] = max(reversed(turn.services), key=len)
    if turn.places:
        slots["place"] = turn.places[-1]
    q = Question(
        intent=turn.intent,
        text=turn.text,
        service_words=slots.get("service") or turn.service,
        place_words=slots.get("place") or turn.place,
        mentions=tuple(turn.products + turn.services + turn.places),
        slots=slots,
        services=tuple(dict.fromkeys(turn.services)),
    )
    for rule in RULES:
        changed = rule(q, turn, named_products, cal)
        if changed is not None:
            q = replace(changed, applied=q.applied + (rule.__name__,))
    others = tuple(
        name
        for name, confidence in turn.ranking[1 : 1 + cal.other_readings_tried]
        if name != q.intent and confidence >= cal.other_reading_min_confidence
    )
    return replace(q, alternatives=others)
