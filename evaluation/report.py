"""Reports of an evaluation run: JSON for machines and diffs, a self-contained HTML page for people."""

from __future__ import annotations

import base64
import html
import io
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
    }
    for r in results:
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


def _chart_png(summary: Dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [
        f.name
        for f in font_manager.fontManager.ttflist
        if any(k in f.name for k in ("CJK", "Hei", "Song", "WenQuanYi", "Noto Sans SC"))
    ]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    services = summary["by"]["service"]
    names = list(services)
    fig, axes = plt.subplots(1, 2, figsize=(14, max(4, 0.28 * len(names) + 1)))
    labels = names if cjk else [f"#{i + 1}" for i in range(len(names))]  # no CJK font: numbered, table below names them
    axes[0].barh(labels, [services[n]["pass_rate"] or 0 for n in names], color="#3b7dd8")
    axes[0].set_xlim(0, 1)
    axes[0].set_title("pass rate by service")
    axes[0].invert_yaxis()
    axes[1].hist(summary["latency_ms"]["all"] or [0], bins=30, color="#6aa84f")
    axes[1].set_title("latency per turn (ms)")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def write_html(summary: Dict[str, Any], path: Path) -> None:
    e = html.escape
    rows = lambda group: "".join(  # noqa: E731
        f"<tr><td>{e(k)}</td><td>{v['passed']}/{v['cases']}</td><td>{(v['pass_rate'] or 0) * 100:.1f}%</td></tr>"
        for k, v in summary["by"][group].items()
    )
    numbered = "".join(f"<li>{e(k)}</li>" for k in summary["by"]["service"])
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
<img alt="charts" src="data:image/png;base64,{_chart_png(summary)}" style="max-width:100%">
<details><summary>服务编号</summary><ol>{numbered}</ol></details>
<div class="cols"><div><h3>按类型</h3><table>{rows("kind")}</table></div><div><h3>按产品</h3><table>{rows("product")}</table></div>
<div><h3>按服务</h3><table>{rows("service")}</table></div></div>
<h3>意图混淆</h3><table><tr><th>期望</th><th>实际</th><th>次数</th></tr>{confusions}</table>
<h3>NLU 期望未满足（不单独判失败）（{len(summary["nlu_mismatches"])}）</h3><ul>{nlu}</ul>
<h2>失败用例（{len(summary["failures"])}）</h2>{fails}</body></html>"""
    path.write_text(page, "utf-8")


def write(summary: Dict[str, Any], out_dir: Path, name: str = "evaluation") -> Dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / f"{name}.json", out_dir / f"{name}.html"
    json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    write_html(summary, html_path)
    return {"json": json_path, "html": html_path}


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
