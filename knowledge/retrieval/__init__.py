"""The retrieval development sets (dev.yml; dev_b.yml to check on; product_dev.yml, questions that
name no service): questions in customers' own wording with the passage that answers each, or none
when the manual does not state the thing asked.

It exists so that the focused search (``KnowledgeBase.focus_passage``) is measured and its
threshold calibrated on questions that are neither in the evaluation suite nor in the NLU data:
a threshold tuned on the suite makes the suite's figures look better than the assistant is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

DEV_PATH = Path(__file__).with_name("dev.yml")
# A second check set, written later by other sessions in the same way: measured, never calibrated
# on (the calibration half of dev.yml stays what every threshold was set on).
DEV_B_PATH = Path(__file__).with_name("dev_b.yml")
# Questions that name no service (about the product, or a service described): for the factor a
# service's sentence needs to answer them (knowledge.api.OTHER_SERVICE_FACTOR).
PRODUCT_DEV_PATH = Path(__file__).with_name("product_dev.yml")
# Questions the manual does not answer, and look-alikes it does: for what the manual does not state
# (knowledge/gaps.py, benchmarks/bench_gaps.py); apart from dev.yml, so the focus threshold's
# calibration half stays as it was.
GAPS_DEV_PATH = Path(__file__).with_name("gaps_dev.yml")
# Every set that measures the search, which the hooks and each other must not copy.
MEASURING_SETS = (DEV_PATH, DEV_B_PATH, PRODUCT_DEV_PATH, GAPS_DEV_PATH)
HOOKS_DIR = Path(__file__).with_name("hooks")
# Ways customers ask for each item of a service's printed list (knowledge.lists.item_asked).
ITEM_HOOKS_PATH = Path(__file__).with_name("item_hooks.yml")


@dataclass(frozen=True)
class Hook:
    """Ways customers ask for one manual sentence (the 标准问 / 相似问 pattern of customer-service
    knowledge bases): indexed with the sentence by the focused search, never shown."""

    product: str  # store product id
    service: Optional[str]  # store service name; None: a product-wide sentence
    sentence: str  # an exact substring of the one passage it is for
    asks: Tuple[str, ...]


def load_item_hooks(path: Path = ITEM_HOOKS_PATH) -> Dict[Tuple[str, str], Dict[str, Tuple[str, ...]]]:
    """By (product, service): each item of its printed list with the ways customers ask for it
    (item_hooks.yml, written from the manuals by a session that saw none of the suite, the NLU data
    or the development sets)."""
    out: Dict[Tuple[str, str], Dict[str, Tuple[str, ...]]] = {}
    raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    for h in raw.get("items") or []:
        out.setdefault((h["product"], h["service"]), {})[str(h["item"])] = tuple(str(a) for a in h["asks"])
    return out


def load_hooks(folder: Path = HOOKS_DIR) -> List[Hook]:
    """Every hook of hooks/*.yml (one file per manual, written from the manual, never from the
    suite, the NLU data or the development set)."""
    out: List[Hook] = []
    for path in sorted(Path(folder).glob("*.yml")):
        for h in (yaml.safe_load(path.read_text("utf-8")) or {}).get("hooks") or []:
            out.append(Hook(h["product"], h.get("service"), str(h["sentence"]), tuple(str(a) for a in h["asks"])))
    return out


@dataclass(frozen=True)
class DevItem:
    q: str
    product: str  # store product id
    service: Optional[str]  # store service name; None: a product-wide question
    kind: str
    expect: Tuple[str, ...]  # substrings of the answering passage (any); empty: no passage answers

    @property
    def answerable(self) -> bool:
        return bool(self.expect)

    def matches(self, text: str) -> bool:
        """Whether a passage's text is the expected one."""
        return any(e in text for e in self.expect)


def load_dev(path: Path = DEV_PATH) -> List[DevItem]:
    raw = yaml.safe_load(Path(path).read_text("utf-8"))["items"]
    out = []
    for r in raw:
        expect = r.get("expect")
        expect = () if expect is None else (expect,) if isinstance(expect, str) else tuple(expect)
        out.append(DevItem(r["q"], r["product"], r.get("service"), r["kind"], expect))
    return out


def _key(item: DevItem) -> str:
    return hashlib.sha1(item.q.encode("utf-8")).hexdigest()


def split(items: Sequence[DevItem]) -> Tuple[List[DevItem], List[DevItem]]:
    """(calibration, check): within each product, answerable and unanswerable apart, the items
    ordered by a hash of their question and dealt alternately, so both halves cover every product
    and both outcomes, and adding an item moves few others."""
    calibration: List[DevItem] = []
    check: List[DevItem] = []
    groups: dict = {}
    for it in items:
        groups.setdefault((it.product, it.answerable), []).append(it)
    for _, group in sorted(groups.items()):
        for i, it in enumerate(sorted(group, key=_key)):
            (calibration if i % 2 == 0 else check).append(it)
    return calibration, check
