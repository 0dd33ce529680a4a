"""The data dictionary (``docs/schema.md``) and JSON Schema (``docs/schema.json``) of the output.

Both are generated from ``records.SCHEMAS`` — the same definitions the writers use — by
``report-parser schema``; a test fails when the committed files (or the README's column
tables) drift from them. Enumerated values come from the ``Literal`` types of ``model``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pyarrow as pa

from . import model
from .records import CONTRACT_VERSION, SCHEMAS, TABLES

TYPE_NAMES = {pa.string(): "string", pa.int64(): "int64", pa.float64(): "float64"}
JSON_TYPES = {pa.string(): "string", pa.int64(): "integer", pa.float64(): "number"}
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("reports", "template"): get_args(model.Template),
    ("reports", "script"): get_args(model.Script),
    ("reports", "status"): get_args(model.ReportStatus),
    ("cells", "table"): ("T2", "T3", "T4"),
    ("cells", "status"): get_args(model.CellStatus),
    ("checks", "result"): get_args(model.CheckResultKind),
    ("diagnostics", "level"): get_args(model.Level),
}
NOTES = {
    "cells": "Cell statuses: `value` (a number, including `0`), `blank` (the cell is printed empty), "
             "`placeholder` (`/`, `—`, `无` and the like), `unreadable` (text is there but no single reading "
             "fits the template and its identities; `raw` keeps it), `absent` (not in the text, e.g. the page "
             "was cut off). `0`, blank and a placeholder are different facts and are never collapsed.",
}
LAYOUT = """\
## Files

`report-parser parse … --out DIR` writes each table as

- `DIR/<table>.csv` — one UTF-8 file with a header (`--excel`: with a BOM); null is an empty field;
- `DIR/<table>/year=<year>/part-NNNNN.parquet` — a Parquet dataset partitioned by the report's
  year, hive style (`year=unknown` when the year is not known). Hive readers (pandas, pyarrow,
  DuckDB, Spark) add the partition key as a `year` column, read as text; it is not stored inside
  the files, so in `reports` the `year` column comes from the folder name;
- `DIR/<table>.jsonl` — JSON Lines (with `--format jsonl`); null is `null`.

Every format has the columns below, in this order. In the warehouse (`report-parser load`),
`cells`, `parts`, `checks` and `diagnostics` also carry `parser_version` (from the report) and
`parts`, `checks` and `diagnostics` a `seq` (the row's place within its report), so that every
table has a primary key; see the README's "Warehouses".
"""


def _field_type(field: pa.Field) -> str:
    return TYPE_NAMES[field.type] + (", null" if field.nullable else "")


def _description(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"description", b"").decode()


def column_table(table: str) -> str:
    """Given a table name, return its columns as a Markdown table (as in the README)."""
    lines = ["| column | type | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{f.name}` | {_field_type(f)} | {_description(f)} |" for f in SCHEMAS[table]]
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """Return the data dictionary: every table, its columns, types, meanings and allowed values."""
    intro = (f"Output contract version {CONTRACT_VERSION}. Generated from `report_parser.records.SCHEMAS` "
             "by `report-parser schema`; do not edit by hand. The same schemas, as JSON Schema for one "
             "JSON Lines row of each table: `schema.json`.\n")
    out = ["# Output schema (data dictionary)\n", intro, LAYOUT]
    for table in TABLES:
        about = SCHEMAS[table].metadata[b"report_parser.description"].decode()
        out += [f"## {table}\n", about + "\n", column_table(table)]
        values = [f"- `{col}`: " + ", ".join(f"`{v}`" for v in vals) for (t, col), vals in ENUMS.items()
                  if t == table]
        if values:
            out.append("Allowed values:\n\n" + "\n".join(values) + "\n")
        if table in NOTES:
            out.append(NOTES[table] + "\n")
    return "\n".join(out)


def json_schema() -> dict[str, Any]:
    """Return a JSON Schema (2020-12) with one definition per table: a JSON Lines row of it."""
    defs = {}
    for table in TABLES:
        props: dict[str, Any] = {}
        for f in SCHEMAS[table]:
            kind = JSON_TYPES[f.type]
            prop: dict[str, Any] = {"type": [kind, "null"] if f.nullable else kind, "description": _description(f)}
            if (table, f.name) in ENUMS:
                prop["enum"] = list(ENUMS[(table, f.name)]) + ([None] if f.nullable else [])
            props[f.name] = prop
        defs[table] = {"type": "object", "description": SCHEMAS[table].metadata[b"report_parser.description"].decode(),
                       "properties": props, "required": list(SCHEMAS[table].names), "additionalProperties": False}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"report_parser output contract v{CONTRACT_VERSION}",
            "description": "One definition per output table; each describes one JSON Lines row.",
            "$defs": defs}


def write_docs(folder: Path) -> list[Path]:
    """Write ``schema.md`` and ``schema.json`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    md, js = folder / "schema.md", folder / "schema.json"
    md.write_text(markdown(), encoding="utf-8")
    js.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [md, js]


__all__ = ["column_table", "json_schema", "markdown", "write_docs"]
