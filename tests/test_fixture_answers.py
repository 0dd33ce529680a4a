"""Every fixture set that carries answers (raw/ + gold/ in the corpus gold format) is read exactly.

fixtures/synth: one synthetic report per dialect x template; fixtures/regressions: inputs the
parser once misread. (fixtures/html has its own, stricter test in test_html.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from report_parser import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(p for d in ("synth", "regressions") for p in (FIXTURES / d / "raw").glob("*.txt"))


def _expected(raw: Path) -> dict:
    return json.loads((raw.parent.parent / "gold" / f"{raw.stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("raw", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_fixture_is_read_exactly(raw: Path):
    gold = _expected(raw)
    report = parse(raw)
    assert report.template == gold["template"]
    got = {(c.table, c.row_path, c.col_path): c for c in report.cells}
    for want in gold["cells"]:
        cell = got[(want["table"], want["row_path"], want["col_path"])]
        g = want["gold"]
        if g == "":
            assert cell.status == "blank", (want, cell)
        elif not g.lstrip("-").replace(".", "", 1).isdigit():
            assert (cell.status, cell.raw) == ("placeholder", g), (want, cell)
        else:
            assert cell.status == "value" and float(cell.value) == float(g), (want, cell)


def test_there_are_fixtures_of_every_dialect():
    names = " ".join(p.stem for p in CASES)
    for dialect in ("cell_per_line", "row_per_line", "markdown", "blank_line", "space_separated", "glued", "mixed"):
        assert dialect in names
