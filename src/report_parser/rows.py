"""Report -> rows of the five output tables, without pyarrow.

Worker processes import only this module (and the pipeline), so they stay small; the schemas,
sinks and DataFrames live in ``records``, which re-exports everything here.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from . import __version__
from .model import Report

FORMATS = frozenset({"csv", "parquet", "jsonl"})
DEFAULT_FORMATS = frozenset({"csv", "parquet"})

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
    return (s if s.isascii() else unicodedata.normalize("NFKC", s)) or None


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


# --- rows -> text (CSV and JSON Lines lines, built in the workers) ----------------------------

def csv_field(value: Any) -> Any:
    """Given a row value, return what CSV should print: '' for null, integral floats without .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def csv_text(rows: list[Row]) -> str:
    """Given rows, return them as CSV lines (no header)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([csv_field(v) for v in row] for row in rows)
    return buf.getvalue()


def jsonl_text(columns: Sequence[str], rows: list[Row]) -> str:
    """Given column names and rows, return them as JSON Lines (null as ``null``)."""
    return "".join(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n" for row in rows)
