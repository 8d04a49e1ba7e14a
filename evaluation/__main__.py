"""python -m evaluation run SUITE [SUITE …] | diff OLD.json NEW.json | heldout FILE [FILE …]

run: sends every case of the suites (YAML, or CSV / XLSX question lists) through the assistant's REST channel (the one at --url, or
the one on localhost:5005 if it answers, or one started for the run), writes reports/NAME.json,
reports/NAME.html and the failures as reports/NAME-failures.csv / .xlsx, prints the breakdown and, last, the overall pass rate; exit 1 below
--threshold.  --baseline runs the same suites against the BM25 search baseline instead.

heldout: lists the questions of suites (YAML / CSV / XLSX) or NLU files (Rasa YAML) that are not held out
from the training data as the classifier sees it (names masked, evaluation.heldout); exit 1 if any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional

from evaluation import report
from evaluation.runner import run
from evaluation.suite import SuiteError
from evaluation.tables import load_any

DEFAULT_URL = "http://localhost:5005/webhooks/rest/webhook"


def _alive(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url.rsplit("/webhook", 1)[0] + "/", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def cmd_run(args: argparse.Namespace) -> int:
    try:
        suites = [load_any(Path(p)) for p in args.suites]
    except SuiteError as exc:
        print(f"评测集有问题: {exc}", file=sys.stderr)
        return 2
    assistant, server, token = None, None, args.token
    if args.baseline:
        from assistant.serve import free_port
        from evaluation.baseline import Baseline, serve

        port = free_port()
        server = serve(port, Baseline())
        url, target = f"http://127.0.0.1:{port}/webhooks/rest/webhook", "BM25 baseline over the raw manuals"
    elif args.url:
        url, target = args.url, args.url
    elif _alive(DEFAULT_URL):
        from assistant.settings import read_token

        url, target, token = DEFAULT_URL, f"assistant at {DEFAULT_URL}", token or read_token()
    else:
        from assistant.serve import Assistant

        print("no assistant running: starting one for this run …", flush=True)
        assistant = Assistant().start()
        url, target, token = assistant.url, "assistant (started for this run)", assistant.api_token
    try:
        results = run(suites, url, workers=args.workers, progress=not args.quiet, token=token)
    finally:
        if assistant is not None:
            assistant.stop()
        if server is not None:
            server.shutdown()
    summary = report.summarise(results, target, args.threshold)
    paths = report.write(summary, Path(args.out), args.name or ("baseline" if args.baseline else "evaluation"))
    for group in ("kind", "topic", "product"):
        if not summary["by"][group]:
            continue
        print(f"by {group}:")
        for name, r in summary["by"][group].items():
            print(f"  {name:<28} {r['passed']:>4}/{r['cases']:<4} {r['pass_rate'] * 100:5.1f}%")
    lat = summary["latency_ms"]
    print(
        f"turns whose text has every expected fact (payload and intent not checked): {summary['text_pass_rate'] * 100:.1f}%"
    )
    print(
        f"latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms; "
        f"reports: {paths['json']} {paths['html']} {paths['failures_csv']} {paths['failures_xlsx']}"
    )
    o = summary["overall"]
    print(
        f"NLU: intent accuracy {summary['intent_accuracy']} on turns that expect one; "
        f"cases passed counting expected intents and entities too: {o['strict_pass_rate'] * 100:.1f}%"
    )
    print(f"overall pass rate: {o['pass_rate'] * 100:.1f}% ({o['passed']}/{o['cases']} cases)")
    return 1 if summary["passed_threshold"] is False else 0


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = (json.loads(Path(p).read_text("utf-8")) for p in (args.old, args.new))
    d = report.diff(old, new)
    print(f"pass rate: {d['pass_rate']['old']} → {d['pass_rate']['new']}")
    for key, label in (("better", "better"), ("worse", "worse"), ("added", "new cases"), ("removed", "removed cases")):
        print(f"{label} ({len(d[key])}):")
        for item in d[key]:
            print(f"  {item}")
    return 0


def _file_questions(path: Path) -> List[str]:
    from evaluation.heldout import training_questions
    from evaluation.suite import questions

    if path.suffix in (".yml", ".yaml") and "nlu:" in path.read_text("utf-8"):
        return training_questions([path])
    return questions([load_any(path)])


def cmd_heldout(args: argparse.Namespace) -> int:
    from evaluation.heldout import overlaps, store_finder, training_questions

    training = training_questions(sorted(Path(args.training).glob("*.yml")))
    finder = store_finder()
    bad = 0
    for name in args.files:
        try:
            asked = _file_questions(Path(name))
        except SuiteError as e:
            print(e, file=sys.stderr)
            return 2
        found = overlaps(asked, training, finder)
        bad += len(found)
        print(f"{name}: {len(asked)} questions, {len(found)} not held out")
        for o in found:
            print(f"  {o.question}  ≈  {o.training}  ({o.similarity:.0f}%, {o.template})")
    return 1 if bad else 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run suites against the assistant")
    r.add_argument("suites", nargs="+", help="YAML suites, or CSV / XLSX question lists (see evaluation/README.md)")
    r.add_argument("--url", help="the REST webhook of a running assistant")
    r.add_argument("--token", help="its HTTP API token, for the intents (default: $RASA_API_TOKEN or var/run's)")
    r.add_argument("--baseline", action="store_true", help="run against the BM25 baseline instead")
    r.add_argument("--threshold", type=float, help="exit 1 when the pass rate is below this (0-1)")
    r.add_argument("--out", default="reports")
    r.add_argument("--name")
    r.add_argument("--workers", type=int, default=4)
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_run)
    d = sub.add_parser("diff", help="what got better and worse between two JSON reports")
    d.add_argument("old"), d.add_argument("new")
    d.set_defaults(func=cmd_diff)
    h = sub.add_parser("heldout", help="questions that equal or nearly equal a training example, names masked")
    h.add_argument("files", nargs="+", help="suites (YAML / CSV / XLSX) or NLU test files")
    h.add_argument("--training", default="bot/data", help="the folder of the NLU training files")
    h.set_defaults(func=cmd_heldout)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
