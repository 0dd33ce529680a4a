"""Build src/report_parser/templates/cells.csv from the spec's canonical_cells.csv.

Adds stable snake_case row_key/col_key to every canonical cell. Run after the spec changes:
    python scripts/build_templates.py ../shared/spec/canonical_cells.csv
"""

import csv
import sys
from pathlib import Path

SEGMENT_KEYS = {
    # T2 sections and rows
    "第二十条第（一）项": "", "第二十条第（五）项": "", "第二十条第（六）项": "",
    "第二十条第（八）项": "", "第二十条第（九）项": "",
    "规章": "rules", "规范性文件": "normative_documents", "行政规范性文件": "normative_documents",
    "行政许可": "administrative_licensing", "其他对外管理服务事项": "other_external_services",
    "行政处罚": "administrative_penalty", "行政强制": "administrative_coercion",
    "行政事业性收费": "administrative_fees", "政府集中采购": "government_procurement",
    # T2 columns
    "本年新制作数量": "made_this_year", "本年新公开数量": "published_this_year",
    "对外公开总数量": "published_total", "上一年项目数量": "items_last_year", "本年增/减": "change_this_year",
    "处理决定数量": "decisions", "采购项目数量": "procurement_items", "采购总金额": "procurement_amount",
    "本年制发件数": "issued_this_year", "本年废止件数": "repealed_this_year", "现行有效件数": "in_force",
    "本年处理决定数量": "decisions_this_year", "本年收费金额（单位：万元）": "fees_this_year_wan_yuan",
    # T3 rows
    "一、本年新收政府信息公开申请数量": "new_requests", "二、上年结转政府信息公开申请数量": "carried_over_from_last_year",
    "三、本年度办理结果": "result", "四、结转下年度继续办理": "carried_over_to_next_year",
    "（一）予以公开": "granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "partly_granted",
    "（三）不予公开": "withheld", "（四）无法提供": "unavailable", "（五）不予处理": "not_processed",
    "（六）其他处理": "other", "（七）总计": "total",
    "1.属于国家秘密": "state_secret", "2.其他法律行政法规禁止公开": "prohibited_by_law",
    "3.危及“三安全一稳定”": "endangers_security_stability", "4.保护第三方合法权益": "third_party_rights",
    "5.属于三类内部事务信息": "internal_affairs", "6.属于四类过程性信息": "process_information",
    "7.属于行政执法案卷": "enforcement_files", "8.属于行政查询事项": "administrative_query",
    "1.本机关不掌握相关政府信息": "not_held", "2.没有现成信息需要另行制作": "needs_creation",
    "3.补正后申请内容仍不明确": "unclear_after_correction",
    "1.信访举报投诉类申请": "petition_or_complaint", "2.重复申请": "repeated_request",
    "3.要求提供公开出版物": "publication_requested", "4.无正当理由大量反复申请": "mass_repeated_requests",
    "5.要求行政机关确认或重新出具已获取信息": "confirm_or_reissue",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "no_correction_in_time",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "fee_not_paid",
    "3.其他": "other",
    # T3 columns
    "自然人": "natural_persons", "法人或其他组织": "", "商业企业": "commercial_enterprises",
    "科研机构": "research_institutions", "社会公益组织": "public_welfare_organizations",
    "法律服务机构": "legal_service_providers", "其他": "other_organizations", "总计": "total",
    # T4 columns
    "行政复议": "review", "行政诉讼": "litigation", "未经复议直接起诉": "direct",
    "复议后起诉": "after_review", "结果维持": "upheld", "结果纠正": "corrected",
    "其他结果": "other_result", "尚未审结": "pending",
}


def key(path: str, empty: str) -> str:
    parts = [SEGMENT_KEYS[s] for s in path.split(" / ")] if path else []
    return "_".join(p for p in parts if p) or empty


def main(src: str) -> None:
    out = Path(__file__).resolve().parent.parent / "src" / "report_parser" / "templates" / "cells.csv"
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["template", "table", "row_path", "col_path", "row_key", "col_key"])
        for r in rows:
            w.writerow([r["template"], r["table"], r["row_path"], r["col_path"],
                        key(r["row_path"], "cases"), key(r["col_path"], "")])
    print(f"wrote {len(rows)} cells to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/spec/canonical_cells.csv")
