"""HTML pages: main content, span-aware grids, Word-exported markup, charsets; generated fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from report_parser import parse
from report_parser.extract import extract
from report_parser.extract.html import html_to_text, table_grid
from report_parser.extract.text import decode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
PAGES = sorted((FIXTURES / "raw").glob("*.html"))


def expected(page: Path) -> dict:
    return json.loads((FIXTURES / "gold" / f"{page.stem}.json").read_text(encoding="utf-8"))


def test_there_are_pages_of_both_templates_styles_and_charsets():
    names = " ".join(p.stem for p in PAGES)
    assert len(PAGES) >= 20
    for word in ("2019", "2021", "cms", "word", "gbk", "utf8"):
        assert word in names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_generated_page_parses_exactly(page: Path):
    gold = expected(page)
    report = parse(page)
    assert report.status == "ok", report.diagnostics
    assert (report.template, report.meta.year, report.meta.agency) == (gold["template"], gold["year"], gold["agency"])
    assert sorted({p.part for p in report.parts} - {0}) == gold["parts"]
    got = {(c.table, c.row_path, c.col_path): c for c in report.cells}
    assert len(got) == len(gold["cells"])
    for want in gold["cells"]:
        cell = got[(want["table"], want["row_path"], want["col_path"])]
        if want["gold"] == "":
            assert cell.status == "blank", (want, cell)
        elif cell.status == "placeholder":
            assert cell.raw == want["gold"]
        else:
            assert (cell.status, float(cell.value)) == ("value", float(want["gold"])), (want, cell)
        assert cell.loc.startswith("(/html/body/"), cell.loc  # a DOM path (an XPath)
    assert all(c.result != "fail" for c in report.checks)


def test_grid_marks_spanned_positions_none_and_printed_blanks_empty():
    table = lxml.html.fragment_fromstring(
        "<table><tr><td rowspan=2 colspan=2>角</td><td colspan=2>甲</td></tr>"
        "<tr><td>乙</td><td>&nbsp;</td></tr>"
        "<tr><td>一</td><td></td><td>1</td><td>2</td></tr></table>")
    grid = table_grid(table)
    assert grid.rows == (("角", None, "甲", None), (None, None, "乙", ""), ("一", "", "1", "2"))
    assert grid.paths[0][1] is None and grid.paths[2][3].endswith("//tr)[3]/td[4]")


def test_main_content_drops_site_chrome_and_keeps_the_title():
    page = (FIXTURES / "raw" / PAGES[0].name).read_bytes()
    doc, _ = extract(page, "x.html")
    assert "扫一扫在手机打开当前页" not in doc.text and "网站标识码" not in doc.text and "当前位置" not in doc.text
    assert "政府信息公开工作年度报告" in doc.text.splitlines()[0]
    assert "一、总体情况" in doc.text


def test_word_markup_and_nested_layout_tables():
    page = ("<html><body><table><tr><td>导航</td></tr><tr><td><div class=TRS_Editor>"
            "<p class=MsoNormal>一、总体情况<o:p></o:p></p><p>二、主动公开政府信息情况</p>"
            "<table class=MsoNormalTable><tr><td><p>行政<o:p></o:p></p><p>许可</p></td>"
            "<td><p>&nbsp;12&nbsp;<o:p></o:p></p></td><td><p>&nbsp;<o:p></o:p></p></td></tr></table>"
            "<!--[if !supportLists]-->7、<!--[endif]--></div></td></tr></table></body></html>")
    text, spans = html_to_text(page)
    assert "行政 许可 |\n12 |\n |" in text
    assert "supportLists" not in text
    assert [text[s.start:s.end] for s in spans] == ["行政 许可", "12", " "]  # a blank cell spans its space


def test_gbk_page_with_a_gb2312_meta_and_a_lying_header_decodes():
    page = "<html><head><meta charset=gb2312></head><body><p>宿迁市人力资源和社会保障局𠮷</p></body></html>"
    data = page.encode("gb18030")
    text, encoding, diags = decode(data, "x", "text/html; charset=utf-8")
    assert "宿迁市人力资源和社会保障局𠮷" in text and encoding == "gb18030"
    assert [d.code for d in diags] == ["charset_mismatch"]


def test_utf8_page_that_declares_gbk_decodes_as_utf8():
    page = "<html><head><meta charset=gbk></head><body><p>收到和处理政府信息公开申请</p></body></html>"
    text, encoding, _ = decode(page.encode("utf-8"), "x")
    assert encoding == "utf-8" and "收到和处理政府信息公开申请" in text
