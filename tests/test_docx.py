"""Word reports: every committed .docx (real merged cells: gridSpan, vMerge, several paragraphs in
a cell) is read exactly; a .doc made from one by LibreOffice reads the same; without LibreOffice a
.doc is a failed report that says why.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from doclib import (
    cell_problems,
    convert,
    documents,
    gold,
    libreoffice,
    parsed,
    report_problems,
)

from report_parser import Options, ReportParserError, parse
from report_parser.extract import DOCX, sniff

DOCXS = documents("docx")
TABLE_ROW_COL = re.compile(r"^table \d+ row \d+ col \d+$")


def test_there_are_enough_word_documents():
    assert len(DOCXS) >= 10
    assert {gold(p)["template"] for p in DOCXS} == {"2019", "2021"}


@pytest.mark.parametrize("docx", DOCXS, ids=lambda p: p.stem)
def test_docx_is_read_exactly(docx: Path):
    report = parsed(docx)
    assert report.media_type == DOCX
    problems = report_problems(report, gold(docx))
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("docx", DOCXS, ids=lambda p: p.stem)
def test_every_docx_cell_says_table_row_and_column(docx: Path):
    missing = [(c.row_path, c.col_path, c.loc) for c in parsed(docx).cells if not TABLE_ROW_COL.match(c.loc)]
    assert not missing, missing[:5]


def test_merged_cells_print_once_and_paragraphs_join():
    from report_parser.extract.docx import read_docx

    doc, _ = read_docx(DOCXS[0].read_bytes(), "d01.docx")
    lines = doc.text.splitlines()
    assert lines.count("申请人情况 |") == 1                     # gridSpan 7: one cell, printed once
    assert lines.count("三、本年度办理结果 |") == 1             # vMerge over 20+ rows: printed once
    assert not [ln for ln in lines if ln in ("商业 |", "企业 |", "三 |")]  # a cell's paragraphs are one cell


def test_sniffing_word_documents():
    data = DOCXS[0].read_bytes()
    assert sniff(data) == DOCX
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)) == "application/msword"


def test_a_zip_that_is_not_a_word_document_is_unsupported(tmp_path: Path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a report")
    report = parse(path)
    assert report.status == "failed"
    assert [d.code for d in report.diagnostics] == ["unsupported_media"]


def test_a_damaged_docx_is_a_failed_report(tmp_path: Path):
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<not xml")
    report = parse(path)
    assert report.status == "failed"
    assert report.diagnostics[0].code == "bad_input"


def test_doc_without_libreoffice_fails_with_a_clear_reason(monkeypatch):
    monkeypatch.setenv("PATH", "")
    report = parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="old.doc")
    assert report.status == "failed"
    diag = report.diagnostics[0]
    assert diag.code == "unsupported_media" and "LibreOffice" in diag.message
    with pytest.raises(ReportParserError):
        parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="old.wps", options=Options(raise_on_error=True))


@pytest.fixture(scope="module")
def doc_file(tmp_path_factory) -> Path:
    exe = libreoffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed; .doc/.wps conversion cannot be tested")
    return convert(exe, DOCXS[0], "doc:MS Word 97", tmp_path_factory.mktemp("doc"))


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_made_by_libreoffice_reads_the_same(doc_file: Path, suffix: str):
    data = doc_file.read_bytes()
    assert sniff(data) == "application/msword"
    report = parse(data, name=f"d01{suffix}")  # WPS files are the same OLE container
    assert report.media_type == "application/msword"
    assert report.status == "ok"
    assert "converted" in [d.code for d in report.diagnostics]
    assert not cell_problems(report, gold(DOCXS[0]))
    assert [c.value for c in report.cells] == [c.value for c in parsed(DOCXS[0]).cells]
