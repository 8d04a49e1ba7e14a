"""A chat in the terminal, over the REST channel of a running assistant (`make run` in another terminal).

python -m assistant.chat [--url http://localhost:5005/webhooks/rest/webhook] [--payload]
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import uuid

from assistant.serve import send


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:5005/webhooks/rest/webhook")
    parser.add_argument("--payload", action="store_true", help="also print the structured payload")
    args = parser.parse_args()
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    print("健康险服务助手（输入 /quit 退出）")
    while True:
        try:
            text = input("您: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        if text in ("/quit", "/exit"):
            return 0
        try:
            messages = send(args.url, sender, text)
        except (urllib.error.URLError, ConnectionError) as exc:
            print(f"连接不到助手（{exc}）。请先在另一个终端运行 `make run`。", file=sys.stderr)
            return 1
        for m in messages:
            if "text" in m:
                print(f"助手: {m['text']}")
            for b in m.get("buttons") or []:
                print(f"   [{b.get('title')}]")
            if args.payload and "custom" in m:
                print("   " + json.dumps(m["custom"], ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
