"""The policy's word lists, read once from data/ (one file per list, so each is kept in one place)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Safety:
    emergency: Tuple[str, ...]  # words of a message describing a medical emergency
    medical_advice: Tuple[str, ...]  # words of a question asking for a drug or a treatment
    manual_words: Tuple[str, ...]  # the manuals' words in their own sentences on emergencies
    service_names: Tuple[str, ...]  # names of the manuals' services that help in one (绿通)
    doctor_services: Tuple[str, ...]  # names of the manuals' services for talking to a doctor

    def is_emergency(self, text: str) -> bool:
        """The message describes a medical emergency (call 120 first, whatever else is going on)."""
        return any(w in text for w in self.emergency)


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
    return Safety(*(tuple(d[k]) for k in Safety.__dataclass_fields__))


def _insurers() -> OtherInsurers:
    d = _read("insurers.yml")
    return OtherInsurers(tuple(d["insurers"]), tuple(d.get("not_insurers") or ()))


@dataclass(frozen=True)
class Availability:
    asks: Tuple[str, ...]  # words of asking to get a service (能, 安排, 约 …)
    endings: Tuple[str, ...]  # how a yes/no question ends (吗, 不, 能不能 …)
    detail: Tuple[str, ...]  # words that ask for a detail instead (几, 多久, 怎么 …)

    def asks_whether(self, text: str) -> bool:
        """A yes/no question about getting something, asking for no detail."""
        core = text.strip().rstrip("？?。.！!~～ 呀啊呢哈")
        return (
            any(w in core for w in self.asks)
            and any(core.endswith(e) for e in self.endings)
            and not any(w in core for w in self.detail)
        )


def _availability() -> Availability:
    d = _read("availability.yml")
    return Availability(tuple(d["asks"]), tuple(d["endings"]), tuple(d["detail"]))


SAFETY = _safety()
AVAILABILITY = _availability()
QUESTION_FRAME = tuple(_read("question_words.yml"))
OTHER_INSURERS = _insurers()
