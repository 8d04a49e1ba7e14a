"""The Official Account menu (wechat_menu.yml): CLICK keys → questions, and the JSON WeChat's menu API takes.

.venv/bin/python -m assistant.channels.wechat_menu     # prints {"button": [...]} for cgi-bin/menu/create
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import yaml

MENU_FILE = Path(__file__).with_name("wechat_menu.yml")
TOP_BYTES, SUB_BYTES, TOP_MAX, SUB_MAX = 16, 60, 3, 5


@lru_cache(maxsize=1)
def load(path: Path = MENU_FILE) -> List[Dict[str, Any]]:
    menu = yaml.safe_load(path.read_text("utf-8"))["menu"]
    problems = check(menu)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return menu


def check(menu: List[Dict[str, Any]]) -> List[str]:
    """What in the menu WeChat would refuse (limits of cgi-bin/menu/create), or a key used twice."""
    out: List[str] = []
    if len(menu) > TOP_MAX:
        out.append(f"{len(menu)} top-level buttons (at most {TOP_MAX})")
    keys: List[str] = []
    for top in menu:
        if len(top["name"].encode()) > TOP_BYTES:
            out.append(f"'{top['name']}' is over {TOP_BYTES} bytes")
        subs = top.get("sub") or []
        if len(subs) > SUB_MAX:
            out.append(f"'{top['name']}' has {len(subs)} sub-buttons (at most {SUB_MAX})")
        for item in subs or [top]:
            if item is not top and len(item["name"].encode()) > SUB_BYTES:
                out.append(f"'{item['name']}' is over {SUB_BYTES} bytes")
            if not item.get("key") or not item.get("question"):
                out.append(f"'{item['name']}' needs a key and a question")
            keys.append(item.get("key"))
    out += [f"key {k} is used twice" for k in sorted({k for k in keys if keys.count(k) > 1})]
    return out


def questions() -> Dict[str, str]:
    """CLICK key → the question it asks."""
    return {item["key"]: item["question"] for top in load() for item in (top.get("sub") or [top])}


def api_json() -> Dict[str, Any]:
    def button(item: Dict[str, Any]) -> Dict[str, Any]:
        return {"type": "click", "name": item["name"], "key": item["key"]}

    return {
        "button": [
            {"name": top["name"], "sub_button": [button(s) for s in top["sub"]]} if top.get("sub") else button(top)
            for top in load()
        ]
    }


if __name__ == "__main__":
    print(json.dumps(api_json(), ensure_ascii=False, indent=2))
