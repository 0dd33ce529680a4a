"""HTML pages -> Document: main content isolated, tables as grids rendered one cell per line.

Steps: parse with lxml (comments dropped, so Word's ``<!--[if …]-->`` go too) -> find the main
content (the element holding the most part headings and report tables, deepest on ties) -> walk
it: block elements become lines; each table becomes a ``Grid`` honouring rowspan/colspan, and
every cell that starts at a grid position is printed as a ``text |`` line (spanned positions
print nothing, a printed blank prints `` |``), with a ``SourceSpan`` holding the cell's DOM path.
That is the cell-per-line dialect the tables stage reads by row labels. The page title is put
first when the main content lacks it (CMS pages keep it in the page header).
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
import regex
from lxml import etree

from ..model import SourceSpan

_BLOCK = frozenset("p div br li h1 h2 h3 h4 h5 h6 tr table section article ul ol dt dd blockquote pre".split())
_SKIP = frozenset(("script", "style", "noscript", "iframe", "select", "button", "object", "head", "form",
                   "textarea", "svg", "nav", "footer"))
_HEADING = regex.compile(r"[一二三四五六七]\s*[、.．]\s*(总体情况|概述|主动公开|收到和处理|依申请公开|"
                         r"政府信息公开行政|行政复议|存在的主要问题|存在问题|其他需要报告)")
_REPORT_TABLE = regex.compile(r"第二十条|申请人情况|本年新收|行政复议|信息内容")
_TITLE_WORDS = regex.compile(r"政府信息公开|政务公开|信息公开")
_TITLE_CUT = regex.compile(r"\s*(?:[_|｜]|\s[-–—]\s).*$")
_SPACES = regex.compile(r"[ \t\r\n\u00a0\u3000\u200b\ufeff]+")
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as a rectangle: ``None`` where a span covers the position, ``""`` for a printed blank."""

    rows: tuple[tuple[str | None, ...], ...]
    paths: tuple[tuple[str | None, ...], ...]  # DOM path of the cell starting at each position


def html_to_text(html: str) -> tuple[str, tuple[SourceSpan, ...]]:
    """Given an HTML page, return its report text (tables one cell per line) and cell locations."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return "", ()
    title = _page_title(root)
    main = _main_content(root)
    out = _Out(root.getroottree())
    _walk(main, out)
    text = out.text()
    if title and title[:12] not in text[:400]:
        shift = len(title) + 1
        return f"{title}\n{text}", tuple(SourceSpan(s.start + shift, s.end + shift, s.loc) for s in out.spans)
    return text, tuple(out.spans)


def _page_title(root) -> str:
    """Given the page, return its report title: an h1/h2 naming the report, else <title> cut at '_'."""
    for el in root.iter("h1", "h2", "h3"):
        text = _clean(el.text_content())
        if _TITLE_WORDS.search(text) and "报告" in text and len(text) < 80:
            return text
    el = root.find(".//title")
    if el is not None:
        text = _TITLE_CUT.sub("", _clean(el.text_content()))
        if _TITLE_WORDS.search(text):
            return text
    return ""


def _main_content(root):
    """Given the page, return the element holding the report (most headings and tables, deepest)."""
    body = root.find("body")
    body = body if body is not None else root
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    depth = {body: 0}
    for el in elements:
        parent = el.getparent()
        if el is not body and parent is not None:
            depth[el] = depth.get(parent, 0) + 1
    masks: dict = {}
    tables: dict = {}
    for el in reversed(elements):
        if el.tag in _SKIP:
            continue
        own = (el.text or "") + "".join(c.tail or "" for c in el if isinstance(c.tag, str) or c.tail)
        mask = masks.get(el, 0)
        for m in _HEADING.finditer(own):
            mask |= 1 << hash(m.group(1)) % 30
        if el.tag == "table" and _REPORT_TABLE.search(el.text_content()[:3000]):
            tables[el] = tables.get(el, 0) + 1
        masks[el] = mask
        parent = el.getparent()
        if parent is not None and el is not body:
            masks[parent] = masks.get(parent, 0) | mask
            tables[parent] = tables.get(parent, 0) + tables.get(el, 0)
    best = max(elements, key=lambda e: (bin(masks.get(e, 0)).count("1") + 2 * tables.get(e, 0), depth.get(e, 0)))
    score = bin(masks.get(best, 0)).count("1") + 2 * tables.get(best, 0)
    return best if score >= 2 else body


class _Out:
    """Accumulates clean lines of text and the spans of table cells (offsets exact as lines land)."""

    def __init__(self, tree) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.size = 0  # length of "\n".join(self.lines) + "\n" once lines exist
        self.spans: list[SourceSpan] = []
        self.tree = tree

    def add(self, s: str) -> None:
        if s:
            self.buffer.append(s)

    def flush(self) -> None:
        line = _clean("".join(self.buffer))
        self.buffer.clear()
        if line:
            self._line(line)

    def _line(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line) + 1

    def cell(self, text: str, path: str) -> None:
        self.flush()
        self.spans.append(SourceSpan(self.size, self.size + max(len(text), 1), path))
        self._line(f"{text} |" if text else " |")

    def text(self) -> str:
        self.flush()
        return "\n".join(self.lines)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _walk(el, out: _Out) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP:
        out.add(el.tail or "")
        return
    if tag == "table":
        _table(el, out)
        out.add(el.tail or "")
        return
    block = tag in _BLOCK
    if block:
        out.flush()
    out.add(el.text or "")
    for child in el:
        _walk(child, out)
    if block:
        out.flush()
    out.add(el.tail or "")


def _table(table, out: _Out) -> None:
    """Render a table: nested layout tables are walked, data tables printed from their grid."""
    rows = _rows(table)
    if any(cell.find(".//table") is not None for row in rows for cell in row):
        for child in table.iter("td", "th"):
            if child.find(".//table") is not None and _own_table(child, table):
                for sub in child:
                    _walk(sub, out)
        return
    grid = table_grid(table, out.tree)
    out.flush()
    for cells, paths in zip(grid.rows, grid.paths):
        for text, path in zip(cells, paths):
            if text is not None and path is not None:
                out.cell(text, path)


def _own_table(cell, table) -> bool:
    parent = cell.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _rows(table) -> list[list]:
    """Given a table element, return its rows (of this table, not nested ones) as lists of cells."""
    rows = []
    for tr in table.iter("tr"):
        owner = tr.getparent()
        while owner is not None and owner.tag != "table":
            owner = owner.getparent()
        if owner is table:
            rows.append([c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")])
    return rows


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1").strip() or 1), 100))
    except ValueError:
        return 1


def table_grid(table, tree=None) -> Grid:
    """Given a <table>, return its Grid: each cell at its origin, spanned positions None."""
    tree = tree if tree is not None else table.getroottree()
    taken: dict[tuple[int, int], bool] = {}
    placed: dict[tuple[int, int], tuple[str, str]] = {}
    width = 0
    rows = _rows(table)
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while taken.get((r, c)):
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            placed[(r, c)] = (_clean(" ".join(cell.itertext())), tree.getpath(cell))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = True
            c += cs
            width = max(width, c)
    grid_rows, grid_paths = [], []
    for r in range(len(rows)):
        texts = tuple(placed[(r, c)][0] if (r, c) in placed else None for c in range(width))
        paths = tuple(placed[(r, c)][1] if (r, c) in placed else None for c in range(width))
        grid_rows.append(texts)
        grid_paths.append(paths)
    return Grid(tuple(grid_rows), tuple(grid_paths))
