"""The policy's word lists, read once from data/ (one file per list, so each is kept in one place)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Safety:
    emergency: Tuple[str, ...]  # words of a message describing a medical emergency
    medical_advice: Tuple[str, ...]  # words of a question asking for a drug or a treatment
    manual_words: Tuple[str, ...]  # the manuals' words in their own sentences on emergencies
    service_names: Tuple[str, ...]  # names of the manuals' services that help in one (绿通)
    doctor_services: Tuple[str, ...]  # names of the manuals' services for talking to a doctor
    conditions: Tuple[str, ...]  # emergency words that also name a disease on a list (心梗, 中风)
    not_acute: Tuple[str, ...]  # words of a past illness, a diagnosis or a list (后遗症, 确诊, 清单)
    patterns: Tuple["re.Pattern[str]", ...] = ()  # the red flags as customers describe them
    advice_patterns: Tuple["re.Pattern[str]", ...] = ()  # requests for a drug or a dose as customers word them

    def asks_medical_advice(self, text: str) -> bool:
        """The message asks for a drug, a dose or a treatment: no advice, a pointer to a doctor."""
        return any(w in text for w in self.medical_advice) or any(p.search(text) for p in self.advice_patterns)

    def is_emergency(self, text: str) -> bool:
        """The message describes a medical emergency (call 120 first, whatever else is going on):
        a symptom, or a condition named with no word of a past illness or a list."""
        if any(p.search(text) for p in self.patterns):
            return True
        found = [w for w in self.emergency if w in text]
        if any(not any(c in w or w in c for c in self.conditions) for w in found):
            return True
        return bool(found) and not any(w in text for w in self.not_acute)


@dataclass(frozen=True)
class OtherInsurers:
    names: Tuple[str, ...]  # insurers with no product in the manuals
    not_names: Tuple[str, ...]  # words that contain such a name without meaning it

    def named_in(self, text: str) -> Optional[str]:
        """The first outside insurer the text names (the longest at a place), or None."""
        for word in self.not_names:
            text = text.replace(word, " ")
        found = [(text.find(n), -len(n), n) for n in self.names if n in text]
        return min(found)[2] if found else None


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text("utf-8"))


def _safety() -> Safety:
    d = _read("safety.yml")
    words = {k: tuple(d[k]) for k in Safety.__dataclass_fields__ if not k.endswith("patterns")}
    compiled = {k: tuple(re.compile(p) for p in d.get(k, ())) for k in ("patterns", "medical_advice_patterns")}
    return Safety(**words, patterns=compiled["patterns"], advice_patterns=compiled["medical_advice_patterns"])


def _insurers() -> OtherInsurers:
    d = _read("insurers.yml")
    return OtherInsurers(tuple(d["insurers"]), tuple(d.get("not_insurers") or ()))


@dataclass(frozen=True)
class Availability:
    asks: Tuple[str, ...]  # words of asking to get a service (能, 安排, 约 …)
    endings: Tuple[str, ...]  # how a yes/no question ends (吗, 不, 能不能 …)
    either_or: Tuple[str, ...]  # the A-not-A form of a yes/no question, anywhere in it (有没有, 会不会 …)
    detail: Tuple[str, ...]  # words that ask for a detail instead (几, 多久, 怎么 …)

    def asks_whether(self, text: str) -> bool:
        """A yes/no question about getting something, asking for no detail."""
        core = text.strip().rstrip("？?。.！!~～ 呀啊呢哈")
        return any(w in core for w in self.asks) and self.is_yes_no(text)

    def is_yes_no(self, text: str) -> bool:
        """A yes/no question ("这种得先走预授权不", "护工管这个吗"), asking for no detail."""
        core = text.strip().rstrip("？?。.！!~～ 呀啊呢哈")
        return (any(core.endswith(e) for e in self.endings) or any(w in core for w in self.either_or)) and not any(
            w in core for w in self.detail
        )


def _availability() -> Availability:
    d = _read("availability.yml")
    return Availability(tuple(d["asks"]), tuple(d["endings"]), tuple(d["either_or"]), tuple(d["detail"]))


@dataclass(frozen=True)
class ListWords:
    membership: Tuple[str, ...]  # words asking whether one thing is on a list (算不算, 有没有 …)
    whole: Tuple[str, ...]  # words asking for the whole list (哪些, 清单 …)
    people: Tuple[str, ...]  # the asker's words, never the thing asked about (我爸, 确诊 …)
    filler: Tuple[str, ...] = ()  # words that ask nothing (到底, 究竟 …)
    where: Tuple[str, ...] = ()  # words of asking where (城市, 医院 …): a coverage question
    membership_patterns: Tuple["re.Pattern[str]", ...] = ()
    whole_patterns: Tuple["re.Pattern[str]", ...] = ()
    hospitals_patterns: Tuple["re.Pattern[str]", ...] = ()

    def asks_hospitals(self, text: str) -> bool:
        """Which hospitals ("能约哪几家医院", "有医院名单吗"), asked beside whether a place is covered."""
        return any(p.search(text) for p in self.hospitals_patterns)

    def asks_membership(self, text: str) -> bool:
        return any(w in text for w in self.membership) or any(p.search(text) for p in self.membership_patterns)

    def asks_whole(self, text: str) -> bool:
        return any(w in text for w in self.whole) or any(p.search(text) for p in self.whole_patterns)


def _list_words() -> ListWords:
    d = _read("list_words.yml")
    words = {k: tuple(d[k]) for k in ("membership", "whole", "people", "filler", "where")}
    patterns = {
        k: tuple(re.compile(p) for p in d.get(k, ()))
        for k in ("membership_patterns", "whole_patterns", "hospitals_patterns")
    }
    return ListWords(**words, **patterns)


def _compare_details() -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    return tuple((intent, tuple(words)) for intent, words in _read("compare_details.yml").items())


def compared_detail(text: str) -> Optional[str]:
    """The question kind a comparison asks about ("哪个出报告快" → ask_time), or None."""
    return next((intent for intent, words in COMPARE_DETAILS if any(w in text for w in words)), None)


@dataclass(frozen=True)
class Requests:
    request: Tuple[str, ...]  # words of asking for the service to be arranged (帮我, 约个 …)
    how: Tuple[str, ...]  # words of asking how it is done (怎么, 流程 …)
    question: "re.Pattern[str]"  # a question's ending or its A-not-A form

    def is_question(self, text: str) -> bool:
        """A question about a service, not a request for one: asks how, or is worded as a question
        with no word of asking for it to be arranged."""
        text = text.strip()
        if any(w in text for w in self.how):
            return True
        return bool(self.question.search(text)) and not self.asks_arranging(text)

    def asks_arranging(self, text: str) -> bool:
        """A word of asking for the service to be arranged, not inside a relative clause: "帮我建好的健康档案"
        names something done before ("帮我…的" before a noun), "帮我约个陪诊" asks for it."""
        return any(
            not _RELATIVE_CLAUSE.match(text, m.end()) for w in self.request for m in re.finditer(re.escape(w), text)
        )


# what follows a request word in a relative clause: a verb or two and 的 ("帮我建好的", "给我开的")
_RELATIVE_CLAUSE = re.compile(r"[\u4e00-\u9fff]{1,3}的")


def _requests() -> Requests:
    d = _read("request_words.yml")
    return Requests(tuple(d["request"]), tuple(d["how"]), re.compile(d["question"]))


@dataclass(frozen=True)
class IntentWords:
    """The words (any) or the pattern a message read as one kind of question says it with."""

    words: Tuple[str, ...]
    pattern: "re.Pattern[str]"
    places: bool = False  # a place named (now or earlier in the conversation) says it too

    def said_in(self, text: str, places: bool = False) -> bool:
        """Said in ``text`` (``places``: a place is named in the message or the conversation)."""
        if self.places and places:
            return True
        text = text.lower()
        return any(w in text for w in self.words) or bool(self.pattern.search(text))


def _intent_words() -> Dict[str, IntentWords]:
    return {
        intent: IntentWords(
            tuple(str(w) for w in d["words"]), re.compile(d.get("pattern") or "(?!)"), bool(d.get("places"))
        )
        for intent, d in _read("intent_words.yml").items()
    }


SAFETY = _safety()
REQUESTS = _requests()
COMPARE_DETAILS = _compare_details()
LIST_WORDS = _list_words()
AVAILABILITY = _availability()
QUESTION_FRAME = tuple(_read("question_words.yml"))
INTENT_WORDS = _intent_words()
OTHER_INSURERS = _insurers()
EVERYDAY_SERVICES = tuple(str(w) for w in _read("everyday_services.yml")["words"])
