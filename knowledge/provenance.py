"""Does each stored sentence stand, in its manual, under the section its source names?

Every fact the assistant states carries the section it comes from (CURATION.md).  A section is
only worth citing if the sentence really is under it, so this module finds each stored sentence
in the manual's extracted text and walks up from there to the headings above it.

The manuals have no reliable heading grammar (``(1)`` is a heading in one place and a list item
in the next; tables are flattened), so the headings are the ones the sources themselves cite:
a line is a heading when it prints one of the section names cited for that manual.  A citation
``A / B / C`` holds when, going up from the sentence, the first cited heading met is ``C`` (or a
heading the sources place below ``C``, for a sentence cited by its parent section), and ``B`` is
then met before another ``C`` — so ``(7) 服务流程`` of the wrong service does not pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from knowledge.config import MANUALS_DIR

if TYPE_CHECKING:
    from knowledge.api import KnowledgeBase

OK, NOT_FOUND, NO_HEADING, WRONG_SECTION = "ok", "text_not_found", "heading_not_found", "wrong_section"
MIN_RUN = 8  # a sentence rebuilt from a flattened table is located by its longest verbatim run, at least this long
_TOC = re.compile(r"\.{3,}")  # table-of-contents lines (服务介绍.....3) are not headings


def normalise(text: str) -> str:
    """The text as compared: NFKC, no whitespace, no private-use bullets (), no markdown marks."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Co" and ch not in "#*")


def _heading_key(section_part: str) -> str:
    return normalise(section_part).rstrip(":")


@dataclass(frozen=True)
class Citation:
    """One stored sentence and the section its source names."""

    manual: str  # the manual's file name
    where: str  # what it is, for the report: service key and fact kind, step number, rule …
    text: str
    section: str

    @property
    def parts(self) -> List[str]:
        return [_heading_key(p) for p in self.section.split(" / ")]


@dataclass(frozen=True)
class Finding:
    citation: Citation
    status: str
    line: Optional[int] = None  # 1-based line of the manual where the sentence was found
    heading: Optional[str] = None  # the nearest heading above it, as printed

    def describe(self) -> str:
        c = self.citation
        where = f"L{self.line}" if self.line else "-"
        under = f"; nearest heading: {self.heading}" if self.heading else ""
        return f"{c.manual[:3]} {c.where} [{where}] cites “{c.section}”: {self.status}{under} — {c.text[:40]}"


# Blocks the extraction printed away from their heading, by manual: (first line, last line, heading line),
# 1-based, with the text each of those lines starts with (checked, so a changed manual fails loudly).
MOVED_BLOCKS: Dict[str, List[Tuple[int, int, int, str, str]]] = {
    # 14. 术后上门护理服务: the (7) 服务流程 table is printed inside (8) 特别说明 1) (DATA_NOTES.md, 000).
    "000_01c07bc6b9f80855.txt": [(1475, 1492, 1468, "步骤内容", "(7)服务流程")],
}
_LATIN = re.compile(r"^[A-Za-z]{4,}$")  # "Foreword", "Contactus": the English half of a page title


class ManualText:
    """One manual's extracted text, with the lines that print a cited section name.

    Headings are kept as (position, line, names) so that a heading can apply from somewhere other
    than where the extraction printed it: a page title (致客户函 beside "Foreword") is printed at the
    foot of its page and heads the whole page; a moved block is read as if printed under its heading.
    """

    def __init__(
        self, text: str, section_names: Iterable[str], moved: Sequence[Tuple[int, int, int, str, str]] = ()
    ) -> None:
        self.raw = text.splitlines()
        self.lines = [normalise(line) for line in self.raw]
        self.joined = "".join(self.lines)
        self._starts: List[int] = []
        pos = 0
        for line in self.lines:
            self._starts.append(pos)
            pos += len(line)
        self.names = {_heading_key(n) for n in section_names if _heading_key(n)}
        self.headings: List[Tuple[float, int, Set[str]]] = []  # (position it heads from, line index, names)
        page_start = 0
        for i in range(len(self.lines)):
            names = {name for name in self.names if self._prints(i, name)}
            latin_pair = any(0 <= j < len(self.lines) and _LATIN.match(self.lines[j]) for j in (i - 1, i + 1))
            if names and latin_pair:
                self.headings.append((self._starts[page_start] - 0.5, i, names))
            elif names:
                self.headings.append((float(self._starts[i]), i, names))
            if latin_pair and (names or _LATIN.match(self.lines[i])):
                page_start = i + 1
        self.headings.sort(key=lambda h: h[0])
        self._moved: List[Tuple[int, int, float]] = []
        for first, last, heading, first_text, heading_text in moved:
            if not self.lines[first - 1].startswith(first_text) or not self.lines[heading - 1].startswith(heading_text):
                raise ValueError(f"moved block L{first}–L{last} under L{heading}: the manual's lines have changed")
            end = self._starts[last] if last < len(self._starts) else len(self.joined)
            self._moved.append((self._starts[first - 1], end, self._starts[heading - 1] + 0.5))

    def _prints(self, i: int, name: str) -> bool:
        line = self.lines[i]
        if not line or _TOC.search(line):
            return False
        if not name[0].isdigit():
            line = line.lstrip("0123456789")  # a table row's number before its label: "2 翻译病史"
        if line.startswith(name):
            rest = line[len(name) :]
            return not rest or rest[0] in ":(（"
        # a heading broken over two lines by the extraction: "协助办理医疗签证（日本地区协助" / "获取身元保证函）"
        if len(line) >= 4 and name.startswith(line) and i + 1 < len(self.lines):
            return (line + self.lines[i + 1]).startswith(name)
        return False

    def is_heading(self, name: str) -> bool:
        return any(name in names for _, _, names in self.headings)

    def locate(self, text: str) -> List[int]:
        """Character offsets where the sentence (or, failing that, its longest verbatim run) starts."""
        t = normalise(text)
        if not t:
            return []
        run = t if t in self.joined else _longest_run(t, self.joined)
        if len(run) < min(len(t), MIN_RUN):
            return []
        return [m.start() for m in re.finditer(re.escape(run), self.joined)]

    def line_of(self, offset: float) -> int:
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def reading_position(self, offset: int) -> float:
        """Where the text at ``offset`` is read as standing: its own place, or under the heading of a moved block."""
        for start, end, position in self._moved:
            if start <= offset < end:
                return position
        return float(offset)

    def headings_above(self, offset: int) -> Iterator[Tuple[int, Set[str]]]:
        """The headings above a position, nearest first, as (line index, names)."""
        position = self.reading_position(offset)
        for key, line, names in reversed(self.headings):
            if key < position:
                yield line, names

    def text_between(self, line: int, offset: int) -> str:
        return self.joined[self._starts[line] : offset]


def _longest_run(t: str, haystack: str) -> str:
    best = ""
    for i in range(len(t)):
        while i + len(best) < len(t) and t[i : i + len(best) + 1] in haystack:
            best = t[i : i + len(best) + 1]
    return best


def _below(citations: Sequence[Citation]) -> Dict[str, Set[str]]:
    """Section name → the names the sources place below it (anywhere later in a cited path)."""
    below: Dict[str, Set[str]] = defaultdict(set)
    for c in citations:
        parts = c.parts
        for i, outer in enumerate(parts):
            below[outer].update(parts[i + 1 :])
    return below


def check_citation(c: Citation, manual: ManualText, below: Dict[str, Set[str]]) -> Finding:
    """Is the sentence, at one of the places it is printed, under the section it cites?"""
    offsets = manual.locate(c.text)
    if not offsets:
        return Finding(c, NOT_FOUND)
    parts = c.parts
    if not all(manual.is_heading(p) for p in parts):
        return Finding(c, NO_HEADING, manual.line_of(offsets[0]) + 1)
    first: Optional[Finding] = None
    for offset in offsets:
        nearest = next(manual.headings_above(offset), None)
        heading = manual.raw[nearest[0]].strip() if nearest else None
        if _stands_under(manual, offset, parts, below):
            return Finding(c, OK, manual.line_of(offset) + 1, heading)
        first = first or Finding(c, WRONG_SECTION, manual.line_of(offset) + 1, heading)
    assert first is not None
    return first


def _stands_under(manual: ManualText, offset: int, parts: List[str], below: Dict[str, Set[str]]) -> bool:
    """Going up from the sentence: the cited heading first (only its own sub-headings in between), then each
    outer one in turn, each met before the inner one is printed again.

    A cited sub-section that is a table's column or row label (``(8) 服务项目 / 备注``) is not a heading
    line there: the sentence then stands under its parent, with the label printed in between.
    """
    above = manual.headings_above(offset)
    inner = parts[-1]
    for line, names in above:
        if inner in names:
            break
        if len(parts) > 1 and parts[-2] in names and inner in manual.text_between(line, offset):
            inner = parts[-2]
            parts = parts[:-1]
            break
        if not names & below[inner]:
            return False  # a heading that is not inside the cited section stands in between
    else:
        return False
    for outer in reversed(parts[:-1]):
        for _, names in above:
            if outer in names:
                break
            if inner in names:
                return False  # the inner heading again, before the outer one: another section's
        else:
            return False
        inner = outer
    return True


def citations(kb: "KnowledgeBase") -> Iterator[Citation]:
    """Every sentence the store quotes with a section: service facts, steps, Q&A answers, rules.

    Contacts are left out: their notes are partly the curators' own words (手册未印服务时间 …).
    """
    for product in kb.products():
        manual = product.manual
        for svc in kb.services_of(product):
            for f in svc.facts:
                yield Citation(manual, f"{svc.key} {f.kind}", f.text, f.section)
            for n, step in enumerate(svc.steps, 1):
                yield Citation(manual, f"{svc.key} step {n}", step, svc.steps_section or svc.section)
            for q in svc.qa:
                yield Citation(manual, f"{svc.key} qa", q.answer, q.section)
        for r in kb.rules(product):
            yield Citation(manual, f"rule {r.topic}", r.text, r.section)
        for q in kb.qa(product):
            yield Citation(manual, "qa", q.answer, q.section)


class Checker:
    """The store's citations checked against the manuals' text.

    The headings of each manual are the section names the store cites for it, so a citation made up
    for a test (``check``) is judged against the same headings as the store's own.
    """

    def __init__(self, kb: "KnowledgeBase", manuals_dir: Path = MANUALS_DIR) -> None:
        self.citations = list(citations(kb))
        by_manual: Dict[str, List[Citation]] = defaultdict(list)
        for c in self.citations:
            by_manual[c.manual].append(c)
        self._manuals: Dict[str, Tuple[ManualText, Dict[str, Set[str]]]] = {}
        for manual_file, cites in by_manual.items():
            text = ManualText(
                (manuals_dir / manual_file).read_text("utf-8"),
                {p for c in cites for p in c.section.split(" / ")},
                MOVED_BLOCKS.get(manual_file, ()),
            )
            self._manuals[manual_file] = (text, _below(cites))

    def check(self, c: Citation) -> Finding:
        text, below = self._manuals[c.manual]
        return check_citation(c, text, below)

    def check_all(self) -> List[Finding]:
        return [self.check(c) for c in self.citations]
