"""Command line: ``python -m service_requests demo-policies | list | show REF | set-status REF STATUS --actor NAME``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from service_requests.desk import STATUS_CN, ServiceDesk


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service_requests", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("demo-policies", help="load (or refresh) the demo policies: fictitious, dates relative to today")
    ls = sub.add_parser("list", help="requests of a policy, newest first")
    ls.add_argument("policy")
    show = sub.add_parser("show", help="one request with its audit trail, as JSON")
    show.add_argument("reference")
    st = sub.add_parser("set-status", help="change a request's status (a butler's action), recorded in the audit trail")
    st.add_argument("reference")
    st.add_argument("status", choices=sorted(STATUS_CN))
    st.add_argument("--actor", required=True)
    st.add_argument("--note")
    args = ap.parse_args(argv)
    desk = ServiceDesk()
    if args.cmd == "demo-policies":
        print(f"演示保单已载入（虚构数据）：{desk.load_demo_policies()} 份")
    elif args.cmd in ("show", "set-status"):
        view = desk.request(args.reference.upper())
        if view is None:
            print(f"no request {args.reference}", file=sys.stderr)
            return 1
        if args.cmd == "set-status":
            try:
                view = desk.set_status(view.reference, args.status, f"butler:{args.actor}", args.note)
            except ValueError as exc:
                print(exc, file=sys.stderr)
                return 1
        print(json.dumps(view.__dict__, ensure_ascii=False, indent=2, default=str))
    elif args.cmd == "list":
        policy = desk.policy(args.policy)
        if policy is None:
            print(f"no policy {args.policy}", file=sys.stderr)
            return 1
        for r in desk.requests_of_policy(policy):
            print(f"{r.reference}\t{r.service}\t{r.status_cn}\t{r.scheduled_at or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
