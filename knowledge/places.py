"""Place names → administrative divisions.

Users and manuals write places many ways: 杭州 / 杭州市 / 浙江杭州, 黔南州 for
黔南布依族苗族自治州, 义乌 (a county-level city of 金华), 襄樊 (襄阳's old
name), 毫州 (a typo of 亳州).  ``PlaceIndex.resolve`` maps a mention to one
division with its parents, says how it matched, and — when nothing matches —
offers fuzzy suggestions without ever choosing one silently.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from knowledge.spelling import SpellingIndex

GAZETTEER_DIR = Path(__file__).resolve().parent / "gazetteer"
# the mean character / sound similarity below which a name is not offered (benchmarks/bench_place_typos.py)
SUGGESTION_MIN_SCORE = 55.0

ETHNIC = (
    "蒙古族 蒙古 回族 藏族 维吾尔族 维吾尔 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 哈萨克 "
    "傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 柯尔克孜 土族 达斡尔族 仫佬族 羌族 "
    "布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 塔吉克 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族"
).split()
_ETHNIC_RE = re.compile("(?:" + "|".join(sorted(ETHNIC, key=len, reverse=True)) + ")+$")
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "州",
)
LEVEL_RANK = {"prefecture": 0, "province": 1, "county": 2}

# How a mention matched, best first: the full name, a curated alias, the name
# without its suffix (海南 for 海南省), a form derived by dropping ethnic names
# (海南 for 海南藏族自治州).
EXACT, ALIAS, SHORT, DERIVED = "exact", "alias", "short", "derived"
_MATCH_RANK = {EXACT: 0, ALIAS: 1, SHORT: 2, DERIVED: 2}
_SHORT_ORDER = {
    (SHORT, "prefecture"): 0,
    (SHORT, "province"): 1,
    (DERIVED, "prefecture"): 2,
    (SHORT, "county"): 3,
    (DERIVED, "province"): 4,
    (DERIVED, "county"): 5,
}


@dataclass(frozen=True)
class Division:
    """One administrative division of the gazetteer."""

    adcode: str
    name: str
    level: str  # province | prefecture | county
    parent: Optional[str]
    province: str
    mainland: bool

    @property
    def is_district(self) -> bool:
        """A 市辖区 (urban district) rather than a county or county-level city."""
        return self.level == "county" and self.name.endswith("区") and not self.name.endswith(("林区", "特区"))


@dataclass
class Resolution:
    """The outcome of resolving one mention."""

    mention: str
    division: Optional[Division] = None
    matched_by: Optional[str] = None  # exact | alias | short
    note: Optional[str] = None  # e.g. why an old name maps where it does
    alternatives: List[Division] = field(default_factory=list)
    suggestions: List[Tuple[str, float]] = field(default_factory=list)  # (name, score) for "您是指…吗"

    @property
    def found(self) -> bool:
        return self.division is not None


def short_forms(name: str) -> List[str]:
    """Names a division is commonly called by, derived by rule from its full name.

    黔南布依族苗族自治州 → 黔南, 黔南州; 杭州市 → 杭州; 内蒙古自治区 → 内蒙古;
    石柱土家族自治县 → 石柱, 石柱县.  A form shorter than two characters is
    never produced (it would match too much).
    """
    forms: List[str] = []
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            root = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stripped = _ETHNIC_RE.sub("", root)
                if len(stripped) >= 2:
                    root = stripped
                forms.append(root)
                if suffix in ("自治州", "自治县"):
                    forms.append(root + suffix[-1])
            elif suffix in ("自治区",) or suffix == "特别行政区":
                forms.append(root)
            else:
                stripped = _ETHNIC_RE.sub("", root) if suffix == "自治区" else root
                forms.append(stripped)
            break
    if name.endswith("自治区"):
        root = _ETHNIC_RE.sub("", name[:-3])
        if len(root) >= 2 and root not in forms:
            forms.append(root)
    return [f for f in forms if f != name]


def strip_suffix(mention: str) -> str:
    """The mention without its administrative suffix (杭州市 → 杭州), for lookups."""
    for suffix in _SUFFIXES:
        if mention.endswith(suffix) and len(mention) - len(suffix) >= 2:
            return mention[: -len(suffix)]
    return mention


class PlaceIndex:
    """In-memory index of the gazetteer; every lookup is a dictionary hit."""

    def __init__(self, divisions: Iterable[Division], aliases: Sequence[dict] = ()) -> None:
        self.by_code: Dict[str, Division] = {}
        self._names: Dict[str, List[Tuple[str, Division, Optional[str]]]] = {}
        self.children: Dict[str, List[Division]] = {}
        for d in divisions:
            self.by_code[d.adcode] = d
            if d.parent:
                self.children.setdefault(d.parent, []).append(d)
            self._add(d.name, EXACT, d)
            for form in short_forms(d.name):
                self._add(form, SHORT if form == strip_suffix(d.name) else DERIVED, d)
        for a in aliases:
            target = (
                self.by_code.get(a["adcode"]) if "adcode" in a else self._pick_by_name(a["target"], a.get("within"))
            )
            if target is None:
                raise ValueError(f"gazetteer alias {a['alias']!r}: no division {a.get('target') or a.get('adcode')!r}")
            self._add(a["alias"], ALIAS, target, a.get("note"))
        self._choices = sorted(self._names)
        self._spelling = SpellingIndex(self._choices)

    def _add(self, key: str, how: str, d: Division, note: Optional[str] = None) -> None:
        entries = self._names.setdefault(key, [])
        if all(e[1].adcode != d.adcode for e in entries):
            entries.append((how, d, note))

    def _pick_by_name(self, name: str, within: Optional[str]) -> Optional[Division]:
        hits = [d for how, d, _ in self._names.get(name, []) if how == EXACT]
        if within:
            hits = [d for d in hits if self.by_code[d.province].name == within]
        return hits[0] if hits else None

    # -- queries ------------------------------------------------------------
    def province_of(self, d: Division) -> Division:
        return self.by_code[d.province]

    def prefecture_of(self, d: Division) -> Optional[Division]:
        """The prefecture-level city a county belongs to (None for 省直辖 units and municipalities)."""
        if d.level == "prefecture":
            return d
        if d.level == "county" and d.parent and self.by_code[d.parent].level == "prefecture":
            return self.by_code[d.parent]
        return None

    def is_municipality(self, d: Division) -> bool:
        """北京, 天津, 上海, 重庆: province-level cities."""
        return d.level == "province" and d.mainland and d.name.endswith("市")

    def city_of(self, d: Division) -> Division:
        """The city a place is judged by: its prefecture, its municipality, or itself (济源, 仙桃)."""
        prefecture = self.prefecture_of(d)
        if prefecture is not None:
            return prefecture
        if d.parent and self.is_municipality(self.by_code[d.parent]):
            return self.by_code[d.parent]
        return d

    def chain(self, d: Division) -> List[Division]:
        """The division and its parents, innermost first."""
        out = [d]
        while out[-1].parent:
            out.append(self.by_code[out[-1].parent])
        return out

    def contains(self, outer: Division, inner: Division) -> bool:
        return any(x.adcode == outer.adcode for x in self.chain(inner))

    def _candidates(self, key: str) -> List[Tuple[str, Division, Optional[str]]]:
        hits = list(self._names.get(key, []))
        bare = strip_suffix(key)
        if bare != key:
            hits += [h for h in self._names.get(bare, []) if all(h[1].adcode != x[1].adcode for x in hits)]
        return hits

    @staticmethod
    def _rank(hit: Tuple[str, Division, Optional[str]]) -> Tuple[int, int, int]:
        """Full names and curated aliases first; among short forms, the order people mean them:
        吉林 → 吉林市 before 吉林省, 海南 → 海南省 before 海南藏族自治州, 大理 → 大理白族自治州 before 大理市."""
        how, d, _ = hit
        if how in (EXACT, ALIAS):
            return (_MATCH_RANK[how], LEVEL_RANK[d.level], 0 if d.mainland else 1)
        return (2, _SHORT_ORDER[(how, d.level)], 0 if d.mainland else 1)

    def resolve(self, mention: str, within: Optional[Division] = None) -> Resolution:
        """Resolve one place mention.

        ``within`` (a province or city) narrows ambiguous names, e.g. the
        province a manual prints above a city; when nothing inside it matches,
        the best match anywhere is returned and the caller can see from the
        result's province that the hint was wrong.
        """
        text = re.sub(r"\s+", "", mention or "")
        res = Resolution(mention=mention)
        if not text:
            return res
        hits = self._candidates(text)
        if not hits:
            hits = self._compound(text)
        if hits and within is not None:
            inside = [h for h in hits if self.contains(within, h[1])]
            hits = inside or hits
        if not hits:
            res.suggestions = self.suggest(text)
            return res
        hits.sort(key=self._rank)
        how, d, note = hits[0]
        res.division, res.matched_by, res.note = d, how, note
        res.alternatives = [h[1] for h in hits[1:] if self._rank(h)[0] == self._rank(hits[0])[0]]
        return res

    def resolve_province(self, mention: str) -> Optional[Division]:
        """The province-level division a mention names (吉林 → 吉林省, not 吉林市), if any."""
        r = self.resolve(mention)
        if not r.found:
            return None
        return next((d for d in [r.division, *r.alternatives] if d.level == "province"), None) or (
            next((h[1] for h in self._candidates(re.sub(r"\s+", "", mention)) if h[1].level == "province"), None)
        )

    def _compound(self, text: str) -> List[Tuple[str, Division, Optional[str]]]:
        """浙江杭州 / 杭州市西湖区 / 浙江杭州西湖区: an outer place followed by an inner one (itself maybe compound)."""
        for i in range(len(text) - 1, 1, -1):
            outer_hits = self._candidates(text[:i])
            inner_hits = (self._candidates(text[i:]) or self._compound(text[i:])) if outer_hits else []
            if not outer_hits or not inner_hits:
                continue
            found = [h for h in inner_hits for o in outer_hits if self.contains(o[1], h[1]) and o[1] is not h[1]]
            if found:
                return found
        return []

    def suggest(self, text: str, limit: int = 3) -> List[Tuple[str, float]]:
        """Close names for a mention that did not resolve ("您是指…吗"), by characters and sound
        (knowledge.spelling); the larger division first among equals.  Never applied silently."""
        found = [s for s in self._spelling.similar(text, limit * 5) if s.score >= SUGGESTION_MIN_SCORE]
        ranked = sorted(found, key=lambda s: (not s.same_sound, -s.score, LEVEL_RANK[self._names[s.name][0][1].level]))
        out: List[Tuple[str, float]] = []
        for s in ranked:
            full = self._names[s.name][0][1].name
            if full not in [n for n, _ in out]:
                out.append((full, s.score))
        return out[:limit]

    def names(self) -> List[str]:
        """Every name and short form the index knows (for the NLU dictionary)."""
        return list(self._choices)


def read_gazetteer(directory: Path = GAZETTEER_DIR) -> Tuple[List[Division], List[dict]]:
    """Read the committed gazetteer files (divisions and curated aliases)."""
    with (directory / "divisions.csv").open(encoding="utf-8") as fh:
        divisions = [
            Division(r["adcode"], r["name"], r["level"], r["parent"] or None, r["province"], r["mainland"] == "1")
            for r in csv.DictReader(fh)
        ]
    aliases = yaml.safe_load((directory / "aliases.yml").read_text("utf-8")) or []
    return divisions, aliases


@lru_cache(maxsize=1)
def default_index() -> PlaceIndex:
    """The index over the committed gazetteer, built once per process."""
    divisions, aliases = read_gazetteer()
    return PlaceIndex(divisions, aliases)
