"""Reports of an evaluation run: JSON for machines and diffs, a self-contained HTML page for people."""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from evaluation.runner import CaseResult


def _pct(values: List[float], q: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _rate(results: List[CaseResult]) -> Dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {"cases": len(results), "passed": passed, "pass_rate": round(passed / len(results), 4) if results else None}


def summarise(results: List[CaseResult], target: str, threshold: Optional[float] = None) -> Dict[str, Any]:
    by: Dict[str, Dict[str, List[CaseResult]]] = {
        "kind": defaultdict(list),
        "product": defaultdict(list),
        "service": defaultdict(list),
        "suite": defaultdict(list),
        "topic": defaultdict(list),
    }
    for r in results:
        if r.tags.get("topic"):
            by["topic"][str(r.tags["topic"])].append(r)
        by["kind"][str(r.tags.get("kind", "untagged"))].append(r)
        by["product"][str(r.tags.get("product", "untagged"))].append(r)
        by["service"][str(r.tags.get("service", "untagged"))].append(r)
        by["suite"][r.suite].append(r)
        if r.tags.get("multi_turn"):
            by["kind"]["multi_turn"].append(r)
    latencies = [t.latency_ms for r in results for t in r.turns if t.latency_ms is not None]
    confusions = Counter(
        (t.expected_intent, t.intent)
        for r in results
        for t in r.turns
        if t.expected_intent and t.intent != t.expected_intent
    )
    checked = [t for r in results for t in r.turns if t.expected_intent]
    # the reply's text alone (facts present, banned text absent): the one check a plain search box can pass
    text_turns = [t for r in results for t in r.turns if t.failures is not None]
    text_ok = [
        t
        for t in text_turns
        if not any(f.startswith(("missing fact", "unexpected text", "no reply", "server error")) for f in t.failures)
    ]
    overall = _rate(results)
    strict = sum(r.passed_strict for r in results)
    overall["strict_pass_rate"] = round(strict / len(results), 4) if results else None
    return {
        "target": target,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "overall": overall,
        "threshold": threshold,
        "passed_threshold": None
        if threshold is None
        else bool(overall["pass_rate"] is not None and overall["pass_rate"] >= threshold),
        "turns": sum(len(r.turns) for r in results),
        "text_pass_rate": round(len(text_ok) / len(text_turns), 4) if text_turns else None,
        "by": {k: {name: _rate(v) for name, v in sorted(groups.items())} for k, groups in by.items()},
        "latency_ms": {
            "p50": _pct(latencies, 0.5),
            "p95": _pct(latencies, 0.95),
            "max": round(max(latencies), 1) if latencies else None,
            "all": [round(x, 1) for x in latencies],
        },
        "intent_accuracy": round(1 - sum(confusions.values()) / len(checked), 4) if checked else None,
        "intent_confusions": [{"expected": e, "got": g, "count": n} for (e, g), n in confusions.most_common()],
        "failures": [
            {
                "suite": r.suite,
                "id": r.id,
                "tags": r.tags,
                "turns": [
                    {"user": t.user, "reply": t.reply, "failures": t.failures, "nlu_failures": t.nlu_failures}
                    for t in r.turns
                ],
            }
            for r in results
            if not r.passed
        ],
        "nlu_mismatches": [
            {"suite": r.suite, "id": r.id, "user": t.user, "nlu_failures": t.nlu_failures}
            for r in results
            for t in r.turns
            if t.nlu_failures
        ],
        "cases": [r.to_dict() for r in results],
    }


def _bars_svg(rates: Dict[str, Dict[str, Any]], title: str) -> str:
    """Pass rate per name as horizontal bars drawn in the page: the reader's browser renders the Chinese names,
    whatever fonts the machine that wrote the report has."""
    e = html.escape
    row, label_w, bar_w = 18, 300, 360
    height = row * len(rates) + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" width="{label_w + bar_w + 90}" '
        f'height="{height}" font-size="12" font-family="sans-serif"><text x="0" y="14" font-weight="bold">{e(title)}</text>'
    ]
    for i, (name, r) in enumerate(rates.items()):
        y, rate = 24 + i * row, r["pass_rate"] or 0.0
        colour = "#3b7dd8" if rate >= 0.95 else ("#e69138" if rate >= 0.8 else "#cc0000")
        parts.append(
            f"<g><title>{e(name)}: {r['passed']}/{r['cases']}</title>"
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{e(name)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row - 5}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * rate:.1f}" height="{row - 5}" fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}">{rate * 100:.1f}%（{r["passed"]}/{r["cases"]}）</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _histogram_svg(values: List[float], title: str, bins: int = 30) -> str:
    """Latency per turn as a histogram drawn in the page."""
    e = html.escape
    width, height, top = 480, 200, 24
    if not values:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"><text y="20">{e(title)}：无数据</text></svg>'
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / span * bins))] += 1
    peak, w = max(counts), width / bins
    bars = "".join(
        f'<rect x="{i * w:.1f}" y="{top + (height - top - 20) * (1 - c / peak):.1f}" width="{w - 1:.1f}" '
        f'height="{(height - top - 20) * c / peak:.1f}" fill="#6aa84f"><title>{low + i * span / bins:.0f}–'
        f"{low + (i + 1) * span / bins:.0f} ms: {c}</title></rect>"
        for i, c in enumerate(counts)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" width="{width}" height="{height}" '
        f'font-size="12" font-family="sans-serif"><text x="0" y="14" font-weight="bold">{e(title)}</text>{bars}'
        f'<text x="0" y="{height - 4}">{low:.0f} ms</text><text x="{width}" y="{height - 4}" text-anchor="end">'
        f"{high:.0f} ms</text></svg>"
    )


def write_html(summary: Dict[str, Any], path: Path) -> None:
    e = html.escape
    rows = lambda group: "".join(  # noqa: E731
        f"<tr><td>{e(k)}</td><td>{v['passed']}/{v['cases']}</td><td>{(v['pass_rate'] or 0) * 100:.1f}%</td></tr>"
        for k, v in summary["by"][group].items()
    )
    fails = "".join(
        f"<details><summary>{e(f['suite'])} · {e(f['id'])}</summary>"
        + "".join(
            f"<p><b>问</b> {e(t['user'])}<br><b>期望未满足</b> {e('; '.join(t['failures']) or '—')}<br>"
            f"<b>答</b><pre>{e(t['reply'])}</pre></p>"
            for t in f["turns"]
        )
        + "</details>"
        for f in summary["failures"]
    )
    confusions = "".join(
        f"<tr><td>{e(str(c['expected']))}</td><td>{e(str(c['got']))}</td><td>{c['count']}</td></tr>"
        for c in summary["intent_confusions"]
    )
    nlu = "".join(
        f"<li>{e(m['id'])} · {e(m['user'])} — {e('; '.join(m['nlu_failures']))}</li>" for m in summary["nlu_mismatches"]
    )
    o, lat = summary["overall"], summary["latency_ms"]
    page = f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>评测报告</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:2px 8px}}pre{{white-space:pre-wrap;background:#f6f6f6;padding:4px}}.cols{{display:flex;gap:2em;flex-wrap:wrap}}</style>
</head><body><h1>FAQ 评测报告</h1>
<p>对象：{e(summary["target"])} · 完成于 {e(summary["finished_at"])}</p>
<h2>总通过率 {(o["pass_rate"] or 0) * 100:.1f}%（{o["passed"]}/{o["cases"]} 例，{summary["turns"]} 轮）</h2>
<p>延迟 p50 {lat["p50"]} ms · p95 {lat["p95"]} ms · max {lat["max"]} ms · 意图准确率 {summary["intent_accuracy"]} · 回复文本含全部要点的轮次 {(summary.get("text_pass_rate") or 0) * 100:.1f}% · 连同期望意图/实体一并计入的通过率 {(o.get("strict_pass_rate") or 0) * 100:.1f}%</p>
<div class="cols"><div>{_bars_svg(summary["by"]["service"], "按服务的通过率")}</div>
<div>{_bars_svg(summary["by"]["kind"], "按类型的通过率")}{_histogram_svg(lat["all"], "每轮延迟（毫秒）")}</div></div>
<div class="cols"><div><h3>按类型</h3><table>{rows("kind")}</table><h3>按问题类别（topic）</h3><table>{rows("topic")}</table></div><div><h3>按产品</h3><table>{rows("product")}</table></div>
<div><h3>按服务</h3><table>{rows("service")}</table></div></div>
<h3>意图混淆</h3><table><tr><th>期望</th><th>实际</th><th>次数</th></tr>{confusions}</table>
<h3>NLU 期望未满足（不单独判失败）（{len(summary["nlu_mismatches"])}）</h3><ul>{nlu}</ul>
<h2>失败用例（{len(summary["failures"])}）</h2>{fails}</body></html>"""
    path.write_text(page, "utf-8")


def write(summary: Dict[str, Any], out_dir: Path, name: str = "evaluation") -> Dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    from evaluation.tables import write_failures

    json_path, html_path = out_dir / f"{name}.json", out_dir / f"{name}.html"
    json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    write_html(summary, html_path)
    tables = write_failures(summary, out_dir, name)
    return {"json": json_path, "html": html_path, "failures_csv": tables["csv"], "failures_xlsx": tables["xlsx"]}


def diff(old: Dict[str, Any], new: Dict[str, Any]) -> Dict[str, Any]:
    """Cases that got better or worse between two runs, and the change of the pass rates."""
    before = {(c["suite"], c["id"]): c["passed"] for c in old["cases"]}
    after = {(c["suite"], c["id"]): c["passed"] for c in new["cases"]}
    common = before.keys() & after.keys()
    return {
        "pass_rate": {"old": old["overall"]["pass_rate"], "new": new["overall"]["pass_rate"]},
        "better": sorted(f"{s} · {i}" for s, i in common if after[(s, i)] and not before[(s, i)]),
        "worse": sorted(f"{s} · {i}" for s, i in common if before[(s, i)] and not after[(s, i)]),
        "added": sorted(f"{s} · {i}" for s, i in after.keys() - before.keys()),
        "removed": sorted(f"{s} · {i}" for s, i in before.keys() - after.keys()),
    }
