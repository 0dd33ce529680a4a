"""Reports -> the five tables of output contract v1, as DataFrames or streamed to files.

Each table's columns are defined once, in ``SCHEMAS`` (explicit pyarrow schemas); CSV headers,
JSON Lines keys, Parquet schemas and DataFrame dtypes are all derived from them, so every format
carries the same columns in the same order.

Rows come out in the order reports are written, and within a report in the order its parts,
cells, checks and diagnostics are held. Nulls are empty fields in CSV and ``null`` in JSON Lines.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .model import Report

if TYPE_CHECKING:
    import pandas as pd

CONTRACT_VERSION = "1"
FORMATS = frozenset({"csv", "parquet", "jsonl"})
DEFAULT_FORMATS = frozenset({"csv", "parquet"})
ROW_GROUP_ROWS = 100_000

_S, _I, _F = pa.string(), pa.int64(), pa.float64()


def _schema(*fields: tuple[str, pa.DataType, bool]) -> pa.Schema:
    meta = {"report_parser.contract": CONTRACT_VERSION}
    return pa.schema([pa.field(n, t, nullable=null) for n, t, null in fields], metadata=meta)


# name, type, nullable
SCHEMAS: dict[str, pa.Schema] = {
    "reports": _schema(
        ("report_id", _S, False), ("source", _S, False), ("title", _S, True), ("agency", _S, True),
        ("region", _S, True), ("year", _I, True), ("template", _S, False), ("script", _S, False),
        ("status", _S, False), ("parser_version", _S, False), ("sha256", _S, True),
        ("media_type", _S, True), ("encoding", _S, True), ("url", _S, True), ("final_url", _S, True),
        ("http_status", _I, True), ("fetched_at", _S, True), ("landing_url", _S, True),
    ),
    "cells": _schema(
        ("report_id", _S, False), ("table", _S, False), ("row_path", _S, False),
        ("col_path", _S, False), ("row_key", _S, False), ("col_key", _S, False),
        ("value", _S, True), ("status", _S, False), ("raw", _S, False), ("unit", _S, False),
        ("loc", _S, False),
    ),
    "parts": _schema(
        ("report_id", _S, False), ("part", _I, False), ("title", _S, False), ("heading", _S, False),
        ("text", _S, False), ("start", _I, False), ("end", _I, False),
    ),
    "checks": _schema(
        ("report_id", _S, False), ("check", _S, False), ("scope", _S, False),
        ("expected", _F, True), ("actual", _F, True), ("delta", _F, True), ("result", _S, False),
    ),
    "diagnostics": _schema(
        ("report_id", _S, False), ("stage", _S, False), ("level", _S, False), ("code", _S, False),
        ("message", _S, False),
    ),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
COLUMNS: dict[str, tuple[str, ...]] = {t: tuple(s.names) for t, s in SCHEMAS.items()}

Row = tuple[Any, ...]
_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates (undecodable bytes)


# --- Report -> rows ---------------------------------------------------------------------------

def _text(value: Any) -> str:
    """Given any value, return it as a string every sink can encode (no NUL, no lone surrogate)."""
    s = "" if value is None else str(value)
    if s.isascii() and "\x00" not in s:
        return s
    return _UNENCODABLE.sub("\ufffd", s)


def _opt(value: Any) -> str | None:
    """Given an optional value, return its text, or None when it is missing or empty."""
    s = _text(value)
    return s or None


def _int(value: Any) -> int | None:
    """Given an optional integer-like value, return an int or None."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    """Given an optional number, return a float, or None when missing or not finite."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _stamp(value: Any) -> str | None:
    """Given a datetime or a string, return an ISO 8601 string or None."""
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    return _opt(value)


def _cell_value(status: str, value: str | None) -> str | None:
    """Given a cell's status and value, return the value as ASCII text, or None if not a number."""
    if status != "value" or value is None:
        return None
    s = _text(value).strip()
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


def report_row(report: Report) -> Row:
    """Given a Report, return its row of the ``reports`` table."""
    m = report.meta
    return (
        _text(report.report_id), _text(report.source), _opt(m.title), _opt(m.agency),
        _opt(m.region), _int(m.year), _text(report.template), _text(m.script),
        _text(report.status), __version__, _opt(report.sha256), _opt(report.media_type),
        _opt(report.encoding),
        _opt(report.url), _opt(report.final_url), _int(report.http_status), _stamp(report.fetched_at),
        _opt(report.landing_url),
    )


def cell_rows(report: Report) -> list[Row]:
    """Given a Report, return its rows of the ``cells`` table."""
    rid = _text(report.report_id)
    # table, paths, keys, status and unit come from the templates; raw and loc from the input.
    return [(rid, c.table, c.row_path, c.col_path, c.row_key, c.col_key, _cell_value(c.status, c.value),
             c.status, _text(c.raw), c.unit, _text(c.loc)) for c in report.cells]


def part_rows(report: Report) -> list[Row]:
    """Given a Report, return its rows of the ``parts`` table."""
    rid = _text(report.report_id)
    return [(rid, int(p.part), _text(p.title), _text(p.heading), _text(p.text), int(p.start),
             int(p.end)) for p in report.parts]


def check_rows(report: Report) -> list[Row]:
    """Given a Report, return its rows of the ``checks`` table."""
    rid = _text(report.report_id)
    return [(rid, c.check, c.scope, _float(c.expected), _float(c.actual), _float(c.delta), c.result)
            for c in report.checks]


def diagnostic_rows(report: Report) -> list[Row]:
    """Given a Report, return its rows of the ``diagnostics`` table."""
    rid = _text(report.report_id)
    return [(rid, _text(d.stage), _text(d.level), _text(d.code), _text(d.message))
            for d in report.diagnostics]


def rows_of(report: Report) -> dict[str, list[Row]]:
    """Given a Report, return its rows for each of the five tables, in ``TABLES`` order."""
    return {
        "reports": [report_row(report)],
        "cells": cell_rows(report),
        "parts": part_rows(report),
        "checks": check_rows(report),
        "diagnostics": diagnostic_rows(report),
    }


# --- rows -> Arrow / pandas -------------------------------------------------------------------

def to_arrow(table: str, rows: list[Row]) -> pa.Table:
    """Given a table name and its rows, return an Arrow table with the contract's schema."""
    schema = SCHEMAS[table]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)]
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

def _csv_field(value: Any) -> Any:
    """Given a row value, return what CSV should print: '' for null, integral floats without .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


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


__all__ = ["COLUMNS", "FORMATS", "SCHEMAS", "TABLES", "RecordWriter", "open_writers", "rows_of",
           "to_arrow", "to_frames"]
