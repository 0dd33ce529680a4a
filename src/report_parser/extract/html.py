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
# Plain etree elements: lxml.html's element classes cost a Python lookup per element.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
# Text nodes worth a look for part headings and report tables (tested in C by XPath).
_HEADING_NODES = etree.XPath("//body//text()[" + " or ".join(
    f"contains(., '{w}')" for w in ("总体情况", "概述", "主动公开", "收到和处理", "依申请公开", "行政复议",
                                    "存在的主要问题", "存在问题", "其他需要报告")) + "]")
_TABLES = etree.XPath("//body//table[not(.//table)][contains(., '第二十条') or contains(., '申请人情况') "
                      "or contains(., '本年新收') or contains(., '结果维持')]")
_HAS_PART_ONE = etree.XPath("contains(., '总体情况') or contains(., '概述') or contains(., '基本情况')")


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as a rectangle: ``None`` where a span covers the position, ``""`` for a printed blank."""

    rows: tuple[tuple[str | None, ...], ...]
    paths: tuple[tuple[str | None, ...], ...]  # DOM path of the cell starting at each position


def html_to_text(html: str) -> tuple[str, tuple[SourceSpan, ...]]:
    """Given an HTML page, return its report text (tables one cell per line) and cell locations."""
    try:
        root = etree.fromstring(html.encode("utf-8", errors="replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return "", ()
    if root is None:
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
        text = _clean("".join(el.itertext()))
        if _TITLE_WORDS.search(text) and "报告" in text and len(text) < 80:
            return text
    el = root.find(".//title")
    if el is not None:
        text = _TITLE_CUT.sub("", _clean("".join(el.itertext())))
        if _TITLE_WORDS.search(text):
            return text
    return ""


def _main_content(root):
    """Given the page, return the element holding the report.

    With report tables: their deepest common ancestor, widened until it holds part 1's heading.
    Without: the deepest element with the most distinct part headings (the body if none).
    """
    body = root.find("body")
    body = body if body is not None else root
    tables = _TABLES(root)
    if tables:
        chains = [list(_chain(t))[::-1] for t in tables]
        common = [els[0] for els in zip(*chains) if all(e is els[0] for e in els)]
        if common:
            main = common[-1] if len(tables) > 1 else common[-1].getparent()
            while main is not None and main is not body and not _HAS_PART_ONE(main):
                main = main.getparent()
            return main if main is not None else body
    marks: list[tuple[object, int, int]] = []  # element, heading bit, table count
    for node in _HEADING_NODES(root):
        for m in _HEADING.finditer(str(node)):
            parent = node.getparent()
            if parent is not None:
                marks.append((parent, 1 << (hash(m.group(1)) % 30), 0))
    masks: dict = {}
    tables: dict = {}
    depth: dict = {}
    for el, bit, table in marks:
        chain = list(_chain(el))
        for d, anc in enumerate(chain):
            masks[anc] = masks.get(anc, 0) | bit
            tables[anc] = tables.get(anc, 0) + table
            depth[anc] = len(chain) - d
    if not masks:
        return body
    best = max(masks, key=lambda e: (bin(masks[e]).count("1") + 2 * tables[e], depth[e]))
    return best if bin(masks[best]).count("1") + 2 * tables[best] >= 2 else body


def _chain(el):
    """Given an element, yield it and its ancestors up to <body>, skipping chrome containers."""
    while el is not None and el.tag != "html":
        if el.tag in _SKIP:
            return
        yield el
        el = el.getparent()


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
        if self.buffer:
            self.flush()
        self.spans.append(SourceSpan(self.size, self.size + max(len(text), 1), path))
        self._line(f"{text} |" if text else " |")

    def text(self) -> str:
        self.flush()
        return "\n".join(self.lines)


def _clean(text: str) -> str:
    """Given text, return it with every run of whitespace (NBSP, U+3000, zero-width too) one space."""
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


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
    rows = _rows(table) if table.find(".//table") is not None else None
    if rows and any(cell.find(".//table") is not None for row in rows for cell in row):
        for child in table.iter("td", "th"):
            if child.find(".//table") is not None and _own_table(child, table):
                for sub in child:
                    _walk(sub, out)
        return
    placed, _, _ = _place(table, out.tree)  # the grid's origin cells, row by row
    out.flush()
    for text, path in placed.values():
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
    value = cell.get(name)
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 100))
    except ValueError:
        return 1


def _place(table, tree) -> tuple[dict[tuple[int, int], tuple[str, str]], int, int]:
    """Given a <table>, return {(row, col): (text, DOM path)} of the cells at their origin
    positions (in row-major order), the grid width and the number of rows."""
    below: set[tuple[int, int]] = set()  # positions that rowspans from rows above cover
    placed: dict[tuple[int, int], tuple[str, str]] = {}
    width = 0
    rows = _rows(table)
    table_path = tree.getpath(table)
    for r, cells in enumerate(rows):
        c = 0
        seen: dict[str, int] = {}
        for cell in cells:
            while (r, c) in below:
                c += 1
            tag = cell.tag
            seen[tag] = k = seen.get(tag, 0) + 1
            rs = 1 if cell.get("rowspan") is None else _span(cell, "rowspan")
            cs = 1 if cell.get("colspan") is None else _span(cell, "colspan")
            text = (cell.text or "") if len(cell) == 0 else " ".join(cell.itertext())
            placed[(r, c)] = (_clean(text), f"({table_path}//tr)[{r + 1}]/{tag}[{k}]")
            if rs > 1:
                below.update((r + dr, c + dc) for dr in range(1, rs) for dc in range(cs))
            c += cs
        while (r, c) in below:  # spans from above that end the row
            c += 1
        width = max(width, c)
    return placed, width, len(rows)


def table_grid(table, tree=None) -> Grid:
    """Given a <table>, return its Grid: each cell at its origin, spanned positions None."""
    placed, width, nrows = _place(table, tree if tree is not None else table.getroottree())
    rows = tuple(tuple(placed[(r, c)][0] if (r, c) in placed else None for c in range(width)) for r in range(nrows))
    paths = tuple(tuple(placed[(r, c)][1] if (r, c) in placed else None for c in range(width)) for r in range(nrows))
    return Grid(rows, paths)
