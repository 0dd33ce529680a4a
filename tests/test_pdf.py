"""PDF reports: every committed PDF (fixtures/documents, made by fixtures/make_documents.py with
LibreOffice and Chromium) is read exactly, with a page and bbox for every cell.

The documents are read as committed; the tests never regenerate them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doclib import DOCS, PAGE_BBOX, ROOT, documents, gold, parsed, report_problems

from report_parser import parse
from report_parser.extract import extract, sniff

PDFS = documents("pdf")
SHARED = ROOT.parent / "shared"


def test_the_set_is_varied_enough():
    assert len(PDFS) >= 30
    producers = {p.stem[0] for p in PDFS}
    assert producers == {"w", "c"}  # LibreOffice from Word, Chromium from HTML
    assert {gold(p)["template"] for p in PDFS} == {"2019", "2021"}


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdf_is_read_exactly(pdf: Path):
    report = parsed(pdf)
    assert report.media_type == "application/pdf"
    problems = report_problems(report, gold(pdf))
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_every_pdf_cell_says_page_and_bbox(pdf: Path):
    report = parsed(pdf)
    assert report.cells
    missing = [(c.table, c.row_path, c.col_path, c.status, c.loc) for c in report.cells if not PAGE_BBOX.match(c.loc)]
    assert not missing, missing[:5]


def test_the_layouts_exercise_page_breaks():
    """Across the set, tables continue on the next page, header rows repeat and rows split."""
    notes = [d.message for p in PDFS for d in parsed(p).diagnostics if d.code == "table_continued"]
    assert any("repeated header" in n for n in notes)
    assert sum("split by the page break" in n for n in notes) >= 3


@pytest.mark.parametrize("pdf", PDFS[::6], ids=lambda p: p.stem)
def test_page_numbers_and_running_headers_are_removed(pdf: Path):
    doc, _ = extract(pdf.read_bytes(), str(pdf))
    lines = doc.text.splitlines()
    assert not [ln for ln in lines if re.fullmatch(r"[-—]?\s*\d{1,3}\s*[-—]?|第\s*\d+\s*页.*", ln)]
    assert f"{gold(pdf)['agency']}政务公开" not in lines  # the running header of some layouts


def test_narrative_lines_are_joined_and_cjk_spacing_repaired():
    doc, _ = extract(PDFS[0].read_bytes(), str(PDFS[0]))
    first = doc.text.splitlines()[0]
    assert first.endswith("政府信息公开工作年度报告")  # a title wrapped in the PDF is one line again
    assert not re.search("[\u4e00-\u9fff] [\u4e00-\u9fff]", doc.text)


def test_sniffing_pdf():
    data = PDFS[0].read_bytes()
    assert sniff(data) == "application/pdf"
    assert sniff(b"\r\n\xef\xbb\xbf junk " + data) == "application/pdf"  # a few bytes before the header


def test_a_damaged_pdf_is_a_failed_report_not_a_crash():
    data = PDFS[0].read_bytes()
    report = parse(data[: len(data) // 3], name="cut.pdf")
    assert report.status in ("failed", "partial")
    if report.status == "failed":
        assert any(d.level == "error" for d in report.diagnostics)


def test_the_committed_set_scores_perfectly(tmp_path: Path):
    scorer = SHARED / "tools" / "score-corpus"
    if not scorer.exists():
        pytest.skip("../shared/tools/score-corpus is not available")
    out = tmp_path / "run"
    run = subprocess.run([sys.executable, "-m", "report_parser", "parse", str(DOCS / "raw"), "--out", str(out),
                          "--jobs", "2", "--quiet"], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr
    score = subprocess.run([sys.executable, str(scorer), "--corpus", str(DOCS), "--out", str(out)],
                           capture_output=True, text=True, timeout=300, check=False)
    last = score.stdout.strip().splitlines()[-1]
    assert "cell_accuracy=1.0000" in last and "spurious=0" in last and "part_recall=1.0000" in last, score.stdout


def test_pdf_extracted_text_g022_still_scores_through_the_text_path(tmp_path: Path):
    """A real report's text as a PDF tool extracted it (spurious CJK spaces, page footers, one
    character per line labels) keeps going through the text path."""
    raw, answer = SHARED / "corpus" / "dev" / "raw" / "g022.txt", SHARED / "corpus" / "dev" / "gold" / "g022.json"
    scorer = SHARED / "tools" / "score-corpus"
    if not (raw.exists() and answer.exists() and scorer.exists()):
        pytest.skip("../shared/corpus/dev is not available")
    corpus = tmp_path / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "gold").mkdir()
    shutil.copy(raw, corpus / "raw")
    shutil.copy(answer, corpus / "gold")
    out = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "report_parser", "parse", str(corpus / "raw" / "g022.txt"), "--out", str(out),
                    "--jobs", "1", "--quiet"], capture_output=True, timeout=300, check=True)
    score = subprocess.run([sys.executable, str(scorer), "--corpus", str(corpus), "--out", str(out)],
                           capture_output=True, text=True, timeout=300, check=False)
    values = dict(re.findall(r"(\w+)=([\d.]+)", score.stdout.strip().splitlines()[-1]))
    assert float(values["cell_accuracy"]) >= 0.99, score.stdout


def test_answers_are_in_the_corpus_gold_format():
    for path in sorted((DOCS / "gold").glob("*.json")):
        answer = json.loads(path.read_text(encoding="utf-8"))
        assert answer["id"] == path.stem
        assert set(answer) >= {"template", "year", "agency", "parts", "tables", "cells"}
        assert any((DOCS / "raw").glob(f"{path.stem}.*"))
