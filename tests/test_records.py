"""The five output tables: one schema per table, the same in CSV, Parquet and JSON Lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from report_parser import to_frames
from report_parser.model import Cell, CheckResult, Diagnostic, Meta, Part, Report
from report_parser.records import (
    COLUMNS,
    CSV_BLOCK,
    SCHEMAS,
    TABLES,
    from_csv,
    open_writers,
    rows_of,
    to_arrow,
)
from report_parser.rows import csv_text

ALL_FORMATS = ("csv", "parquet", "jsonl")

# (row_key, status, value, raw): 0, blank and the two placeholders are four different facts.
CELLS = [
    ("zero", "value", "0", "0"),
    ("blank", "blank", None, ""),
    ("slash", "placeholder", None, "/"),
    ("dash", "placeholder", None, "—"),
    ("negative", "value", "-3", "减3"),
    ("money", "value", "4816.34", "4816.34万元"),
    ("glued", "unreadable", None, "640020470"),
    ("cut", "absent", None, ""),
]


def _cell(row_key: str, status: str, value: str | None, raw: str) -> Cell:
    return Cell("T3", f"行 / {row_key}", "总计", row_key, "total", status, value, raw,
                "万元" if row_key == "money" else "", "lines 40-41")


def sample_report() -> Report:
    """A report with rows in every table and every cell status."""
    return Report(
        report_id="a1b2c3d4e5f60718", source="in/宿迁 2021.txt", status="partial", template="2021",
        meta=Meta("宿迁市人社局2021年政府信息公开工作年度报告", "宿迁市人力资源和社会保障局",
                  "宿迁市", 2021, "traditional"),
        parts=(Part(0, "", "", "前言", 0, 2), Part(1, "总体情况", "一、總體情況", "正文\n第二行", 2, 9)),
        cells=tuple(_cell(*c) for c in CELLS),
        checks=(CheckResult("t3_identity", "总计", 16.0, 16.0, "pass"),
                CheckResult("row_total", "自然人", 5.0, 4.5, "fail"),
                CheckResult("t4_block", "行政复议", None, 3.0, "skipped")),
        diagnostics=(Diagnostic("tables", "warning", "glued_digits", "640020470: two assignments fit"),),
        sha256="ab" * 32, encoding="utf-8",
    )


def bare_report() -> Report:
    """A failed report: no year, no metadata, only a diagnostic."""
    return Report("0000000000000000", "empty.txt", "failed", "unknown", Meta(),
                  diagnostics=(Diagnostic("extract", "error", "empty_input", "no bytes"),))


def write_all(out: Path, reports: list[Report], **kwargs) -> Path:
    with open_writers(out, ALL_FORMATS, **kwargs) as writer:
        for report in reports:
            writer.write(report)
    return out


def read_rows(out: Path, table: str, fmt: str) -> list[dict]:
    """Read one table back as dicts; CSV gives strings ('' for null), the others typed values."""
    path = out / f"{table}.{fmt}"
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return write_all(tmp_path_factory.mktemp("records"), [sample_report(), bare_report()])


def test_schemas_are_explicit_and_cover_the_contract():
    assert TABLES == ("reports", "cells", "parts", "checks", "diagnostics")
    assert COLUMNS["cells"] == ("report_id", "table", "row_path", "col_path", "row_key", "col_key",
                                "value", "status", "raw", "unit", "loc")
    assert SCHEMAS["reports"].field("year").type == pa.int64()
    assert SCHEMAS["cells"].field("value").type == pa.string()
    assert not SCHEMAS["cells"].field("report_id").nullable


@pytest.mark.parametrize("table", TABLES)
def test_same_columns_in_every_format(out, table):
    with (out / f"{table}.csv").open(encoding="utf-8") as f:
        assert tuple(next(csv.reader(f))) == COLUMNS[table]
    assert pq.read_schema(out / f"{table}.parquet").equals(SCHEMAS[table])
    rows = read_rows(out, table, "jsonl")
    assert rows, "every table has rows in this sample"
    assert all(tuple(row) == COLUMNS[table] for row in rows)
    assert len(read_rows(out, table, "csv")) == len(rows) == len(read_rows(out, table, "parquet"))


def test_headers_written_with_zero_rows(tmp_path):
    write_all(tmp_path, [])
    for table in TABLES:
        text = (tmp_path / f"{table}.csv").read_text(encoding="utf-8")
        assert text == ",".join(COLUMNS[table]) + "\n"
        parquet = pq.read_table(tmp_path / f"{table}.parquet")
        assert parquet.num_rows == 0 and parquet.schema.equals(SCHEMAS[table])
        assert (tmp_path / f"{table}.jsonl").read_text(encoding="utf-8") == ""


def test_year_is_an_integer_everywhere(out):
    assert [r["year"] for r in read_rows(out, "reports", "csv")] == ["2021", ""]
    assert [r["year"] for r in read_rows(out, "reports", "parquet")] == [2021, None]
    assert [r["year"] for r in read_rows(out, "reports", "jsonl")] == [2021, None]
    frame = to_frames([sample_report(), bare_report()])["reports"]
    assert str(frame["year"].dtype) == "Int64"
    assert frame["year"].iloc[0] == 2021 and frame["year"].isna().iloc[1]


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_zero_blank_and_placeholder_survive_a_round_trip(out, fmt):
    got = {r["row_key"]: r for r in read_rows(out, "cells", fmt)}
    for row_key, status, value, raw in CELLS:
        assert got[row_key]["status"] == status
        assert (got[row_key]["value"] or None) == value  # CSV prints null as ''
        assert got[row_key]["raw"] == raw
    assert got["zero"]["value"] == "0"  # a string, as printed: not 0, 0.0 or False
    assert got["money"]["unit"] == "万元"


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_text_and_order_survive(out, fmt):
    reports = read_rows(out, "reports", fmt)
    assert [r["source"] for r in reports] == ["in/宿迁 2021.txt", "empty.txt"]
    assert reports[0]["script"] == "traditional" and reports[0]["parser_version"] == "0.1.0"
    parts = read_rows(out, "parts", fmt)
    assert [str(p["part"]) for p in parts] == ["0", "1"]
    assert parts[1]["text"] == "正文\n第二行" and str(parts[1]["end"]) == "9"
    diags = read_rows(out, "diagnostics", fmt)
    assert [d["report_id"] for d in diags] == ["a1b2c3d4e5f60718", "0000000000000000"]


def test_checks_keep_numbers_and_delta(out):
    csv_rows = read_rows(out, "checks", "csv")
    assert [(r["expected"], r["actual"], r["delta"]) for r in csv_rows] == [
        ("16", "16", "0"), ("5", "4.5", "-0.5"), ("", "3", "")]
    parquet_rows = read_rows(out, "checks", "parquet")
    assert [r["delta"] for r in parquet_rows] == [0.0, -0.5, None]
    assert [r["result"] for r in read_rows(out, "checks", "jsonl")] == ["pass", "fail", "skipped"]


def test_output_is_deterministic(tmp_path):
    reports = [sample_report(), bare_report()]
    first, second = write_all(tmp_path / "a", reports), write_all(tmp_path / "b", reports)
    for table in TABLES:
        for fmt in ("csv", "jsonl"):
            assert (first / f"{table}.{fmt}").read_bytes() == (second / f"{table}.{fmt}").read_bytes()
        assert pq.read_table(first / f"{table}.parquet").equals(pq.read_table(second / f"{table}.parquet"))


def test_parquet_is_written_in_row_groups(tmp_path):
    write_all(tmp_path, [sample_report()] * 30, row_group_rows=50)
    meta = pq.ParquetFile(tmp_path / "cells.parquet").metadata
    assert meta.num_rows == 30 * len(CELLS) and meta.num_row_groups >= 4


def test_text_no_sink_can_encode_is_replaced_not_fatal(tmp_path):
    odd = Report("1111111111111111", "bad\udcffname.txt", "failed", "unknown", Meta(),
                 diagnostics=(Diagnostic("extract", "error", "x", "NUL\x00 and \udcff"),))
    write_all(tmp_path, [odd])
    for fmt in ALL_FORMATS:
        (row,) = read_rows(tmp_path, "diagnostics", fmt)
        assert row["message"] == "NUL\ufffd and \ufffd"


def awkward_report() -> Report:
    """Text CSV must quote, a float with many digits, nulls and empty strings side by side."""
    r = sample_report()
    part = Part(2, "主动公开政府信息情况", '二、"主动", 公开\r\n第二行,\n', 'a,"b"\n\n', 9, 40)
    return Report(r.report_id, 'in/a,"b".txt', "ok", "2019", Meta(title="", agency="", region=None, year=None),
                  parts=(*r.parts, part), cells=r.cells,
                  checks=(CheckResult("t3_identity", "总计", 0.1 + 0.2, -1e-300, "fail"),
                          CheckResult("t3_identity", "末尾", 1e16, 2.5e-7, "fail")),
                  diagnostics=(Diagnostic("read", "info", "x", ""),), url="", http_status=None,
                  fetched_at="2026-11-26T21:00:00+08:00")


@pytest.mark.parametrize("make", [sample_report, bare_report, awkward_report])
def test_parquet_read_from_csv_text_equals_the_rows(make):
    # The batch builds Parquet from the workers' CSV text: it must give exactly the Arrow table
    # of the rows themselves — types, nulls (never ''), floats to the last digit, quoted newlines.
    for table, rows in rows_of(make()).items():
        expected = to_arrow(table, rows)
        got = from_csv(table, csv_text(rows).encode("utf-8"))
        assert got.schema.equals(expected.schema, check_metadata=True)
        assert got.to_pylist() == expected.to_pylist()
        assert got.equals(expected)


def test_csv_text_larger_than_the_reader_blocks_reads_back_row_for_row():
    # Quoted fields with newlines and quotes fall across the C++ reader's block boundaries.
    rows = [(f"r{i:05d}", i % 7, "主动公开" * (i % 5), '一、"总体"\n' * (i % 9), f"第{i}段,\n\n“引号”" + "字" * (i % 300),
             i * 10, i * 10 + 9) for i in range(12_000)]
    data = csv_text(rows).encode("utf-8")
    assert len(data) > 3 * CSV_BLOCK
    got = from_csv("parts", data, row_bytes=max(len(csv_text([r]).encode()) for r in rows))
    assert got.num_rows == len(rows)
    assert got.equals(to_arrow("parts", rows))


def test_a_row_longer_than_a_block_reads_back_when_its_size_is_known():
    rows = [("a", 1, "总体", "一、", "短", 0, 1), ("b", 2, "主动", "二、", "长" * CSV_BLOCK, 1, 2), ("c", 3, "", "", "", 2, 3)]
    data = csv_text(rows).encode("utf-8")
    longest = max(len(csv_text([r]).encode()) for r in rows)
    assert longest > 2 * CSV_BLOCK
    assert from_csv("parts", data, row_bytes=longest).equals(to_arrow("parts", rows))
    assert from_csv("parts", data).equals(to_arrow("parts", rows))  # unbounded rows: one block


def test_empty_text_is_null_in_nullable_columns_and_empty_in_the_others():
    row = rows_of(awkward_report())["reports"][0]
    named = dict(zip(COLUMNS["reports"], row, strict=True))
    assert named["title"] is None and named["agency"] is None and named["url"] is None
    parts = from_csv("parts", csv_text(rows_of(bare_report())["parts"]).encode()).to_pylist()
    assert parts == []
    diags = from_csv("diagnostics", csv_text(rows_of(awkward_report())["diagnostics"]).encode()).to_pylist()
    assert diags[0]["message"] == "" and diags[0]["code"] == "x"


def test_to_frames_has_the_contract_columns():
    frames = to_frames(sample_report())  # one Report or an iterable of them
    assert tuple(frames) == TABLES
    for table, frame in frames.items():
        assert tuple(frame.columns) == COLUMNS[table]
    cells = frames["cells"].set_index("row_key")
    assert cells.loc["zero", "value"] == "0" and cells["value"].isna()["blank"]
    assert str(frames["parts"]["start"].dtype) == "Int64"
    empty = to_frames([])
    assert all(len(f) == 0 and tuple(f.columns) == COLUMNS[t] for t, f in empty.items())


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        open_writers(tmp_path, {"xlsx"})


def test_readme_documents_every_column():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = readme.split(f"\n### {table}\n", 1)[1].split("\n#", 1)[0]
        documented = tuple(line.split("`")[1] for line in section.splitlines()
                           if line.startswith("| `"))
        assert documented == COLUMNS[table], table
