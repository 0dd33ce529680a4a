"""Synthetic report web pages with known answers, as government CMSs publish them.

``render_html(template, values, rng, style=...)`` lays the canonical values of ``synth`` out as
a whole page: site chrome (navigation, breadcrumbs, a font-size bar, share buttons,
扫一扫在手机打开当前页, related links naming other years' reports, a footer) around the report,
whose tables use the real layouts' rowspans and colspans (template-spec.md §5):

* ``cms``: plain ``<td>`` cells; blanks as ``&nbsp;``; some header and data rows on different
  column grids (a header cell over two columns above a single data cell, and the other way
  round; single-value T2 columns as one cell over three, or one cell plus filler cells);
* ``word``: Word saved as HTML — ``MsoNormalTable``, every value in ``<p class=MsoNormal>`` with
  ``<o:p>``, mso styles, labels padded with ``&nbsp;``, T4 header labels one character per ``<p>``.

Encode the page yourself (``page.encode("gbk")`` for GBK pages, which declare ``gb2312``).
"""

from __future__ import annotations

import html
import random
from collections import Counter

from .synth import CORNER, PARTS, PLACES, BODIES, T3_COLS, T4_BLOCKS, T4_RESULTS, Key, t3_rows
from .templates import T2_LAYOUT

STYLES = ("cms", "word")
_NARRATIVE = {
    0: "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{agency}{year}年度政府信息公开工作年度报告。"
       "本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。",
    1: "{year}年，{agency}认真贯彻落实《条例》，扎实推进政府信息公开工作。",
    2: "{year}年，{agency}主动公开政府信息情况如下：",
    3: "{year}年，{agency}收到和处理政府信息公开申请情况如下：",
    4: "{year}年，{agency}政府信息公开行政复议、行政诉讼情况如下：",
    5: "一是公开内容的深度和广度有待拓展；二是工作人员业务能力有待提升。",
    6: "{year}年度，{agency}未收取信息处理费。",
}


class _Cells:
    """Writes cells in one style."""

    def __init__(self, style: str, rng: random.Random) -> None:
        self.style, self.rng = style, rng

    def td(self, text: str, rs: int = 1, cs: int = 1, *, label: bool = False, split: bool = False) -> str:
        attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        if self.style == "word":
            return f"<td{attrs} style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;" \
                   f"padding:0cm 5.4pt 0cm 5.4pt'>{self._word(text, label, split)}</td>"
        body = html.escape(text) if text else "&nbsp;"
        return f'<td{attrs} style="padding:5px">{body}</td>'

    def _word(self, text: str, label: bool, split: bool) -> str:
        para = "<p class=MsoNormal align=center style='text-align:center'><span style='font-size:10.5pt;" \
               "font-family:宋体;mso-bidi-font-family:宋体'>{}<o:p></o:p></span></p>"
        if not text:
            return para.format("&nbsp;")
        if split and len(text) > 1:
            return "".join(para.format(html.escape(ch)) for ch in text)
        pad = "&nbsp;" * self.rng.randint(1, 3) if label and self.rng.random() < 0.5 else ""
        if not label and self.rng.random() < 0.3:
            return para.format(f"&nbsp;{html.escape(text)}&nbsp;")
        return para.format(html.escape(text) + pad)


def _table(rows: list[str], style: str) -> str:
    cls = " class=MsoNormalTable border=1 cellspacing=0 cellpadding=0" if style == "word" else ' border="1"'
    return f"<table{cls}><tbody>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</tbody></table>"


def _t2(template: str, values: dict[Key, str], c: _Cells) -> str:
    rows: list[str] = []
    layout = T2_LAYOUT[template]
    for spec in layout:
        if spec.kind == "section":
            section = spec.row_path
            cols = _t2_columns(template, section, values)
            rows.append(c.td(section, cs=4, label=True))
            rows.append(c.td("信息内容", label=True) + _t2_header(cols, c))
        else:
            cols = _t2_columns(template, spec.row_path.split(" / ")[0], values)
            cells = [values[("T2", spec.row_path, col)] for col in cols]
            rows.append(c.td(spec.row_path.split(" / ")[1], label=True) + _t2_data(cells, c))
    return _table(rows, c.style)


def _t2_columns(template: str, section: str, values: dict[Key, str]) -> list[str]:
    return list(dict.fromkeys(k[2] for k in values if k[0] == "T2" and k[1].startswith(section + " / ")))


def _t2_header(cols: list[str], c: _Cells) -> str:
    if len(cols) == 1:
        return c.td(cols[0], cs=3, label=True)
    if len(cols) == 2:
        return c.td(cols[0], label=True) + c.td(cols[1], cs=2, label=True)
    return "".join(c.td(col, label=True) for col in cols)


def _t2_data(cells: list[str], c: _Cells) -> str:
    if len(cells) == 1:  # one cell over three, or one cell and filler cells on a different grid
        if c.rng.random() < 0.5:
            return c.td(cells[0], cs=3)
        return c.td(cells[0]) + c.td("") + c.td("") if c.rng.random() < 0.5 else c.td(cells[0], cs=2) + c.td("")
    if len(cells) == 2:
        return c.td(cells[0], cs=2) + c.td(cells[1]) if c.rng.random() < 0.5 else c.td(cells[0]) + c.td(cells[1], cs=2)
    return "".join(c.td(v) for v in cells)


def _t3(template: str, values: dict[Key, str], c: _Cells) -> str:
    wide = c.rng.random() < 0.5  # header and data rows on different grids (11 physical columns)
    kinds = [col.split(" / ")[-1] for col in T3_COLS[1:6]]
    head = [c.td(CORNER, rs=3, cs=3, label=True) + c.td("申请人情况", cs=8 if wide else 7, label=True),
            c.td("自然人", rs=2, label=True) + c.td("法人或其他组织", cs=6 if wide else 5, label=True)
            + c.td("总计", rs=2, label=True),
            "".join(c.td(k, cs=2 if wide and i == 0 else 1, label=True) for i, k in enumerate(kinds))]
    rows = head[:]
    paths = t3_rows(template)
    results = [p for p in paths if p.startswith("三、")]
    groups = Counter(" / ".join(p.split(" / ")[:2]) for p in paths if p.count(" / ") == 2)
    seen: set[str] = set()
    for path in paths:
        cells = [values[("T3", path, col)] for col in T3_COLS]
        data = _t3_data(cells, c, wide)
        segs = path.split(" / ")
        if len(segs) == 1:
            rows.append(c.td(segs[0], cs=3, label=True) + data)
            continue
        lead = c.td("三、本年度办理结果", rs=len(results), label=True) if path == results[0] else ""
        if len(segs) == 2:
            rows.append(lead + c.td(segs[1], cs=2, label=True) + data)
            continue
        group = " / ".join(segs[:2])
        mid = "" if group in seen else c.td(segs[1], rs=groups[group], label=True)
        seen.add(group)
        rows.append(lead + mid + c.td(segs[2], label=True) + data)
    return _table(rows, c.style)


def _t3_data(cells: list[str], c: _Cells, wide: bool) -> str:
    if not wide:
        return "".join(c.td(v) for v in cells)
    return c.td(cells[0]) + c.td(cells[1]) + c.td(cells[2], cs=2) + "".join(c.td(v) for v in cells[3:])


def _t4(values: dict[Key, str], c: _Cells) -> str:
    split = c.style == "word"
    row1 = c.td("行政复议", cs=5, label=True) + c.td("行政诉讼", cs=10, label=True)
    row2 = "".join(c.td(r, rs=2, label=True, split=split) for r in T4_RESULTS) + \
        c.td("未经复议直接起诉", cs=5, label=True) + c.td("复议后起诉", cs=5, label=True)
    row3 = "".join(c.td(r, label=True, split=split) for _ in range(2) for r in T4_RESULTS)
    row4 = "".join(c.td(values[("T4", "", f"{b} / {r}")]) for b in T4_BLOCKS for r in T4_RESULTS)
    return _table([row1, row2, row3, row4], c.style)


def _chrome_top(title: str, agency: str, year: int, rng: random.Random) -> str:
    nav = "".join(f'<li><a href="/{i}/">{t}</a></li>' for i, t in enumerate(
        ("首页", "政务公开", "政务服务", "互动交流", "走进" + agency[:3])))
    related = "".join(f'<li><a href="/nb/{y}.html">{agency}{y}年政府信息公开工作年度报告</a></li>'
                      for y in (year - 1, year - 2))
    return (f'<div class="header"><div class="logo">{agency[:3]}人民政府门户网站</div><ul class="nav">{nav}</ul></div>'
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f'<a href="/nb/">政府信息公开年报</a></div>'
            f'<div class="side"><h3>相关文章</h3><ul>{related}</ul></div>')


def render_html(template: str, values: dict[Key, str], rng: random.Random, *, style: str = "cms",
                agency: str | None = None, year: int | None = None, charset: str = "utf-8") -> str:
    """Given canonical values, return a whole report web page in the given style."""
    agency = agency or rng.choice(PLACES) + rng.choice(BODIES)
    year = year or (rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024))
    title = f"{agency}{year}年政府信息公开工作年度报告"
    c = _Cells(style, rng)
    tables = {2: _t2(template, values, c), 3: _t3(template, values, c), 4: _t4(values, c)}
    para = "<p class=MsoNormal style='text-indent:32.0pt'>{}<o:p></o:p></p>" if style == "word" else "<p>{}</p>"
    body = [para.format(html.escape(_NARRATIVE[0].format(agency=agency, year=year)))]
    for i, heading in enumerate(PARTS, 1):
        body.append(para.format(f"<strong>{heading}</strong>"))
        body.append(para.format(html.escape(_NARRATIVE[i].format(agency=agency, year=year))))
        if i in tables:
            body.append(tables[i])
    in_page = f'<h1 class="article-title">{title}</h1>' if rng.random() < 0.5 else ""
    editor = "TRS_Editor" if style == "word" else "article-content"
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}_政府信息公开年报_{agency[:3]}人民政府</title>"
            f"<style>td{{border:1px solid #000}}</style><script>var share=1;</script></head><body>"
            + _chrome_top(title, agency, year, rng)
            + f'<div class="main">{in_page}<div class="info">发布时间：{year + 1}-01-20 来源：{agency} '
              f'字号：<a>大</a> <a>中</a> <a>小</a> <a>打印</a></div>'
              f'<div class="{editor}">' + "".join(body) + "</div>"
            + '<div class="share">分享到：微信 微博</div><div class="qr">扫一扫在手机打开当前页</div></div>'
            + f'<div class="footer">主办单位：{agency[:3]}人民政府办公室 网站标识码：1234567890 '
              f'ICP备12345678号</div></body></html>')
