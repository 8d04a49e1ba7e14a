"""Is a held-out question really held out?  Compared as the model sees it, not as it is typed.

The NLU replaces every product, service and place mention with its type before the featurizers
run (``bot.components.knowledge_entities``), so "温州能用安盛的住院垫付吗" and
"哈尔滨能用众安的垫付吗" are one training example to the classifier.  A test question is only
held out when its *template* (names masked, punctuation and case folded) is neither equal to a
training template nor a near-duplicate of one (similarity >= NEAR, rapidfuzz's normalised
Indel ratio: one character or particle apart in a short question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence

from rapidfuzz import fuzz, process

from knowledge.vocabulary import MentionFinder

NEAR = 90.0  # percent; "能用吗" vs "可用吗" in a ten-character template is about 0.8, one particle about 0.93
_PUNCT = re.compile(r"[\s，,。.？?！!~～、：:；;“”\"'（）()]")


def template(text: str, finder: MentionFinder) -> str:
    """The question as the intent classifier sees it: mentions replaced by their type, punctuation dropped."""
    out, last = [], 0
    for m in finder.find(text):
        out += [text[last : m.start], f"<{m.entity}>"]
        last = m.end
    out.append(text[last:])
    return _PUNCT.sub("", "".join(out)).lower()


@dataclass(frozen=True)
class Overlap:
    question: str
    training: str
    template: str
    similarity: float  # 100 for the same template


def overlaps(
    questions: Iterable[str], training: Iterable[str], finder: MentionFinder, near: float = NEAR
) -> List[Overlap]:
    """Held-out questions whose template equals or nearly equals a training example's template."""
    train_texts = list(dict.fromkeys(training))
    train_templates = [template(t, finder) for t in train_texts]
    exact: Dict[str, str] = {}
    for text, tpl in zip(train_texts, train_templates, strict=True):
        exact.setdefault(tpl, text)
    found: List[Overlap] = []
    pending: List[tuple] = []
    for q in dict.fromkeys(questions):
        tpl = template(q, finder)
        if tpl in exact:
            found.append(Overlap(q, exact[tpl], tpl, 100.0))
        else:
            pending.append((q, tpl))
    if pending and train_templates:
        scores = process.cdist(
            [t for _, t in pending], train_templates, scorer=fuzz.ratio, score_cutoff=near, workers=-1
        )
        for (q, tpl), row in zip(pending, scores, strict=True):
            best = int(row.argmax())
            if row[best] >= near:
                found.append(Overlap(q, train_texts[best], tpl, float(row[best])))
    return found


def store_finder(kb: Optional[object] = None) -> MentionFinder:
    """The mention finder of the knowledge store the model is trained from."""
    from knowledge.api import KnowledgeBase
    from knowledge.vocabulary import store_forms

    return MentionFinder(store_forms(kb or KnowledgeBase.open()))


def training_questions(paths: Sequence) -> List[str]:
    """Every NLU example text of the given training files."""
    from rasa.shared.nlu.training_data.loading import load_data

    out: List[str] = []
    for p in paths:
        if "nlu:" in p.read_text("utf-8"):
            out += [m.get("text") for m in load_data(str(p)).training_examples]
    return out
