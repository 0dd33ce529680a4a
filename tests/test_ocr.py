"""Scanned PDFs: page images without a text layer.

The scan is made here from a committed PDF: the page holding its T2 table rendered at 300 dpi and
wrapped back into a PDF (pypdfium2 and Pillow, which pdfplumber brings). By default it is a failed
report with code needs_ocr; with ``ocr=True`` tesseract reads it and T2 comes back exactly.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from doclib import DOCS, PAGE_BBOX, cell_problems, gold, parsed, scanned_pdf

from report_parser import Options, parse
from report_parser.cli import main

SOURCE = DOCS / "raw" / "w02.pdf"  # LibreOffice PDF, 2021 template, its T2 on one page


def _has_chi_sim() -> bool:
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    return "chi_sim" in (langs.stdout + langs.stderr).split()


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    pages = sorted({int(c.loc.split()[1]) for c in parsed(SOURCE).cells if c.table == "T2"})
    assert len(pages) == 1
    return scanned_pdf(SOURCE, pages, tmp_path_factory.mktemp("scan") / "scan.pdf")


def test_a_scan_fails_with_needs_ocr_by_default(scan: Path):
    report = parse(scan)
    assert report.status == "failed"
    assert [d.code for d in report.diagnostics] == ["needs_ocr"]
    assert "--ocr" in report.diagnostics[0].message


def test_the_command_line_reports_needs_ocr(scan: Path, tmp_path: Path):
    code = main(["parse", str(scan), "--out", str(tmp_path), "--jobs", "1", "--quiet", "--format", "csv"])
    assert code == 1
    with open(tmp_path / "diagnostics.csv", encoding="utf-8") as f:
        assert "needs_ocr" in {row["code"] for row in csv.DictReader(f)}


def test_ocr_without_tesseract_says_so(scan: Path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    report = parse(scan, options=Options(ocr=True))
    assert report.status == "failed"
    assert report.diagnostics[0].code == "needs_ocr" and "tesseract" in report.diagnostics[0].message


@pytest.mark.skipif(not _has_chi_sim(), reason="tesseract with chi_sim is not installed (tesseract-ocr-chi-sim)")
def test_ocr_recovers_the_t2_table_exactly(scan: Path):
    report = parse(scan, options=Options(ocr=True))
    assert report.template == "2021"
    assert "ocr" in [d.code for d in report.diagnostics]
    problems = cell_problems(report, gold(SOURCE), tables=("T2",))
    assert not problems, "\n".join(problems)
    assert all(PAGE_BBOX.match(c.loc) for c in report.cells if c.table == "T2")
