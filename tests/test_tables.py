"""Focused tests of the tables stage: reading rows, run-together cells, ambiguity, labels."""

from __future__ import annotations

from report_parser import parse
from report_parser.tables.solve import row_candidates, row_total_check
from report_parser.tables.values import Token, read_segment

TITLE = "青山市统计局2021年政府信息公开工作年度报告\n"  # no table marker: the year decides 2021
T4_WRAPPED = TITLE + """四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
未经复议直接起诉 复议后起诉
结果维结果纠其他结尚未审
总计 结果维结果纠其他结尚未审 结果维结果纠其他结尚未审
持 正 果 结 总计 总计
持 正 果 结 持 正 果 结
8 6 8 0 22 0 0 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
"""

T3_HEAD = TITLE + "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n"


def cells_of(text: str, table: str) -> dict[str, tuple[str, str | None]]:
    report = parse(text.encode("utf-8"), name="t.txt")
    return {f"{c.row_key}/{c.col_key}": (c.status, c.value) for c in report.cells if c.table == table}


def tok(raw: str) -> Token:
    return Token("value", raw, raw, "", 0, len(raw))


def test_t4_header_wrapped_and_reordered_by_a_pdf_tool():
    t4 = cells_of(T4_WRAPPED, "T4")
    assert t4["cases/review_upheld"] == ("value", "8")
    assert t4["cases/review_total"] == ("value", "22")
    assert t4["cases/litigation_after_review_total"] == ("value", "0")


def test_glued_row_split_by_its_total():
    readings, how = row_candidates([tok("640020470")], 7, row_total_check, blanks_vanish=True, sums=(6,))
    assert how == "glued"
    assert [[t.value for t in r] for r in readings] == [["64", "0", "0", "2", "0", "4", "70"]]


def test_vanished_blanks_that_fit_several_places_are_unreadable_not_guessed():
    text = T3_HEAD + "一、本年新收政府信息公开申请数量 | 3 | 3 |\n二、上年结转政府信息公开申请数量 |"
    t3 = cells_of(text, "T3")
    assert t3["new_requests/total"] == ("value", "3")  # every reading agrees on the total
    assert t3["new_requests/natural_persons"] == ("unreadable", None)


def test_item_number_glued_to_data_belongs_to_the_next_label():
    text = (T3_HEAD + "（四）无法提供1.本机关不掌握相关政府信息4910000502.没有现成信息需要另行制作"
            "3000003")
    t3 = cells_of(text, "T3")
    assert t3["result_unavailable_not_held/natural_persons"] == ("value", "49")
    assert t3["result_unavailable_not_held/total"] == ("value", "50")


def test_a_number_before_an_unnumbered_label_stays_with_its_row():
    seg = read_segment("规章 | 0 | 0 | 2 |\n", "规章 | 0 | 0 | 2 |\n", 2, 19)
    assert [t.value for t in seg.tokens] == ["0", "0", "2"]


def test_zero_blank_and_placeholder_stay_different():
    text = ("二、主动公开政府信息情况\n第二十条第（一）项 |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "规章 | 0 |  | / |\n行政规范性文件 | — | 无 | 3件 |\n")
    t2 = cells_of(text, "T2")
    assert t2["rules/issued_this_year"] == ("value", "0")
    assert t2["rules/repealed_this_year"] == ("blank", None)
    assert t2["rules/in_force"] == ("placeholder", None)
    assert t2["normative_documents/in_force"] == ("value", "3")


def test_signed_change_words():
    text = ("第二十条第（五）项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
            "行政许可 | 24 | 增加5 | 0 |\n其他对外管理服务事项 | 3 | 减2 | +19 |\n")
    t2 = cells_of(text, "T2")
    assert t2["administrative_licensing/change_this_year"] == ("value", "5")
    assert t2["other_external_services/change_this_year"] == ("value", "-2")
    assert t2["other_external_services/decisions"] == ("value", "19")
