"""Tables stage: flattened text -> the template's canonical cells (T2, T3, T4).

Steps, each a small function: find each table's region -> detect the template from its labels ->
find the row labels in template order -> read the cells after each label -> list candidate
readings per row -> keep those the identities admit -> emit one Cell per canonical cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ..model import Cell, Diagnostic, Document
from ..normalize import Squeezed, squeeze
from ..templates import (
    T2_LAYOUT, T2_MARKERS, T2_START, T3_LAYOUT, T3_MARKERS, T3_START, T4_BLOCKS, T4_HEADER, T4_START,
    column_kinds, indexed_cells,
)
from .solve import Reading, block_total_check, row_candidates, row_total_check, solve_columns
from .text import LabelHit, find_labels
from .values import Segment, Token, read_segment

__all__ = ["TableResult", "read_tables"]


@dataclass(slots=True)
class TableResult:
    """What the tables stage found in one document."""

    template: str = "unknown"
    cells: list[Cell] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    truncated: bool = False
    tables: tuple[str, ...] = ()


@dataclass(slots=True)
class _Ctx:
    doc: Document
    folded: str
    sq: Squeezed
    result: TableResult
    quoted: list[tuple[int, str]] | None = None

    def diag(self, level: str, code: str, message: str) -> None:
        self.result.diagnostics.append(Diagnostic("tables", level, code, message))  # type: ignore[arg-type]

    def loc(self, start: int, end: int) -> str:
        if self.doc.spans and (where := self.doc.span_loc(start)):
            return where
        a = self.doc.line_of(start)
        if "\n" not in self.doc.text[start:end - 1]:
            return f"line {a}"
        return f"lines {a}-{self.doc.line_of(end - 1)}"


_T2_START = regex.compile(T2_START)
_T3_START = regex.compile(T3_START)
_T4_START = regex.compile(T4_START)
_T4_HEADER = regex.compile(T4_HEADER)
_MARKERS = {t: regex.compile(p) for t, p in T2_MARKERS.items()}
_T3_MARKERS = {t: regex.compile(p) for t, p in T3_MARKERS.items()}
_SECTION = regex.compile(r"第二十条第?\(?[一二三四五六七八九十]\)?项")
_NARRATIVE_NUMBER = regex.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=[ ]?(?:件|项|条|个|次|万元|元|起|人|家|份))")
_AMOUNT_UNIT = regex.compile(r"采购总金额\((?:单位:)?(万元|元)\)")
_NEWLINES = regex.compile(r"\n+")
_DATA_START = regex.compile(r"[ \n|]*(?:[-+减增]?\d|/|—|无)")


def read_tables(doc: Document, folded: str, year_hint: int | None = None) -> TableResult:
    """Given a document and its folded text, return the template and its canonical cells."""
    ctx = _Ctx(doc, folded, squeeze(folded), TableResult())
    regions = _regions(ctx.sq)
    if not regions:
        return ctx.result
    template = _detect_template(ctx, regions, year_hint)
    ctx.result.template = template
    if template not in ("2019", "2021"):
        return ctx.result
    found: list[str] = []
    for table, (lo, hi) in regions.items():
        readings = _read_t4(ctx, lo, hi) if table == "T4" else _read_rows(ctx, table, template, lo, hi)
        if readings is None:
            continue
        found.append(table)
        ctx.result.cells.extend(_emit(ctx, template, table, readings))
    ctx.result.tables = tuple(found)
    return ctx.result


def _regions(sq: Squeezed) -> dict[str, tuple[int, int]]:
    """Given the squeezed text, return each table's [start, end) span in squeezed offsets."""
    text, n = sq.text, len(sq.text)
    starts: dict[str, int] = {}
    if m := _T2_START.search(text):
        starts["T2"] = m.start()
    if m := _T3_START.search(text, starts.get("T2", 0)):
        starts["T3"] = m.start()
    if m := _T4_START.search(text, max(starts.values(), default=0)):
        starts["T4"] = m.start()
    order = sorted(starts.items(), key=lambda kv: kv[1])
    return {t: (s, order[i + 1][1] if i + 1 < len(order) else n) for i, (t, s) in enumerate(order)}


def _detect_template(ctx: _Ctx, regions: dict[str, tuple[int, int]], year_hint: int | None) -> str:
    """Given the table regions, decide 2019 or 2021 from the labels only they print."""
    votes = {"2019": 0, "2021": 0}
    if "T2" in regions:
        lo, hi = regions["T2"]
        cuts = [m.start() for m in _SECTION.finditer(ctx.sq.text, lo, hi)] + [hi]
        for a, b in zip([lo, *cuts[:-1]], cuts):
            seen = [t for t, rx in _MARKERS.items() if rx.search(ctx.sq.text, a, b)]
            if len(seen) == 1:  # one vote per T2 sub-table whose labels belong to one template
                votes[seen[0]] += 1
    if "T3" in regions:
        lo, hi = regions["T3"]
        for t, rx in _T3_MARKERS.items():
            votes[t] += 2 * bool(rx.search(ctx.sq.text, lo, hi))
    if votes["2019"] and votes["2021"]:
        ctx.diag("warning", "mixed_template_labels",
                 f"table labels of both templates (2019: {votes['2019']}, 2021: {votes['2021']})")
    if votes["2019"] != votes["2021"]:
        return max(votes, key=votes.__getitem__)
    if year_hint is not None and year_hint >= 2019:
        return "2021" if year_hint >= 2021 else "2019"
    return "unknown"


def _data_after(ctx: _Ctx):
    def check(offset: int) -> bool:
        return _DATA_START.match(ctx.folded, offset) is not None
    return check


def _read_rows(ctx: _Ctx, table: str, template: str, lo: int, hi: int) -> dict[str, list[Reading]] | None:
    """Given a T2/T3 region, return candidate readings per row path (None when no label is found)."""
    layout = (T2_LAYOUT if table == "T2" else T3_LAYOUT)[template]
    chain = find_labels(layout, ctx.sq, lo, hi, _data_after(ctx))
    if not any(h.spec.kind == "row" for h in chain):
        return None
    end_of_region = ctx.sq.orig(hi - 1) + 1 if hi < len(ctx.sq.text) else len(ctx.folded)
    rows: dict[str, list[Reading]] = {}
    segments = []
    for i, hit in enumerate(chain):
        nxt = chain[i + 1].start if i + 1 < len(chain) else end_of_region
        segments.append(read_segment(ctx.doc.text, ctx.folded, hit.end, nxt))
    base = min((r for seg in segments for r in seg.line_runs()), default=0)
    for hit, seg in zip(chain, segments):
        if hit.spec.kind == "row":
            rows[hit.spec.row_path] = _row_readings(ctx, table, hit, seg, base)
        elif seg.tokens and hit.spec.kind == "group":
            _group_with_data(ctx, template, layout, hit, seg, rows)
        if seg.truncated:
            ctx.result.truncated = True
            ctx.diag("warning", "truncated_table", f"{table} ends at the end of the text ({ctx.loc(hit.start, hit.end)})")
            break
    if table == "T3":
        rows = solve_columns(rows, _t3_identities(template, rows), 7)
    return {path: _narrative_pick(ctx, path, readings) for path, readings in rows.items()}


def _narrative_pick(ctx: _Ctx, path: str, readings: list[Reading]) -> list[Reading]:
    """Given several readings of a row, keep the one whose numbers the narrative quotes for it.

    A number counts when the narrative prints it (with a unit such as 件) shortly after the
    row's own name, e.g. 行政规范性文件698件 for the row 行政规范性文件.
    """
    if len(readings) < 2:
        return readings
    name = regex.sub(r"^(?:\d+\.|（.）|行政)", "", path.split(" / ")[-1])
    if ctx.quoted is None:  # (position, number) of every number the text quotes with a unit
        ctx.quoted = [(m.start(), m.group(1)) for m in _NARRATIVE_NUMBER.finditer(ctx.folded)]
    quoted = {n for at, n in ctx.quoted if name in ctx.folded[max(0, at - len(name) - 12):at]}
    scores = [sum(t.kind == "value" and len(t.value or "") > 1 and t.value in quoted for t in r) for r in readings]
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return readings
    ctx.diag("info", "resolved_by_narrative", f"{path}: kept the reading whose numbers the narrative quotes")
    return [readings[scores.index(best)]]


def _row_readings(ctx: _Ctx, table: str, hit: LabelHit, seg: Segment, base: int) -> list[Reading]:
    """Given a row label and the cells read after it, return its candidate readings."""
    width = hit.spec.ncols
    tokens = list(seg.tokens)
    if seg.truncated:
        return [tuple(tokens[:width])]
    if not tokens:
        return [tuple(Token("blank", "", None, "", hit.end, hit.end) for _ in range(width))]
    check = row_total_check if table == "T3" else None
    lined = seg.by_lines(base) if len(tokens) < width else None
    if lined is not None and len(lined) == width:
        ctx.diag("info", "blank_lines_as_cells", f"empty lines read as empty cells: {hit.spec.row_path}")
        return [lined]
    kinds = column_kinds(ctx.result.template, table, hit.spec.row_path)
    readings, how = row_candidates(tokens, width, check, blanks_vanish=True, sums=(6,) if check else None,
                                   kinds=kinds)
    where = f"{hit.spec.row_path} ({ctx.loc(hit.start, seg.stop)})"
    if how == "glued":
        ctx.diag("info", "glued_digits", f"digits of adjacent cells were run together: {where}")
    elif how == "vanished":
        ctx.diag("warning", "vanished_blanks", f"{width - len(tokens)} empty cell(s) not printed: {where}")
    elif how == "extra" and any(t.kind != "blank" for t in tokens[width:]):
        ctx.diag("warning", "extra_cells", f"{len(tokens) - width} cell(s) beyond the template ignored: {where}")
    elif how == "short":
        ctx.diag("warning", "unreadable_row", f"{len(tokens)} cells where {width} were expected: {where}")
    return readings


def _group_with_data(ctx, template, layout, hit, seg, rows) -> None:
    """A group label followed by data: a 2019-style single （六） row inside a 2021 table."""
    ctx.diag("warning", "single_row_group",
             f"{hit.spec.row_path} printed as one row; its sub-rows cannot be told apart ({ctx.loc(hit.start, seg.stop)})")
    readings, _ = row_candidates(list(seg.tokens), 7, row_total_check, blanks_vanish=False)
    rows[f"group:{hit.spec.row_path}"] = readings
    for spec in layout:
        if spec.kind == "row" and spec.row_path.startswith(hit.spec.row_path + " / "):
            rows.setdefault(spec.row_path, [])


def _t3_identities(template: str, rows: dict[str, list[Reading]]):
    layout = T3_LAYOUT[template]
    total, carried_new, carried_old, carried_next = (
        "三、本年度办理结果 / （七）总计", "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理")
    results = [s.row_path for s in layout if s.kind == "row" and s.row_path.startswith("三、") and s.row_path != total]
    groups = [r for r in rows if r.startswith("group:")]
    for g in groups:
        results = [r for r in results if not r.startswith(g[6:] + " / ")] + [g]
    return [((carried_new, carried_old), (total, carried_next)), ((total,), tuple(results))]


def _read_t4(ctx: _Ctx, lo: int, hi: int) -> dict[str, list[Reading]] | None:
    """Given the T4 region, return the candidate readings of its single data row."""
    m = _T4_HEADER.match(ctx.sq.text, lo, hi)
    if m is None:
        return None
    start = ctx.sq.orig(m.end() - 1) + 1
    seg = read_segment(ctx.doc.text, ctx.folded, start, len(ctx.folded))
    if not seg.tokens:
        return {}
    width = 15
    if seg.truncated:
        ctx.result.truncated = True
        return {"": [tuple(seg.tokens[:width])]}
    header_runs = [len(r) for r in _NEWLINES.findall(ctx.folded, ctx.sq.orig(lo), start)]
    base = min(header_runs or seg.line_runs() or [0])
    lined = seg.by_lines(base) if len(seg.tokens) < width else None
    if lined is not None and len(lined) == width:
        ctx.diag("info", "blank_lines_as_cells", "empty lines read as empty cells: T4")
        return {"": [lined]}
    readings, how = row_candidates(list(seg.tokens), width, block_total_check(T4_BLOCKS), blanks_vanish=True,
                                   sums=(4, 4, 4))
    if how in ("glued", "vanished"):
        ctx.diag("info" if how == "glued" else "warning", f"{how}_digits" if how == "glued" else "vanished_blanks",
                 f"T4 row read with the block totals ({ctx.loc(start, seg.stop)})")
    return {"": readings}


def _header_unit(ctx: _Ctx, col_path: str) -> str:
    """Given a column, return the unit its header states (本年收费金额（单位：万元）, 采购总金额(万元))."""
    if "万元" in col_path:
        return "万元"
    if col_path != "采购总金额":
        return ""
    m = _AMOUNT_UNIT.search(ctx.sq.text)
    return m.group(1) if m else ""


def _emit(ctx: _Ctx, template: str, table: str, rows: dict[str, list[Reading]]) -> list[Cell]:
    """Given candidate readings per row, return one Cell for every canonical cell of the table."""
    out: list[Cell] = []
    for canon, col in indexed_cells(template, table):
        readings = rows.get(canon.row_path)
        base = (canon.table, canon.row_path, canon.col_path, canon.row_key, canon.col_key)
        if readings is None or (readings and col >= len(readings[0])):
            out.append(Cell(*base, status="absent"))
            continue
        if len(readings) != 1 and len({(r[col].kind, r[col].value) for r in readings}) != 1:
            raw = readings[0][col].raw if readings else ""
            out.append(Cell(*base, status="unreadable", raw=raw))
            continue
        tok = readings[0][col]
        status = tok.kind  # value, blank or placeholder
        loc = ctx.loc(tok.start, tok.end) if tok.start >= 0 else ""
        unit = tok.unit or (_header_unit(ctx, canon.col_path) if status == "value" else "")
        out.append(Cell(*base, status=status, value=tok.value, raw=tok.raw, unit=unit, loc=loc))
    return out
