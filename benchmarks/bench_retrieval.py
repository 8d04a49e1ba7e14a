"""The focused search (KnowledgeBase.focus_passage) on the retrieval development set.

    .venv/bin/python benchmarks/bench_retrieval.py

Reads knowledge/retrieval/dev.yml (customers' wording, kept apart from the suite and the NLU data;
split into a calibration and a check half by knowledge.retrieval.split) and prints, for the search
as it was (word BM25, kb.search) and for each option tried (knowledge.search.FocusOptions):
top-1 and top-3 accuracy on the answerable questions, then, at the threshold calibrated on the
calibration half only, how many answerable questions get the right sentence, how many get a wrong
one, and how many unanswerable ones get a sentence at all (false matches) — per split. A secondary
line gives the shipped suite's single-turn rule/faq questions: how often the focus sentence at
that threshold holds every fact the suite expects (a loose figure: the structured facts answer
many of them, not the focus sentence).

The question is searched as the answer policy searches it: product, service and place names
left out (the mentions the store's MentionFinder finds, as the NLU's entity extractor does).
`--failures` lists the calibration half's misses (never the check half's), `--kinds` the check
half's right sentences per kind of question; option names as arguments run only those.

Figures (2026-12-02; dev set 179 questions: calibration 91 = 80 answerable + 11 not, check 88 =
78 + 10; "right"/"wrong": the sentence shown at the threshold, of the answerable; "false": a
sentence shown for a question the manual does not answer). One change at a time:

    option (FocusOptions)            thr    calibration: top1  top3 right wrong false | check: top1  top3 right wrong false
    before: kb.search, word BM25     3.4*                42.5  56.2  33.8  22.5  4/11 |        47.4  62.8  46.2  19.2  4/10
      same, threshold recalibrated   1.898               42.5  56.2  42.5  25.0  4/11 |        47.4  62.8  47.4  26.9  4/10
    + synonym lexicon                7.544               68.8  85.0  57.5  12.5  1/11 |        65.4  84.6  50.0  15.4  4/10
    + lexicon at half weight         3.319               68.8  86.2  65.0  18.8  4/11 |        65.4  84.6  62.8  21.8  4/10
    normalised BM25 (words)          0.311               42.5  56.2  20.0   5.0  2/11 |        47.4  62.8  24.4   7.7  4/10
    normalised + lexicon             0.315               68.8  85.0  53.8   8.8  2/11 |        65.4  84.6  48.7  15.4  4/10
    + char-bigram BM25 x0.5          2.849               45.0  56.2  43.8  22.5  4/11 |        50.0  66.7  50.0  26.9  4/10
    + char-bigram BM25 x1            5.762               45.0  56.2  40.0  15.0  4/11 |        50.0  67.9  48.7  20.5  4/10
    chars x1 + lexicon               6.796               71.2  83.8  68.8  17.5  4/11 |        70.5  88.5  69.2  19.2  4/10
    chars x1 + lexicon x0.5 (CHOSEN) 3.494               75.0  85.0  75.0  16.2  4/11 |        70.5  89.7  70.5  21.8  4/10
    chars x0.5 + lexicon x0.5        2.611               73.8  85.0  73.8  17.5  4/11 |        71.8  88.5  71.8  21.8  4/10
    chars x2 + lexicon x0.5          5.260               75.0  85.0  75.0  16.2  4/11 |        71.8  89.7  71.8  20.5  4/10
    normalised chars x1 + lex x0.5   0.218               75.0  85.0  75.0  15.0  4/11 |        70.5  89.7  66.7  21.8  4/10
    (* the threshold the search shipped with, calibrated by hand on the suite)

Answer types (2026-12-02, knowledge/lexicon/answer_types.yml: the question asks for an amount, a
duration, a clock time …, and a passage prints one), on top of the chosen option, whose figures had
moved to 73.8 / 71.8 with the lexicon's later words:

    option                           thr    calibration: top1  top3 right wrong false | check: top1  top3 right wrong false
    chars x1 + lexicon x0.5          3.494               73.8  85.0  73.8  17.5  4/11 |        71.8  89.7  71.8  20.5  4/10
      x (1 + 0.5) if of the type     3.494               73.8  85.0  73.8  17.5  4/11 |        73.1  89.7  73.1  19.2  4/10
      + 2 in the service if of type  1.000               76.2  87.5  76.2  18.8  4/11 |        71.8  89.7  71.8  23.1  4/10
      x 1.5 and + 4                  3.494               76.2  87.5  76.2  17.5  4/11 |        71.8  88.5  71.8  20.5  4/10
      + 4 in the service (CHOSEN)    3.494               76.2  87.5  76.2  17.5  4/11 |        73.1  89.7  73.1  19.2  4/10
      + 4, the typed ones first      3.493               75.0  87.5  75.0  18.8  4/11 |        70.5  88.5  70.5  21.8  4/10
      typed ones first, no bonus     3.493               73.8  85.0  73.8  17.5  4/11 |        71.8  89.7  71.8  20.5  4/10
    ("typed ones first": every passage of the type asked ranked above the others; tried for the
    hours asked as a clock time, "12点半打有人接吗", and dropped: worse on the calibration half.)

The clock words 半夜 / 凌晨 were added after reading the calibration half's misses (晚上, 周末 … were
tried and dropped: "护工晚上睡哪里" describes a time, it does not ask for one).
With "多少家" / "几组" among the words asking for a number of people or places, and a clock time in
the question ("12点半") asking for the hours: calibration 77.5 / 87.5, right 77.5, wrong 16.2; check unchanged.
Question hooks (2026-12-02, knowledge/retrieval/hooks/: 233 manual sentences with 640 ways customers
ask for them, written from the manuals by sessions that never saw the suite, the NLU data or this
set; tests/test_hooks.py keeps all three held out from them), on top of the chosen option:

    option                           thr    calibration: top1  top3 right wrong false | check: top1  top3 right wrong false
    no hooks                         3.493               77.5  87.5  77.5  16.2  4/11 |        73.1  89.7  73.1  19.2  4/10
    hooks x0.5                       0.619               82.5  90.0  82.5  13.8  4/11 |        78.2  96.2  78.2  20.5  4/10
    hooks x1 (CHOSEN)                1.313               83.8  91.2  83.8  12.5  4/11 |        80.8  96.2  80.8  17.9  4/10
    hooks x2                         2.477               81.2  92.5  81.2  15.0  4/11 |        80.8  94.9  80.8  17.9  4/10

Extended on 2026-12-02 to every sentence a focused search can give that had none (445 more
sentences, 678 in all with 1684 asks, written by helper sessions from the manuals alone, without
sight of the suite, the NLU data or this set; tests/test_hooks.py holds them apart), hooks x1:

    hooks x1, 678 sentences          9.356               83.8  90.0  82.5   8.8  4/11 |        83.3  96.2  79.5  14.1  4/10

The calibration's value is flat over a wide range again and its middle is 9.36 (shipped as
FOCUS_MIN_SCORE): fewer wrong sentences on both halves (12.5 -> 8.8, 17.9 -> 14.1), the right
one first for 83.3% of the check half's answerable questions (80.8 before), shown at the
threshold for 79.5%. On the suite, for scale: 88.7% of its cases at 1.31, 88.2% at 9.36; the
calibrated value ships.

The question's last clause weighed apart (2026-12-03, FocusOptions.last_clause: a message that tells
a story first, "我爸痰多自己咳不出来，护工能给他吸痰吗", scored as (1 - w) x the whole + w x its last
clause), each at the threshold recalibrated on the calibration half:

    option      thr     calibration: top1  right wrong | check: top1  right wrong | suite cases (make eval)
    shipped     9.36                 83.8  82.5   8.8  |        83.3  79.5  14.1  | 742 of 788
    w 0.3       8.962                83.8  82.5   8.8  |        83.3  78.2  14.1  |
    w 0.5       8.521                85.0  83.8   6.2  |        84.6  80.8  11.5  | 734
    w 0.7       7.351                83.8  81.2   7.5  |        84.6  76.9  11.5  |

Not adopted: w 0.5 is one right sentence better and two wrong ones fewer on each half, but end to
end the suite lost 9 cases for 1 (the lower threshold shows sentences where a gap or a structured
answer was right, and a short last clause, "能保证吗", drops what the story asked about).

More hooks and a second check set (2026-12-04). Six helper sessions, seeing only the manuals and
the store's passages, wrote 784 hooks with 1831 more asks (hooks/*_more_c.yml, *_more_d.yml: 2-4
new ways to ask for nearly every sentence); six others, seeing neither the hooks nor any other set,
wrote knowledge/retrieval/dev_b.yml (228 questions; 187 kept, 162 answerable and 25 not, after
dropping those near-equal to the suite, the NLU data or dev.yml), a check set on which nothing is
calibrated ("check b", all of it). Each option at its threshold calibrated on dev.yml's calibration
half as before:

    option                       thr     calibration: top1  right wrong false | check: top1  right wrong false | check b: top1  right wrong false
    hooks of 2026-12-02 (before) 9.356                83.8  82.5   8.8  4/11  |        83.3  79.5  14.1  4/10  |          76.5  73.5  18.5 18/25
      each hook alone            9.413                85.0  82.5   8.8  4/11  |        85.9  82.1  14.1  4/10  |          77.2  74.7  18.5 19/25
    + the new hooks (CHOSEN)     5.293                87.5  87.5   8.8  5/11  |        89.7  89.7  10.3  5/10  |          75.9  75.9  22.8 22/25
      each hook alone            2.392                90.0  90.0   7.5  5/11  |        87.2  87.2  12.8  6/10  |          80.2  80.2  18.5 24/25

("each hook alone": FocusOptions.hooks_each, every ask its own BM25 document and a sentence scored
as its best-matching ask, the usual 相似问 matching, instead of all of a sentence's asks as one
document whose length dilutes each.) The new hooks rank the right sentence first more often on
dev.yml (check half 83.3 -> 89.7) but not on check b (76.5 -> 75.9), where the lower threshold
shows more right sentences and more wrong ones; end to end the suite answered 755 of 788 cases
against 753 with the earlier hooks (both with knowledge/gaps.py's rare-word rule). Scoring each hook
alone ranks best on check b too (80.2) but calibrates to 2.39, which shows a sentence for nearly
every question (24 of 25 unanswerable ones on check b; the suite fell to 749, out-of-scope
questions answered with a sentence), so it is not adopted; on the larger calibration half of both
files together the objective was flat from 5 to 20 (within 5 of its best), which is why one half of
80 answerable questions sets a threshold this loosely.
The hooks' length normalisation (BM25's b for the hook index, 0.75 as for the sentences) measured
too, each at its threshold calibrated on the calibration half (right - wrong - false there): b 0.75
58, 0.5 58, 0.3 57, 0: 57 — no change; on check b, b 0 showed fewer wrong sentences (12.3% against
22.8%) and false matches (13 against 22 of 25), a lead the calibration half does not show, so left
for a larger calibration set to decide.

Questions that name no service (2026-12-04, `--product-wide`): knowledge/retrieval/product_dev.yml,
written by four helper sessions from the manuals alone (85 calibration, 82 check: about the product
as a whole, about a service described without its name, and ones no sentence answers). The factor
by which a service's sentence must beat the threshold and the product's own sentence
(knowledge.api.OTHER_SERVICE_FACTOR), at the shipped threshold 5.29:

    factor          calibration: right wrong false | check: right wrong false
    1               40/61  19   20/24              |        32/60  28   18/22
    2 (before)      39/61  20   17/24              |        33/60  26   13/22
    3               37/61  21   16/24              |        31/60  28    6/22
    4               35/61  20   10/24              |        30/60  28    4/22
    5 (CHOSEN)      34/61  19    7/24              |        29/60  27    4/22
    6               30/61  18    7/24              |        28/60  27    4/22
    8               28/61  16    6/24              |        24/60  21    4/22

A service's sentence shown for a question the manual does not answer ("现在还能投保吗") falls from 17
to 7 of 24 and 13 to 4 of 22, for 5 and 4 right sentences fewer. On the suite end to end: 755 of
788 either way (plus-oos-buy and plus-apply-channels answered right again, z23-preauth-threshold and
pa-trans-cash, which name their service in words the NLU does not take for it, lost).

A second sentence beside the best (2026-12-03, `--second`; knowledge.api.second_focus): when the
search scores another sentence of the service at least a share of the best's, both are shown. At
the shipped threshold, right sentence among those shown / wrong only / second sentences shown
(wrong ones beside a right first):

    ratio    calibration: right wrong second (noise) | check: right wrong second (noise) | suite: every fact held
    none                  66/80   7     0            |        62/78  11     0            | 225/387
    0.95                  66/80   7     7   (0)      |        63/78  10    12   (1)      | 229/387
    0.90                  67/80   6    16   (1)      |        64/78   9    17   (3)      | 231/387
    0.85 (CHOSEN)         68/80   5    21   (1)      |        64/78   9    22   (4)      | 233/387
    0.80                  68/80   5    29   (3)      |        65/78   8    28   (7)      | 236/387
    0.75                  69/80   4    34   (5)      |        65/78   8    31   (8)      | 237/387

    0.85, never a second that says what the first says (2026-12-03; a sentence printed twice, a Q&A's
    question and its answer): 68/80 5 9 (2) | 65/78 8 12 (4) | 234/387

The lowest ratio before the calibration half's noise grows faster than its right sentences; the
suite's figure (secondary) keeps rising below it, which is why the suite does not choose. On the
suite end to end (`make eval`): 706 -> 711 of 788 cases, none lost.

Before that extension: the threshold falls with them (the calibration's value is flat from about 1 to 3.5: 53 at 1.31, 52 at
3.49), so a weak match is shown more often outside the dev set's questions; a comparison shows the
manual's sentence only when the question asks a detail.
Amounts stay the weakest kind (4/10 on the check half): the sentence with the figure often
shares no word with the question but the service's name.

The choice was made on the calibration half (chars x1 and x2 tie there; the equal weight kept);
on the check half it gives the right sentence to 70.5% of the answerable questions against 46.2%
before, 2.6 points more wrong sentences, the same false matches. Secondary, the suite's 235
single-turn rule/faq cases: a focus sentence holding every fact the suite expects 100 -> 138.
Per kind on the check half (right sentence shown / answerable, before at 3.4 -> chosen): amount
3/12 -> 4/12, condition 7/14 -> 7/14, exception 6/11 -> 9/11, hours 1/6 -> 4/6, how_long 6/14 ->
12/14, list 6/10 -> 9/10, not_included 5/8 -> 7/8, per_stay 0/1 -> 1/1, other 2/2 -> 2/2: amounts
and conditions are still weak (the number asked sits in a sentence about something else).
No threshold tells the questions the manual does not answer apart: 4 of 10 on the check half
still get a loosely related sentence, before and after. The first measurement of the old search
(before the labels were widened to every sentence stating the fact) gave top-1 36.2% / 46.2%.
The lexicon was extended once after reading the calibration half's misses, never the check's,
and its group 护工/陪护/护理员 dropped (a carer service's subject, not a detail: it matched every
question about the carer, 护工晚上睡哪里 included); the figures above are without it.

The answer-type bonus for questions that name no service too (2026-12-07; today it is added within a
service's passages only): the service halves above unchanged; on the product-wide set (--product-wide)
at the shipped factor 5.0, calibration half right 34 / wrong 19 -> 20 / false 7 -> 9 of 24, check half
right 29 -> 31, wrong 27 -> 26, false 4 -> 4; the factor it would calibrate to falls to 1.5 (false 19 of
24). Worse on the half it is chosen on: not adopted.

A service's search ranking its product's own rules too (2026-12-07, option +rules: product_rules=True;
the 2023 manual's "请尽量提前至少 5-10 分钟到达" is a tip of its 直付医疗网络, not of the service, so
"到医院要比预约时间早来多会儿" about 直付 cannot find it): calibration top-1 87.5% -> 85.0%, check 89.7%
-> 87.2%, check b 75.9% -> 73.5% (right at the threshold 75.9% -> 72.2%, false 22 -> 19 of 25), the
suite's sentences holding every fact 260 -> 235 of 387. The rules outrank the service's own sentences
more often than they answer: not adopted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.heldout import store_finder  # noqa: E402
from evaluation.suite import load_suite  # noqa: E402
from knowledge.api import FOCUS_MIN_SCORE, KnowledgeBase, pick_focus, second_focus  # noqa: E402
from knowledge.retrieval import DEV_B_PATH, PRODUCT_DEV_PATH, DevItem, load_dev, split  # noqa: E402
from knowledge.search import FOCUS, QUESTION_WORDS, FocusOptions  # noqa: E402
from knowledge.vocabulary import MentionFinder  # noqa: E402

# FOCUS_MIN_SCORE before this benchmark existed: calibrated by hand on the suite's detail questions.
BEFORE_MIN_SCORE = 3.4
Ranker = Callable[[str, Optional[int], Optional[str]], List[Dict]]


def without_names(text: str, finder: MentionFinder) -> str:
    """The question as the policy's Question.detail gives it: its mentions replaced by spaces."""
    for m in sorted(finder.find(text), key=lambda m: len(m.text), reverse=True):
        text = text.replace(m.text, " ")
    return text


def current_search(kb: KnowledgeBase) -> Ranker:
    """The focused search before this benchmark (kb.search over word BM25), kept for comparison."""

    def rank(q: str, sid: Optional[int], pid: Optional[str]) -> List[Dict]:
        svc = kb.service_by_id(sid) if sid is not None else None
        hits = kb.search(q, product=pid if svc is None else None, service=svc, limit=20, ignore=QUESTION_WORDS)
        return [h for h in hits if h["kind"] not in ("channel", "step")]

    return rank


def focus_search(kb: KnowledgeBase, options: FocusOptions) -> Ranker:
    return lambda q, sid, pid: kb.focus_ranking(q, sid, pid, options)


@dataclass
class Case:
    item: DevItem
    detail: str
    service_id: Optional[int]
    product_id: str


def cases(kb: KnowledgeBase, items: Sequence[DevItem], finder: MentionFinder) -> List[Case]:
    by_name = {(s.product.id, s.name): s.id for s in kb.all_services()}
    return [
        Case(it, without_names(it.q, finder), by_name[(it.product, it.service)] if it.service else None, it.product)
        for it in items
    ]


def ordered(hits: List[Dict], in_service: bool) -> List[Dict]:
    """The ranking the decision reads: without a service, the product's own passages first."""
    if in_service:
        return hits
    return [h for h in hits if h["service_id"] is None] + [h for h in hits if h["service_id"] is not None]


def measure(rank: Ranker, cs: Sequence[Case]) -> List[Tuple[Case, List[Dict]]]:
    return [(c, rank(c.detail, c.service_id, c.product_id)) for c in cs]


def outcomes(ranked: Sequence[Tuple[Case, List[Dict]]], t: float, factor: Optional[float] = None) -> Dict[str, int]:
    """Answerable questions, right first, right in the first three, right / wrong sentence shown at
    threshold ``t`` (and ``factor`` for questions that name no service); unanswerable ones, a sentence shown."""
    n = {"ans": 0, "top1": 0, "top3": 0, "right": 0, "wrong": 0, "unans": 0, "false": 0}
    for c, hits in ranked:
        chosen = pick_focus(hits, c.service_id is not None, t, factor)
        if c.item.answerable:
            n["ans"] += 1
            top = ordered(hits, c.service_id is not None)
            n["top1"] += bool(top) and c.item.matches(top[0]["text"])
            n["top3"] += any(c.item.matches(h["text"]) for h in top[:3])
            if chosen is not None:
                n["right" if c.item.matches(chosen["text"]) else "wrong"] += 1
        else:
            n["unans"] += 1
            n["false"] += chosen is not None
    return n


def calibrate(ranked: Sequence[Tuple[Case, List[Dict]]]) -> float:
    """The threshold that does the most good: +1 for the right sentence shown, -1 for a wrong one
    or for any sentence when the manual does not state the thing asked (a misleading sentence
    costs what a right one gains), 0 for none shown; among equals, the middle one."""
    scores = sorted({h["score"] for _, hits in ranked for h in hits[:1]} | {0.0})
    cands = [(a + b) / 2 for a, b in zip(scores, scores[1:], strict=False)] + [scores[-1] + 1]
    value = [
        (lambda n: n["right"] - n["wrong"] - n["false"])(outcomes(ranked, t))
        for t in cands  # noqa: B023
    ]
    best = max(value)
    ties = [t for t, v in zip(cands, value, strict=True) if v == best]
    return ties[len(ties) // 2]


def line(name: str, n: Dict[str, int]) -> str:
    a, u = n["ans"] or 1, n["unans"] or 1
    return (
        f"{name:<11} top-1 {n['top1'] / a:6.1%}  top-3 {n['top3'] / a:6.1%}  | at threshold: right "
        f"{n['right'] / a:6.1%}  wrong {n['wrong'] / a:6.1%}  false match {n['false']}/{n['unans']} "
        f"({n['false'] / u:.0%})"
    )


def suite_cases(kb: KnowledgeBase, finder: MentionFinder) -> List[Tuple[Case, List]]:
    """Single-turn rule/faq cases of the shipped suite with the facts they expect."""
    out = []
    for path in sorted((ROOT / "evaluation" / "suites").glob("*.yml")):
        for case in load_suite(path).cases:
            if case.tags.get("kind") not in ("rule", "faq") or len(case.turns) != 1 or not case.turns[0].expect:
                continue
            product = kb.product(str(case.tags.get("product", "")))
            if product is None or not case.turns[0].expect.facts:
                continue
            svc = next((s for s in kb.services_of(product) if s.name == case.tags.get("service")), None)
            item = DevItem(case.turns[0].user, product.id, svc.name if svc else None, "suite", ())
            c = Case(item, without_names(item.q, finder), svc.id if svc else None, product.id)
            out.append((c, case.turns[0].expect.facts))
    return out


def suite_line(rank: Ranker, sc: Sequence[Tuple[Case, List]], t: float) -> str:
    held = shown = 0
    for c, facts in sc:
        chosen = pick_focus(rank(c.detail, c.service_id, c.product_id), c.service_id is not None, t)
        if chosen is None:
            continue
        shown += 1
        held += all(any(f in chosen["text"] for f in ([x] if isinstance(x, str) else x)) for x in facts)
    return (
        f"  suite rule/faq (secondary, {len(sc)} cases): a sentence shown {shown}, holding every expected fact {held}"
    )


OPTIONS: List[Tuple[str, Optional[FocusOptions]]] = [
    ("current", None),
    ("words", FocusOptions()),
    ("syn", FocusOptions(synonyms=True)),
    ("syn.5", FocusOptions(synonyms=True, synonym_weight=0.5)),
    ("norm", FocusOptions(normalise=True)),
    ("norm+syn", FocusOptions(synonyms=True, normalise=True)),
    ("ch.5", FocusOptions(chars=0.5)),
    ("ch1", FocusOptions(chars=1.0)),
    ("norm+ch1", FocusOptions(chars=1.0, normalise=True)),
    ("ch1+syn", FocusOptions(chars=1.0, synonyms=True)),
    ("ch1+syn.5", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5)),
    ("ch.5+syn.5", FocusOptions(chars=0.5, synonyms=True, synonym_weight=0.5)),
    ("ch2+syn.5", FocusOptions(chars=2.0, synonyms=True, synonym_weight=0.5)),
    ("ch1+syn.3", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.3)),
    ("norm+ch1+syn.5", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, normalise=True)),
    ("ch1+syn.5+at.25", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_types=0.25)),
    ("ch1+syn.5+at.5", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_types=0.5)),
    ("ch1+syn.5+at1", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_types=1.0)),
    ("ch1+syn.5+at.5+b2", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_types=0.5, answer_bonus=2)),
    ("ch1+syn.5+at.5+b4", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_types=0.5, answer_bonus=4)),
    ("ch1+syn.5+b4", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_bonus=4)),
    ("+hooks.5", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_bonus=4, hooks=0.5)),
    ("+hooks1", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_bonus=4, hooks=1.0)),
    ("+hooks2", FocusOptions(chars=1.0, synonyms=True, synonym_weight=0.5, answer_bonus=4, hooks=2.0)),
    ("+each1", replace(FOCUS, hooks_each=True)),
    ("+each.5", replace(FOCUS, hooks_each=True, hooks=0.5)),
    ("+each2", replace(FOCUS, hooks_each=True, hooks=2.0)),
    ("+last.3", replace(FOCUS, last_clause=0.3)),
    ("+last.5", replace(FOCUS, last_clause=0.5)),
    ("+last.7", replace(FOCUS, last_clause=0.7)),
    ("+rules", replace(FOCUS, product_rules=True)),
]


def show_failures(ranked: Sequence[Tuple[Case, List[Dict]]], t: float) -> None:
    for c, hits in ranked:
        chosen = pick_focus(hits, c.service_id is not None, t)
        ok = (chosen is not None and c.item.matches(chosen["text"])) if c.item.answerable else chosen is None
        if not ok:
            got = f"{chosen['score']:.3f} {chosen['text'][:50]}" if chosen else "none"
            print(f"    x {c.item.q} [{c.detail.strip()}] want {c.item.expect[:1] or 'none'} got {got}")


def kinds_line(ranked: Sequence[Tuple[Case, List[Dict]]], t: float) -> str:
    """Right sentences shown per kind of question (issue 12's failing kinds), as right/answerable."""
    per: Dict[str, List[int]] = {}
    for c, hits in ranked:
        if not c.item.answerable:
            continue
        chosen = pick_focus(hits, c.service_id is not None, t)
        n = per.setdefault(c.item.kind, [0, 0])
        n[0] += chosen is not None and c.item.matches(chosen["text"])
        n[1] += 1
    return "  by kind: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per.items()))


SECOND_RATIOS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6)


def second_lines(ranked: Sequence[Tuple[Case, List[Dict]]], sc_ranked: Sequence[Tuple[Case, List, List[Dict]]]) -> None:
    """A second sentence shown beside the best (knowledge.api.second_focus) at each ratio of the best's
    score, at the shipped threshold: answerable questions with the right sentence among those shown,
    with only wrong ones, unanswerable ones given any, the second sentences shown, and those that are
    wrong beside a right first one (pure noise); the suite's cases holding every expected fact."""
    for ratio in SECOND_RATIOS:
        n = {"ans": 0, "right": 0, "wrong": 0, "false": 0, "second": 0, "noise": 0}
        for c, hits in ranked:
            best = pick_focus(hits, c.service_id is not None, FOCUS_MIN_SCORE)
            second = second_focus(hits, best, FOCUS_MIN_SCORE, ratio) if ratio < 1 else None
            shown = [h for h in (best, second) if h is not None]
            n["second"] += second is not None
            if not c.item.answerable:
                n["false"] += bool(shown)
                continue
            n["ans"] += 1
            if shown:
                n["right" if any(c.item.matches(h["text"]) for h in shown) else "wrong"] += 1
                n["noise"] += (
                    second is not None and c.item.matches(shown[0]["text"]) and not c.item.matches(second["text"])
                )
        held = 0
        for c, facts, hits in sc_ranked:
            best = pick_focus(hits, c.service_id is not None, FOCUS_MIN_SCORE)
            second = second_focus(hits, best, FOCUS_MIN_SCORE, ratio) if ratio < 1 else None
            text = " ".join(h["text"] for h in (best, second) if h is not None)
            held += bool(text) and all(any(f in text for f in ([x] if isinstance(x, str) else x)) for x in facts)
        print(
            f"  ratio {ratio:.2f}: right {n['right']}/{n['ans']} wrong {n['wrong']} false {n['false']} "
            f"second shown {n['second']} (noise {n['noise']}) | suite cases holding every fact {held}/{len(sc_ranked)}"
        )


# The factors tried for a service's sentence on a question that names no service.
FACTORS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def calibrate_factor(ranked: Sequence[Tuple[Case, List[Dict]]]) -> float:
    """The factor that does the most good, counted as the threshold's is; the lowest among equals."""
    value = {k: (lambda n: n["right"] - n["wrong"] - n["false"])(outcomes(ranked, FOCUS_MIN_SCORE, k)) for k in FACTORS}
    return min(k for k in FACTORS if value[k] == max(value.values()))


def product_wide(kb: KnowledgeBase, finder: MentionFinder) -> None:
    """Every factor on both halves of the product-wide development set, and the calibrated one."""
    calibration, check = split(load_dev(PRODUCT_DEV_PATH))
    rank = focus_search(kb, FOCUS)
    rc, rk = measure(rank, cases(kb, calibration, finder)), measure(rank, cases(kb, check, finder))
    for k in FACTORS:
        a, b = outcomes(rc, FOCUS_MIN_SCORE, k), outcomes(rk, FOCUS_MIN_SCORE, k)
        print(
            f"  factor {k:<4} calibration: right {a['right']}/{a['ans']} wrong {a['wrong']} false "
            f"{a['false']}/{a['unans']} | check: right {b['right']}/{b['ans']} wrong {b['wrong']} false "
            f"{b['false']}/{b['unans']}"
        )
    print(f"calibrated factor: {calibrate_factor(rc)}")


def main(argv: Sequence[str] = ()) -> None:
    kb = KnowledgeBase.open()
    finder = store_finder(kb)
    calibration, check = split(load_dev())
    cal, chk = cases(kb, calibration, finder), cases(kb, check, finder)
    chk_b = cases(kb, load_dev(DEV_B_PATH), finder)  # the second check set, whole
    sc = suite_cases(kb, finder)
    show = "--failures" in argv
    by_kind = "--kinds" in argv
    if "--product-wide" in argv:
        product_wide(kb, finder)
        return
    if "--second" in argv:
        rank = focus_search(kb, FOCUS)
        sc_ranked = [(c, f, rank(c.detail, c.service_id, c.product_id)) for c, f in sc]
        for name, half in (("calibration", cal), ("check", chk)):
            print(f"== a second sentence beside the best, {name} half (threshold {FOCUS_MIN_SCORE}):")
            second_lines(measure(rank, half), sc_ranked)
        return
    wanted = set(argv) - {"--failures", "--kinds"}
    print(f"dev set: calibration {len(cal)} ({sum(c.item.answerable for c in cal)} answerable), check {len(chk)}")
    for name, opt in OPTIONS:
        if wanted and name not in wanted:
            continue
        rank = current_search(kb) if opt is None else focus_search(kb, opt)
        rc, rk = measure(rank, cal), measure(rank, chk)
        t = calibrate(rc)
        print(f"== {name}: {opt or 'kb.search, word BM25'}; threshold {t:.3f} (calibration half)")
        print("  " + line("calibration", outcomes(rc, t)))
        print("  " + line("check", outcomes(rk, t)))
        print("  " + line("check b", outcomes(measure(rank, chk_b), t)))
        print(suite_line(rank, sc, t))
        if by_kind:
            print("  check half" + kinds_line(rk, t if opt is not None else BEFORE_MIN_SCORE))
        if show:  # the calibration half only: the check half stays a measurement
            show_failures(rc, t)
        if opt is None:
            print(f"  at the threshold it shipped with, {BEFORE_MIN_SCORE} (calibrated on the suite):")
            print("  " + line("calibration", outcomes(rc, BEFORE_MIN_SCORE)))
            print("  " + line("check", outcomes(rk, BEFORE_MIN_SCORE)))
            print(suite_line(rank, sc, BEFORE_MIN_SCORE))


if __name__ == "__main__":
    main(sys.argv[1:])
