"""What the policy is given for one message: the NLU's reading and the conversation's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

# The intents that ask something of the manuals (the request desk hands these back to the policy).
QUESTION_INTENTS = (
    "ask_coverage",
    "ask_usage_limit",
    "ask_time",
    "ask_advance_notice",
    "ask_waiting_period",
    "ask_cooling_off",
    "ask_sharing",
    "ask_eligibility",
    "ask_apply",
    "ask_materials",
    "ask_cost",
    "ask_cancel",
    "ask_hotline",
    "ask_services",
    "ask_compare",
    "ask_service_info",
)


@dataclass
class Turn:
    """What the NLU understood of one user message, and the context so far."""

    text: str
    intent: str
    products: List[str] = field(default_factory=list)  # mentions in this message
    services: List[str] = field(default_factory=list)
    places: List[str] = field(default_factory=list)
    product: Optional[str] = None  # slots: product id
    service: Optional[str] = None  # the user's words for the service
    place: Optional[str] = None
    last_question: Optional[str] = None
    pending: Optional[str] = None  # a place or a service we suggested ("您是指…吗"): see suggested_service
    ranking: List[Tuple[str, float]] = field(default_factory=list)  # the NLU's other readings, best first
    heard_places: List[str] = field(default_factory=list)  # words that sound like a place ("杭洲"): see understand
    asked_before: Optional[str] = None  # the message before this one: what a "是的" to "您是指…吗" confirms
    compared: Tuple[str, ...] = ()  # the last answer's comparison rows, as compared_row() keys


def join_places(mentions: Sequence[Tuple[int, int, str]]) -> List[str]:
    """Adjacent place mentions are one place (浙江 + 杭州 → 浙江杭州; 杭州市 + 西湖区 → 杭州市西湖区)."""
    out: List[str] = []
    last_end = None
    for start, end, text in sorted(mentions):
        if out and last_end == start:
            out[-1] += text
        else:
            out.append(text)
        last_end = end
    return out


def compared_row(product_id: str, service: str) -> str:
    """One row of a comparison as the ``compared`` slot keeps it ("axa_tianping|靶向用药基因检测服务")."""
    return f"{product_id}|{service}"


def compared_rows(compared: Sequence[str]) -> List[Tuple[str, str]]:
    """The (product id, service name) rows of a ``compared`` slot."""
    return [tuple(row.split("|", 1)) for row in compared if "|" in row]  # type: ignore[misc]


# The ``pending`` slot holds the place we suggested ("杭州市"), or the service, marked with this prefix
# ("service:住院陪护"): one slot for the one question a "是的" can confirm.
SERVICE_SUGGESTION = "service:"


def suggested_service(pending: Optional[str]) -> Optional[str]:
    """The service words of a pending service suggestion; None when the suggestion is a place (or none)."""
    if pending and pending.startswith(SERVICE_SUGGESTION):
        return pending[len(SERVICE_SUGGESTION) :]
    return None
