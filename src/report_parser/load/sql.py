"""Warehouse tables and the wide view, as SQL generated from ``records.SCHEMAS``.

Every table gets ``parser_version`` (the reports row's), and ``parts``, ``checks`` and
``diagnostics`` a ``seq`` (the row's place within its report), so each has a primary key:

    reports      (report_id, parser_version)
    cells        (report_id, parser_version, table, row_key, col_key)
    parts        (report_id, parser_version, seq)
    checks       (report_id, parser_version, seq)
    diagnostics  (report_id, parser_version, seq)

``reports_wide`` has one row per report: a few reports columns, then every T3 cell of the 2021
and 2019 templates as a BIGINT column named ``<row_key>__<col_key>`` (null unless the cell holds
a number). Names longer than PostgreSQL's 63 characters are cut to 54 and given 8 hex digits of
their SHA-1, so both warehouses use the same names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from .. import templates
from ..records import SCHEMAS, TABLES

KEYS = {"reports": ("report_id", "parser_version"),
        "cells": ("report_id", "parser_version", "table", "row_key", "col_key"),
        "parts": ("report_id", "parser_version", "seq"),
        "checks": ("report_id", "parser_version", "seq"),
        "diagnostics": ("report_id", "parser_version", "seq")}
WIDE = "reports_wide"
WIDE_REPORT_COLUMNS = ("report_id", "parser_version", "source", "agency", "region", "year", "template", "status")
MAX_NAME = 63


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between DuckDB and PostgreSQL in our SQL."""

    name: str
    types: dict[pa.DataType, str]
    to_bigint: str  # an expression turning the text column c.value into a BIGINT, or NULL


DUCKDB = Dialect("duckdb", {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE"},
                 "TRY_CAST(c.value AS BIGINT)")
POSTGRES = Dialect("postgresql", {pa.string(): "TEXT", pa.int64(): "BIGINT", pa.float64(): "DOUBLE PRECISION"},
                   "CASE WHEN c.value ~ '^-?[0-9]{1,18}$' THEN c.value::BIGINT END")


def q(name: str) -> str:
    """Given an identifier, return it quoted (``table``, ``check`` and ``end`` are reserved words)."""
    return '"' + name.replace('"', '""') + '"'


def columns(table: str) -> tuple[tuple[str, pa.DataType, bool], ...]:
    """Given a table, return its warehouse columns: (name, type, nullable), keys first."""
    fields = [(f.name, f.type, f.nullable) for f in SCHEMAS[table]]
    if table == "reports":
        return tuple(fields)
    extra = [("parser_version", pa.string(), False)] + ([("seq", pa.int64(), False)] if "seq" in KEYS[table] else [])
    return (fields[0], *extra, *fields[1:])


def column_names(table: str) -> tuple[str, ...]:
    return tuple(name for name, _, _ in columns(table))


def create_table(table: str, dialect: Dialect) -> str:
    """Given a table, return its CREATE TABLE IF NOT EXISTS statement with its primary key."""
    cols = [f"{q(n)} {dialect.types[t]}{'' if null else ' NOT NULL'}" for n, t, null in columns(table)]
    key = ", ".join(map(q, KEYS[table]))
    return f"CREATE TABLE IF NOT EXISTS {q(table)} (\n  " + ",\n  ".join(cols) + f",\n  PRIMARY KEY ({key})\n)"


def comments(table: str) -> list[str]:
    """Given a table, return COMMENT statements carrying the data dictionary into the warehouse."""
    out = [f"COMMENT ON TABLE {q(table)} IS {_literal(SCHEMAS[table].metadata[b'report_parser.description'].decode())}"]
    for f in SCHEMAS[table]:
        text = (f.metadata or {}).get(b"description", b"").decode()
        out.append(f"COMMENT ON COLUMN {q(table)}.{q(f.name)} IS {_literal(text)}")
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def delete_reports(table: str, staged: str) -> str:
    """Given a table and the staged reports, return a DELETE of every row of those reports."""
    return (f"DELETE FROM {q(table)} USING {q(staged)} s WHERE {q(table)}.report_id = s.report_id "
            f"AND {q(table)}.parser_version = s.parser_version")


def insert_from(table: str, staged: str) -> str:
    names = ", ".join(map(q, column_names(table)))
    return f"INSERT INTO {q(table)} ({names}) SELECT {names} FROM {q(staged)}"


def wide_name(row_key: str, col_key: str) -> str:
    """Given a T3 cell's keys, return its column name in the wide view (at most 63 characters)."""
    name = f"{row_key}__{col_key}"
    if len(name) <= MAX_NAME:
        return name
    return name[:54] + "_" + hashlib.sha1(name.encode()).hexdigest()[:8]


@lru_cache(maxsize=1)
def wide_cells() -> tuple[tuple[str, str], ...]:
    """Return the (row_key, col_key) of every T3 cell of the 2021 template, then 2019's others."""
    seen: dict[tuple[str, str], None] = {}
    for template in ("2021", "2019"):
        for c in templates.cells_for(template):
            if c.table == "T3":
                seen.setdefault((c.row_key, c.col_key), None)
    return tuple(seen)


def create_wide_view(dialect: Dialect) -> str:
    """Return the CREATE OR REPLACE VIEW statement of the wide view."""
    cols = [f"r.{q(c)}" for c in WIDE_REPORT_COLUMNS]
    for row_key, col_key in wide_cells():
        cols.append(f"max(CASE WHEN c.row_key = {_literal(row_key)} AND c.col_key = {_literal(col_key)} "
                    f"THEN {dialect.to_bigint} END) AS {q(wide_name(row_key, col_key))}")
    group = ", ".join(f"r.{q(c)}" for c in WIDE_REPORT_COLUMNS)
    return (f"CREATE OR REPLACE VIEW {WIDE} AS SELECT\n  " + ",\n  ".join(cols) + "\nFROM reports r "
            "LEFT JOIN cells c ON c.report_id = r.report_id AND c.parser_version = r.parser_version "
            f"AND c.{q('table')} = 'T3'\nGROUP BY {group}")


def schema_statements(dialect: Dialect) -> list[str]:
    """Return every statement that creates the tables, their comments and the wide view."""
    out = [create_table(t, dialect) for t in TABLES]
    for t in TABLES:
        out += comments(t)
    return out + [create_wide_view(dialect)]


__all__ = ["DUCKDB", "KEYS", "POSTGRES", "WIDE", "column_names", "columns", "schema_statements", "wide_cells",
           "wide_name"]
