"""PDF -> Document with pdfplumber: narrative lines, and ruled tables in the cell-per-line dialect.

Per page, ruled tables are found from their lines (pdfplumber's lattice finder). Each character
inside a table goes to the cell that holds it; a cell's lines are joined (wrapped labels, labels
printed one character per line). The other characters become narrative lines, with the spaces a
PDF tool puts between CJK characters dropped. Lines in the page margins that are page numbers,
or that repeat on most pages (running headers and footers), are removed.

A table that ends one page and a table that starts the next with the same width are one table:
header rows repeated on the new page are dropped, a row split by the page break is rejoined, a
merged cell crossing the break prints once. Every cell's loc is ``page N bbox x0,top,x1,bottom``.
Tables without ruling lines stay text lines for the text reconstructor.

Pages that are images without a text layer raise ``NeedsOCR``, unless ``ocr`` is set: then
tesseract reads them (``ocr.py``) into the same lines and table parts, and they go the same way.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber
import regex

from ..errors import InputError, NeedsOCR
from ..model import Diagnostic, Document
from .render import TableCell, TextBuilder, is_cjk, join_lines

MEDIA_TYPE = "application/pdf"
_MARGIN = 0.09        # share of the page height at top and bottom where running lines live
_TOL = 2.5            # points: edges this close are the same edge
_MIN_TEXT = 10        # a page with fewer characters has no text layer
_PAGE_NUMBER = regex.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}(?:\s*/\s*\d{1,4})?|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$")
# A cell that starts a new row rather than continuing one: （六）… 1.… 一、…
_NUMBERED = regex.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])")
_DATA = regex.compile(r"^(?:[-+−]?[\d.,]+(?:万元|元|%)?|[/／—–-]+|无)$")
# Radicals that some PDF producers map glyphs to instead of the ideograph (⻓ for 长, ⼈ for 人).
_RADICALS = dict(zip("⺁⺇⺈⺊⺌⺒⺓⺜⺝⺟⺠⺩⺫⺮⺶⺽⻁⻄⻅⻆⻉⻋⻓⻔⻗⻘⻙⻚⻛⻜⻝⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
                     "厂几刀卜小巳幺日月母民王目竹羊臼虎西见角贝车长门雨青韦页风飞食首马骨鬼鱼鸟卤麦黄黾齐齿龙龟"))
_FIX = str.maketrans({**{cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)},
                      **{ord(k): v for k, v in _RADICALS.items()}})


@dataclass(slots=True)
class _Line:
    """A narrative line of one page."""

    text: str
    top: float
    bottom: float
    page: int
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0


@dataclass(slots=True)
class _Cell:
    """A table cell of one page: its text, box, and how many of the part's rows it spans."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    rowspan: int = 1
    size: float = 0.0   # largest font size in the cell
    full: bool = False  # its last line of text runs the cell's width (the text may go on)

    def printed(self) -> TableCell:
        box = ",".join(str(round(v)) for v in (self.x0, self.top, self.x1, self.bottom))
        return TableCell(self.text, f"page {self.page} bbox {box}")


@dataclass(slots=True)
class _Part:
    """A ruled table as found on one page: rows of cells, None where a merged cell covers."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[_Cell | None]]
    stray: list[_Line] = field(default_factory=list)  # text inside the table but in no cell


@dataclass(slots=True)
class _Page:
    number: int
    height: float
    items: list[_Line | _Part]
    chars: int
    image_cover: float


# ---------------------------------------------------------------- characters -> lines

def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Given characters, return them grouped into lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    band = (0.0, -1.0)
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        if lines and band[0] <= mid <= band[1]:
            lines[-1].append(ch)
        else:
            lines.append([ch])
            band = (ch["top"], ch["bottom"])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_text(chars: list[dict]) -> str:
    """Given one line's characters left to right, return its text with gaps read as spaces.

    Between CJK characters only a gap of a full character is a space (a column gap); between
    CJK and Latin half of one; between Latin characters a sixth (a word space).
    """
    out: list[str] = []
    prev: dict | None = None
    for ch in chars:
        text = ch["text"].translate(_FIX)
        if not text.strip():
            continue
        if prev is not None:
            if text == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1:
                continue  # the same glyph drawn twice (fake bold)
            gap, size = ch["x0"] - prev["x1"], max(ch["size"], 1.0)
            cjk = is_cjk(out[-1][-1]) + is_cjk(text[0])
            if gap > size * (1.0 if cjk == 2 else 0.5 if cjk == 1 else 0.17):
                out.append(" ")
        out.append(text)
        prev = ch
    return "".join(out)


def _narrative(chars: list[dict], page: int) -> list[_Line]:
    """Given the characters outside tables, return the page's text lines."""
    out = []
    for group in _group_lines(chars):
        text = _line_text(group)
        if text:
            out.append(_Line(text, min(c["top"] for c in group), max(c["bottom"] for c in group), page,
                             group[0]["x0"], group[-1]["x1"], max(c["size"] for c in group)))
    return out


# ---------------------------------------------------------------- ruled tables

def _cells_grid(boxes: list[tuple[float, ...]]) -> tuple[list[float], list[float], dict[tuple[int, int], int]]:
    """Given cell boxes, return row tops, column lefts, and which cell covers each grid slot."""
    tops = sorted({round(b[1], 1) for b in boxes})
    lefts = sorted({round(b[0], 1) for b in boxes})
    owner: dict[tuple[int, int], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(boxes):
        r0, c0 = tops.index(round(top, 1)), lefts.index(round(x0, 1))
        r1, c1 = bisect_right(tops, bottom - _TOL), bisect_right(lefts, x1 - _TOL)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                owner[(r, c)] = i
    return tops, lefts, owner


def _table_part(table, chars: list[dict], page: int) -> _Part:
    """Given a pdfplumber table and the characters inside its box, return the part with cell texts."""
    boxes = [tuple(b) for b in table.cells]
    tops, lefts, owner = _cells_grid(boxes)
    held: list[list[dict]] = [[] for _ in boxes]
    stray: list[dict] = []
    for ch in chars:
        mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        i = owner.get((bisect_right(tops, my) - 1, bisect_right(lefts, mx) - 1))
        (held[i] if i is not None else stray).append(ch)
    texts = []
    for (x0, _, x1, _), inside in zip(boxes, held):
        lines = _group_lines(inside)
        size = max((ch["size"] for ch in inside), default=0.0)
        width = lines[-1][-1]["x1"] - lines[-1][0]["x0"] if lines else 0.0
        texts.append((join_lines([_line_text(line) for line in lines]), size, _is_full(width, size, x1 - x0)))
    part = _assemble_part(page, tuple(table.bbox), boxes, texts)
    part.stray = _narrative(stray, page)
    return part


def _is_full(width: float, size: float, cell_width: float) -> bool:
    """Given a cell's last line width, tell whether it runs the cell's width (less than a character
    and the usual cell padding is left beside it)."""
    return width > 0 and width + 1.2 * size + 12 >= cell_width


def _assemble_part(page: int, bbox: tuple[float, ...], boxes: list[tuple[float, ...]],
                  texts: list[tuple[str, float, bool]]) -> _Part:
    """Given a table's cell boxes and (text, font size, last line full) per cell, return its part."""
    tops, lefts, _ = _cells_grid(boxes)
    rows: list[list[_Cell | None]] = [[None] * len(lefts) for _ in tops]
    for (x0, top, x1, bottom), (text, size, full) in zip(boxes, texts):
        r, c = tops.index(round(top, 1)), lefts.index(round(x0, 1))
        span = max(1, bisect_right(tops, bottom - _TOL) - r)
        rows[r][c] = _Cell(text, x0, top, x1, bottom, page, span, size, full)
    x0, top, x1, bottom = bbox
    return _Part(page, x0, top, x1, bottom, rows)


def _closing_edges(edges: list[dict]) -> list[float]:
    """Given a page's edges, return the y of table borders a page break left undrawn.

    A browser that breaks a table row across pages draws no border at the break: the side
    borders run on past the last horizontal rule (or start above the first one). Rules are
    edges longer than a border's width (a thin border rectangle also has short ends).
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    rules = [e["top"] for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 2 * _TOL]
    if not vertical or not rules:
        return []
    ends = (max(e["bottom"] for e in vertical), min(e["top"] for e in vertical))
    return [y for y in ends if all(abs(y - r) > _TOL for r in rules)]


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= mx <= box[2] and box[1] <= my <= box[3]


def _read_page(page) -> _Page:
    """Given a pdfplumber page, return its narrative lines and table parts in reading order."""
    chars = page.chars
    edges = page.edges
    tables = page.find_tables({"explicit_horizontal_lines": _closing_edges(edges)}) if edges else []
    parts, rest = [], chars
    for table in tables:
        box = table.bbox
        inside = [c for c in rest if _inside(c, box)]
        rest = [c for c in rest if not _inside(c, box)]
        parts.append(_table_part(table, inside, page.page_number))
    items: list[_Line | _Part] = [*_narrative(rest, page.page_number), *parts]
    for part in parts:
        items += part.stray
    items.sort(key=lambda it: it.top)
    area = float(page.width * page.height) or 1.0
    cover = sum(max(0.0, (im["x1"] - im["x0"]) * (im["bottom"] - im["top"])) for im in page.images) / area
    return _Page(page.page_number, float(page.height), items, len(chars), min(cover, 1.0))


# ---------------------------------------------------------------- running headers and footers

def _strip_margins(pages: list[_Page]) -> int:
    """Remove page numbers and lines repeated in the page margins; return how many were removed."""
    def in_margin(line: _Line, page: _Page) -> bool:
        return line.bottom < page.height * _MARGIN or line.top > page.height * (1 - _MARGIN)

    def key(line: _Line) -> str:
        return regex.sub(r"\d+", "#", "".join(line.text.split()))

    seen = Counter(k for p in pages for k in {key(it) for it in p.items if isinstance(it, _Line) and in_margin(it, p)})
    repeated = {k for k, n in seen.items() if n >= 2 and n * 2 >= len(pages)}
    removed = 0
    for p in pages:
        keep = [it for it in p.items if not (isinstance(it, _Line) and in_margin(it, p)
                                             and (key(it) in repeated or _PAGE_NUMBER.match(it.text.strip())))]
        removed += len(p.items) - len(keep)
        p.items = keep
    return removed


# ---------------------------------------------------------------- tables across pages

@dataclass(slots=True)
class _Table:
    """A table in reading order, possibly continued over several pages."""

    parts: list[_Part]
    rows: list[list[_Cell | None]]
    joins: list[str] = field(default_factory=list)

    @property
    def last(self) -> _Part:
        return self.parts[-1]

    def edges(self) -> list[float]:
        return sorted({round(v) for row in self.rows for c in row if c is not None for v in (c.x0, c.x1)})


def _same_row(a: list[_Cell | None], b: list[_Cell | None]) -> bool:
    """Given two rows, tell whether they print the same texts in the same columns."""
    ca, cb = [c for c in a if c is not None], [c for c in b if c is not None]
    return bool(ca) and len(ca) == len(cb) and all(
        x.text == y.text and abs(x.x0 - y.x0) <= _TOL and abs(x.x1 - y.x1) <= _TOL for x, y in zip(ca, cb))


def _continues(table: _Table, part: _Part) -> bool:
    """Given a table ending a page and a part starting the next, tell whether the part continues it."""
    if part.page != table.last.page + 1:
        return False
    if abs(part.x0 - table.last.x0) > _TOL or abs(part.x1 - table.last.x1) > _TOL:
        return False
    edges = table.edges()
    mine = {round(v) for row in part.rows for c in row if c is not None for v in (c.x0, c.x1)}
    shared = sum(any(abs(v - e) <= _TOL for e in edges) for v in mine)
    return 2 * shared >= len(mine)  # most column edges line up (a new page may add a few)


def _drop_repeated_header(table: _Table, rows: list[list[_Cell | None]]) -> int:
    """Given a continuation's rows, drop the leading rows that repeat the table's first rows."""
    head = table.parts[0].rows
    k = 0
    while k < min(len(head), len(rows) - 1) and _same_row(rows[k], head[k]):
        k += 1
    del rows[:k]
    return k


def _counterpart(table: _Table, cell: _Cell) -> _Cell | None:
    """Given a cell of a continuation's first row, return the cell above it at the previous page's bottom."""
    for row in reversed(table.rows):
        for above in row:
            if above is not None and abs(above.x0 - cell.x0) <= _TOL and abs(above.x1 - cell.x1) <= _TOL:
                return above if abs(above.bottom - table.last.bottom) <= _TOL else None
    return None


def _goes_on(above: _Cell | None, cell: _Cell) -> bool:
    """Given a cell at the top of a page and the cell above the break, tell whether it continues it.

    The cell above was cut (its last line runs its full width); the text below does not start
    like a row (（六）…, 1.…) and is not a number unless the text above is one too.
    """
    if above is None or not above.text or not above.full or not cell.text or _NUMBERED.match(cell.text):
        return False
    return not _DATA.match(cell.text) or _DATA.match(above.text) is not None


def _is_split_row(pairs: list[tuple[_Cell, _Cell | None]], at_bottom: bool) -> bool:
    """Given a continuation's first row paired with the cells above, tell whether the page break split it.

    A split row fills the page to its bottom; every cell with text on the new page goes on from
    the cell above it, and some other cell was finished above.
    """
    texts = [c for c, _ in pairs if c.text]
    if not at_bottom or not texts or not all(_goes_on(a, c) for c, a in pairs if c.text):
        return False
    return any(a is not None and a.text and not c.text for c, a in pairs)


def _crosses(above: _Cell, cell: _Cell) -> bool:
    """Given a merged cell at the top of a page, tell whether it is the rest of the one above the break.

    It spans several rows here and is empty, or one of the two spans rows and the text goes on.
    """
    if cell.rowspan > 1 and not cell.text:
        return True
    return (above.rowspan > 1 or cell.rowspan > 1) and _goes_on(above, cell)


def _join(table: _Table, part: _Part, body_bottom: float) -> None:
    """Append a continuation part: drop repeated headers, rejoin a split row and crossing merged cells.

    The part above reaches the bottom of the text area when less than two lines of its text
    would still fit there.
    """
    rows = [list(r) for r in part.rows]
    dropped = _drop_repeated_header(table, rows)
    if dropped:
        table.joins.append(f"page {part.page}: {dropped} repeated header row(s) dropped")
    first = rows[0] if rows else []
    pairs = [(c, _counterpart(table, c)) for c in first if c is not None]
    size = max((c.size for c, _ in pairs), default=0.0) or 10.0
    split = _is_split_row(pairs, table.last.bottom >= body_bottom - 2.5 * size)
    for i, c in enumerate(first):
        a = _counterpart(table, c) if c is not None else None
        if c is not None and a is not None and (split or _crosses(a, c)):
            a.text = join_lines([a.text, c.text])
            first[i] = None
    if split:
        table.joins.append(f"page {part.page}: a row split by the page break rejoined")
        rows = rows[1:]
    table.parts.append(part)
    table.rows += rows


# ---------------------------------------------------------------- the whole document

def _body_bottom(pages: list[_Page]) -> float:
    """Given the pages, return the lowest content bottom on any page that is followed by another."""
    return max((it.bottom for p in pages[:-1] for it in p.items), default=0.0)


def _flow(pages: list[_Page]) -> tuple[list[_Line | _Table], list[str]]:
    """Given the pages, return the narrative lines and tables in reading order, tables joined."""
    bottom = _body_bottom(pages)
    flow: list[_Line | _Table] = []
    for p in pages:
        for i, item in enumerate(p.items):
            if isinstance(item, _Line):
                flow.append(item)
            elif i == 0 and flow and isinstance(flow[-1], _Table) and _continues(flow[-1], item):
                _join(flow[-1], item, bottom)
            else:
                flow.append(_Table([item], [list(r) for r in item.rows]))
    notes = [n for it in flow if isinstance(it, _Table) for n in it.joins]
    return _paragraphs(flow), notes


def _paragraphs(flow: list[_Line | _Table]) -> list[_Line | _Table]:
    """Given the flow, join each line that runs to the right margin with the line that continues it."""
    lines = [it for it in flow if isinstance(it, _Line) and it.x1 > it.x0]
    if not lines:
        return flow
    left, right = min(it.x0 for it in lines), max(it.x1 for it in lines)
    out: list[_Line | _Table] = []
    for it in flow:
        prev = out[-1] if out else None
        if isinstance(it, _Line) and isinstance(prev, _Line) and _wraps(prev, it, left, right):
            prev.text = join_lines([prev.text, it.text])
            prev.top, prev.bottom, prev.x1, prev.page = it.top, it.bottom, it.x1, it.page
        else:
            out.append(it)
    return out


def _wraps(prev: _Line, nxt: _Line, left: float, right: float) -> bool:
    """Given two lines in a row, tell whether the second continues the first's paragraph.

    The first runs to the right margin; the second is not numbered (一、 （一） 1.), follows
    closely (or opens the next page), and starts at the left margin or is centred like a title.
    """
    size = prev.size or nxt.size or 10.0
    if prev.x1 < right - 2.5 * size or _NUMBERED.match(nxt.text) or nxt.page not in (prev.page, prev.page + 1):
        return False
    if nxt.page == prev.page and nxt.top - prev.bottom > 1.2 * size:
        return False
    centred = abs((nxt.x0 + nxt.x1) / 2 - (left + right) / 2) < size
    return nxt.x0 <= left + 0.5 * size or centred


def _render(flow: list[_Line | _Table], source: str) -> Document:
    out = TextBuilder()
    for item in flow:
        if isinstance(item, _Line):
            out.line(item.text)
        else:
            out.table([[c.printed() if c is not None else None for c in row] for row in item.rows])
    return out.document(source, MEDIA_TYPE)


def _open_pages(data: bytes, source: str) -> list[_Page]:
    """Given PDF bytes, return every page read; damaged or encrypted files raise InputError."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(_read_page(page))
                page.close()
            return pages
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 (pdfminer raises many kinds on damaged or encrypted files)
        raise InputError(f"{source}: not a readable PDF ({type(exc).__name__}: {exc})") from None


def _read_scans(data: bytes, pages: list[_Page], source: str) -> None:
    """Given scanned pages, fill their lines and tables from what tesseract reads on them."""
    from .ocr import ocr_pages

    read = ocr_pages(data, [p.number for p in pages], source)
    for p in pages:
        got = read[p.number]
        # Short lines in the margins are page numbers that OCR misread (- 2 - as =-吾-).
        items: list[_Line | _Part] = [_Line(ln.text, ln.box[1], ln.box[3], p.number, ln.box[0], ln.box[2], ln.size)
                                      for ln in got.lines if len(ln.text) > 8 or _MARGIN * p.height
                                      < ln.box[1] < (1 - _MARGIN) * p.height]
        for t in got.tables:
            texts = [(text, size, _is_full(last, size, b[2] - b[0])) for (text, size, last), b in zip(t.texts, t.boxes)]
            items.append(_assemble_part(p.number, t.bbox, t.boxes, texts))
        p.items = sorted(items, key=lambda it: it.top)


def read_pdf(data: bytes, source: str, *, ocr: bool = False) -> tuple[Document, list[Diagnostic]]:
    """Given a PDF's bytes, return its Document and what was odd about it."""
    pages = _open_pages(data, source)
    diags: list[Diagnostic] = []
    scanned = [p for p in pages if p.chars < _MIN_TEXT and p.image_cover > 0.3]
    if scanned and not ocr:
        numbers = ", ".join(str(p.number) for p in scanned)
        if len(scanned) == len(pages) or all(p.chars < _MIN_TEXT for p in pages):
            raise NeedsOCR(f"{source}: the pages are images without a text layer (scanned); parse with --ocr")
        diags.append(Diagnostic("extract", "warning", "pages_need_ocr",
                                f"page(s) {numbers} are images without text and were skipped; parse with --ocr"))
    elif scanned:
        _read_scans(data, scanned, source)
        diags.append(Diagnostic("extract", "info", "ocr", f"{len(scanned)} page(s) read with tesseract OCR"))
    removed = _strip_margins(pages)
    if removed:
        diags.append(Diagnostic("extract", "info", "page_margins_removed",
                                f"{removed} page number(s), running header(s) or footer(s) removed"))
    flow, notes = _flow(pages)
    diags += [Diagnostic("extract", "info", "table_continued", n) for n in notes]
    return _render(flow, source), diags
