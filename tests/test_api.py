"""The public API is small and deliberate: a test fails if it drifts."""

from __future__ import annotations

from pathlib import Path

import report_parser

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "000_72945e47686616df.txt"

PUBLIC = {
    "Cell", "CheckResult", "Diagnostic", "Meta", "Options", "Part", "Report",
    "ReportParserError", "__version__", "parse", "to_frames",
}


def test_exported_names_are_exactly_the_documented_set():
    assert set(report_parser.__all__) == PUBLIC
    assert len(report_parser.__all__) == len(PUBLIC)
    for name in PUBLIC:
        assert getattr(report_parser, name) is not None


def test_version():
    assert report_parser.__version__ == "0.1.0"


def test_parse_then_frames():
    report = report_parser.parse(SEED)
    assert isinstance(report, report_parser.Report)
    frames = report_parser.to_frames([report])
    assert list(frames) == ["reports", "cells", "parts", "checks", "diagnostics"]
    assert frames["reports"]["source"].iloc[0] == str(SEED)
    assert len(frames["cells"]) == len(report.cells)
