"""Question lists in the form insurers keep them (CSV, XLSX) read as suites, and failures written back as tables.

Insurers and butlers keep their FAQ questions in spreadsheets, not YAML.  One row is one turn;
the header names the columns (English or Chinese, any order, case and spaces ignored):

    question 问题    the customer's message (required)
    facts    要点    what the reply must say: items separated by ; or ；, alternatives by |
    product  产品    tags, for the report's breakdown (not sent to the assistant)
    service  服务
    kind     类型    coverage, rule, procedure, materials, contact, services, comparison, faq, …
    id       编号    optional; rows with the same id are the turns of one case, in row order
    covered  可用    optional: 是/否/true/false/yes/no/1/0 — the coverage verdict of the payload
    type     回答类型 optional: the payload's answer type
    not      不应出现 optional: text that must not appear (; separated)
    note     备注    optional: kept with the case in the report

A bad file is refused with a message that names the row and the column, before anything runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from evaluation.suite import Case, Expect, Suite, SuiteError, TurnSpec

COLUMNS: Dict[str, Sequence[str]] = {
    "question": ("question", "问题", "问句", "客户问题"),
    "facts": ("facts", "expected facts", "expected", "要点", "期望要点", "答案要点"),
    "product": ("product", "产品"),
    "service": ("service", "服务"),
    "kind": ("kind", "类型", "问题类型"),
    "id": ("id", "编号", "case", "用例"),
    "covered": ("covered", "可用", "是否可用"),
    "type": ("type", "回答类型"),
    "not": ("not", "不应出现"),
    "note": ("note", "备注", "说明"),
}
TABLE_SUFFIXES = (".csv", ".xlsx")
_TRUE = {"是", "true", "yes", "y", "1", "可以", "能"}
_FALSE = {"否", "false", "no", "n", "0", "不可以", "不能"}
_ITEMS = re.compile(r"[;；\n]")


def _key(header: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(header or "")).strip().lower()


_BY_HEADER = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _rows_csv(path: Path) -> List[List[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SuiteError(f"{path}: 不是 UTF-8 或 GBK 编码的 CSV")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _rows_xlsx(path: Path) -> List[List[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise SuiteError(f"{path}: 无法读取 XLSX 文件（{type(exc).__name__}: {exc}）") from exc
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(text: str) -> List[str]:
    return [i.strip() for i in _ITEMS.split(text) if i.strip()]


def _facts(text: str) -> List[Any]:
    out: List[Any] = []
    for item in _items(text):
        options = [o.strip() for o in item.split("|") if o.strip()]
        out.append(options[0] if len(options) == 1 else options)
    return out


def _covered(text: str, where: str) -> Optional[bool]:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise SuiteError(f"{where}: 应为 是/否（true/false），读到 “{text}”")


def load_table(path: Path) -> Suite:
    """A CSV or XLSX question list as a suite (named after the file)."""
    path = Path(path)
    if not path.exists():
        raise SuiteError(f"{path}: 文件不存在")
    rows = _rows_xlsx(path) if path.suffix.lower() == ".xlsx" else _rows_csv(path)
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(_cell(c) for c in r)]  # the file's own row numbers
    if not numbered:
        raise SuiteError(f"{path}: 文件是空的（第 1 行应为表头，至少要有“question / 问题”列）")
    header_row, header = numbered[0][0], [_cell(c) for c in numbered[0][1]]
    columns: Dict[str, int] = {}
    for i, h in enumerate(header):
        name = _BY_HEADER.get(_key(h))
        if name is None and h:
            known = "、".join(aliases[0] for aliases in COLUMNS.values())
            raise SuiteError(f"{path}: 第 {header_row} 行第 {i + 1} 列的表头 “{h}” 不认识（可用: {known}）")
        if name in columns:
            raise SuiteError(
                f"{path}: 第 {header_row} 行有两列都是 “{name}”（第 {columns[name] + 1} 列和第 {i + 1} 列）"
            )
        if name:
            columns[name] = i
    if "question" not in columns:
        raise SuiteError(f"{path}: 表头缺少 “question / 问题” 列")
    cases: Dict[str, Case] = {}
    for n, row in numbered[1:]:
        cell = defaultdict(str, {name: _cell(row[i]) for name, i in columns.items() if i < len(row)})
        question = cell["question"]
        if not question:
            raise SuiteError(f"{path}: 第 {n} 行 “question / 问题” 列是空的")
        expect: Dict[str, Any] = {}
        if cell["facts"]:
            expect["facts"] = _facts(cell["facts"])
        if cell["not"]:
            expect["not"] = _items(cell["not"])
        if cell["type"]:
            expect["type"] = cell["type"]
        if cell["covered"]:
            expect["covered"] = _covered(cell["covered"], f"{path}: 第 {n} 行 “covered / 可用” 列")
            expect["covered_given"] = True
        case_id = cell["id"] or f"row-{n}"
        tags = {k: cell[k] for k in ("product", "service", "kind", "note") if cell[k]}
        turn = TurnSpec(user=question, expect=Expect(**expect) if expect else None)
        if case_id in cases:
            cases[case_id].turns.append(turn)
            cases[case_id].tags.update(tags)
            cases[case_id].tags["multi_turn"] = True
        else:
            cases[case_id] = Case(id=case_id, tags=tags, turns=[turn])
    if not cases:
        raise SuiteError(f"{path}: 只有表头，没有问题")
    unchecked = [c.id for c in cases.values() if not any(t.expect for t in c.turns)]
    if unchecked:
        raise SuiteError(
            f"{path}: 用例 {', '.join(unchecked[:5])} 没有任何期望（facts / covered / type / not 至少填一项）"
        )
    return Suite(suite=path.stem, cases=list(cases.values()), path=str(path))


FAILURE_COLUMNS = ["suite", "id", "kind", "product", "service", "turn", "question", "failures", "nlu", "reply"]


def failure_rows(summary: Dict[str, Any]) -> Iterable[List[Any]]:
    """One row per failed turn of each failed case: what a reviewer filters and sorts."""
    for f in summary["failures"]:
        for n, t in enumerate(f["turns"], start=1):
            if t["failures"] or (t.get("nlu_failures") and not any(x["failures"] for x in f["turns"])):
                tags = f["tags"]
                yield [
                    f["suite"],
                    f["id"],
                    tags.get("kind", ""),
                    tags.get("product", ""),
                    tags.get("service", ""),
                    n,
                    t["user"],
                    "; ".join(t["failures"] or []),
                    "; ".join(t.get("nlu_failures") or []),
                    t["reply"],
                ]


def write_failures(summary: Dict[str, Any], out_dir: Path, name: str) -> Dict[str, Path]:
    """The failures as CSV (UTF-8 with BOM, so Excel shows the Chinese) and as XLSX with a filter on the header."""
    from openpyxl import Workbook

    rows = list(failure_rows(summary))
    csv_path, xlsx_path = out_dir / f"{name}-failures.csv", out_dir / f"{name}-failures.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FAILURE_COLUMNS)
        writer.writerows(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "failures"
    sheet.append(FAILURE_COLUMNS)
    for row in rows:
        sheet.append(row)
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    book.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def load_any(path: Path) -> Suite:
    """A suite from YAML, CSV or XLSX, by the file's suffix."""
    from evaluation.suite import load_suite

    return load_table(path) if Path(path).suffix.lower() in TABLE_SUFFIXES else load_suite(path)
