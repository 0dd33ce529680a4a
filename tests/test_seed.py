"""The user's sample (fixtures/seed, a Traditional-script mirror in the cell-per-line dialect)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from report_parser import parse

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "seed" / "000_72945e47686616df.txt"
GOLD = ROOT.parent / "shared" / "corpus" / "dev" / "gold" / "000_72945e47686616df.json"


@pytest.fixture(scope="module")
def report():
    return parse(SEED)


def test_metadata(report):
    assert (report.status, report.template) == ("ok", "2021")
    assert (report.meta.year, report.meta.agency, report.meta.script) == (2021, "宿迁市人力资源和社会保障局", "traditional")
    assert report.meta.region == "宿迁市"


def test_six_parts_and_preamble(report):
    assert [p.part for p in report.parts] == [0, 1, 2, 3, 4, 5, 6]
    five = next(p for p in report.parts if p.part == 5)
    assert five.heading.startswith("五、存在的主要問題及改進情況")
    assert five.title == "存在的主要问题及改进情况"


def test_every_cell_is_a_value_and_every_check_passes(report):
    assert len(report.cells) == 200
    assert {c.status for c in report.cells} == {"value"}
    assert report.checks and {c.result for c in report.checks} == {"pass"}


def test_some_printed_values(report):
    cells = {(c.table, c.row_key, c.col_key): c for c in report.cells}
    fee = cells[("T2", "administrative_fees", "fees_this_year_wan_yuan")]
    assert (fee.value, fee.unit, fee.raw) == ("4816.34", "万元", "4816.34")
    assert cells[("T2", "normative_documents", "in_force")].value == "35"
    assert cells[("T3", "result_total", "total")].value == "25"
    assert cells[("T3", "result_granted", "total")].value == "16"  # the narrative's 15 is the 自然人 column
    assert cells[("T4", "cases", "litigation_direct_upheld")].value == "1"
    assert cells[("T3", "new_requests", "natural_persons")].loc == "line 77"  # the line after the row label


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/corpus is not available")
def test_all_200_cells_match_the_hand_checked_answer(report):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    got = {(c.table, c.row_path, c.col_path): c.value for c in report.cells}
    assert len(gold["cells"]) == 200
    assert {(c["table"], c["row_path"], c["col_path"]): c["gold"] for c in gold["cells"]} == got
