"""Command line of the knowledge store: build, check, stats, coverage, place, service, search.

python -m knowledge build               validate the sources and (re)build the store
python -m knowledge check               validate only; exit 1 with the problems listed
python -m knowledge stats               services and places per manual and per service
python -m knowledge coverage 平安 住院陪护 毫州   one JSON object (covered, product, service, place, province, hospitals, source …)
python -m knowledge place 义乌           how a place name resolves
python -m knowledge service 平安 住院陪护   everything the store holds on a service (JSON)
python -m knowledge search "犹豫期多久"     best passages with their sources
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, List, Optional

from knowledge.config import database_url


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _kb():
    from knowledge.api import KnowledgeBase, StoreNotBuilt

    try:
        return KnowledgeBase(database_url())
    except StoreNotBuilt as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(2)


def cmd_build(args: argparse.Namespace) -> int:
    from knowledge.loader import SourceError, build

    started = time.perf_counter()
    try:
        counts = build(database_url())
    except SourceError as exc:
        print("知识库未更新，源文件有问题 (the store was left as it was):", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    print(f"built {database_url()} in {took:.2f}s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from knowledge.loader import SourceError, check

    try:
        src = check()
    except SourceError as exc:
        print("源文件有问题:", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return 1
    print(
        f"ok: {len(src.manuals)} manuals, {sum(len(d.services) for _, d in src.manuals)} services, {len(src.lists)} city lists"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    kb = _kb()
    rows = []
    for p in kb.products():
        services = kb.services_of(p)
        print(f"{p.manual}  {p.name}  ({p.insurer}): {len(services)} services")
        for s in services:
            cov = s.coverage
            places = sum(len(pl.entries) for pl in cov.lists)
            detail = {
                "list": f"{places} places in {', '.join(pl.id for pl in cov.lists)}",
                "provinces": f"{len(cov.provinces)} provinces",
                "hospitals": f"{len(cov.hospitals)} hospitals",
                "unpublished": f"list not published ({cov.printed_city_count} cities printed)",
            }.get(cov.type, cov.type)
            print(
                f"    {s.name:<24} facts {len(s.facts):>3}  steps {len(s.steps):>2}  Q&A {len(s.qa):>2}  coverage: {detail}"
            )
            rows.append(s)
    print(
        f"total: {len(kb.products())} products, {len(rows)} services, {len(kb.lists)} city lists, "
        f"{sum(len(pl.entries) for pl in kb.lists.values())} list entries; built {kb.built_at}"
    )
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    _print_json(_kb().is_covered(args.product, args.service, args.place).to_dict())
    return 0


def cmd_place(args: argparse.Namespace) -> int:
    kb = _kb()
    r = kb.resolve_place(args.mention)
    if not r.found:
        _print_json({"mention": args.mention, "found": False, "suggestions": [n for n, _ in r.suggestions]})
        return 1
    d = r.division
    _print_json(
        {
            "mention": args.mention,
            "found": True,
            "name": d.name,
            "adcode": d.adcode,
            "level": d.level,
            "mainland": d.mainland,
            "chain": [x.name for x in kb.places.chain(d)],
            "city": kb.places.city_of(d).name,
            "matched_by": r.matched_by,
            "note": r.note,
            "alternatives": [a.name for a in r.alternatives],
        }
    )
    return 0


def cmd_service(args: argparse.Namespace) -> int:
    kb = _kb()
    matches = kb.find_services(args.service, args.product)
    if not matches:
        print(f"no service matches {args.service!r}", file=sys.stderr)
        return 1
    s = matches[0].service
    _print_json(
        {
            "product": s.product.name,
            "service": s.name,
            "key": s.key,
            "score": matches[0].score,
            "section": s.section,
            "aliases": list(s.aliases),
            "items": list(s.items),
            "facts": [{"kind": f.kind, "text": f.text, "section": f.section, "data": f.data} for f in s.facts],
            "steps": list(s.steps),
            "qa": [{"q": q.question, "a": q.answer} for q in s.qa],
            "coverage": {"type": s.coverage.type, "text": s.coverage.text, "lists": [pl.id for pl in s.coverage.lists]},
            "other_matches": [
                {"product": x.service.product.name, "service": x.service.name, "score": x.score} for x in matches[1:]
            ],
        }
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    _print_json(_kb().search(args.query, args.product, args.limit))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="validate the sources and rebuild the store").set_defaults(func=cmd_build)
    sub.add_parser("check", help="validate the sources only").set_defaults(func=cmd_check)
    sub.add_parser("stats", help="services and places per manual and per service").set_defaults(func=cmd_stats)
    c = sub.add_parser("coverage", help="is SERVICE of PRODUCT usable in PLACE (JSON)")
    c.add_argument("product"), c.add_argument("service"), c.add_argument("place")
    c.set_defaults(func=cmd_coverage)
    p = sub.add_parser("place", help="resolve a place name")
    p.add_argument("mention")
    p.set_defaults(func=cmd_place)
    s = sub.add_parser("service", help="everything on one service (JSON)")
    s.add_argument("product"), s.add_argument("service")
    s.set_defaults(func=cmd_service)
    q = sub.add_parser("search", help="passage search")
    q.add_argument("query"), q.add_argument("--product"), q.add_argument("--limit", type=int, default=5)
    q.set_defaults(func=cmd_search)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
