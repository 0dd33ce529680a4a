"""Check stage: the identities a correct report satisfies (template-spec.md §6).

* ``t3_balance`` per applicant column: 一 + 二 = （七）总计 + 四 (printed in T3's corner cell);
* ``t3_results_total`` per column: （七）总计 = the sum of the result rows;
* ``t3_row_total`` per row: 总计 = 自然人 + the five kinds of 法人或其他组织;
* ``t4_block_total`` per block: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.

A check that touches a blank, placeholder, absent or unreadable cell is ``skipped``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from .model import Cell, CheckResult

NEW, OLD = "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"
TOTAL, NEXT = "三、本年度办理结果 / （七）总计", "四、结转下年度继续办理"
T4_BLOCKS = ("行政复议", "行政诉讼 / 未经复议直接起诉", "行政诉讼 / 复议后起诉")


def run_checks(template: str, cells: Sequence[Cell]) -> list[CheckResult]:
    """Given a report's cells, return the outcome of every identity check."""
    if template not in ("2019", "2021") or not cells:
        return []
    t3 = {(c.row_path, c.col_path): c for c in cells if c.table == "T3"}
    t4 = {c.col_path: c for c in cells if c.table == "T4"}
    out: list[CheckResult] = []
    if t3:
        cols = list(dict.fromkeys(col for _, col in t3))
        rows = list(dict.fromkeys(row for row, _ in t3))
        results = [r for r in rows if r.startswith("三、") and r != TOTAL]
        for col in cols:
            out.append(_compare("t3_balance", col, [t3.get((NEW, col)), t3.get((OLD, col))],
                                [t3.get((TOTAL, col)), t3.get((NEXT, col))]))
            out.append(_compare("t3_results_total", col, [t3.get((r, col)) for r in results], [t3.get((TOTAL, col))]))
        for row in rows:
            out.append(_compare("t3_row_total", row, [t3.get((row, c)) for c in cols[:-1]], [t3.get((row, cols[-1]))]))
    if t4:
        for block in T4_BLOCKS:
            parts = [t4.get(f"{block} / {k}") for k in ("结果维持", "结果纠正", "其他结果", "尚未审结")]
            out.append(_compare("t4_block_total", block, parts, [t4.get(f"{block} / 总计")]))
    return out


def _sum(cells: Iterable[Cell | None]) -> Decimal | None:
    total = Decimal(0)
    for c in cells:
        if c is None or c.status != "value" or c.value is None:
            return None
        total += Decimal(c.value)
    return total


def _compare(check: str, scope: str, expected_cells, actual_cells) -> CheckResult:
    expected, actual = _sum(expected_cells), _sum(actual_cells)
    if expected is None or actual is None:
        return CheckResult(check, scope, _float(expected), _float(actual), "skipped")
    return CheckResult(check, scope, float(expected), float(actual), "pass" if expected == actual else "fail")


def _float(v: Decimal | None) -> float | None:
    return None if v is None else float(v)
