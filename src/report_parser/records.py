"""Reports -> the five tables of output contract v1, as DataFrames or streamed to files.

Each table's columns are defined once, in ``SCHEMAS`` (explicit pyarrow schemas); CSV headers,
JSON Lines keys, Parquet schemas and DataFrame dtypes are all derived from them, so every format
carries the same columns in the same order.

Rows come out in the order reports are written, and within a report in the order its parts,
cells, checks and diagnostics are held. Nulls are empty fields in CSV and ``null`` in JSON Lines.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .model import Report
from .rows import (  # noqa: F401
    DEFAULT_FORMATS,
    FORMATS,
    Row,
    cell_rows,
    check_rows,
    diagnostic_rows,
    part_rows,
    report_row,
    rows_of,
)
from .rows import csv_field as _csv_field

if TYPE_CHECKING:
    import pandas as pd

CONTRACT_VERSION = "1"
ROW_GROUP_ROWS = 100_000
CSV_BLOCK = 1 << 20  # bytes ``from_csv`` parses at a time: its memory is a few blocks beyond the result

_S, _I, _F = pa.string(), pa.int64(), pa.float64()


def _schema(about: str, *fields: tuple[str, pa.DataType, bool, str]) -> pa.Schema:
    """Given a table's description and its (name, type, nullable, description) fields, return its schema."""
    meta = {"report_parser.contract": CONTRACT_VERSION, "report_parser.description": about}
    return pa.schema([pa.field(n, t, nullable=null, metadata={"description": d}) for n, t, null, d in fields],
                     metadata=meta)


_FETCH = "fetch provenance: "
# name, type, nullable, meaning. The data dictionary (docs/schema.md), the JSON Schema
# (docs/schema.json) and the README's tables are generated from these (``report-parser schema``).
SCHEMAS: dict[str, pa.Schema] = {
    "reports": _schema(
        "One row per source document (a file, a URL, a manifest row); failures included.",
        ("report_id", _S, False, "deterministic id (hash of the source bytes)"),
        ("source", _S, False, "the input path or URL exactly as given (joined with the folder for files found in one)"),
        ("title", _S, True, "the report's title as printed"),
        ("agency", _S, True, "the reporting body, in Simplified characters"),
        ("region", _S, True, "the region named in the agency's name, when it has one"),
        ("year", _I, True, "the year the report covers (not the publication year)"),
        ("template", _S, False, "`2019`, `2021`, `pre2019` or `unknown` (detected from the table labels)"),
        ("script", _S, False, "`simplified` or `traditional` (as printed)"),
        ("status", _S, False, "`ok`, `partial` (something was cut off or unreadable) or `failed`"),
        ("parser_version", _S, False, "version of report_parser that wrote the row"),
        ("sha256", _S, True, "SHA-256 of the source bytes"),
        ("media_type", _S, True, "media type of the source, e.g. `text/plain`"),
        ("encoding", _S, True, "character encoding the text was decoded from"),
        ("url", _S, True, _FETCH + "URL asked for (empty for local files)"),
        ("final_url", _S, True, _FETCH + "URL after redirects"),
        ("http_status", _I, True, _FETCH + "HTTP status"),
        ("fetched_at", _S, True, _FETCH + "ISO 8601 time of the fetch"),
        ("landing_url", _S, True, _FETCH + "the page that linked to the report when the report is an attachment"),
    ),
    "cells": _schema(
        "One row per canonical data cell of each table present (T2, T3, T4 of the detected template).",
        ("report_id", _S, False, "the report"),
        ("table", _S, False, "`T2`, `T3` or `T4`"),
        ("row_path", _S, False, "row label path, exactly as in `spec/canonical_cells.csv`"),
        ("col_path", _S, False, "column label path, exactly as in `spec/canonical_cells.csv`"),
        ("row_key", _S, False, "stable snake_case key of the row"),
        ("col_key", _S, False, "stable snake_case key of the column"),
        ("value", _S, True, "the number as printed, in ASCII (`4816.34`, `-3`, `0`); null unless `status` is `value`"),
        ("status", _S, False, "`value`, `blank`, `placeholder`, `unreadable` or `absent` (see below)"),
        ("raw", _S, False, "the text as printed in the cell"),
        ("unit", _S, False, "the unit printed with the number (`元`, `万元`), or empty"),
        ("loc", _S, False, ("where it came from: `line 12` / `lines 12-13` of the text, an XPath to the `<td>` "
                            "for HTML, `page N bbox x0,top,x1,bottom` for PDF")),
    ),
    "parts": _schema(
        "One row per part found: the six parts and the preamble.",
        ("report_id", _S, False, "the report"),
        ("part", _I, False, "1–6 for the six parts, 0 for the preamble"),
        ("title", _S, False, "the canonical title of the part"),
        ("heading", _S, False, "the heading as printed"),
        ("text", _S, False, "the part's text as printed"),
        ("start", _I, False, "character offset where the part starts in the source text"),
        ("end", _I, False, "character offset where it ends"),
    ),
    "checks": _schema(
        "One row per identity checked on the report's tables.",
        ("report_id", _S, False, "the report"),
        ("check", _S, False, "which identity (T3 per column, row totals, （七） = sum of results, T4 blocks)"),
        ("scope", _S, False, "the column, row or block it was applied to"),
        ("expected", _F, True, "what the identity says the value should be"),
        ("actual", _F, True, "what the report prints"),
        ("delta", _F, True, "`actual − expected`"),
        ("result", _S, False, "`pass`, `fail`, or `skipped` (it touches a blank, absent or unreadable cell)"),
    ),
    "diagnostics": _schema(
        "One row per oddity recovered from, and per reason a document failed.",
        ("report_id", _S, False, "the report"),
        ("stage", _S, False, "pipeline stage that noticed (`read`, `extract`, `split`, `tables`, …)"),
        ("level", _S, False, "`info`, `warning` or `error`"),
        ("code", _S, False, "stable machine-readable code (`empty_input`, `internal_error`, `timeout`, …)"),
        ("message", _S, False, "what happened, for a human"),
    ),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
COLUMNS: dict[str, tuple[str, ...]] = {t: tuple(s.names) for t, s in SCHEMAS.items()}


# --- rows -> Arrow / pandas -------------------------------------------------------------------

def to_arrow(table: str, rows: list[Row]) -> pa.Table:
    """Given a table name and its rows, return an Arrow table with the contract's schema."""
    schema = SCHEMAS[table]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def from_csv(table: str, data: bytes, *, row_bytes: int | None = None) -> pa.Table:
    """Given a table name and its rows as CSV (``rows.csv_text``, UTF-8, no header), return an
    Arrow table with the contract's schema, equal to ``to_arrow`` of the same rows.

    CSV prints null and the empty string alike; this reads the difference back from the schema:
    an empty field is null in a nullable column and ``""`` in a text column that is not nullable
    (rows never hold ``""`` in a nullable text column: ``rows`` writes None there instead).
    Parsing is pyarrow's C++ reader: the batch parent builds Parquet this way. It reads
    ``CSV_BLOCK`` bytes at a time, or more when ``row_bytes`` (the most a row can take, e.g. the
    longest report's text) says a row may be longer; without it the data is one block.
    """
    from pyarrow import csv as pacsv

    schema = SCHEMAS[table]
    if not data:
        return schema.empty_table()
    block = max(CSV_BLOCK, len(data) if row_bytes is None else row_bytes) + 1  # a row never spans two blocks
    parsed = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=schema.names, use_threads=False, block_size=block),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={f.name: f.type for f in schema},
                                             null_values=[""], strings_can_be_null=False),
    )
    arrays = []
    for f, column in zip(schema, parsed.columns, strict=True):
        if f.nullable and f.type == pa.string():
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=schema)


def to_frames(reports: Report | Iterable[Report]) -> dict[str, pd.DataFrame]:
    """Given one Report or many, return the five tables as DataFrames (integers stay integers)."""
    import pandas as pd  # here, not at the top: the command line never needs pandas

    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}
    if isinstance(reports, Report):
        reports = [reports]
    rows: dict[str, list[Row]] = {t: [] for t in TABLES}
    for report in reports:
        for table, new in rows_of(report).items():
            rows[table].extend(new)
    return {t: to_arrow(t, r).to_pandas(types_mapper=types.get) for t, r in rows.items()}


# --- streaming writers ------------------------------------------------------------------------

class _CsvSink:
    def __init__(self, path: Path, table: str) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(COLUMNS[table])

    def write(self, rows: list[Row]) -> None:
        self._writer.writerows([_csv_field(v) for v in row] for row in rows)

    def close(self) -> None:
        self._file.close()


class _JsonlSink:
    def __init__(self, path: Path, table: str) -> None:
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._columns = COLUMNS[table]

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            self._file.write(json.dumps(dict(zip(self._columns, row, strict=True)), ensure_ascii=False))
            self._file.write("\n")

    def close(self) -> None:
        self._file.close()


class _ParquetSink:
    """Buffers rows and writes them as row groups, so memory stays flat however many reports."""

    ROW_GROUP_CHARS = 64 * 1024 * 1024

    def __init__(self, path: Path, table: str, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self._table = table
        self._max_rows = row_group_rows
        self._writer = pq.ParquetWriter(path, SCHEMAS[table], compression="zstd")
        self._rows: list[Row] = []
        self._chars = 0

    def write(self, rows: list[Row]) -> None:
        self._rows.extend(rows)
        self._chars += sum(len(v) for row in rows for v in row if isinstance(v, str))
        if len(self._rows) >= self._max_rows or self._chars >= self.ROW_GROUP_CHARS:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_table(to_arrow(self._table, self._rows))
            self._rows, self._chars = [], 0

    def close(self) -> None:
        self.flush()
        self._writer.close()


def _open_sink(fmt: str, path: Path, table: str, row_group_rows: int) -> Any:
    """Given a format and a table, return an open sink writing it to ``path``."""
    if fmt == "parquet":
        return _ParquetSink(path, table, row_group_rows)
    return _CsvSink(path, table) if fmt == "csv" else _JsonlSink(path, table)


class RecordWriter:
    """Streams reports to ``DIR/<table>.<format>``; every file gets its header even with no rows."""

    def __init__(self, out_dir: str | Path, formats: Iterable[str] = DEFAULT_FORMATS,
                 row_group_rows: int = ROW_GROUP_ROWS) -> None:
        chosen = sorted(set(formats))
        unknown = [f for f in chosen if f not in FORMATS]
        if unknown or not chosen:
            raise ValueError(f"formats must be a non-empty subset of {sorted(FORMATS)}, got {chosen}")
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.formats = tuple(chosen)
        self._sinks: list[tuple[str, Any]] = []
        try:
            for fmt in self.formats:
                for table in TABLES:
                    path = self.out_dir / f"{table}.{fmt}"
                    self._sinks.append((table, _open_sink(fmt, path, table, row_group_rows)))
        except BaseException:
            self.close()
            raise

    def write(self, report: Report) -> None:
        """Write one report's rows to every table and format (rows are built before any write)."""
        rows = rows_of(report)
        for table, sink in self._sinks:
            sink.write(rows[table])

    def close(self) -> None:
        """Flush and close every file; safe to call twice."""
        sinks, self._sinks = self._sinks, []
        error: BaseException | None = None
        for _, sink in sinks:
            try:
                sink.close()
            except BaseException as exc:  # close the rest before reporting the first failure
                error = error or exc
        if error is not None:
            raise error

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_writers(out_dir: str | Path, formats: Iterable[str] = DEFAULT_FORMATS,
                 row_group_rows: int = ROW_GROUP_ROWS) -> RecordWriter:
    """Given an output folder and formats (csv, parquet, jsonl), return a streaming RecordWriter.

    Parquet rows are buffered and written ``row_group_rows`` at a time (or sooner when the
    buffered text grows large), so memory stays flat however many reports are written.
    """
    return RecordWriter(out_dir, formats, row_group_rows)


__all__ = ["COLUMNS", "FORMATS", "SCHEMAS", "TABLES", "RecordWriter", "from_csv", "open_writers", "rows_of",
           "to_arrow", "to_frames"]
