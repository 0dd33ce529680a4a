"""Synthetic OGI annual reports with known answers, for property tests and benchmarks.

``random_values`` draws a value for every canonical cell of a template such that the table
identities hold (T3 row totals, 一+二 = （七）+四 and （七） = Σ results per column, T4 block totals;
a blank cell counts as 0). ``render`` prints a whole report with the three tables flattened in one
text dialect; ``answers`` gives what a correct parser must read back.

Dialects: ``cell_per_line`` (``text |`` per line, ``|||`` padding), ``row_per_line`` (``a | b |``),
``markdown`` (``| a | b |``), ``blank_line`` (cells separated by blank lines), ``space_separated``
(a row per line), ``glued`` (a table on one line, digits of adjacent cells run together) and
``mixed`` (one of the others per table).

Nothing ambiguous is ever generated. Blank cells cannot be told apart in ``space_separated`` and
``glued``, so those dialects refuse values with blanks. For ``glued``, ``glue_is_unique`` enumerates
every split of each run of glued cells that the cell grammar and the identities admit (T2 rows have
no identity, T3 rows use the row total and then the column identities, T4 the block totals) and a
table is rendered glued only when exactly one split exists; ``sample`` redraws a table, smaller
each time, until it is. The check takes every glued cell as printed (glued text never shows a
blank), and a search that grows too large counts as ambiguous.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import templates

Key = tuple[str, str, str]
DIALECTS = ("cell_per_line", "row_per_line", "markdown", "blank_line", "space_separated", "glued", "mixed")
BASE_DIALECTS = DIALECTS[:-1]
PLACEHOLDERS = ("/", "—", "无")
T3_COLS = ("自然人", "法人或其他组织 / 商业企业", "法人或其他组织 / 科研机构", "法人或其他组织 / 社会公益组织",
           "法人或其他组织 / 法律服务机构", "法人或其他组织 / 其他", "总计")
T4_BLOCKS = ("行政复议", "行政诉讼 / 未经复议直接起诉", "行政诉讼 / 复议后起诉")
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
ONE, TWO, SEVEN, FOUR = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                         "三、本年度办理结果 / （七）总计", "四、结转下年度继续办理")
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
WRAPS = {"商业企业": "商业\0企业", "科研机构": "科研\0机构", "社会公益组织": "社会公益\0组织",
         "法律服务机构": "法律服务\0机构", "本年新制作数量": "本年新\0制作数量",
         "本年新公开数量": "本年新\0公开数量", "对外公开总数量": "对外公开\0总数量",
         "本年处理决定数量": "本年处理\0决定数量", "上一年项目数量": "上一年\0项目数量"}
PARTS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


# ---------------------------------------------------------------- canonical cells

@lru_cache(maxsize=None)
def cells_for(template: str) -> tuple[Key, ...]:
    """Given a template (2019|2021), return its canonical (table, row_path, col_path) in order."""
    return tuple((c.table, c.row_path, c.col_path) for c in templates.cells_for(template))


def _t2_sections(template: str) -> list[tuple[str, list[str], list[str]]]:
    """Given a template, return T2 as (section, row labels, column labels) in printed order."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for table, row_path, col in cells_for(template):
        if table != "T2":
            continue
        sec, row = row_path.split(" / ")
        rows, cols = out.setdefault(sec, ([], []))
        rows += [] if row in rows else [row]
        cols += [] if col in cols else [col]
    return [(s, r, c) for s, (r, c) in out.items()]


def t3_rows(template: str) -> list[str]:
    """Given a template, return the T3 row paths in printed order."""
    return list(dict.fromkeys(r for t, r, _ in cells_for(template) if t == "T3"))


def _col_kind(col: str) -> str:
    if col == "本年增/减":
        return "signed"
    return "money" if col.startswith(("采购总金额", "本年收费金额")) else "int"


# ---------------------------------------------------------------- values

def random_values(template: str, rng: random.Random, *, blanks: bool = True,
                  placeholders: bool = True, scale: int | None = None) -> dict[Key, str]:
    """Given a template and a random source, return printed values for every canonical cell."""
    scale = scale if scale is not None else rng.choice((9, 99, 999, 9999, 99999, 999999))
    values: dict[Key, str] = {}
    for table in ("T2", "T3", "T4"):
        values.update(table_values(template, table, rng, scale, blanks=blanks, placeholders=placeholders))
    return values


def table_values(template: str, table: str, rng: random.Random, scale: int, *, blanks: bool = True,
                 placeholders: bool = True) -> dict[Key, str]:
    """Given a table and a magnitude, return printed values for its cells (identities hold)."""
    blank_rate = rng.choice((0.0, 0.0, 0.3, 1.0)) if blanks else 0.0
    if table == "T2":
        vals = _t2_values(template, rng, scale, placeholders)
    elif table == "T3":
        vals = _t3_values(template, rng, scale)
    else:
        vals = _t4_values(rng, min(scale, 999))
    return {k: ("" if v == "0" and rng.random() < blank_rate else v) for k, v in vals.items()}


def _num(rng: random.Random, scale: int, zero: float = 0.3) -> int:
    if rng.random() < zero or scale < 1:
        return 0
    return rng.randint(1, rng.choice((min(scale, 9), scale)))


def _t2_values(template: str, rng: random.Random, scale: int, placeholders: bool) -> dict[Key, str]:
    ph_rate = rng.choice((0.0, 0.0, 0.15, 0.5)) if placeholders else 0.0
    out = {}
    for sec, rows, cols in _t2_sections(template):
        for row in rows:
            row_ph = rng.choice(PLACEHOLDERS) if rng.random() < ph_rate / 2 else None
            for col in cols:
                cell_ph = rng.choice(PLACEHOLDERS) if rng.random() < ph_rate / 4 else None
                out[("T2", f"{sec} / {row}", col)] = row_ph or cell_ph or _t2_cell(col, rng, scale)
    return out


def _t2_cell(col: str, rng: random.Random, scale: int) -> str:
    kind = _col_kind(col)
    if kind == "int":
        return str(_num(rng, scale))
    if kind == "signed":
        v = _num(rng, min(scale, 9999)) * rng.choice((1, -1))
        if v < 0:
            return rng.choice(("-{}", "减{}")).format(-v)
        return rng.choice(("{}", "+{}", "增加{}")).format(v) if v else "0"
    v = _num(rng, scale)
    text = f"{v}.{rng.randint(0, 10 ** rng.randint(1, 4) - 1)}" if v and rng.random() < 0.7 else str(v)
    if col == "采购总金额" and v and rng.random() < 0.4:
        text += rng.choice(("元", "万元"))
    return text


def _t3_values(template: str, rng: random.Random, scale: int) -> dict[Key, str]:
    rows = t3_rows(template)
    items = [r for r in rows if r not in (ONE, TWO, SEVEN, FOUR)]
    while True:
        scales = [scale] + [max(1, scale // rng.choice((1, 10, 100, 10 ** 6))) for _ in range(5)]
        density = rng.choice((0.0, 0.1, 0.3, 0.8))
        grid = {r: [_num(rng, s, 1 - density) for s in scales] for r in items}
        grid[SEVEN] = [sum(grid[r][c] for r in items) for c in range(6)]
        grid[FOUR] = [_num(rng, s, 0.7) for s in scales]
        grid[TWO] = [rng.randint(0, grid[SEVEN][c] + grid[FOUR][c]) if rng.random() < 0.4 else 0
                     for c in range(6)]
        grid[ONE] = [grid[SEVEN][c] + grid[FOUR][c] - grid[TWO][c] for c in range(6)]
        if all(sum(v) <= 999999 for v in grid.values()):
            break
        scale = max(1, scale // 10)
    return {("T3", r, col): str(v) for r in rows for col, v in zip(T3_COLS, grid[r] + [sum(grid[r])])}


def _t4_values(rng: random.Random, scale: int) -> dict[Key, str]:
    out = {}
    for block in T4_BLOCKS:
        vals = [_num(rng, scale, 0.6) for _ in range(4)]
        for res, v in zip(T4_RESULTS, vals + [sum(vals)]):
            out[("T4", "", f"{block} / {res}")] = str(v)
    return out


def to_number(printed: str) -> str | None:
    """Given a printed cell (``减3``, ``+19``, ``251000元``), return its ASCII number, else None."""
    t = printed.strip()
    t = re.sub(r"(万元|元)$", "", t)
    m = re.fullmatch(r"(减少?|-)?(增加?|\+)?(\d+(?:\.\d+)?)", t)
    if not m:
        return None
    return ("-" if m.group(1) else "") + m.group(3)


def answers(template: str, values: dict[Key, str]) -> list[tuple[str, str, str, str, str]]:
    """Given values, return (table, row_path, col_path, status, value) for every canonical cell.

    value is the ASCII number for status ``value``, ``""`` for ``blank`` and the placeholder as
    printed for ``placeholder`` (the gold format of corpus/GOLD.md).
    """
    out = []
    for key in cells_for(template):
        printed = values[key]
        if printed == "":
            out.append((*key, "blank", ""))
        elif printed in PLACEHOLDERS:
            out.append((*key, "placeholder", printed))
        else:
            out.append((*key, "value", to_number(printed)))
    return out


def identity_errors(template: str, values: dict[Key, str]) -> list[str]:
    """Given values, return a message for every identity that does not hold (blank = 0)."""
    def n(key: Key) -> Decimal:
        return Decimal(to_number(values[key]) or 0)
    errs = []
    rows = t3_rows(template)
    items = [r for r in rows if r not in (ONE, TWO, SEVEN, FOUR)]
    for r in rows:
        if sum(n(("T3", r, c)) for c in T3_COLS[:6]) != n(("T3", r, "总计")):
            errs.append(f"T3 row total: {r}")
    for c in T3_COLS:
        col = {r: n(("T3", r, c)) for r in rows}
        if col[ONE] + col[TWO] != col[SEVEN] + col[FOUR]:
            errs.append(f"T3 一+二=七+四: {c}")
        if sum(col[r] for r in items) != col[SEVEN]:
            errs.append(f"T3 七=Σ: {c}")
    for b in T4_BLOCKS:
        if sum(n(("T4", "", f"{b} / {r}")) for r in T4_RESULTS[:4]) != n(("T4", "", f"{b} / 总计")):
            errs.append(f"T4 block total: {b}")
    return errs


# ---------------------------------------------------------------- glued uniqueness

_INT = re.compile(r"0|[1-9]\d*")
# Any placeholder a reader might accept, not only those generated: "-" could split "12-34" too.
_PH = "|".join(map(re.escape, (*PLACEHOLDERS, "——", "--", "-", "不适用", "N/A")))
_GRAMMAR = {
    "int": re.compile(rf"(?:{_PH}|0|[1-9]\d*)"),
    "signed": re.compile(rf"(?:{_PH}|0|[+\-]?[1-9]\d*|减少?[1-9]\d*|增加?[1-9]\d*)"),
    "money": re.compile(rf"(?:{_PH}|(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?)"),
}


def _free_splits(s: str, kinds: tuple[str, ...], limit: int = 2) -> int:
    """Given glued text and the column kinds, count its splits into cells (stop at limit)."""
    if not kinds:
        return int(s == "")
    count = 0
    for end in range(1, len(s) - len(kinds) + 2):
        if _GRAMMAR[kinds[0]].fullmatch(s[:end]):
            count += _free_splits(s[end:], kinds[1:], limit - count)
            if count >= limit:
                break
    return count


class _TooHard(Exception):
    """Raised when counting splits exceeds its budget (the case is then treated as ambiguous)."""


def _parts(s: str, n: int, remaining: int, maxlen: int, budget: list[int]):
    """Given digits, yield splits into n integers summing to remaining, none longer than maxlen."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooHard
    if n == 0:
        if s == "" and remaining == 0:
            yield ()
        return
    for length in range(1, min(maxlen, len(s) - n + 1) + 1):
        rest, left = len(s) - length, n - 1
        if rest > left * maxlen:
            continue
        v = int(s[:length])
        if v > remaining or (length > 1 and s[0] == "0"):
            break
        if left and not _feasible(rest, left, remaining - v, maxlen):
            continue
        for more in _parts(s[length:], left, remaining - v, maxlen, budget):
            yield (v, *more)


def _feasible(length: int, parts: int, target: int, maxlen: int) -> bool:
    """Given a digit count split into parts, tell whether their sum can reach target (bounds only)."""
    longest = -(-length // parts)
    low = 10 ** (longest - 1) if longest > 1 else 0
    high = parts * 10 ** min(maxlen, length - parts + 1)
    return low <= target < high


@lru_cache(maxsize=65536)
def sum_splits(s: str, n: int, budget: int = 50000) -> tuple[tuple[int, ...], ...]:
    """Given glued digits, return every split into n integers followed by their sum.

    Raises _TooHard when the search exceeds the budget.
    """
    out, left = [], [budget]
    for k in range(1, len(s) - n + 1):
        tail = s[len(s) - k:]
        if _INT.fullmatch(tail):
            total = int(tail)
            out += [p + (total,) for p in _parts(s[:len(s) - k], n, total, k, left)]
    return tuple(out)


def _t4_split_count(s: str, blocks: int = 3) -> int:
    """Given glued T4 digits, count their splits into blocks of four results and a total (stop at 2)."""
    if blocks == 1:
        return len(sum_splits(s, 4))
    count = 0
    for end in range(5, len(s) - 5 * (blocks - 1) + 1):
        first = len(sum_splits(s[:end], 4))
        if first:
            count += first * _t4_split_count(s[end:], blocks - 1)
        if count > 1:
            break
    return count


def glue_is_unique(template: str, table: str, values: dict[Key, str]) -> bool:
    """Given values, tell whether the table printed glued has exactly one identity-consistent split."""
    if any(v == "" for k, v in values.items() if k[0] == table):
        return False
    try:
        return _glue_unique(template, table, values)
    except _TooHard:
        return False


def _glue_unique(template: str, table: str, values: dict[Key, str]) -> bool:
    """Given a table without blanks, tell whether its glued rows split one way only."""
    if table == "T2":
        return all(_free_splits("".join(values[("T2", f"{sec} / {r}", c)] for c in cols),
                                tuple(_col_kind(c) for c in cols)) == 1
                   for sec, rows, cols in _t2_sections(template) for r in rows)
    if table == "T4":
        return _t4_split_count("".join(values[k] for k in cells_for(template) if k[0] == "T4")) == 1
    return _t3_unique(template, values)


def _t3_unique(template: str, values: dict[Key, str], cap: int = 20000) -> bool:
    """Given T3 values, tell whether row totals and column identities admit one split of all rows."""
    rows = t3_rows(template)
    cands = [sum_splits("".join(values[("T3", r, c)] for c in T3_COLS), 6) for r in rows]
    if any(not c for c in cands) or math.prod(len(c) for c in cands) > cap:
        return False
    idx = {r: i for i, r in enumerate(rows)}
    items = [idx[r] for r in rows if r not in (ONE, TWO, SEVEN, FOUR)]
    found = 0
    for combo in itertools.product(*cands):
        if all(combo[idx[ONE]][c] + combo[idx[TWO]][c] == combo[idx[SEVEN]][c] + combo[idx[FOUR]][c]
               and sum(combo[i][c] for i in items) == combo[idx[SEVEN]][c] for c in range(7)):
            found += 1
            if found > 1:
                return False
    return found == 1


def sample(template: str, dialect: str, rng: random.Random) -> dict[Key, str]:
    """Given a dialect, return random values that it can print unambiguously."""
    if dialect != "glued":
        return random_values(template, rng, blanks=dialect != "space_separated")
    # Glued tables in the wild hold small numbers; large ones are mostly ambiguous anyway.
    values = random_values(template, rng, blanks=False, scale=rng.choice((9, 9, 99, 99, 999, 9999, 99999)))
    for table in ("T2", "T3", "T4"):
        for scale in itertools.chain((9999, 999, 99), itertools.repeat(9, 20), itertools.repeat(0)):
            if glue_is_unique(template, table, values):
                break
            values.update(table_values(template, table, rng, scale, blanks=False))
    return values


# ---------------------------------------------------------------- table layout

@dataclass(frozen=True, slots=True)
class Row:
    """One printed table row: its cells (labels first), how many are labels, and the padding."""

    cells: tuple[str, ...]
    labels: int
    missing: int


@dataclass(frozen=True, slots=True)
class Style:
    """Printing choices drawn once per document."""

    traditional: bool
    halfwidth: bool
    corner_note: bool
    wrap: float
    label_space: bool
    pad_numbers: bool
    md_broken: bool
    title_form: int

    @staticmethod
    def draw(rng: random.Random) -> Style:
        """Given a random source, return a style."""
        return Style(rng.random() < 0.25, rng.random() < 0.4, rng.random() < 0.8,
                     rng.choice((0.0, 0.3, 1.0)), rng.random() < 0.3, rng.random() < 0.2,
                     rng.random() < 0.15, rng.randrange(3))


def _label(text: str, rng: random.Random, style: Style) -> str:
    return WRAPS[text] if text in WRAPS and rng.random() < style.wrap else text


def table_rows(template: str, table: str, values: dict[Key, str], rng: random.Random,
               style: Style) -> list[Row]:
    """Given a table's values, return its printed rows (header and data) in order."""
    if table == "T2":
        return _t2_rows(template, values, rng, style)
    if table == "T3":
        return _t3_rows(template, values, rng, style)
    return _t4_rows(template, values, rng, style)


def _t2_rows(template, values, rng, style) -> list[Row]:
    out = []
    for sec, rows, cols in _t2_sections(template):
        out.append(Row((sec,), 1, 3))
        out.append(Row(("信息内容", *(_label(c, rng, style) for c in cols)), 1 + len(cols), 3 - len(cols)))
        for r in rows:
            out.append(Row((r, *(values[("T2", f"{sec} / {r}", c)] for c in cols)), 1, 3 - len(cols)))
    return out


def _t3_rows(template, values, rng, style) -> list[Row]:
    lab = [_label(c.split(" / ")[-1], rng, style) for c in T3_COLS[1:6]]
    out = [Row((CORNER, "申请人情况") if style.corner_note else ("申请人情况",), 2, 8),
           Row(("自然人", "法人或其他组织", "总计"), 3, 7), Row(tuple(lab), 5, 5)]
    prev: list[str] = []
    for r in t3_rows(template):
        parts = r.split(" / ")
        first = next(i for i in range(len(parts)) if prev[:i + 1] != parts[:i + 1])
        new, prev = parts[first:], parts
        out.append(Row((*new, *(values[("T3", r, c)] for c in T3_COLS)), len(new), 3 - len(new)))
    return out


def _t4_rows(template, values, rng, style) -> list[Row]:
    keys = [k for k in cells_for(template) if k[0] == "T4"]
    return [Row(("行政复议", "行政诉讼"), 2, 13),
            Row((*T4_RESULTS, "未经复议直接起诉", "复议后起诉"), 7, 8),
            Row(T4_RESULTS * 2, 10, 5),
            Row(tuple(values[k] for k in keys), 0, 0)]


# ---------------------------------------------------------------- dialects

def render_table(rows: list[Row], dialect: str, rng: random.Random, style: Style) -> str:
    """Given printed rows, return the table flattened in one base dialect."""
    if dialect == "cell_per_line":
        lines = []
        for r in rows:
            lines += [f"{c.replace(chr(0), ' ')} |" if c else "|" for c in r.cells]
            lines += ["|" * r.missing] if r.missing else []
        return "\n".join(lines)
    if dialect in ("row_per_line", "markdown"):
        return "\n".join(_pipe_row(r, dialect, style) for r in rows)
    if dialect == "blank_line":
        return "\n\n".join(_blank_cell(c, i < r.labels, rng, style) for r in rows for i, c in enumerate(r.cells))
    if dialect == "space_separated":
        return "\n".join(" ".join(c.replace("\0", rng.choice((" ", ""))) for c in r.cells) for r in rows)
    if dialect == "glued":
        return "".join(_glued_row(r, style) for r in rows)
    raise ValueError(f"unknown dialect {dialect!r}")


def _pipe_row(r: Row, dialect: str, style: Style) -> str:
    cells = [c.replace("\0", " ") for c in r.cells]
    if dialect == "row_per_line":
        return " | ".join(cells) + " |" + (" " + "|" * r.missing if r.missing else "")
    if style.md_broken:
        return "| " + "\n|\n".join(cells) + "\n|" + ("\n" + "|" * r.missing if r.missing else "")
    return "| " + " | ".join(cells) + " | " + "|" * r.missing


def _blank_cell(c: str, is_label: bool, rng: random.Random, style: Style) -> str:
    c = c.replace("\0", "\n")
    if c and not is_label and style.pad_numbers:
        return rng.choice((" ", "")) + c + rng.choice((" ", ""))
    return c


def _glued_row(r: Row, style: Style) -> str:
    labels = "".join(r.cells[:r.labels]).replace("\0", "")
    sep = " " if style.label_space and r.labels and len(r.cells) > r.labels else ""
    return labels + sep + "".join(r.cells[r.labels:])


def can_print(template: str, table: str, values: dict[Key, str], dialect: str) -> bool:
    """Given values, tell whether a base dialect prints the table unambiguously."""
    if dialect in ("space_separated", "glued") and any(v == "" for k, v in values.items() if k[0] == table):
        return False
    return dialect != "glued" or glue_is_unique(template, table, values)


# ---------------------------------------------------------------- document

PLACES = ("青山市", "临江县", "东湖区", "白沙镇", "南岭市", "西河县", "金水区", "长安街道")
BODIES = ("人力资源和社会保障局", "交通运输局", "自然资源局", "人民政府办公室", "教育局", "民政局",
          "市场监督管理局", "住房和城乡建设局", "卫生健康委员会", "财政局", "统计局", "人民政府")
NARRATIVE = {
    0: "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{agency}{year}年度政府信息公开工作"
       "年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
       "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。",
    1: "{year}年，{agency}认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。\n"
       "（一）主动公开。通过门户网站、政务新媒体等渠道及时发布政府信息。\n"
       "（二）依申请公开。严格按照法定时限和程序办理申请。\n"
       "（三）政府信息管理。落实信息发布审核制度，确保信息准确规范。",
    2: "{year}年，{agency}主动公开政府信息情况如下。",
    3: "{year}年，{agency}收到和处理政府信息公开申请情况如下。",
    4: "{year}年，{agency}政府信息公开行政复议、行政诉讼情况如下。",
    5: "一是公开内容的深度和广度有待拓展；二是工作人员业务能力有待提升。下一步将加强培训，完善制度。",
    6: "{year}年度，{agency}未收取信息处理费。无其他需要报告的事项。",
}
_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


def render(template: str, values: dict[Key, str], dialect: str, rng: random.Random, *,
           title: str | None = None, agency: str | None = None, year: int | None = None) -> str:
    """Given values and a dialect, return a whole report text with the three tables flattened."""
    style = Style.draw(rng)
    agency = agency or rng.choice(PLACES) + rng.choice(BODIES)
    year = year or (rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024))
    title = title or _title(agency, year, style)
    chosen = _table_dialects(template, values, dialect, rng)
    loose = dialect == "blank_line"
    parts = [title, "\n\n" if loose else "\n", NARRATIVE[0].format(agency=agency, year=year)]
    for i, heading in enumerate(PARTS, 1):
        parts += ["\n\n" if loose else "\n", heading, "\n\n" if loose else "\n",
                  NARRATIVE[i].format(agency=agency, year=year)]
        if 2 <= i <= 4:
            table = f"T{i}"
            sep = "\n\n" if loose or chosen[table] == "blank_line" else "\n"
            rows = table_rows(template, table, values, rng, style)
            parts += [sep, render_table(rows, chosen[table], rng, style)]
            parts += ["\n"] if sep != "\n" and not loose else []
    text = "".join(parts) + "\n"
    return _script(text, style)


def _title(agency: str, year: int, style: Style) -> str:
    forms = ("{a}{y}年政府信息公开工作年度报告", "{a}{y}年度政府信息公开工作年度报告", "{a}{y}年政府信息公开年度工作报告")
    return forms[style.title_form].format(a=agency, y=year)


def _table_dialects(template: str, values: dict[Key, str], dialect: str, rng: random.Random) -> dict[str, str]:
    tables = ("T2", "T3", "T4")
    if dialect != "mixed":
        bad = [t for t in tables if dialect not in BASE_DIALECTS or not can_print(template, t, values, dialect)]
        if bad:
            raise ValueError(f"dialect {dialect!r} cannot print {bad} of these values unambiguously")
        return dict.fromkeys(tables, dialect)
    chosen: dict[str, str] = {}
    for t in tables:
        options = list(BASE_DIALECTS)
        rng.shuffle(options)
        chosen[t] = next(d for d in options if can_print(template, t, values, d))
    if len(set(chosen.values())) == 1:
        chosen["T4"] = next(d for d in BASE_DIALECTS[:4] if d != chosen["T2"])
    return chosen


@lru_cache(maxsize=1)
def _s2t():
    import opencc
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Given Simplified text, return it in Traditional characters (OpenCC s2t)."""
    return _s2t().convert(text)


def _script(text: str, style: Style) -> str:
    if style.halfwidth:
        text = text.translate(_HALF)
    return to_traditional(text) if style.traditional else text


__all__ = ["DIALECTS", "answers", "cells_for", "glue_is_unique", "identity_errors", "random_values",
           "render", "sample", "to_number", "to_traditional"]
