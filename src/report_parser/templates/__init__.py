"""The 2019 and 2021 table templates, as data.

``cells.csv`` (built from the spec by ``scripts/build_templates.py``) lists every canonical cell
with its stable keys. The row layouts below say, for each table, the labels a flattened table
prints in order and how many data cells follow each data row. Label patterns are matched on
folded text with separators removed (see ``normalize.squeeze``): NFKC has made brackets, colons
and commas ASCII, and Traditional characters Simplified. Known label variants and typos are part
of the patterns (国家机密, 三类内容事务信息, 规范性文件 in a 2021 table, …).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

TEMPLATES = ("2019", "2021")
APPLICANT_COLUMNS = 7  # 自然人, five kinds of 法人或其他组织, 总计


@dataclass(frozen=True, slots=True)
class CanonicalCell:
    template: str
    table: str
    row_path: str
    col_path: str
    row_key: str
    col_key: str


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One printed label of a flattened table.

    kind: ``row`` (followed by ``ncols`` data cells), ``group`` (a heading of rows, no data) or
    ``section`` (a T2 sub-table heading such as 第二十条第（一）项).
    """

    kind: str
    row_path: str
    pattern: str
    ncols: int = 0


@cache
def cells() -> tuple[CanonicalCell, ...]:
    """Return every canonical cell of both templates, in the spec's order."""
    text = resources.files(__package__).joinpath("cells.csv").read_text(encoding="utf-8")
    return tuple(CanonicalCell(**row) for row in csv.DictReader(text.splitlines()))


@cache
def cells_for(template: str, table: str | None = None) -> tuple[CanonicalCell, ...]:
    """Given a template (and optionally a table), return its canonical cells in order."""
    return tuple(c for c in cells() if c.template == template and (table is None or c.table == table))


# What a cell of each column may hold: ``count`` (a whole number, no sign), ``signed`` (the
# 2019 change column: 增/减/+/- allowed) or ``money`` (decimals and a unit allowed).
SIGNED_COLUMNS = frozenset({"本年增/减"})
MONEY_COLUMNS = frozenset({"采购总金额", "本年收费金额（单位：万元）"})


@cache
def column_kinds(template: str, table: str, row_path: str) -> tuple[str, ...]:
    """Given a data row, return the kind of each of its columns, left to right."""
    return tuple("signed" if c.col_path in SIGNED_COLUMNS else "money" if c.col_path in MONEY_COLUMNS else "count"
                 for c in columns(template, table, row_path))


@cache
def indexed_cells(template: str, table: str) -> tuple[tuple[CanonicalCell, int], ...]:
    """Given a table, return its canonical cells in order, each with its position in its row."""
    return tuple((c, columns(template, table, c.row_path).index(c)) for c in cells_for(template, table))


@cache
def columns(template: str, table: str, row_path: str) -> tuple[CanonicalCell, ...]:
    """Given a data row, return its canonical cells left to right."""
    return tuple(c for c in cells_for(template, table) if c.row_path == row_path)


# --- T2 -------------------------------------------------------------------------------------

def _section(item: str) -> str:
    return rf"第二十条第?\(?{item}\)?项"


_S1, _S5, _S6, _S8, _S9 = (f"第二十条第（{i}）项" for i in "一五六八九")

T2_LAYOUT = {
    "2019": (
        RowSpec("section", _S1, _section("一")),
        RowSpec("row", f"{_S1} / 规章", r"规章", 3),
        RowSpec("row", f"{_S1} / 规范性文件", r"(?:行政)?规范性文件", 3),
        RowSpec("section", _S5, _section("五")),
        RowSpec("row", f"{_S5} / 行政许可", r"行政许可", 3),
        RowSpec("row", f"{_S5} / 其他对外管理服务事项", r"其他对外管理服务事项", 3),
        RowSpec("section", _S6, _section("六")),
        RowSpec("row", f"{_S6} / 行政处罚", r"行政处罚", 3),
        RowSpec("row", f"{_S6} / 行政强制", r"行政强制", 3),
        RowSpec("section", _S8, _section("八")),
        RowSpec("row", f"{_S8} / 行政事业性收费", r"行政事业性收费", 2),
        RowSpec("section", _S9, _section("九")),
        RowSpec("row", f"{_S9} / 政府集中采购", r"政府集中采购", 2),
    ),
    "2021": (
        RowSpec("section", _S1, _section("一")),
        RowSpec("row", f"{_S1} / 规章", r"规章", 3),
        RowSpec("row", f"{_S1} / 行政规范性文件", r"(?:行政)?规范性文件", 3),
        RowSpec("section", _S5, _section("五")),
        RowSpec("row", f"{_S5} / 行政许可", r"行政许可", 1),
        RowSpec("section", _S6, _section("六")),
        RowSpec("row", f"{_S6} / 行政处罚", r"行政处罚", 1),
        RowSpec("row", f"{_S6} / 行政强制", r"行政强制", 1),
        RowSpec("section", _S8, _section("八")),
        RowSpec("row", f"{_S8} / 行政事业性收费", r"行政事业性收费", 1),
    ),
}

# Labels that only one template prints (headers included), used to tell the templates apart.
T2_MARKERS = {
    "2019": r"本年新制作|本年新公开|对外公开总数|上一年项目数|本年增/?减|其他对外管理服务事项|"
            r"第二十条第?\(?九\)?项|政府集中采购|采购项目数|采购总金额",
    "2021": r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数|本年收费金额",
}
T3_MARKERS = {"2021": r"逾期不补正|逾期未按收费通知|逾期不缴费"}

# --- T3 -------------------------------------------------------------------------------------

_R = "三、本年度办理结果"
_G3, _G4, _G5, _G6 = f"{_R} / （三）不予公开", f"{_R} / （四）无法提供", f"{_R} / （五）不予处理", f"{_R} / （六）其他处理"
_N = APPLICANT_COLUMNS


def _item(n: int, text: str) -> str:
    """Pattern of a numbered item: the number is optional, the text is the pattern."""
    return rf"(?:{n}[.、,]?)?(?:{text})"


_T3_HEAD = (
    RowSpec("row", "一、本年新收政府信息公开申请数量",
            r"(?:一[、.,]?)?本年度?新收(?:到)?(?:的)?政府信息公开申请(?:数量|数|件数)?", _N),
    RowSpec("row", "二、上年结转政府信息公开申请数量",
            r"(?:二[、.,]?)?上年度?结转(?:的)?政府信息公开申请(?:数量|数|件数)?", _N),
    RowSpec("group", _R, r"(?:三[、.,]?)?本年度?办理结果"),
    RowSpec("row", f"{_R} / （一）予以公开", r"(?:\(一\))?予以公开", _N),
    RowSpec("row", f"{_R} / （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            r"(?:\(二\))?部分公开(?:\([^)]{0,30}\)?)?", _N),
    RowSpec("group", _G3, r"(?:\(三\))?不予公开"),
    RowSpec("row", f"{_G3} / 1.属于国家秘密", _item(1, r"属于国家(?:秘密|机密)"), _N),
    RowSpec("row", f"{_G3} / 2.其他法律行政法规禁止公开", _item(2, r"其他法律行政法规禁止公开|其他法律[^\d|]{0,8}公开"), _N),
    RowSpec("row", f"{_G3} / 3.危及“三安全一稳定”", _item(3, r"危及[“\"']?三安全一稳定[”\"']?"), _N),
    RowSpec("row", f"{_G3} / 4.保护第三方合法权益", _item(4, r"保护第三方合法权益"), _N),
    RowSpec("row", f"{_G3} / 5.属于三类内部事务信息", _item(5, r"属于三类内(?:部|容)事务信息"), _N),
    RowSpec("row", f"{_G3} / 6.属于四类过程性信息", _item(6, r"属于四类过程性信息"), _N),
    RowSpec("row", f"{_G3} / 7.属于行政执法案卷", _item(7, r"属于行政执法案卷"), _N),
    RowSpec("row", f"{_G3} / 8.属于行政查询事项", _item(8, r"属于行政查询事项"), _N),
    RowSpec("group", _G4, r"(?:\(四\))?无法提供"),
    RowSpec("row", f"{_G4} / 1.本机关不掌握相关政府信息", _item(1, r"本机关不掌握相关政府信息"), _N),
    RowSpec("row", f"{_G4} / 2.没有现成信息需要另行制作", _item(2, r"没有现成信息需要另行制作"), _N),
    RowSpec("row", f"{_G4} / 3.补正后申请内容仍不明确", _item(3, r"补正后申请内容仍不明确"), _N),
    RowSpec("group", _G5, r"(?:\(五\))?不予处理"),
    RowSpec("row", f"{_G5} / 1.信访举报投诉类申请", _item(1, r"信访举报投诉类申请"), _N),
    RowSpec("row", f"{_G5} / 2.重复申请", _item(2, r"重复申请"), _N),
    RowSpec("row", f"{_G5} / 3.要求提供公开出版物", _item(3, r"要求提供公开出版物"), _N),
    RowSpec("row", f"{_G5} / 4.无正当理由大量反复申请", _item(4, r"无正当理由大量反复申请"), _N),
    RowSpec("row", f"{_G5} / 5.要求行政机关确认或重新出具已获取信息",
            _item(5, r"要求行政机关确认或重新出具已获取信息"), _N),
)
_T3_TAIL = (
    RowSpec("row", f"{_R} / （七）总计", r"(?:\(七\))?总计", _N),
    RowSpec("row", "四、结转下年度继续办理", r"(?:四[、.,]?)?结转下?一?年度?继续办理", _N),
)

T3_LAYOUT = {
    "2019": _T3_HEAD + (RowSpec("row", _G6, r"(?:\(六\))?其他处理", _N),) + _T3_TAIL,
    "2021": _T3_HEAD + (
        RowSpec("group", _G6, r"(?:\(六\))?其他处理"),
        RowSpec("row", f"{_G6} / 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                _item(1, r"(?:申请人)?(?:无正当理由)?逾期不补正(?:[、,]?行政机关不再处理其?政府信息公开申请)?"), _N),
        RowSpec("row", f"{_G6} / 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                _item(2, r"(?:申请人)?逾期(?:未按收费通知要求缴纳费用|不缴费)(?:[、,]?行政机关不再处理其?政府信息公开申请)?"),
                _N),
        RowSpec("row", f"{_G6} / 3.其他", r"3[.、,]?其他", _N),
    ) + _T3_TAIL,
}

# Where each table starts, matched on squeezed folded text.
T2_START = r"第二十条第?\(?一\)?项|信息内容"
T3_START = r"\(?本列数据的勾稽关系|申请人情况|本年度?新收(?:到)?(?:的)?政府信息公开申请数量"
# T4 has no row label: its header runs straight into the data row. The header is matched as a run
# of the characters its labels are made of, because extraction tools wrap and reorder them
# (结果维 / 持, 未经复议直接起诉 before the result labels).
_T4_CHARS = "行政复议诉讼未经直接起后结果维持纠正其他尚审总计合"
T4_HEADER = rf"[{_T4_CHARS}]+"
T4_START = rf"行政复议[{_T4_CHARS}]{{4,}}"
T4_BLOCKS = ((0, 4), (5, 9), (10, 14))  # (first, total) column index of each block
