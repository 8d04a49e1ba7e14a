"""Question lists as insurers keep them (CSV, XLSX): read as suites, and refused with the row and column named."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from evaluation.suite import SuiteError
from evaluation.tables import load_any, load_table


def _xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_an_xlsx_list_with_english_headers_and_a_two_turn_case(tmp_path):
    path = _xlsx(
        tmp_path / "faq.xlsx",
        [
            ["ID", "Question", "Expected facts", "Product", "Service", "Kind", "Covered", "Not"],
            ["c1", "平安的住院陪护", None, "平安健康 医疗险", "7天住院陪护", "coverage", None, None],
            ["c1", "在亳州能用吗", "亳州|毫州; 安徽", None, None, None, "yes", "不可以"],
            [None, None, None, None, None, None, None, None],
            [7, "住院陪护每次多少天", "7天", "平安健康 医疗险", "7天住院陪护", "rule", None, None],
        ],
    )
    suite = load_table(path)
    assert suite.suite == "faq" and [c.id for c in suite.cases] == ["c1", "7"]
    first, second = suite.cases[0].turns
    assert first.expect is None and second.expect.facts == [["亳州", "毫州"], "安徽"]
    assert second.expect.covered is True and second.expect.covered_given and second.expect.not_ == ["不可以"]
    assert suite.cases[0].tags == {
        "product": "平安健康 医疗险",
        "service": "7天住院陪护",
        "kind": "coverage",
        "multi_turn": True,
    }


def test_a_csv_saved_by_excel_in_gbk_is_read(tmp_path):
    path = tmp_path / "faq.csv"
    path.write_bytes("问题,要点,可用\n安盛的垫付在温州能用吗,温州,否\n".encode("gb18030"))
    case = load_any(path).cases[0]
    assert case.turns[0].user == "安盛的垫付在温州能用吗" and case.turns[0].expect.covered is False


@pytest.mark.parametrize(
    "content, message",
    [
        ("问题,要点,颜色\n亳州能用吗,亳州,红\n", "第 1 行第 3 列的表头 “颜色” 不认识"),
        ("问题,要点\n亳州能用吗,亳州\n,亳州\n", "第 3 行 “question / 问题” 列是空的"),
        ("问题,可用\n亳州能用吗,也许\n", "第 2 行 “covered / 可用” 列: 应为 是/否（true/false），读到 “也许”"),
        ("要点,产品\n亳州,平安\n", "表头缺少 “question / 问题” 列"),
        ("问题,产品\n亳州能用吗,平安\n", "用例 row-2 没有任何期望"),
        ("问题,question\n亳州能用吗,亳州能用吗\n", "第 1 行有两列都是 “question”"),
        ("", "文件是空的"),
    ],
)
def test_a_bad_table_names_the_row_and_the_column(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(SuiteError) as err:
        load_table(path)
    assert message in str(err.value)


def test_a_file_that_is_not_a_workbook_is_refused_plainly(tmp_path):
    path = tmp_path / "faq.xlsx"
    path.write_text("not a workbook", "utf-8")
    with pytest.raises(SuiteError, match="无法读取 XLSX 文件"):
        load_table(path)
