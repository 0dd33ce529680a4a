"""Word (.docx) -> Document with python-docx, tables in the cell-per-line dialect.

The body is read in order: a paragraph is a line (line breaks inside it too), a table is printed
one cell per line. Merged cells are read from the XML: a cell spanning columns (``gridSpan``)
prints once, the continuation of a vertical merge (``vMerge`` without ``restart``) prints
nothing, and the paragraphs of a cell are joined (``商业`` / ``企业`` -> ``商业企业``). Each
cell's ``loc`` is ``table T row R col C`` (1-based; C is the grid column).
Headers and footers are not part of the body, so running titles and page numbers never enter.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import InputError
from ..model import Diagnostic, Document
from .render import TableCell, TextBuilder, join_lines

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_P, _TBL, _SDT, _TC, _TR = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tc"), qn("w:tr")


def read_docx(data: bytes, source: str, media_type: str = MEDIA_TYPE) -> tuple[Document, list[Diagnostic]]:
    """Given a .docx file's bytes, return its Document and what was odd about it."""
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 (python-docx raises many kinds on damaged files)
        raise InputError(f"{source}: not a readable Word document ({type(exc).__name__}: {exc})") from None
    out = TextBuilder()
    tables = _walk(doc.element.body, doc, out, 0)
    diags = [Diagnostic("extract", "info", "docx_tables", f"{tables} table(s) read from the Word document")]
    return out.document(source, media_type), diags


def _walk(parent, doc, out: TextBuilder, tables: int) -> int:
    """Print the block children of ``parent`` in order; return the number of tables printed."""
    for child in parent.iterchildren():
        if child.tag == _P:
            for line in Paragraph(child, doc).text.splitlines():
                out.line(line)
        elif child.tag == _TBL:
            tables += 1
            out.table(_rows(Table(child, doc), tables))
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                tables = _walk(content, doc, out, tables)
    return tables


def _rows(table: Table, number: int) -> list[list[TableCell | None]]:
    """Given a table, return its rows of printed cells (None where a vertical merge continues)."""
    rows: list[list[TableCell | None]] = []
    for r, tr in enumerate(table._tbl.iterchildren(_TR), 1):
        row: list[TableCell | None] = []
        col = _grid_before(tr)
        for tc in tr.iterchildren(_TC):
            span, merge = _cell_props(tc)
            if merge == "continue":
                row.append(None)
            else:
                row.append(TableCell(_cell_text(tc, table), f"table {number} row {r} col {col + 1}"))
            col += span
        rows.append(row)
    return rows


def _grid_before(tr) -> int:
    """Given a row, return how many grid columns it skips before its first cell."""
    props = tr.find(qn("w:trPr"))
    before = props.find(qn("w:gridBefore")) if props is not None else None
    return int(before.get(qn("w:val"), "0")) if before is not None else 0


def _cell_props(tc) -> tuple[int, str]:
    """Given a cell, return (columns spanned, vertical merge: 'restart', 'continue' or '')."""
    props = tc.find(qn("w:tcPr"))
    if props is None:
        return 1, ""
    span = props.find(qn("w:gridSpan"))
    merge = props.find(qn("w:vMerge"))
    cols = int(span.get(qn("w:val"), "1")) if span is not None else 1
    how = "" if merge is None else ("restart" if merge.get(qn("w:val")) == "restart" else "continue")
    return max(cols, 1), how


def _cell_text(tc, table: Table) -> str:
    """Given a cell, return its paragraphs' text joined (nested tables included, in order)."""
    lines = [line for p in tc.iter(_P) for line in Paragraph(p, table).text.splitlines()]
    return join_lines(lines)
